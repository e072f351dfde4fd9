/*
 * madt_test.c - tests of acpi/madt.c: local APIC and x2APIC entries, the
 * enabled / online-capable flags by MADT revision, placeholders, lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/madt.h"

struct seen {
	struct madt_cpu c[32];
	unsigned n;
};

static int collect(void *ctx, const struct madt_cpu *c, char *reason, size_t rlen)
{
	struct seen *s = ctx;

	if (s->n < 32)
		s->c[s->n] = *c;
	s->n++;
	return 0;
}

static struct tbuf tb;
static char reason[160];

static int walk(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return madt_walk(tb.data, tb.len, collect, s, reason, sizeof(reason));
}

static void test_madt_walk_local_apic_and_x2apic(void **state)
{
	struct seen s;

	madt_begin(&tb, 3);
	madt_lapic(&tb, 0, 0, MADT_CPU_ENABLED);
	madt_ioapic(&tb);
	madt_x2apic(&tb, 0x1234, MADT_CPU_ENABLED, 7);
	madt_lapic(&tb, 1, 1, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.c[0].apic_id, 0);
	assert_true(s.c[0].enabled);
	assert_false(s.c[0].x2apic);
	assert_int_equal(s.c[1].apic_id, 0x1234);
	assert_int_equal(s.c[1].uid, 7);
	assert_true(s.c[1].x2apic);
	assert_false(s.c[2].enabled);
}

static void test_madt_walk_online_capable_needs_revision_5(void **state)
{
	struct seen s;

	madt_begin(&tb, 4);
	madt_lapic(&tb, 0, 3, MADT_CPU_ONLINE_CAPABLE);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_false(s.c[0].online_capable);    /* bit 1 was reserved before 6.3 */
	madt_begin(&tb, 5);
	madt_lapic(&tb, 0, 3, MADT_CPU_ONLINE_CAPABLE);
	madt_x2apic(&tb, 0x300, MADT_CPU_ONLINE_CAPABLE, 1);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_true(s.c[0].online_capable);
	assert_true(s.c[1].online_capable);
	assert_false(s.c[1].enabled);
}

static void test_madt_walk_skips_placeholder_ids(void **state)
{
	struct seen s;

	madt_begin(&tb, 3);
	madt_lapic(&tb, 0, 0xff, MADT_CPU_ENABLED);
	madt_x2apic(&tb, 0xffffffffu, MADT_CPU_ENABLED, 0);
	madt_lapic(&tb, 1, 1, MADT_CPU_ENABLED);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.c[0].apic_id, 1);
}

static void test_madt_walk_short_x2apic_entry(void **state)
{
	struct seen s;

	madt_begin(&tb, 3);
	madt_lapic(&tb, 0, 0, MADT_CPU_ENABLED);
	tb_u8(&tb, 9); tb_u8(&tb, 8);           /* x2APIC with length 8 < 16 */
	tb_u16(&tb, 0); tb_u32(&tb, 5);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(reason, "local x2APIC entry at offset 0x34 has length 8"));
}

static void test_madt_walk_zero_length_and_overrun(void **state)
{
	struct seen s;

	madt_begin(&tb, 3);
	tb_u8(&tb, 1); tb_u8(&tb, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_non_null(strstr(reason, "MADT: subtable at offset 0x2c (type 1) has zero length"));

	madt_begin(&tb, 3);
	madt_lapic(&tb, 0, 0, MADT_CPU_ENABLED);
	madt_ioapic(&tb);
	tb.len -= 4;
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(reason, "runs past the end"));
}

static void test_madt_walk_truncated_table(void **state)
{
	struct seen s;

	madt_begin(&tb, 3);
	madt_lapic(&tb, 0, 0, MADT_CPU_ENABLED);
	tb_finish(&tb);
	memset(&s, 0, sizeof(s));
	assert_int_equal(madt_walk(tb.data, 43, collect, &s, reason, sizeof(reason)), ACPI_EINVAL);
	assert_int_equal(madt_walk(tb.data, tb.len - 1, collect, &s, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_int_equal(s.n, 0);
}

static void test_madt_walk_iasl_table(void **state)
{
	size_t len;
	uint8_t *t = aml_load("big-x2apic-apic", &len);
	struct seen s;

	assert_non_null(t);
	assert_int_equal(acpi_table_check(t, len, "APIC", reason, sizeof(reason)), ACPI_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(madt_walk(t, len, collect, &s, reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(s.n, 7);               /* 0xff placeholder skipped */
	assert_int_equal(s.c[2].apic_id, 2);
	assert_true(s.c[2].online_capable);
	assert_false(s.c[2].enabled);
	assert_int_equal(s.c[5].apic_id, 0x300);
	assert_false(s.c[5].enabled || s.c[5].online_capable);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt_walk_local_apic_and_x2apic),
		cmocka_unit_test(test_madt_walk_online_capable_needs_revision_5),
		cmocka_unit_test(test_madt_walk_skips_placeholder_ids),
		cmocka_unit_test(test_madt_walk_short_x2apic_entry),
		cmocka_unit_test(test_madt_walk_zero_length_and_overrun),
		cmocka_unit_test(test_madt_walk_truncated_table),
		cmocka_unit_test(test_madt_walk_iasl_table),
	};

	return cmocka_run_group_tests_name("madt", tests, NULL, NULL);
}
