/*
 * elf.c - validate the kernel's ELF64 image (rules in elf.h).  Everything
 * is read with memcpy from an untrusted byte buffer, every sum is checked
 * for overflow before use.
 */
#include "efi/elf.h"

static bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

const char *elf_validate(const void *buf, size_t len, struct elf_image *img)
{
	const uint8_t *p = buf;
	struct elf64_ehdr eh;
	uint64_t table_size, table_end;
	bool entry_ok = false;

	__builtin_memset(img, 0, sizeof(*img));
	if (buf == NULL || len < sizeof(eh))
		return "file shorter than an ELF header";
	__builtin_memcpy(&eh, p, sizeof(eh));
	if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
	    eh.e_ident[3] != 'F')
		return "bad ELF magic (not an ELF file)";
	if (eh.e_ident[ELF_EI_CLASS] != ELF_CLASS64)
		return "not a 64-bit ELF (EI_CLASS)";
	if (eh.e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return "not little-endian (EI_DATA)";
	if (eh.e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT || eh.e_version != ELF_EV_CURRENT)
		return "unknown ELF version";
	if (eh.e_machine != ELF_EM_X86_64)
		return "not an x86-64 ELF (e_machine)";
	if (eh.e_type != ELF_ET_EXEC)
		return "not an executable (e_type is not ET_EXEC)";
	if (eh.e_phentsize < sizeof(struct elf64_phdr))
		return "program header entry size too small";
	if (eh.e_phnum == 0)
		return "no program headers";
	if (eh.e_phnum > ELF_MAX_PHDRS)
		return "too many program headers";
	table_size = (uint64_t)eh.e_phentsize * eh.e_phnum;
	if (add_overflows(eh.e_phoff, table_size, &table_end) || table_end > len)
		return "program header table runs past the end of the file";

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_seg *s;
		uint64_t file_end, mem_end;
		unsigned j;

		__builtin_memcpy(&ph, p + eh.e_phoff + (uint64_t)i * eh.e_phentsize, sizeof(ph));
		if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
			continue;
		if (add_overflows(ph.p_offset, ph.p_filesz, &file_end) || file_end > len)
			return "a PT_LOAD segment runs past the end of the file";
		if (ph.p_filesz > ph.p_memsz)
			return "a PT_LOAD segment has filesz > memsz";
		if (ph.p_memsz > ELF_MAX_IMAGE)
			return "a PT_LOAD segment is implausibly large";
		if (!IS_ALIGNED(ph.p_vaddr, PAGE_SIZE))
			return "a PT_LOAD segment's vaddr is not page aligned";
		if (ph.p_vaddr < ELF_VA_MIN)
			return "a PT_LOAD segment lies below the top 2 GiB (not a higher-half kernel)";
		if (add_overflows(ph.p_vaddr, ALIGN_UP(ph.p_memsz, PAGE_SIZE), &mem_end))
			return "a PT_LOAD segment runs past the top of the address space";
		if ((ph.p_flags & ELF_PF_W) && (ph.p_flags & ELF_PF_X))
			return "a PT_LOAD segment is writable and executable (W^X)";
		if (img->nr_segs == ELF_MAX_SEGS)
			return "too many PT_LOAD segments";

		/* insertion by vaddr, refusing any shared page */
		for (j = img->nr_segs; j > 0 && img->segs[j - 1].vaddr > ph.p_vaddr; j--)
			img->segs[j] = img->segs[j - 1];
		s = &img->segs[j];
		*s = (struct elf_seg){ ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz, ph.p_flags };
		img->nr_segs++;
		if (j > 0) {
			const struct elf_seg *prev = &img->segs[j - 1];

			if (prev->vaddr + ALIGN_UP(prev->memsz, PAGE_SIZE) > s->vaddr)
				return "PT_LOAD segments overlap";
		}
		if (j + 1 < img->nr_segs &&
		    s->vaddr + ALIGN_UP(s->memsz, PAGE_SIZE) > img->segs[j + 1].vaddr)
			return "PT_LOAD segments overlap";
	}
	if (img->nr_segs == 0)
		return "no loadable (PT_LOAD) segment";

	img->va_start = img->segs[0].vaddr;
	img->va_end = img->segs[img->nr_segs - 1].vaddr +
		      ALIGN_UP(img->segs[img->nr_segs - 1].memsz, PAGE_SIZE);
	if (img->va_end - img->va_start > ELF_MAX_IMAGE)
		return "the loaded image span is implausibly large";

	img->entry = eh.e_entry;
	for (unsigned i = 0; i < img->nr_segs; i++) {
		const struct elf_seg *s = &img->segs[i];

		if ((s->flags & ELF_PF_X) && eh.e_entry >= s->vaddr &&
		    eh.e_entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return "the entry point is not inside an executable segment";
	return NULL;
}

const char *elf_ktext_span(const struct elf_image *img, uint64_t *start, uint64_t *end)
{
	uint64_t s = 0, e = 0;
	bool found = false;

	for (unsigned i = 0; i < img->nr_segs; i++) {
		const struct elf_seg *sg = &img->segs[i];

		if (sg->flags & ELF_PF_W)
			continue;
		if (!found)
			s = sg->vaddr;
		e = sg->vaddr + ALIGN_UP(sg->memsz, PAGE_SIZE);
		found = true;
	}
	if (!found)
		return "no read-only segment to replicate";
	for (unsigned i = 0; i < img->nr_segs; i++) {
		const struct elf_seg *sg = &img->segs[i];

		if ((sg->flags & ELF_PF_W) && sg->vaddr >= s && sg->vaddr < e)
			return "a writable segment lies between text and rodata";
	}
	*start = s;
	*end = e;
	return NULL;
}
