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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_trampoline_install_patches),
		cmocka_unit_test(test_paging_trampoline_install_refuses),
		cmocka_unit_test(test_paging_pml4_of_pml5),
		cmocka_unit_test(test_paging_make_pml5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
