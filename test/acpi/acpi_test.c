/*
 * acpi_test.c - tests of acpi/acpi.c: checksums, the table header check,
 * RSDP validation (v1 and v2), XSDT preferred over RSDT with fallback, and
 * lookup by signature through a fake physical memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"

#define MEM_BASE  0x000e0000ull
#define MEM_SIZE  0x10000u
#define RSDP_AT   (MEM_BASE + 0x0)
#define RSDT_AT   (MEM_BASE + 0x100)
#define XSDT_AT   (MEM_BASE + 0x200)
#define T1_AT     (MEM_BASE + 0x1000)
#define T2_AT     (MEM_BASE + 0x2000)
#define T3_AT     (MEM_BASE + 0x3000)

static uint8_t membytes[MEM_SIZE];
static struct fake_mem mem = { MEM_BASE, membytes, MEM_SIZE, 0 };
static const struct acpi_access acc = { &mem, fake_map };
static struct tbuf tb;
static char reason[160];

static int setup(void **state)
{
	memset(membytes, 0, sizeof(membytes));
	reason[0] = '\0';
	return 0;
}

/* A small table with signature sig and one distinguishing byte. */
static void put_table(uint64_t at, const char *sig, uint8_t tag)
{
	tb_begin(&tb, sig, 1);
	tb_u32(&tb, tag);
	tb_finish(&tb);
	fake_put(&mem, at, &tb);
}

static void test_acpi_checksum_sums_mod_256(void **state)
{
	const uint8_t b[] = { 0xff, 0x02, 0x10 };

	assert_int_equal(acpi_checksum(b, 3), 0x11);
	assert_int_equal(acpi_checksum(b, 0), 0);
}

static void test_acpi_table_check_accepts_valid(void **state)
{
	tb_begin(&tb, "SRAT", 3);
	tb_u64(&tb, 1);
	tb_finish(&tb);
	assert_int_equal(acpi_table_check(tb.data, tb.len, "SRAT", reason, sizeof(reason)), ACPI_OK);
	assert_int_equal(acpi_table_check(tb.data, tb.len, NULL, reason, sizeof(reason)), ACPI_OK);
	/* More bytes available than the table: fine. */
	assert_int_equal(acpi_table_check(tb.data, tb.len + 100, "SRAT", reason, sizeof(reason)),
			 ACPI_OK);
}

static void test_acpi_table_check_rejects_each_fault(void **state)
{
	struct acpi_table_header *h = (void *)tb.data;

	tb_begin(&tb, "SRAT", 3);
	tb_u64(&tb, 1);
	tb_finish(&tb);
	assert_int_equal(acpi_table_check(tb.data, 35, "SRAT", reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "shorter than its 36-byte header"));
	assert_int_equal(acpi_table_check(tb.data, tb.len, "SLIT", reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_string_equal(reason, "SLIT: wrong signature \"SRAT\"");
	assert_int_equal(acpi_table_check(tb.data, tb.len - 1, "SRAT", reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "runs past the end of the data"));
	tb.data[40] ^= 1;                       /* body byte: checksum now wrong */
	assert_int_equal(acpi_table_check(tb.data, tb.len, "SRAT", reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_string_equal(reason, "SRAT: checksum mismatch (bytes sum to 0x01, not 0)");
	h->length = 20;
	assert_int_equal(acpi_table_check(tb.data, tb.len, "SRAT", reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "length 20 is shorter than the 36-byte header"));
	h->length = ACPI_TABLE_MAX_LEN + 1;
	assert_int_equal(acpi_table_check(tb.data, tb.len, "SRAT", reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "sanity limit"));
}

static void test_acpi_rsdp_check_v1(void **state)
{
	fake_rsdp(&mem, RSDP_AT, 0, RSDT_AT, 0);
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_OK);
	membytes[10] ^= 0x40;                   /* OEM id byte */
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "checksum mismatch"));
	memcpy(membytes, "RSD PTX ", 8);
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "bad signature"));
}

static void test_acpi_rsdp_check_v2_extended_checksum(void **state)
{
	struct acpi_rsdp *r = (void *)membytes;

	fake_rsdp(&mem, RSDP_AT, 2, RSDT_AT, XSDT_AT);
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_OK);
	r->xsdt_address ^= 0x10;                /* outside the v1 checksum */
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "extended checksum mismatch"));
}

