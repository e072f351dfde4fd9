/*
 * elf_test.c - host tests of efi/elf.c (the loader's kernel ELF checks)
 * over crafted ELF images: a valid three-segment kernel like kernel.ld's,
 * then one broken field at a time.  efi/ is not part of libcore.a, so the
 * source under test is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/elf.c"

#define KVA       0xffffffff80200000ULL
#define FILE_LEN  0x4000

static uint8_t file[FILE_LEN];

static struct elf64_ehdr *eh(void) { return (struct elf64_ehdr *)file; }
static struct elf64_phdr *ph(int i) { return (struct elf64_phdr *)(file + 64 + i * 56); }

/* text RX [KVA, +0x1800) from 0x1000; rodata R [KVA+0x2000, +0x800) from
 * 0x2000; data RW [KVA+0x3000, +0x5000) with 0x400 file bytes from 0x3000. */
static int setup(void **state)
{
	memset(file, 0, sizeof(file));
	memcpy(eh()->e_ident, "\x7f" "ELF", 4);
	eh()->e_ident[ELF_EI_CLASS] = ELF_CLASS64;
	eh()->e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
	eh()->e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
	eh()->e_type = ELF_ET_EXEC;
	eh()->e_machine = ELF_EM_X86_64;
	eh()->e_version = ELF_EV_CURRENT;
	eh()->e_entry = KVA + 0x10;
	eh()->e_phoff = 64;
	eh()->e_ehsize = 64;
	eh()->e_phentsize = 56;
	eh()->e_phnum = 4;
	*ph(0) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000, KVA, 0x200000,
				      0x1800, 0x1800, 0x1000 };
	*ph(1) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R, 0x2000, KVA + 0x2000, 0x202000,
				      0x800, 0x800, 0x1000 };
	*ph(2) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x3000, KVA + 0x3000,
				      0x203000, 0x400, 0x5000, 0x1000 };
	*ph(3) = (struct elf64_phdr){ 0x6474e551 /* PT_GNU_STACK */, ELF_PF_R | ELF_PF_W, 0, 0, 0,
				      0, 0, 16 };
	return 0;
}

static void expect_fail(const char *substr)
{
	struct elf_image img;
	const char *why = elf_validate(file, sizeof(file), &img);

	assert_non_null(why);
	if (!strstr(why, substr))
		fail_msg("reason \"%s\" lacks \"%s\"", why, substr);
}

static void test_elf_validate_accepts_kernel_layout(void **state)
{
	struct elf_image img;
	uint64_t s, e;

	assert_null(elf_validate(file, sizeof(file), &img));
	assert_int_equal(img.nr_segs, 3);
	assert_int_equal(img.entry, KVA + 0x10);
	assert_int_equal(img.va_start, KVA);
	assert_int_equal(img.va_end, KVA + 0x8000);
	assert_int_equal(img.segs[2].filesz, 0x400);
	assert_int_equal(img.segs[2].memsz, 0x5000);
	assert_null(elf_ktext_span(&img, &s, &e));
	assert_int_equal(s, KVA);
	assert_int_equal(e, KVA + 0x3000);
}

static void test_elf_validate_sorts_segments_by_vaddr(void **state)
{
	struct elf_image img;
	struct elf64_phdr t = *ph(0);

	*ph(0) = *ph(2);
	*ph(2) = t;
	assert_null(elf_validate(file, sizeof(file), &img));
	assert_int_equal(img.segs[0].vaddr, KVA);
	assert_int_equal(img.segs[1].vaddr, KVA + 0x2000);
	assert_int_equal(img.segs[2].vaddr, KVA + 0x3000);
}

static void test_elf_validate_short_file(void **state)
{
	struct elf_image img;

	assert_non_null(elf_validate(file, 63, &img));
	assert_non_null(elf_validate(NULL, 0, &img));
	/* header fine, but the phdr table is cut off */
	assert_non_null(strstr(elf_validate(file, 64 + 56, &img), "program header table"));
}

static void test_elf_validate_bad_magic(void **state)
{
	file[1] = 'X';
	expect_fail("magic");
}

static void test_elf_validate_bad_class(void **state)
{
	file[ELF_EI_CLASS] = 1;
	expect_fail("64-bit");
}

