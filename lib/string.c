/*
 * string.c - the C library memory/string routines the kernel needs.
 *
 * Kernel only: GCC may emit calls to memcpy/memset/memmove/memcmp even with
 * -ffreestanding -fno-builtin (struct copies, zeroing), so they must exist.
 * The loader gets them from gnu-efi's libefi and the host from libc; the
 * Makefile leaves this file out of both.  Byte loops, with a word loop for
 * the large aligned case: the kernel has no SSE and copies little.
 */
#include "types.h"

/* Word access that may alias anything. */
typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Copy n bytes; the ranges must not overlap.  Returns dst. */
__no_libcall void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Fill n bytes with (uint8_t)c.  Returns dst. */
__no_libcall void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	if (((uintptr_t)d & 7) == 0 && n >= 8) {
		uint64_t w = 0x0101010101010101ULL * (uint8_t)c;

		for (; n >= 8; n -= 8, d += 8)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

/* Copy n bytes; the ranges may overlap.  Returns dst. */
__no_libcall void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

/* <0, 0, >0 as the first differing byte (unsigned) of a is below, equal, above b's. */
int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

/* strcmp over at most n bytes. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (int)(unsigned char)*a - (int)(unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
