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
static const struct acpi_access acc = { &mem, fake_map, NULL, 0 };
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
	assert_non_null(strstr(reason, "SRAT at 0xeffd8+256 is not readable"));
}

/* ---- table memory (acc->physmap) ---- */

static const struct physmap_entry pc_map[] = {
	{ 0x0, 0x9f000, PHYSMAP_USABLE, 0 },
	{ 0x9f000, 0xa0000, PHYSMAP_RESERVED, 0 },
	/* hole [0xa0000, 0x100000): VGA, option ROMs, BIOS */
	{ 0x100000, 0x7f000000, PHYSMAP_USABLE, 0 },
	{ 0x7f000000, 0x7f010000, PHYSMAP_ACPI_RECLAIM, 0 },
	{ 0x7f010000, 0x7f020000, PHYSMAP_ACPI_NVS, 0 },
	{ 0x7f020000, 0x7f030000, PHYSMAP_RESERVED, 0 },
	{ 0x7f030000, 0x80000000, PHYSMAP_USABLE, 0 },
	{ 0x80000000, 0x80001000, PHYSMAP_SOFT_RESERVED, 0 },
};

static int tm_check(uint64_t pa, uint64_t len)
{
	return acpi_table_memory_check(pc_map, ARRAY_SIZE(pc_map), pa, len, reason, sizeof(reason));
}

static void test_acpi_table_memory_check(void **state)
{
	assert_int_equal(tm_check(0x7f000000, 36), ACPI_OK);
	assert_int_equal(tm_check(0x7f00fff0, 0x20010), ACPI_OK);     /* ACPI -> NVS -> reserved */
	assert_int_equal(tm_check(0x9f000, 0x1000), ACPI_OK);
	assert_int_equal(tm_check(0xf05b0, 36), ACPI_OK);              /* RSDP in the BIOS area hole */
	assert_int_equal(tm_check(0xe0000, 0x20000), ACPI_OK);         /* the whole BIOS area */

	assert_int_equal(tm_check(0x7f02fff0, 0x20), ACPI_EINVAL);
	assert_string_equal(reason, "usable at 0x7f030000");
	assert_int_equal(tm_check(0x100000, 36), ACPI_EINVAL);
	assert_string_equal(reason, "usable");
	assert_int_equal(tm_check(0xa0000, 36), ACPI_EINVAL);          /* VGA hole, below the BIOS area */
	assert_string_equal(reason, "no memory");
	assert_int_equal(tm_check(0x9f000, 0x2000), ACPI_EINVAL);
	assert_string_equal(reason, "no memory at 0xa0000");
	assert_int_equal(tm_check(0xffff0, 0x20), ACPI_EINVAL);
	assert_string_equal(reason, "usable at 0x100000");
	assert_int_equal(tm_check(0x80000000, 36), ACPI_EINVAL);
	assert_string_equal(reason, "soft reserved");
	assert_int_equal(tm_check(0x123456789000ull, 36), ACPI_EINVAL);
	assert_string_equal(reason, "no memory");
	assert_int_equal(tm_check(0xfffffffffffffff0ull, 0x20), ACPI_EINVAL);
	assert_string_equal(reason, "range wraps past 2^64");
	/* an empty map: only the BIOS area */
	assert_int_equal(acpi_table_memory_check(NULL, 0, 0xe0000, 0x20000, reason, sizeof(reason)),
			 ACPI_OK);
	assert_int_equal(acpi_table_memory_check(NULL, 0, 0xe0000, 0x20001, reason, sizeof(reason)),
			 ACPI_EINVAL);
	assert_string_equal(reason, "no memory at 0x100000");
}

/* The test memory [0xe0000, 0xf0000) as: reserved up to 0xe2000, one usable
 * page, ACPI reclaim from 0xe3000 on. */
static const struct physmap_entry t_map[] = {
	{ 0xe0000, 0xe2000, PHYSMAP_RESERVED, 0 },
	{ 0xe2000, 0xe3000, PHYSMAP_USABLE, 0 },
	{ 0xe3000, 0xf0000, PHYSMAP_ACPI_RECLAIM, 0 },
};
static const struct acpi_access acc_pm = { &mem, fake_map, t_map, ARRAY_SIZE(t_map) };

