/*
 * test_support.h - host stand-ins for the kernel's printk() and panic(),
 * linked into every unit test, fuzzer and the mm benchmark.
 *
 *   printk()  appends to a capture buffer (the "<N>" level prefix removed),
 *             and echoes to stdout when TEST_VERBOSE is set in the
 *             environment or test_log_echo(true) was called;
 *   panic()   records the message; inside EXPECT_PANIC it longjmps back to
 *             the test, elsewhere it fails the running cmocka test (or
 *             aborts, when cmocka is not linked: fuzzers, bench).
 *
 *   EXPECT_PANIC(free_pages(p, 3), "double free");
 *   assert_non_null(test_log_find("Zone ranges:"));
 */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

extern jmp_buf *test_panic_jmp;          /* armed by EXPECT_PANIC */
extern char test_panic_msg[512];         /* the last panic's message */
extern unsigned long test_panic_count;   /* panics seen so far */

/* The captured console text since the last test_log_reset(). */
const char *test_log(void);
size_t test_log_len(void);
void test_log_reset(void);
void test_log_echo(bool on);
/* First occurrence of needle in the capture, or NULL. */
const char *test_log_find(const char *needle);
/* Number of lines in the capture that contain needle. */
unsigned test_log_count(const char *needle);

/* A printf_fn (types.h) that writes into the same capture as printk. */
void test_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The CPU index mm_this_cpu() returns in the calling thread (default 0). */
void test_set_cpu(unsigned int cpu);

/* Defined in test_support.c: cmocka's failure path (weakly linked). */
void test_support_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

/*
 * Run stmt; it must panic with a message containing substr.  Fails the test
 * if it returns normally or panics with another message.  Objects modified
 * by stmt before the panic may be indeterminate unless volatile (setjmp).
 */
#define EXPECT_PANIC(stmt, substr) do {                                        \
	jmp_buf __tp_jb;                                                       \
	jmp_buf *__tp_prev = test_panic_jmp;                                   \
	if (setjmp(__tp_jb) == 0) {                                            \
		test_panic_jmp = &__tp_jb;                                     \
		stmt;                                                          \
		test_panic_jmp = __tp_prev;                                    \
		test_support_fail(__FILE__, __LINE__,                          \
				  "expected a panic with \"%s\" from: %s",    \
				  (substr), #stmt);                            \
	}                                                                      \
	test_panic_jmp = __tp_prev;                                            \
	if (!__builtin_strstr(test_panic_msg, (substr)))                       \
		test_support_fail(__FILE__, __LINE__,                          \
				  "panic \"%s\" lacks \"%s\"",                 \
				  test_panic_msg, (substr));                   \
} while (0)

#endif /* TEST_SUPPORT_H */
