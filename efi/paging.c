/*
 * paging.c - trampoline install and LA57 toggle tables (see paging.h).
 * Freestanding: no firmware calls, no I/O.
 */
#include "efi/paging.h"

const char *paging_trampoline_install(uint8_t *page, phys_addr_t page_pa, const uint8_t *code,
				      const struct paging_layout *lay)
{
	struct paging_gdtr gdtr = { PAGING_GDT_SIZE - 1, page_pa + lay->gdt };
	uint32_t target;

	if (page_pa & (PAGE_SIZE - 1))
		return "trampoline page is not page aligned";
	if (page_pa > 0x100000000ULL - PAGE_SIZE)
		return "trampoline page is above 4 GiB (32-bit code must reach it)";
	if (lay->size > PAGING_TRAMPOLINE_MAX || lay->toggle >= lay->size ||
	    lay->ljmp + 7 > lay->size || lay->ret64 >= lay->size ||
	    lay->gdt + PAGING_GDT_SIZE > lay->size || (lay->gdt & 7) ||
	    lay->gdtr + sizeof(gdtr) > lay->size)
		return "trampoline layout out of range";
	if (code[lay->ljmp] != 0xea)
		return "trampoline: no 32-bit far jump at the expected offset";
	__builtin_memcpy(page, code, lay->size);
	/* ljmpl $CS64, $target: opcode, 4-byte offset, 2-byte selector. */
	target = (uint32_t)(page_pa + lay->ret64);
	__builtin_memcpy(page + lay->ljmp + 1, &target, 4);
	page[lay->ljmp + 5] = PAGING_GDT_CS64;
	page[lay->ljmp + 6] = 0;
	__builtin_memcpy(page + lay->gdtr, &gdtr, sizeof(gdtr));
	return NULL;
}

phys_addr_t paging_pml4_of_pml5(const uint64_t pml5[512], uint32_t *dropped, const char **why)
{
	uint64_t e = pml5[0];

	*dropped = 0;
	for (int i = 1; i < 512; i++)
		if (pml5[i] & PAGING_P)
			(*dropped)++;
	if (!(e & PAGING_P)) {
		*why = "PML5 entry 0 is not present: the firmware maps nothing below 256 TiB";
		return 0;
	}
	if (e & PAGING_PS) {
		*why = "PML5 entry 0 has the page-size bit set (reserved at this level)";
		return 0;
	}
	*why = NULL;
	return e & PAGING_ADDR_MASK;
}

void paging_make_pml5(uint64_t pml5[512], phys_addr_t pml4_pa)
{
	for (int i = 0; i < 512; i++)
		pml5[i] = 0;
	pml5[0] = (pml4_pa & PAGING_ADDR_MASK) | PAGING_P | PAGING_RW;
}

int paging_lookup(uint64_t cr3, bool la57, uint64_t va, paging_read_fn rd, void *ctx,
		  phys_addr_t *pa, bool *nx, bool *ro)
{
	phys_addr_t table = cr3 & PAGING_ADDR_MASK;
	int shift = la57 ? 48 : 39;

	*nx = false;
	*ro = false;
	for (;; shift -= 9) {
		const uint64_t *ep = rd(ctx, table + ((va >> shift) & 511) * 8);
		uint64_t e;

		if (ep == NULL)
			return -1;
		e = *ep;
		if (!(e & PAGING_P))
			return -1;
		*nx |= (e & PAGING_NX) != 0;
		*ro |= !(e & PAGING_RW);
		/* A leaf: the 4 KiB level, or PS at the 1 GiB / 2 MiB levels. */
		if (shift == 12 || ((shift == 30 || shift == 21) && (e & PAGING_PS))) {
			uint64_t mask = (1ULL << shift) - 1;

			*pa = ((e & PAGING_ADDR_MASK) & ~mask) | (va & mask);
			return 0;
		}
		table = e & PAGING_ADDR_MASK;
	}
}