static void test_acpi_rsdp_check_v2_bad_length(void **state)
{
	struct acpi_rsdp *r = (void *)membytes;

	fake_rsdp(&mem, RSDP_AT, 2, RSDT_AT, XSDT_AT);
	r->length = 8;
	r->checksum = 0;
	r->checksum = (uint8_t)(0x100 - acpi_checksum(r, 20));
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "length 8 out of range"));
	r->length = 0x80000000u;
	r->checksum = 0;
	r->checksum = (uint8_t)(0x100 - acpi_checksum(r, 20));
	assert_int_equal(acpi_rsdp_check(&acc, RSDP_AT, reason, sizeof(reason)), ACPI_EINVAL);
}

static void test_acpi_rsdp_check_unmapped(void **state)
{
	assert_int_equal(acpi_rsdp_check(&acc, 0x1000, reason, sizeof(reason)), ACPI_EINVAL);
	assert_non_null(strstr(reason, "not readable"));
	/* RSDP at the very end of memory: the 20 v1 bytes fit, 36 do not. */
	fake_rsdp(&mem, MEM_BASE + MEM_SIZE - 36, 0, RSDT_AT, 0);
	memmove(membytes + MEM_SIZE - 20, membytes + MEM_SIZE - 36, 20);
	assert_int_equal(acpi_rsdp_check(&acc, MEM_BASE + MEM_SIZE - 20, reason, sizeof(reason)),
			 ACPI_OK);
}

static void test_acpi_find_table_prefers_xsdt(void **state)
{
	const uint64_t x[] = { T1_AT, T2_AT }, r[] = { T3_AT };
	struct acpi_table_ref ref;
	const char *root = NULL;

	put_table(T1_AT, "APIC", 1);
	put_table(T2_AT, "SRAT", 2);
	put_table(T3_AT, "SRAT", 3);
	fake_root(&mem, XSDT_AT, true, x, 2);
	fake_root(&mem, RSDT_AT, false, r, 1);
	fake_rsdp(&mem, RSDP_AT, 2, RSDT_AT, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, &root, reason, sizeof(reason)),
			 ACPI_OK);
	assert_string_equal(root, "XSDT");
	assert_int_equal(ref.pa, T2_AT);
	assert_int_equal(ref.length, 40);
	assert_int_equal(((const uint8_t *)ref.table)[36], 2);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SLIT", &ref, &root, reason, sizeof(reason)),
			 ACPI_ENOTFOUND);
}

static void test_acpi_find_table_rsdt_for_revision_0(void **state)
{
	const uint64_t x[] = { T2_AT }, r[] = { T3_AT };
	struct acpi_table_ref ref;
	const char *root = NULL;

	put_table(T2_AT, "SRAT", 2);
	put_table(T3_AT, "SRAT", 3);
	fake_root(&mem, XSDT_AT, true, x, 1);
	fake_root(&mem, RSDT_AT, false, r, 1);
	fake_rsdp(&mem, RSDP_AT, 0, RSDT_AT, 0);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, &root, reason, sizeof(reason)),
			 ACPI_OK);
	assert_string_equal(root, "RSDT");
	assert_int_equal(ref.pa, T3_AT);
}

static void test_acpi_find_table_rsdt_when_xsdt_broken(void **state)
{
	const uint64_t x[] = { T2_AT }, r[] = { T3_AT };
	struct acpi_table_ref ref;
	const char *root = NULL;

	put_table(T2_AT, "SRAT", 2);
	put_table(T3_AT, "SRAT", 3);
	fake_root(&mem, XSDT_AT, true, x, 1);
	membytes[XSDT_AT - MEM_BASE + 9] ^= 0xff;       /* XSDT checksum */
	fake_root(&mem, RSDT_AT, false, r, 1);
	fake_rsdp(&mem, RSDP_AT, 2, RSDT_AT, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, &root, reason, sizeof(reason)),
			 ACPI_OK);
	assert_string_equal(root, "RSDT");
	assert_int_equal(ref.pa, T3_AT);
	/* No RSDT either: an error naming the XSDT's problem. */
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, &root, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "XSDT: checksum mismatch"));
	assert_int_equal(ref.pa, 0);
}

