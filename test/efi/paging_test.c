/*
 * paging_test.c - host tests of efi/paging.c: the trampoline's patch-ups
 * (ljmp target, GDTR base, the below-4-GiB rule) and the tables for the
 * CR4.LA57 toggle.  The source under test is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../efi/paging.c"

/* A stand-in for trampoline.S: code bytes, an ljmpl at 0x40, the 64-bit
 * target at 0x47, GDT at 0x50, GDTR at 0x70. */
static uint8_t code[0x80];
static uint8_t page[4096];
static const struct paging_layout lay = {
	.size = sizeof(code), .toggle = 0x10, .ljmp = 0x40, .ret64 = 0x47, .gdt = 0x50, .gdtr = 0x70,
};

static void make_code(void)
{
	for (size_t i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(0x90 + i);
	code[0x40] = 0xea;
	memset(code + 0x41, 0, 6);
	memset(page, 0xcc, sizeof(page));
}

static void test_paging_trampoline_install_patches(void **state)
{
	struct paging_gdtr g;
	uint32_t target;

	make_code();
	assert_null(paging_trampoline_install(page, 0x7e520000, code, &lay));
	assert_memory_equal(page, code, 0x40);                  /* code copied untouched */
	assert_int_equal(page[0x40], 0xea);
	memcpy(&target, page + 0x41, 4);
	assert_int_equal(target, 0x7e520047);                    /* page + ret64 */
	assert_int_equal(page[0x45], PAGING_GDT_CS64);
	assert_int_equal(page[0x46], 0);
	memcpy(&g, page + 0x70, sizeof(g));
	assert_int_equal(g.limit, PAGING_GDT_SIZE - 1);
	assert_int_equal(g.base, 0x7e520050);
	assert_int_equal(page[sizeof(code)], 0xcc);             /* nothing beyond */
}

static void test_paging_trampoline_install_refuses(void **state)
{
	struct paging_layout bad = lay;

	make_code();
	assert_string_equal(paging_trampoline_install(page, 0x100000000ULL, code, &lay),
			    "trampoline page is above 4 GiB (32-bit code must reach it)");
	assert_non_null(paging_trampoline_install(page, 0xfffff000ULL + 0x1000, code, &lay));
	assert_null(paging_trampoline_install(page, 0xfffff000ULL, code, &lay));
	assert_non_null(paging_trampoline_install(page, 0x7e520800, code, &lay));
	bad.ljmp = 0x7c;                                         /* 7 bytes do not fit */
	assert_non_null(paging_trampoline_install(page, 0x7e520000, code, &bad));
	bad = lay;
	bad.gdt = 0x52;                                          /* misaligned GDT */
	assert_non_null(paging_trampoline_install(page, 0x7e520000, code, &bad));
	bad = lay;
	bad.size = PAGING_TRAMPOLINE_MAX + 1;
	assert_non_null(paging_trampoline_install(page, 0x7e520000, code, &bad));
	code[0x40] = 0x90;
	assert_string_equal(paging_trampoline_install(page, 0x7e520000, code, &lay),
			    "trampoline: no 32-bit far jump at the expected offset");
}

static void test_paging_pml4_of_pml5(void **state)
{
	static uint64_t pml5[512];
	const char *why;
	uint32_t dropped;

	memset(pml5, 0, sizeof(pml5));
	assert_int_equal(paging_pml4_of_pml5(pml5, &dropped, &why), 0);
	assert_non_null(strstr(why, "not present"));
	pml5[0] = 0x7f8c3000 | PAGING_P | PAGING_RW | (1ULL << 63) | 0x20;   /* NX, accessed */
	assert_int_equal(paging_pml4_of_pml5(pml5, &dropped, &why), 0x7f8c3000);
	assert_null(why);
	assert_int_equal(dropped, 0);
	pml5[7] = 0x1000 | PAGING_P;
	pml5[511] = 0x2000 | PAGING_P;
	pml5[300] = 0x3000;                                      /* not present: not counted */
	assert_int_equal(paging_pml4_of_pml5(pml5, &dropped, &why), 0x7f8c3000);
	assert_int_equal(dropped, 2);
	pml5[0] |= PAGING_PS;
	assert_int_equal(paging_pml4_of_pml5(pml5, &dropped, &why), 0);
	assert_non_null(strstr(why, "page-size"));
}

static void test_paging_make_pml5(void **state)
{
	static uint64_t pml5[512];

	memset(pml5, 0xff, sizeof(pml5));
	paging_make_pml5(pml5, 0x7f8c3000 | 0x18);              /* CR3 flag bits are dropped */
	assert_int_equal(pml5[0], 0x7f8c3000 | PAGING_P | PAGING_RW);
	for (int i = 1; i < 512; i++)
		assert_int_equal(pml5[i], 0);
	/* and back: the round trip the QEMU case paging-la57-round-trip runs */
	{
		uint32_t dropped;
		const char *why;

		assert_int_equal(paging_pml4_of_pml5(pml5, &dropped, &why), 0x7f8c3000);
	}
}

/* A tiny physical memory of 16 pages at 0x100000 for page walks. */
#define PM_BASE 0x100000ULL
static uint64_t pm[16][512];

static const uint64_t *pm_read(void *ctx, phys_addr_t pa)
{
	if (pa < PM_BASE || pa >= PM_BASE + sizeof(pm) || (pa & 7))
		return NULL;
	return &pm[(pa - PM_BASE) >> 12][(pa & 0xfff) / 8];
}

#define PG(i) (PM_BASE + (uint64_t)(i) * 4096)

static void test_paging_lookup_4_and_5_levels(void **state)
{
	const uint64_t va = 0x7e520000;       /* PML4 0, PDPT 1, PD 0x1f2, PT 0x120 */
	phys_addr_t pa;
	bool nx, ro;

	memset(pm, 0, sizeof(pm));
	pm[0][0] = PG(1) | PAGING_P | PAGING_RW;                      /* PML4 -> PDPT */
	pm[1][1] = PG(2) | PAGING_P | PAGING_RW;                      /* PDPT -> PD */
	pm[2][0x1f2] = PG(3) | PAGING_P | PAGING_RW;                  /* PD -> PT */
	pm[3][0x120] = 0x7e520000 | PAGING_P;                         /* RO, executable */
	assert_int_equal(paging_lookup(PG(0) | 0x18, false, va + 0x10, pm_read, NULL, &pa, &nx, &ro), 0);
	assert_int_equal(pa, 0x7e520010);
	assert_false(nx);
	assert_true(ro);
	pm[2][0x1f2] |= PAGING_NX;                                     /* XD at the PD level */
	assert_int_equal(paging_lookup(PG(0), false, va, pm_read, NULL, &pa, &nx, &ro), 0);
	assert_true(nx);
	/* a 2 MiB page */
	pm[2][0x1f2] = 0x7e400000 | PAGING_P | PAGING_RW | PAGING_PS;
	assert_int_equal(paging_lookup(PG(0), false, va + 5, pm_read, NULL, &pa, &nx, &ro), 0);
	assert_int_equal(pa, 0x7e520005);
	assert_false(nx || ro);
	/* a 1 GiB page */
	pm[1][1] = 0x40000000 | PAGING_P | PAGING_RW | PAGING_PS | PAGING_NX;
	assert_int_equal(paging_lookup(PG(0), false, va, pm_read, NULL, &pa, &nx, &ro), 0);
	assert_int_equal(pa, 0x7e520000);
	assert_true(nx);
	/* five levels: PML5 entry 0 -> the same PML4 */
	pm[4][0] = PG(0) | PAGING_P | PAGING_RW;
	assert_int_equal(paging_lookup(PG(4), true, va, pm_read, NULL, &pa, &nx, &ro), 0);
	assert_int_equal(pa, 0x7e520000);
	/* not mapped; an entry pointing outside readable memory */
	assert_int_equal(paging_lookup(PG(0), false, 0x8000000000ULL, pm_read, NULL, &pa, &nx, &ro), -1);
	pm[0][2] = 0x900000000ULL | PAGING_P;
	assert_int_equal(paging_lookup(PG(0), false, 0x10000000000ULL, pm_read, NULL, &pa, &nx, &ro), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_trampoline_install_patches),
		cmocka_unit_test(test_paging_trampoline_install_refuses),
		cmocka_unit_test(test_paging_pml4_of_pml5),
		cmocka_unit_test(test_paging_make_pml5),
		cmocka_unit_test(test_paging_lookup_4_and_5_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
