/*
 * slit_test.c - tests of acpi/slit.c: slit_check() accepts a valid matrix
 * and rejects each invalid one (diagonal, off-diagonal, size, header).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/slit.h"

static struct tbuf tb;
static char reason[160];

static int check(void)
{
	reason[0] = '\0';
	return slit_check(tb.data, tb.len, reason, sizeof(reason));
}

static void test_slit_check_valid_matrix(void **state)
{
	const uint8_t m[9] = { 10, 16, 22, 16, 10, 16, 22, 16, 10 };

	slit_build(&tb, 3, m);
	assert_int_equal(check(), 3);
	assert_int_equal(slit_distance(tb.data, 3, 0, 2), 22);
	assert_int_equal(slit_distance(tb.data, 3, 2, 1), 16);
}

static void test_slit_check_asymmetric_and_255_allowed(void **state)
{
	/* Linux accepts asymmetric distances and 255 (unreachable). */
	const uint8_t m[4] = { 10, 255, 20, 10 };

	slit_build(&tb, 2, m);
	assert_int_equal(check(), 2);
}

static void test_slit_check_bad_diagonal(void **state)
{
	const uint8_t m[4] = { 10, 20, 20, 11 };

	slit_build(&tb, 2, m);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_string_equal(reason, "SLIT: diagonal entry [1][1] is 11, not 10");
}

static void test_slit_check_off_diagonal_equal_to_local(void **state)
{
	/* "A lot of BIOSes fill in 10 everywhere" (Linux's slit_valid). */
	const uint8_t m[4] = { 10, 10, 10, 10 };

	slit_build(&tb, 2, m);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_string_equal(reason, "SLIT: off-diagonal entry [0][1] is 10, not above 10");
}

static void test_slit_check_off_diagonal_below_local(void **state)
{
	const uint8_t m[4] = { 10, 20, 5, 10 };

	slit_build(&tb, 2, m);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "[1][0] is 5"));
}

static void test_slit_check_matrix_larger_than_table(void **state)
{
	const uint8_t m[4] = { 10, 20, 20, 10 };

	slit_build(&tb, 2, m);
	/* Claim 3 localities: 9 bytes needed, 4 present. */
	tb.data[36] = 3;
	tb_finish(&tb);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "3 x 3 matrix does not fit in 4 bytes"));
}

static void test_slit_check_huge_locality_count_no_overflow(void **state)
{
	const uint8_t m[4] = { 10, 20, 20, 10 };

	slit_build(&tb, 2, m);
	/* 2^32 + 2: n * n would wrap to 4 + ... in 64 bits it is 2^64 + ...;
	 * must be refused before multiplying. */
	uint64_t n = (1ull << 32) + 2;
	memcpy(tb.data + 36, &n, 8);
	tb_finish(&tb);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "does not fit"));
}

static void test_slit_check_zero_localities(void **state)
{
	slit_build(&tb, 0, NULL);
	assert_int_equal(check(), ACPI_EINVAL);
	assert_non_null(strstr(reason, "zero localities"));
}

static void test_slit_check_truncated(void **state)
{
	const uint8_t m[4] = { 10, 20, 20, 10 };

	slit_build(&tb, 2, m);
	assert_int_equal(slit_check(tb.data, 43, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "shorter than its 44-byte header"));
	assert_int_equal(slit_check(tb.data, tb.len - 1, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "header length 48 outside [44, 47]"));
}

static void test_slit_check_iasl_tables(void **state)
{
	size_t len;
	uint8_t *t = aml_load("qemu-2node-slit", &len);

	assert_non_null(t);
	assert_int_equal(acpi_table_check(t, len, "SLIT", reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(slit_check(t, len, reason, sizeof(reason)), 2);
	assert_int_equal(slit_distance(t, 2, 0, 1), 21);
	free(t);
	t = aml_load("big-x2apic-slit", &len);
	assert_non_null(t);
	assert_int_equal(slit_check(t, len, reason, sizeof(reason)), 4);
	assert_int_equal(slit_distance(t, 4, 3, 0), 22);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slit_check_valid_matrix),
		cmocka_unit_test(test_slit_check_asymmetric_and_255_allowed),
		cmocka_unit_test(test_slit_check_bad_diagonal),
		cmocka_unit_test(test_slit_check_off_diagonal_equal_to_local),
		cmocka_unit_test(test_slit_check_off_diagonal_below_local),
		cmocka_unit_test(test_slit_check_matrix_larger_than_table),
		cmocka_unit_test(test_slit_check_huge_locality_count_no_overflow),
		cmocka_unit_test(test_slit_check_zero_localities),
		cmocka_unit_test(test_slit_check_truncated),
		cmocka_unit_test(test_slit_check_iasl_tables),
	};

	return cmocka_run_group_tests_name("slit", tests, NULL, NULL);
}
