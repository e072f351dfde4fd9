/*
 * ksyms_test.c - host tests of lib/ksyms.c: address -> "name+0xoff/0xsize"
 * over a synthetic table laid out like the generated one (three functions
 * and a gap), including Linux's %pB rule for return addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ksyms.h"

#define BASE 0xffffffff80200000ULL

/* alpha [0x0, 0x40), beta [0x40, 0x100), gap [0x100, 0x120), gamma [0x120, 0x123) */
static const struct ksym syms[] = {
	{ 0x0,   0x40, 0 },
	{ 0x40,  0xc0, 6 },
	{ 0x120, 0x3,  11 },
};
static const char names[] = "alpha\0beta\0gamma";
static const struct ksyms_table tab = { BASE, 3, syms, names };

static char buf[64];

static const char *fmt(uint64_t addr, bool ret)
{
	memset(buf, 'x', sizeof(buf));
	if (!ksyms_format(&tab, addr, ret, buf, sizeof(buf)))
		assert_string_equal(buf, "");
	return buf;
}

static void test_ksyms_format_exact(void **state)
{
	assert_string_equal(fmt(BASE, false), "alpha+0x0/0x40");
	assert_string_equal(fmt(BASE + 0x3f, false), "alpha+0x3f/0x40");
	assert_string_equal(fmt(BASE + 0x40, false), "beta+0x0/0xc0");
	assert_string_equal(fmt(BASE + 0xff, false), "beta+0xbf/0xc0");
	assert_string_equal(fmt(BASE + 0x122, false), "gamma+0x2/0x3");
}

static void test_ksyms_format_outside(void **state)
{
	assert_string_equal(fmt(BASE - 1, false), "");
	assert_string_equal(fmt(BASE + 0x100, false), "");           /* gap */
	assert_string_equal(fmt(BASE + 0x11f, false), "");
	assert_string_equal(fmt(BASE + 0x123, false), "");           /* past the last */
	assert_string_equal(fmt(0, false), "");
	assert_string_equal(fmt(~0ULL, false), "");
}

/* A call that ends a function returns to the next one's first byte: %pB
 * names the caller, with the offset of the address as printed. */
static void test_ksyms_format_return_address(void **state)
{
	assert_string_equal(fmt(BASE + 0x40, true), "alpha+0x40/0x40");
	assert_string_equal(fmt(BASE + 0x41, true), "beta+0x1/0xc0");
	assert_string_equal(fmt(BASE, true), "");                    /* addr - 1 before the table */
	assert_string_equal(fmt(0, true), "");
	assert_string_equal(fmt(BASE + 0x100, true), "beta+0xc0/0xc0");
}

static void test_ksyms_lookup_fields_and_empty_table(void **state)
{
	const struct ksyms_table empty = { 0, 0, NULL, NULL };
	const char *name;
	uint64_t start, size;
	char small[8];

	assert_true(ksyms_lookup(&tab, BASE + 0x50, &name, &start, &size));
	assert_string_equal(name, "beta");
	assert_int_equal(start, BASE + 0x40);
	assert_int_equal(size, 0xc0);
	assert_false(ksyms_lookup(&empty, BASE, &name, &start, &size));
	assert_false(ksyms_lookup(NULL, BASE, &name, &start, &size));
	assert_false(ksyms_format(&empty, BASE, false, buf, sizeof(buf)));
	/* A short buffer is cut and still terminated. */
	assert_true(ksyms_format(&tab, BASE + 0x50, false, small, sizeof(small)));
	assert_string_equal(small, "beta+0x");
}

/* Every byte of a large generated-like table finds its own function. */
static void test_ksyms_lookup_every_byte(void **state)
{
	static struct ksym many[1000];
	static char many_names[1000 * 8];
	struct ksyms_table t = { BASE, 1000, many, many_names };
	uint32_t off = 0;

	for (uint32_t i = 0; i < 1000; i++) {
		many[i] = (struct ksym){ off, 1 + i % 37, i * 8 };
		snprintf(many_names + i * 8, 8, "f%u", i);
		off += 1 + i % 37 + (i % 5 == 0);           /* a one-byte gap now and then */
	}
	for (uint32_t i = 0; i < 1000; i++) {
		for (uint32_t b = 0; b < many[i].size; b++) {
			const char *name;
			uint64_t start, size;

			assert_true(ksyms_lookup(&t, BASE + many[i].off + b, &name, &start, &size));
			assert_string_equal(name, many_names + i * 8);
		}
		if (i % 5 == 0) {
			const char *name;
			uint64_t start, size;

			assert_false(ksyms_lookup(&t, BASE + many[i].off + many[i].size, &name, &start, &size));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksyms_format_exact),
		cmocka_unit_test(test_ksyms_format_outside),
		cmocka_unit_test(test_ksyms_format_return_address),
		cmocka_unit_test(test_ksyms_lookup_fields_and_empty_table),
		cmocka_unit_test(test_ksyms_lookup_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