static void test_elf_validate_big_endian(void **state)
{
	file[ELF_EI_DATA] = 2;
	expect_fail("little-endian");
}

static void test_elf_validate_bad_version(void **state)
{
	eh()->e_version = 0;
	expect_fail("version");
}

static void test_elf_validate_wrong_machine(void **state)
{
	eh()->e_machine = 183;     /* AArch64 */
	expect_fail("x86-64");
}

static void test_elf_validate_not_exec(void **state)
{
	eh()->e_type = 3;          /* ET_DYN */
	expect_fail("ET_EXEC");
}

static void test_elf_validate_phdr_table(void **state)
{
	eh()->e_phentsize = 40;
	expect_fail("entry size");
	setup(state);
	eh()->e_phnum = 0;
	expect_fail("no program headers");
	setup(state);
	eh()->e_phnum = ELF_MAX_PHDRS + 1;
	expect_fail("too many program headers");
	setup(state);
	eh()->e_phoff = FILE_LEN - 100;
	expect_fail("program header table");
	setup(state);
	eh()->e_phoff = ~0ULL - 10;          /* offset + size overflows */
	expect_fail("program header table");
}

static void test_elf_validate_segment_past_file(void **state)
{
	ph(1)->p_filesz = 0x2001;             /* 0x2000 + 0x2001 > FILE_LEN */
	ph(1)->p_memsz = 0x3000;
	expect_fail("past the end of the file");
	setup(state);
	ph(1)->p_offset = ~0ULL - 0x10;      /* overflow */
	expect_fail("past the end of the file");
}

static void test_elf_validate_filesz_over_memsz(void **state)
{
	ph(2)->p_memsz = 0x200;
	expect_fail("filesz > memsz");
}

static void test_elf_validate_huge_segment(void **state)
{
	ph(2)->p_memsz = ELF_MAX_IMAGE + PAGE_SIZE;
	expect_fail("implausibly large");
}

static void test_elf_validate_huge_span(void **state)
{
	ph(2)->p_vaddr = KVA + ELF_MAX_IMAGE;
	expect_fail("span is implausibly large");
}

static void test_elf_validate_unaligned_vaddr(void **state)
{
	ph(1)->p_vaddr += 0x10;
	expect_fail("not page aligned");
}

static void test_elf_validate_low_vaddr(void **state)
{
	ph(0)->p_vaddr = 0x200000;
	eh()->e_entry = 0x200010;
	expect_fail("top 2 GiB");
}

static void test_elf_validate_wraps_top(void **state)
{
	ph(2)->p_vaddr = 0xffffffffffffe000ULL;
	expect_fail("top of the address space");
}

static void test_elf_validate_wx_segment(void **state)
{
	ph(2)->p_flags = ELF_PF_R | ELF_PF_W | ELF_PF_X;
	expect_fail("W^X");
}

static void test_elf_validate_overlap(void **state)
{
	ph(1)->p_vaddr = KVA + 0x1000;        /* text ends at 0x1800: same page */
	expect_fail("overlap");
	setup(state);
	ph(0)->p_vaddr = KVA + 0x3000;        /* on top of data, listed first */
	eh()->e_entry = KVA + 0x3010;
	expect_fail("overlap");
}

static void test_elf_validate_entry_outside_text(void **state)
{
	eh()->e_entry = KVA + 0x2000;         /* rodata: not executable */
	expect_fail("entry point");
	setup(state);
	eh()->e_entry = KVA + 0x1800;         /* one past text's memsz */
	expect_fail("entry point");
}

static void test_elf_validate_no_load_segments(void **state)
{
	ph(0)->p_type = ph(1)->p_type = ph(2)->p_type = 4;   /* PT_NOTE */
	expect_fail("no loadable");
}

static void test_elf_validate_too_many_load_segments(void **state)
{
	eh()->e_phnum = ELF_MAX_SEGS + 1;
	for (int i = 0; i < ELF_MAX_SEGS + 1; i++)
		*ph(i) = (struct elf64_phdr){ ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000,
					      KVA + i * 0x1000ULL, 0, 0x100, 0x100, 0x1000 };
	expect_fail("too many PT_LOAD");
}

static void test_elf_validate_zero_memsz_ignored(void **state)
{
	struct elf_image img;

	ph(3)->p_type = ELF_PT_LOAD;          /* memsz 0, vaddr 0: ignored */
	assert_null(elf_validate(file, sizeof(file), &img));
	assert_int_equal(img.nr_segs, 3);
}