static void test_acpi_find_table_bad_checksum_reported(void **state)
{
	const uint64_t x[] = { T1_AT, T2_AT };
	struct acpi_table_ref ref;

	put_table(T1_AT, "APIC", 1);
	put_table(T2_AT, "SRAT", 2);
	membytes[T2_AT - MEM_BASE + 36] ^= 0x80;
	fake_root(&mem, XSDT_AT, true, x, 2);
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, NULL, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_string_equal(reason, "SRAT: checksum mismatch (bytes sum to 0x80, not 0)");
	assert_int_equal(ref.pa, T2_AT);        /* found, but broken */
	assert_non_null(ref.table);
}

static void test_acpi_find_table_skips_null_and_unmapped_entries(void **state)
{
	const uint64_t x[] = { 0, 0x123456789000ull, T2_AT };
	struct acpi_table_ref ref;

	put_table(T2_AT, "SRAT", 2);
	fake_root(&mem, XSDT_AT, true, x, 3);
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, NULL, reason, sizeof(reason)),
			 ACPI_OK);
	assert_int_equal(ref.pa, T2_AT);
}

static void test_acpi_find_table_length_beyond_memory(void **state)
{
	const uint64_t x[] = { MEM_BASE + MEM_SIZE - 40 };
	struct acpi_table_ref ref;
	struct acpi_table_header *h;

	put_table(MEM_BASE + MEM_SIZE - 40, "SRAT", 2);
	h = (void *)(membytes + MEM_SIZE - 40);
	h->length = 0x100;                      /* runs past the mapped memory */
	fake_root(&mem, XSDT_AT, true, x, 1);
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, NULL, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_non_null(strstr(reason, "256 bytes not readable"));
}

static int stop_cb(void *ctx, const uint8_t *e, uint32_t off, char *r, size_t rlen)
{
	unsigned *n = ctx;

	(*n)++;
	return e[0] == 7 ? -7 : 0;
}

static void test_acpi_walk_subtables_stops_on_callback_and_lengths(void **state)
{
	const uint8_t t[] = { 1, 2, 7, 3, 0, 9, 9 };
	unsigned n = 0;

	assert_int_equal(acpi_walk_subtables(t, sizeof(t), 0, "T", stop_cb, &n, reason,
					     sizeof(reason)), -7);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(acpi_walk_subtables(t, 2, 0, "T", stop_cb, &n, reason, sizeof(reason)),
			 ACPI_OK);
	assert_int_equal(n, 1);
	assert_int_equal(acpi_walk_subtables(t, 4, 2, "T", stop_cb, &n, reason, sizeof(reason)),
			 ACPI_EINVAL);  /* length 3 from offset 2 in 4 bytes */
	assert_string_equal(reason, "T: subtable at offset 0x2 (type 7, length 3) runs past the "
			    "end of the table (4 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_checksum_sums_mod_256),
		cmocka_unit_test(test_acpi_table_check_accepts_valid),
		cmocka_unit_test(test_acpi_table_check_rejects_each_fault),
		cmocka_unit_test_setup(test_acpi_rsdp_check_v1, setup),
		cmocka_unit_test_setup(test_acpi_rsdp_check_v2_extended_checksum, setup),
		cmocka_unit_test_setup(test_acpi_rsdp_check_v2_bad_length, setup),
		cmocka_unit_test_setup(test_acpi_rsdp_check_unmapped, setup),
		cmocka_unit_test_setup(test_acpi_find_table_prefers_xsdt, setup),
		cmocka_unit_test_setup(test_acpi_find_table_rsdt_for_revision_0, setup),
		cmocka_unit_test_setup(test_acpi_find_table_rsdt_when_xsdt_broken, setup),
		cmocka_unit_test_setup(test_acpi_find_table_bad_checksum_reported, setup),
		cmocka_unit_test_setup(test_acpi_find_table_skips_null_and_unmapped_entries, setup),
		cmocka_unit_test_setup(test_acpi_find_table_length_beyond_memory, setup),
		cmocka_unit_test(test_acpi_walk_subtables_stops_on_callback_and_lengths),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
