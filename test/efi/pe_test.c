/*
 * pe_test.c - host tests of efi/pe.c (finding `.kernel` and `.cmdline` in
 * the loader's own loaded image) over a crafted PE32+ image laid out as
 * objcopy lays out the unified image: DOS header, "PE\0\0", COFF header,
 * optional header, section table, sections at their RVAs.  Then one
 * broken field at a time.  efi/ is not part of libcore.a, so the source
 * under test is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/pe.c"

#define IMAGE_LEN  0x4000
#define PE_AT      0x80
#define OPT_SIZE   240                      /* PE32+ optional header, 16 directories */
#define TABLE_AT   (PE_AT + 4 + 20 + OPT_SIZE)

static uint8_t image[IMAGE_LEN];

static struct pe_coff_header *coff(void)
{
	return (struct pe_coff_header *)(image + PE_AT + 4);
}

static struct pe_section *sec(int i)
{
	return (struct pe_section *)(image + TABLE_AT + i * sizeof(struct pe_section));
}

static void add_section(int i, const char *name, uint32_t rva, uint32_t vsize, uint32_t raw)
{
	memset(sec(i), 0, sizeof(*sec(i)));
	memcpy(sec(i)->name, name, strnlen(name, 8));
	sec(i)->virtual_address = rva;
	sec(i)->virtual_size = vsize;
	sec(i)->raw_size = raw;
}

/* .text at 0x1000, .cmdline (10 bytes) at 0x2000, .kernel at 0x3000. */
static int setup(void **state)
{
	struct pe_dos_header *dos = (struct pe_dos_header *)image;

	memset(image, 0, sizeof(image));
	dos->e_magic = PE_DOS_MAGIC;
	dos->e_lfanew = PE_AT;
	memcpy(image + PE_AT, "PE\0\0", 4);
	coff()->machine = PE_MACHINE_X64;
	coff()->nr_sections = 3;
	coff()->opt_header_size = OPT_SIZE;
	add_section(0, ".text", 0x1000, 0x800, 0xa00);
	add_section(1, ".cmdline", 0x2000, 10, 0x200);
	add_section(2, ".kernel", 0x3000, 0x1000, 0x1000);
	memcpy(image + 0x2000, "qemu_exit\n", 10);
	memcpy(image + 0x3000, "\x7f" "ELF", 4);
	return 0;
}

static int find(const char *name, uint32_t *rva, uint32_t *size, const char **why)
{
	return pe_find_section(image, sizeof(image), name, rva, size, why);
}

static void expect_malformed(const char *substr)
{
	uint32_t rva = 0, size = 0;
	const char *why = NULL;

	assert_int_equal(find(".kernel", &rva, &size, &why), -1);
	assert_non_null(why);
	if (!strstr(why, substr))
		fail_msg("reason \"%s\" lacks \"%s\"", why, substr);
}

static void test_pe_find_section_finds_both(void **state)
{
	uint32_t rva, size;
	const char *why = NULL;

	assert_int_equal(find(".cmdline", &rva, &size, &why), 1);
	assert_int_equal(rva, 0x2000);
	assert_int_equal(size, 10);             /* VirtualSize, not the padded raw size */
	assert_memory_equal(image + rva, "qemu_exit\n", 10);
	assert_int_equal(find(".kernel", &rva, &size, &why), 1);
	assert_int_equal(rva, 0x3000);
	assert_int_equal(size, 0x1000);
	assert_null(why);
}

static void test_pe_find_section_absent(void **state)
{
	uint32_t rva, size;
	const char *why = NULL;

	assert_int_equal(find(".initrd", &rva, &size, &why), 0);
	assert_null(why);
}

/* Prefixes and longer names do not match; an 8-character name fills the field. */
static void test_pe_find_section_name_rules(void **state)
{
	uint32_t rva, size;
	const char *why;

	assert_int_equal(find(".ker", &rva, &size, &why), 0);
	assert_int_equal(find(".kernels", &rva, &size, &why), 0);
	assert_int_equal(find(".cmdline1", &rva, &size, &why), 0);   /* longer than 8 */
	add_section(2, ".kernelx", 0x3000, 0x1000, 0x1000);          /* exactly 8 */
	assert_int_equal(find(".kernelx", &rva, &size, &why), 1);
	assert_int_equal(find(".kernel", &rva, &size, &why), 0);
}

