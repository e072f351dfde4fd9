/*
 * test_support.c - printk/panic for host builds (see test_support.h): the
 * console goes to a growable capture buffer, a panic becomes a test failure
 * or a longjmp back into EXPECT_PANIC.  Host-only, so libc is fine here.
 * cmocka is referenced weakly because fuzzers and the bench link this file
 * without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "test_support.h"
#include "mm/pcp.h"

/* cmocka's entry points, NULL when cmocka is not linked in. */
extern void _fail(const char *const file, const int line) __attribute__((weak));
extern void print_error(const char *const format, ...) __attribute__((weak));

jmp_buf *test_panic_jmp;
char test_panic_msg[512];
unsigned long test_panic_count;

static char *log_buf;
static size_t log_len, log_cap;
static int log_echo = -1;       /* -1: not decided yet (read TEST_VERBOSE) */

static void log_append(const char *s, size_t n)
{
	if (log_echo < 0)
		log_echo = getenv("TEST_VERBOSE") != NULL;
	if (log_echo)
		fwrite(s, 1, n, stdout);
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap : 65536;
		char *nb;

		while (log_len + n + 1 > cap)
			cap *= 2;
		nb = realloc(log_buf, cap);
		if (!nb)
			abort();
		log_buf = nb;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

static void log_vprintf(const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		log_append(small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);

		if (!big)
			abort();
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		log_append(big, (size_t)n);
		free(big);
	}
	va_end(ap2);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	size_t before = log_len;

	/* Drop a "<N>" level prefix, as the kernel's console does. */
	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>')
		fmt += 3;
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	return (int)(log_len - before);
}

void test_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

const char *test_log(void)
{
	return log_buf ? log_buf : "";
}

size_t test_log_len(void)
{
	return log_len;
}

void test_log_reset(void)
{
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
}

void test_log_echo(bool on)
{
	log_echo = on;
}

const char *test_log_find(const char *needle)
{
	return strstr(test_log(), needle);
}

unsigned test_log_count(const char *needle)
{
	const char *line = test_log();
	unsigned n = 0;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const char *hit = strstr(line, needle);

		if (hit && hit < line + len)
			n++;
		line += len + (eol ? 1 : 0);
	}
	return n;
}

void test_support_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (print_error && _fail) {
		print_error("ERROR: %s\n", msg);
		_fail(file, line);
	}
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	abort();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test_panic_msg, sizeof(test_panic_msg), fmt, ap);
	va_end(ap);
	test_panic_count++;
	printk("Kernel panic - not syncing: %s\n", test_panic_msg);
	if (test_panic_jmp) {
		jmp_buf *jb = test_panic_jmp;

		test_panic_jmp = NULL;
		longjmp(*jb, 1);
	}
	test_support_fail(__FILE__, __LINE__, "unexpected panic: %s", test_panic_msg);
}

/* mm_this_cpu() (mm/pcp.h): each thread plays the CPU it was told to be. */
static __thread unsigned int test_cpu;

unsigned int mm_this_cpu(void)
{
	return test_cpu;
}

void test_set_cpu(unsigned int cpu)
{
	test_cpu = cpu;
}
