/*
 * srat_test.c - tests of acpi/srat.c: decoding of types 0/1/2, the proximity
 * domain width by revision, skipping of other types, and every broken
 * length (short, zero, overrunning, truncated table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/srat.h"

#define MAX_SEEN 64

struct seen {
	struct srat_entry e[MAX_SEEN];
	unsigned n;
};

static int collect(void *ctx, const struct srat_entry *e, char *reason, size_t rlen)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static struct tbuf tb;
static char reason[160];

static int walk(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	reason[0] = '\0';
	return srat_walk(tb.data, tb.len, collect, s, reason, sizeof(reason));
}

static void test_srat_walk_decodes_all_three_types(void **state)
{
	struct seen s;

	srat_begin(&tb, 3);
	srat_cpu(&tb, 1, 0x05, SRAT_CPU_ENABLED);
	srat_mem(&tb, 2, 0x100000, 0x200000, SRAT_MEM_ENABLED | SRAT_MEM_HOT_PLUGGABLE);
	srat_x2apic(&tb, 3, 0x12345, SRAT_CPU_ENABLED);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.e[0].type, SRAT_TYPE_CPU);
	assert_int_equal(s.e[0].apic_id, 0x05);
	assert_int_equal(s.e[0].pxm, 1);
	assert_true(s.e[0].enabled);
	assert_int_equal(s.e[0].offset, 48);
	assert_int_equal(s.e[1].type, SRAT_TYPE_MEMORY);
	assert_int_equal(s.e[1].base, 0x100000);
	assert_int_equal(s.e[1].length, 0x200000);
	assert_true(s.e[1].flags & SRAT_MEM_HOT_PLUGGABLE);
	assert_int_equal(s.e[2].type, SRAT_TYPE_X2APIC);
	assert_int_equal(s.e[2].apic_id, 0x12345);
	assert_int_equal(s.e[2].pxm, 3);
}

static void test_srat_walk_pxm_8bit_in_revision_1(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_cpu(&tb, 0x01020304, 0, SRAT_CPU_ENABLED);
	srat_mem(&tb, 0x01020304, 0, 0x1000, SRAT_MEM_ENABLED);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.e[0].pxm, 0x04);     /* high bytes ignored */
	assert_int_equal(s.e[1].pxm, 0x04);     /* Linux: pxm &= 0xff */
}

static void test_srat_walk_pxm_32bit_in_revision_2_and_3(void **state)
{
	for (uint8_t rev = 2; rev <= 3; rev++) {
		struct seen s;

		srat_begin(&tb, rev);
		srat_cpu(&tb, 0x01020304, 0, SRAT_CPU_ENABLED);
		srat_mem(&tb, 0x01020304, 0, 0x1000, SRAT_MEM_ENABLED);
		srat_x2apic(&tb, 0x1ff, 0x400, SRAT_CPU_ENABLED);
		tb_finish(&tb);
		assert_int_equal(walk(&s), ACPI_OK);
		assert_int_equal(s.e[0].pxm, 0x01020304);   /* lo | hi << 8 */
		assert_int_equal(s.e[1].pxm, 0x01020304);
		assert_int_equal(s.e[2].pxm, 0x1ff);
	}
}

static void test_srat_walk_reports_disabled_entries(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_mem(&tb, 0, 0, 0, 0);              /* QEMU's zero padding */
	srat_cpu(&tb, 0, 1, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.n, 2);
	assert_false(s.e[0].enabled);
	assert_false(s.e[1].enabled);
}

/* Types 5 (Generic Initiator) is decoded; GICC (3) and anything else is
 * passed undecoded with its type and length, so the caller can name it. */