/* Bytes past the raw data are zero fill, not signed content: not returned. */
static void test_pe_find_section_raw_smaller_than_virtual(void **state)
{
	uint32_t rva, size;
	const char *why;

	sec(2)->virtual_size = 0x2000;
	sec(2)->raw_size = 0x800;
	assert_int_equal(find(".kernel", &rva, &size, &why), 1);
	assert_int_equal(size, 0x800);
}

static void test_pe_find_section_short_image(void **state)
{
	uint32_t rva, size;
	const char *why = NULL;

	assert_int_equal(pe_find_section(image, 10, ".kernel", &rva, &size, &why), -1);
	assert_non_null(strstr(why, "DOS header"));
}

static void test_pe_find_section_bad_mz(void **state)
{
	image[0] = 'X';
	expect_malformed("MZ");
}

static void test_pe_find_section_lfanew_outside(void **state)
{
	((struct pe_dos_header *)image)->e_lfanew = IMAGE_LEN - 8;
	expect_malformed("PE header outside");
	((struct pe_dos_header *)image)->e_lfanew = 0xffffffffu;
	expect_malformed("PE header outside");
}

static void test_pe_find_section_bad_signature(void **state)
{
	image[PE_AT + 2] = 'X';
	expect_malformed("PE signature");
}

static void test_pe_find_section_wrong_machine(void **state)
{
	coff()->machine = 0x14c;                /* i386 */
	expect_malformed("x86-64");
}

static void test_pe_find_section_too_many_sections(void **state)
{
	coff()->nr_sections = PE_MAX_SECTIONS + 1;
	expect_malformed("too many");
}

static void test_pe_find_section_table_outside(void **state)
{
	coff()->opt_header_size = 0xffff;       /* table starts past the end */
	expect_malformed("section table outside");
	coff()->opt_header_size = IMAGE_LEN - TABLE_AT - 24 + OPT_SIZE;  /* table runs past it */
	expect_malformed("section table outside");
}

static void test_pe_find_section_section_outside(void **state)
{
	sec(2)->virtual_address = IMAGE_LEN - 0x800;
	expect_malformed("section outside");
	sec(2)->virtual_address = 0xfffff000u;  /* rva + size wraps 32 bits */
	expect_malformed("section outside");
}

/* Whatever byte is flipped, the parser either rejects the image or returns
 * a section inside it (ASan checks that nothing outside is read). */
static void test_pe_find_section_byte_flips_keep_invariants(void **state)
{
	for (size_t at = 0; at < TABLE_AT + 3 * sizeof(struct pe_section); at++) {
		for (int bit = 0; bit < 8; bit++) {
			uint32_t rva = 0, size = 0;
			const char *why = NULL;
			int r;

			setup(NULL);
			image[at] ^= (uint8_t)(1u << bit);
			r = find(".kernel", &rva, &size, &why);
			if (r == 1)
				assert_true((uint64_t)rva + size <= IMAGE_LEN);
			else if (r == -1)
				assert_non_null(why);
			else
				assert_int_equal(r, 0);
		}
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pe_find_section_finds_both),
		T(test_pe_find_section_absent),
		T(test_pe_find_section_name_rules),
		T(test_pe_find_section_raw_smaller_than_virtual),
		T(test_pe_find_section_short_image),
		T(test_pe_find_section_bad_mz),
		T(test_pe_find_section_lfanew_outside),
		T(test_pe_find_section_bad_signature),
		T(test_pe_find_section_wrong_machine),
		T(test_pe_find_section_too_many_sections),
		T(test_pe_find_section_table_outside),
		T(test_pe_find_section_section_outside),
		T(test_pe_find_section_byte_flips_keep_invariants),
	};

	return cmocka_run_group_tests_name("pe", tests, NULL, NULL);
}