static void test_acpi_find_table_entry_outside_table_memory_skipped(void **state)
{
	const uint64_t x[] = { T1_AT, T2_AT, T3_AT };
	struct acpi_table_ref ref;

	put_table(T1_AT, "SLIT", 1);
	put_table(T2_AT, "SRAT", 2);                /* in the usable page */
	put_table(T3_AT, "APIC", 3);
	fake_root(&mem, XSDT_AT, true, x, 3);
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	/* without the map the SRAT is found (and would be read) */
	assert_int_equal(acpi_find_table(&acc, RSDP_AT, "SRAT", &ref, NULL, reason, sizeof(reason)),
			 ACPI_OK);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "SRAT", &ref, NULL, reason,
					 sizeof(reason)), ACPI_ENOTFOUND);
	assert_string_equal(reason, "XSDT[1] skipped: table at 0xe2000+36 not in ACPI/reserved"
			    " memory (usable)");
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "APIC", &ref, NULL, reason,
					 sizeof(reason)), ACPI_OK);
	assert_int_equal(ref.pa, T3_AT);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "SLIT", &ref, NULL, reason,
					 sizeof(reason)), ACPI_OK);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "FACP", &ref, NULL, reason,
					 sizeof(reason)), ACPI_ENOTFOUND);
	assert_non_null(strstr(reason, "XSDT[1] skipped"));
}

static void test_acpi_find_table_length_into_ram(void **state)
{
	const uint64_t x[] = { 0xe1f00 };
	struct acpi_table_ref ref;
	struct acpi_table_header *h;

	put_table(0xe1f00, "SRAT", 2);
	h = (void *)(membytes + 0x1f00);
	h->length = 0x200;                      /* runs into the usable page at 0xe2000 */
	fake_root(&mem, XSDT_AT, true, x, 1);
	fake_rsdp(&mem, RSDP_AT, 2, 0, XSDT_AT);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "SRAT", &ref, NULL, reason,
					 sizeof(reason)), ACPI_EINVAL);
	assert_int_equal(ref.pa, 0xe1f00);      /* found, broken: reported as the SRAT's fault */
	assert_null(ref.table);
	assert_string_equal(reason, "SRAT at 0xe1f00+512 not in ACPI/reserved memory (usable at"
			    " 0xe2000)");
}

static void test_acpi_root_and_rsdp_outside_table_memory(void **state)
{
	const uint64_t x[] = { T3_AT };
	const uint64_t xr[] = { T1_AT };
	struct acpi_table_ref ref;
	const char *root = NULL;

	put_table(T3_AT, "SRAT", 3);
	put_table(T1_AT, "SRAT", 1);
	/* XSDT in the usable page: not read; the RSDT is used instead */
	fake_root(&mem, 0xe2400, true, x, 1);
	fake_root(&mem, RSDT_AT, false, xr, 1);
	fake_rsdp(&mem, RSDP_AT, 2, (uint32_t)RSDT_AT, 0xe2400);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "SRAT", &ref, &root, reason,
					 sizeof(reason)), ACPI_OK);
	assert_string_equal(root, "RSDT");
	assert_int_equal(ref.pa, T1_AT);
	/* and with no RSDT the XSDT's reason is given */
	fake_rsdp(&mem, RSDP_AT, 2, 0, 0xe2400);
	assert_int_equal(acpi_find_table(&acc_pm, RSDP_AT, "SRAT", &ref, &root, reason,
					 sizeof(reason)), ACPI_EINVAL);
	assert_string_equal(reason, "no usable root table (XSDT at 0xe2400+36 not in ACPI/reserved"
			    " memory (usable))");
	/* the RSDP itself in RAM */
	fake_rsdp(&mem, 0xe2800, 2, 0, XSDT_AT);
	assert_int_equal(acpi_rsdp_check(&acc_pm, 0xe2800, reason, sizeof(reason)), ACPI_EINVAL);
	assert_string_equal(reason, "RSDP at 0xe2800+20 not in ACPI/reserved memory (usable)");
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
		cmocka_unit_test(test_acpi_table_memory_check),
		cmocka_unit_test_setup(test_acpi_find_table_entry_outside_table_memory_skipped, setup),
		cmocka_unit_test_setup(test_acpi_find_table_length_into_ram, setup),
		cmocka_unit_test_setup(test_acpi_root_and_rsdp_outside_table_memory, setup),
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
