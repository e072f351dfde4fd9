/*
 * elf.h - validation of the kernel's ELF64 image before the loader trusts
 * any of it.  Freestanding (no firmware calls, no libc): the loader and the
 * host tests (test/efi/elf_test.c) compile the same efi/elf.c.
 */
#ifndef EFI_ELF_H
#define EFI_ELF_H

#include "types.h"

/* ELF64 file header (System V gABI, 4.1). */
struct elf64_ehdr {
	uint8_t  e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
} __packed;
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_entry) == 24, "e_entry at 24");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_phoff) == 32, "e_phoff at 32");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_phentsize) == 54, "e_phentsize at 54");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, e_phnum) == 56, "e_phnum at 56");

/* ELF64 program header. */
struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
} __packed;
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");
_Static_assert(__builtin_offsetof(struct elf64_phdr, p_filesz) == 32, "p_filesz at 32");

#define ELF_EI_CLASS     4
#define ELF_EI_DATA      5
#define ELF_EI_VERSION   6
#define ELF_CLASS64      2
#define ELF_DATA2LSB     1
#define ELF_EV_CURRENT   1
#define ELF_ET_EXEC      2
#define ELF_EM_X86_64    62
#define ELF_PT_LOAD      1
#define ELF_PF_X         (1u << 0)
#define ELF_PF_W         (1u << 1)
#define ELF_PF_R         (1u << 2)

#define ELF_MAX_PHDRS    64           /* more program headers than this: not our kernel */
#define ELF_MAX_SEGS     8            /* PT_LOAD segments kept (each gets a pgtable_seg) */
#define ELF_MAX_IMAGE    (256ULL << 20) /* loaded span, bss included */
#define ELF_VA_MIN       0xffffffff80000000ULL  /* top 2 GiB (-mcmodel=kernel) */

/* A validated PT_LOAD segment. */
struct elf_seg {
	uint64_t vaddr;         /* page aligned */
	uint64_t offset;        /* in the file */
	uint64_t filesz;        /* bytes to copy; the rest of memsz is zeroed */
	uint64_t memsz;
	uint32_t flags;         /* ELF_PF_* */
};

/* What the loader needs once the file passed elf_validate(). */
struct elf_image {
	uint64_t entry;
	uint64_t va_start;      /* first segment's vaddr */
	uint64_t va_end;        /* last segment's end, rounded up to a page */
	uint32_t nr_segs;
	struct elf_seg segs[ELF_MAX_SEGS];  /* sorted by vaddr */
};

/*
 * Validate the kernel ELF in buf[0..len) and describe it in *img.
 * Checks: magic, class 64, little-endian, version, machine x86-64, type
 * EXEC; program header table inside the file with a sane entry size and
 * count; each PT_LOAD (zero-memsz ones are ignored): file bytes inside the
 * file, filesz <= memsz, page-aligned vaddr in the top 2 GiB without
 * wrapping, not writable and executable at once; segments do not share a
 * page; the loaded span is at most ELF_MAX_IMAGE; the entry point lies in
 * an executable segment.
 * Returns NULL on success, else a short sentence naming the failed check.
 */
const char *elf_validate(const void *buf, size_t len, struct elf_image *img);

/*
 * The span to replicate per node: from the first to the end of the last
 * non-writable segment, rounded to pages.  Returns NULL with [*start, *end)
 * set, or a reason when there is none or a writable segment lies inside it
 * (the loader then refuses the kernel: the kernel's W^X check takes text
 * and rodata as one span, replicated or not).
 */
const char *elf_ktext_span(const struct elf_image *img, uint64_t *start, uint64_t *end);

#endif /* EFI_ELF_H */