static void test_elf_ktext_span_writable_inside(void **state)
{
	struct elf_image img;
	uint64_t s, e;

	/* rodata after data: the span [text, rodata) contains data */
	ph(1)->p_vaddr = KVA + 0x9000;
	assert_null(elf_validate(file, sizeof(file), &img));
	assert_non_null(elf_ktext_span(&img, &s, &e));
	/* one RX segment and no other: RX is read-only, so it is the span */
	setup(state);
	ph(0)->p_type = ph(1)->p_type = 0;
	ph(2)->p_flags = ELF_PF_R | ELF_PF_X;
	eh()->e_entry = KVA + 0x3000;
	assert_null(elf_validate(file, sizeof(file), &img));
	assert_null(elf_ktext_span(&img, &s, &e));   /* RX data seg is read-only */
	ph(2)->p_flags = ELF_PF_W;
	eh()->e_entry = KVA + 0x3000;
	assert_non_null(elf_validate(file, sizeof(file), &img));   /* no X for the entry */
}

/* Only writable segments (elf_validate never passes such an image: the
 * entry needs an executable, so non-writable, segment): no span, and the
 * outputs are left alone. */
static void test_elf_ktext_span_none_read_only(void **state)
{
	struct elf_image img = { .nr_segs = 1 };
	uint64_t s = 1, e = 2;
	const char *why;

	img.segs[0] = (struct elf_seg){ KVA, 0, 0, PAGE_SIZE, ELF_PF_R | ELF_PF_W };
	why = elf_ktext_span(&img, &s, &e);
	assert_non_null(why);
	assert_non_null(strstr(why, "no read-only segment"));
	assert_int_equal(s, 1);
	assert_int_equal(e, 2);
}

/* Every single-byte corruption of the headers: never a crash, and an
 * accepted result still obeys the rules (checked here independently). */
static void test_elf_validate_byte_flips_keep_invariants(void **state)
{
	static uint8_t orig[FILE_LEN];
	struct elf_image img;

	memcpy(orig, file, sizeof(file));
	for (size_t off = 0; off < 64 + 4 * 56; off++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(file, orig, sizeof(file));
			file[off] ^= (uint8_t)(1u << bit);
			if (elf_validate(file, sizeof(file), &img))
				continue;
			for (unsigned i = 0; i < img.nr_segs; i++) {
				const struct elf_seg *sg = &img.segs[i];

				assert_true(sg->offset + sg->filesz <= FILE_LEN);
				assert_true(sg->filesz <= sg->memsz);
				assert_true(sg->vaddr >= ELF_VA_MIN);
				assert_false((sg->flags & ELF_PF_W) && (sg->flags & ELF_PF_X));
				if (i)
					assert_true(img.segs[i - 1].vaddr +
						    ALIGN_UP(img.segs[i - 1].memsz, PAGE_SIZE) <=
						    sg->vaddr);
			}
		}
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_elf_validate_accepts_kernel_layout),
		T(test_elf_validate_sorts_segments_by_vaddr),
		T(test_elf_validate_short_file),
		T(test_elf_validate_bad_magic),
		T(test_elf_validate_bad_class),
		T(test_elf_validate_big_endian),
		T(test_elf_validate_bad_version),
		T(test_elf_validate_wrong_machine),
		T(test_elf_validate_not_exec),
		T(test_elf_validate_phdr_table),
		T(test_elf_validate_segment_past_file),
		T(test_elf_validate_filesz_over_memsz),
		T(test_elf_validate_huge_segment),
		T(test_elf_validate_huge_span),
		T(test_elf_validate_unaligned_vaddr),
		T(test_elf_validate_low_vaddr),
		T(test_elf_validate_wraps_top),
		T(test_elf_validate_wx_segment),
		T(test_elf_validate_overlap),
		T(test_elf_validate_entry_outside_text),
		T(test_elf_validate_no_load_segments),
		T(test_elf_validate_too_many_load_segments),
		T(test_elf_validate_zero_memsz_ignored),
		T(test_elf_ktext_span_writable_inside),
		T(test_elf_ktext_span_none_read_only),
		T(test_elf_validate_byte_flips_keep_invariants),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