static void test_srat_walk_decodes_gi_and_passes_unknown_types(void **state)
{
	struct seen s;

	srat_begin(&tb, 3);
	srat_gi(&tb, 0x12345678, SRAT_GI_HANDLE_PCI, "\x01\x00\x08\x00", 4,
		SRAT_GI_ENABLED | SRAT_GI_ARCH_TRANS);
	tb_u8(&tb, 3); tb_u8(&tb, 18);          /* GICC */
	for (int i = 0; i < 16; i++)
		tb_u8(&tb, 0xee);
	srat_cpu(&tb, 7, 7, SRAT_CPU_ENABLED);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.e[0].type, SRAT_TYPE_GI);
	assert_true(s.e[0].enabled);
	assert_int_equal(s.e[0].pxm, 0x12345678);      /* 32 bits, any revision */
	assert_int_equal(s.e[0].handle_type, SRAT_GI_HANDLE_PCI);
	assert_int_equal(s.e[0].handle[0], 1);
	assert_int_equal(s.e[0].handle[2], 8);
	assert_int_equal(s.e[1].type, 3);
	assert_false(s.e[1].enabled);
	assert_int_equal(s.e[1].sub_len, 18);
	assert_int_equal(s.e[1].offset, 48 + 32);
	assert_int_equal(s.e[2].apic_id, 7);
	assert_int_equal(s.e[2].offset, 48 + 32 + 18);
}

static void test_srat_walk_gi_shorter_than_struct(void **state)
{
	struct seen s;

	srat_begin(&tb, 3);
	tb_u8(&tb, 5); tb_u8(&tb, 24);          /* generic initiator, 24 < 32 */
	for (int i = 0; i < 22; i++)
		tb_u8(&tb, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_non_null(strstr(reason, "generic initiator affinity entry at offset 0x30 has length 24"));
}

static void test_srat_walk_entry_shorter_than_struct(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_cpu(&tb, 0, 0, SRAT_CPU_ENABLED);
	tb_u8(&tb, 1); tb_u8(&tb, 24);          /* memory affinity, 24 < 40 */
	for (int i = 0; i < 22; i++)
		tb_u8(&tb, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(reason, "memory affinity entry at offset 0x40 has length 24"));
}

static void test_srat_walk_zero_length_stops(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	tb_u8(&tb, 0); tb_u8(&tb, 0);
	for (int i = 0; i < 14; i++)
		tb_u8(&tb, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(reason, "zero length"));
}

static void test_srat_walk_length_one_stops(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	tb_u8(&tb, 9); tb_u8(&tb, 1);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_non_null(strstr(reason, "too short a length 1"));
}

static void test_srat_walk_overrunning_entry(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_cpu(&tb, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&tb, 0, 0, 0x1000, SRAT_MEM_ENABLED);
	tb.len -= 8;                            /* cut the last entry */
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(reason, "runs past the end of the table"));
}

static void test_srat_walk_truncated_header_byte(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_cpu(&tb, 0, 0, SRAT_CPU_ENABLED);
	tb_u8(&tb, 1);                          /* a lone type byte */
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_non_null(strstr(reason, "truncated subtable header"));
}

static void test_srat_walk_table_length_past_buffer(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_cpu(&tb, 0, 0, SRAT_CPU_ENABLED);
	tb_finish(&tb);
	memset(&s, 0, sizeof(s));
	/* The header says 64 bytes, only 60 are there. */
	assert_int_equal(srat_walk(tb.data, tb.len - 4, collect, &s, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "header length 64 outside [48, 60]"));
	assert_int_equal(srat_walk(tb.data, 47, collect, &s, reason, sizeof(reason)), ACPI_EINVAL);
	assert_int_equal(s.n, 0);
}

static void test_srat_walk_wrapping_memory_range(void **state)
{
	struct seen s;

	srat_begin(&tb, 1);
	srat_mem(&tb, 0, 0xfffffffffffff000ull, 0x2000, SRAT_MEM_ENABLED);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_EINVAL);
	assert_non_null(strstr(reason, "wraps past 2^64"));
	/* The same range disabled is padding, not an error. */
	srat_begin(&tb, 1);
	srat_mem(&tb, 0, 0xfffffffffffff000ull, 0x2000, 0);
	tb_finish(&tb);
	assert_int_equal(walk(&s), ACPI_OK);
}

