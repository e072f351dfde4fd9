/*
 * printf_test.c - host tests of lib/printf.c (kvsnprintf, ksnprintf), with
 * glibc's snprintf as the reference for every conversion both support.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/printf.h"
#include "test_support.h"

/* Format with both implementations and require identical text and return. */
#define SAME(...) do {                                                         \
	char ours[256], ref[256];                                              \
	int a, b;                                                              \
	memset(ours, 0x5a, sizeof(ours));                                      \
	a = ksnprintf(ours, sizeof(ours), __VA_ARGS__);                        \
	b = snprintf(ref, sizeof(ref), __VA_ARGS__);                           \
	assert_string_equal(ours, ref);                                        \
	assert_int_equal(a, b);                                                \
} while (0)

static void test_ksnprintf_integers(void **state)
{
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", -2147483647 - 1);
	SAME("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%hd %hu %hhd %hhu", (short)-5, (unsigned short)65535, (signed char)-128, (unsigned char)255);
	/* truncation to the length modifier: an int on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("%hhu %hu", 0x1234, 0x123456);
#pragma GCC diagnostic pop
	SAME("%zu %zd %td %jd %ju", (size_t)12345, (ssize_t)-7, (ptrdiff_t)-9,
	     (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX);
	SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	SAME("%lx %llX %lo", 0xffffffffffffffffUL, 0x123456789abcdefULL, 01777777777777777777777UL);
}

static void test_ksnprintf_flags_width_precision(void **state)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d]", 42, 42, 42, 42, 42, -42, 42);
	SAME("[%016lx] [%#x] [%#X] [%#o] [%#o] [%#x]", 0xabcUL, 255u, 255u, 8u, 0u, 0u);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("[%.3d] [%.0d] [%5.3d] [%-8.3x] [%08.3d] [%.0x]", 7, 0, -7, 0xfu, 5, 0u);
#pragma GCC diagnostic pop
	SAME("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 1, 4, 1, -6, 1);
	SAME("[%#010x] [%#-10x] [%+05d] [% 05d]", 0x1234u, 0x1234u, -3, 3);
	SAME("[%04lx:%016lx]", 0x10UL, 0xffffffff80201234UL);
}

static void test_ksnprintf_strings_chars(void **state)
{
	SAME("[%s] [%10s] [%-10s] [%.2s] [%8.3s] [%.*s]", "abc", "abc", "abc", "abc", "abcdef", 3, "xyzzy");
	SAME("[%c%c] [%3c] [%-3c]", 'o', 'k', 'x', 'y');
	SAME("100%% [%s]", "");
	SAME("%s", "efi: mem: [mem 0x0000000000000000-0x000000000009ffff] usable");
}

static void test_ksnprintf_pointer(void **state)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%p", (void *)0xffff888000001000UL);
	assert_string_equal(buf, "0xffff888000001000");
	ksnprintf(buf, sizeof(buf), "%p", NULL);
	assert_string_equal(buf, "0x0");
	ksnprintf(buf, sizeof(buf), "[%20p]", (void *)0x1234);
	assert_string_equal(buf, "[              0x1234]");
}

static void test_ksnprintf_truncation(void **state)
{
	char buf[8];
	int n;

	memset(buf, 'z', sizeof(buf));
	n = ksnprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
	assert_int_equal(n, 12);                 /* full length, as C's snprintf */
	assert_string_equal(buf, "abcdef-");     /* 7 chars + NUL */

	memset(buf, 'z', sizeof(buf));
	n = ksnprintf(buf, 1, "hello");
	assert_int_equal(n, 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'z');           /* nothing written past n */

	n = ksnprintf(NULL, 0, "%lu", 1234567890UL);
	assert_int_equal(n, 10);                 /* size query with no buffer */
}

static void test_ksnprintf_unknown_conversion(void **state)
{
	char buf[64];

	/* Shown as written, so a bad format is visible in the log. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	ksnprintf(buf, sizeof(buf), "a%qb %d", 5);
	assert_string_equal(buf, "a%qb 5");
	ksnprintf(buf, sizeof(buf), "trailing %");
	assert_string_equal(buf, "trailing %");
	ksnprintf(buf, sizeof(buf), "trailing %08l");
	assert_string_equal(buf, "trailing %08l");
#pragma GCC diagnostic pop
}

static int call_v(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvsnprintf(buf, n, fmt, ap);
	/* The caller's va_list must stay usable: kvsnprintf works on a copy. */
	r += va_arg(ap, int) == 1 ? 0 : 1000;
	va_end(ap);
	return r;
}

static void test_kvsnprintf_va_list(void **state)
{
	char buf[32];

	assert_int_equal(call_v(buf, sizeof(buf), "%d", 1), 1);
	assert_string_equal(buf, "1");
}

/* Random formats against glibc: flags x width x precision x conversion x length. */
static void test_ksnprintf_random_vs_glibc(void **state)
{
	static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-+", "0#", "+0", " -" };
	static const char *const convs[] = { "d", "i", "u", "x", "X", "o", "ld", "lu", "lx", "llx",
					     "hd", "hhx", "zu" };
	unsigned seed = 12345;

	for (int i = 0; i < 20000; i++) {
		char fmt[32], ours[128], ref[128];
		uint64_t v;
		int w, p, a, b;
		const char *c;

		seed = seed * 1103515245 + 12345;
		w = (seed >> 8) % 24;
		p = (int)((seed >> 16) % 22) - 2;    /* -2, -1: no precision */
		c = convs[(seed >> 4) % ARRAY_SIZE(convs)];
		v = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 2) ^ (uint64_t)rand();
		if (i % 7 == 0)
			v = 0;
		if (p < 0)
			snprintf(fmt, sizeof(fmt), "%%%s%d%s", flags[i % ARRAY_SIZE(flags)], w, c);
		else
			snprintf(fmt, sizeof(fmt), "%%%s%d.%d%s", flags[i % ARRAY_SIZE(flags)], w, p, c);
		/* glibc and we both take the argument with the conversion's type;
		 * pass a 64-bit value (int conversions read its low half). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		a = ksnprintf(ours, sizeof(ours), fmt, v);
		b = snprintf(ref, sizeof(ref), fmt, v);
#pragma GCC diagnostic pop
		if (strcmp(ours, ref) != 0 || a != b)
			fail_msg("format \"%s\" value 0x%llx: ours \"%s\" (%d), glibc \"%s\" (%d)", fmt,
				 (unsigned long long)v, ours, a, ref, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksnprintf_integers),
		cmocka_unit_test(test_ksnprintf_flags_width_precision),
		cmocka_unit_test(test_ksnprintf_strings_chars),
		cmocka_unit_test(test_ksnprintf_pointer),
		cmocka_unit_test(test_ksnprintf_truncation),
		cmocka_unit_test(test_ksnprintf_unknown_conversion),
		cmocka_unit_test(test_kvsnprintf_va_list),
		cmocka_unit_test(test_ksnprintf_random_vs_glibc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