static int stop_at_second(void *ctx, const struct srat_entry *e, char *reason_, size_t rlen)
{
	unsigned *n = ctx;

	return ++*n == 2 ? 42 : 0;
}

static void test_srat_walk_callback_stops_walk(void **state)
{
	unsigned n = 0;

	srat_begin(&tb, 1);
	for (int i = 0; i < 4; i++)
		srat_cpu(&tb, 0, (uint8_t)i, SRAT_CPU_ENABLED);
	tb_finish(&tb);
	assert_int_equal(srat_walk(tb.data, tb.len, stop_at_second, &n, reason, sizeof(reason)), 42);
	assert_int_equal(n, 2);
}

static void test_srat_walk_iasl_qemu_table(void **state)
{
	size_t len;
	uint8_t *t = aml_load("qemu-2node-srat", &len);
	struct seen s;
	unsigned enabled = 0;

	assert_non_null(t);
	assert_int_equal(acpi_table_check(t, len, "SRAT", reason, sizeof(reason)), ACPI_OK);
	memset(&s, 0, sizeof(s));
	assert_int_equal(srat_walk(t, len, collect, &s, reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(s.n, 7);
	for (unsigned i = 0; i < s.n; i++)
		enabled += s.e[i].enabled;
	assert_int_equal(enabled, 5);
	assert_int_equal(s.e[3].base, 0x100000);
	assert_int_equal(s.e[3].length, 0x3ff00000);
	assert_int_equal(srat_revision(t, len), 1);
	free(t);
}

static void test_srat_walk_iasl_x2apic_revision_3(void **state)
{
	size_t len;
	uint8_t *t = aml_load("big-x2apic-srat", &len);
	struct seen s;

	assert_non_null(t);
	memset(&s, 0, sizeof(s));
	assert_int_equal(srat_walk(t, len, collect, &s, reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(s.n, 11);              /* the generic initiator included */
	assert_int_equal(s.e[5].type, SRAT_TYPE_GI);
	assert_int_equal(s.e[5].pxm, 9);
	assert_int_equal(s.e[1].pxm, 0x102);    /* type 0 with a high byte */
	assert_int_equal(s.e[2].apic_id, 0x100);
	assert_int_equal(s.e[3].pxm, 0x10000);
	assert_false(s.e[4].enabled);
	assert_int_equal(s.e[8].pxm, 1000);
	assert_true(s.e[8].flags & SRAT_MEM_NON_VOLATILE);
	assert_true(s.e[9].flags & SRAT_MEM_HOT_PLUGGABLE);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srat_walk_decodes_all_three_types),
		cmocka_unit_test(test_srat_walk_pxm_8bit_in_revision_1),
		cmocka_unit_test(test_srat_walk_pxm_32bit_in_revision_2_and_3),
		cmocka_unit_test(test_srat_walk_reports_disabled_entries),
		cmocka_unit_test(test_srat_walk_decodes_gi_and_passes_unknown_types),
		cmocka_unit_test(test_srat_walk_gi_shorter_than_struct),
		cmocka_unit_test(test_srat_walk_entry_shorter_than_struct),
		cmocka_unit_test(test_srat_walk_zero_length_stops),
		cmocka_unit_test(test_srat_walk_length_one_stops),
		cmocka_unit_test(test_srat_walk_overrunning_entry),
		cmocka_unit_test(test_srat_walk_truncated_header_byte),
		cmocka_unit_test(test_srat_walk_table_length_past_buffer),
		cmocka_unit_test(test_srat_walk_wrapping_memory_range),
		cmocka_unit_test(test_srat_walk_callback_stops_walk),
		cmocka_unit_test(test_srat_walk_iasl_qemu_table),
		cmocka_unit_test(test_srat_walk_iasl_x2apic_revision_3),
	};

	return cmocka_run_group_tests_name("srat", tests, NULL, NULL);
}
