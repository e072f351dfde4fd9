/*
 * paging.h - leaving the firmware's paging mode: the loader's trampoline
 * page (efi/trampoline.S, copied below 4 GiB), its patch-ups, and the
 * tables for a CR4.LA57 toggle (Linux's libstub x86-5lvl.c does the same
 * dance).  Freestanding: the host tests (test/efi/paging_test.c) run it.
 *
 * Firmware that runs with 5-level paging: after ExitBootServices the loader
 * copies the 4-level table under the firmware's PML5 entry 0 (it maps the
 * low 256 TiB exactly as the PML5 did) into a page below 4 GiB and calls
 * the trampoline's toggle, which drops to 32-bit compatibility mode, turns
 * paging off, loads that page, flips CR4.LA57 and turns paging on again.
 * The kernel's own 4-level root is loaded afterwards, as without LA57.
 */
#ifndef EFI_PAGING_H
#define EFI_PAGING_H

/* Selectors of the trampoline's GDT (trampoline.S). */
#define PAGING_GDT_CS64   0x08
#define PAGING_GDT_CS32   0x10
#define PAGING_GDT_DS     0x18
#define PAGING_GDT_SIZE   32

#ifndef __ASSEMBLER__
#include "types.h"

/* lgdt operand: 2-byte limit, 8-byte base. */
struct paging_gdtr {
	uint16_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct paging_gdtr) == 10, "GDTR operand is 10 bytes");
_Static_assert(__builtin_offsetof(struct paging_gdtr, base) == 2, "GDTR base at 2");

/* Where things are inside the trampoline code (offsets from its start). */
struct paging_layout {
	size_t size;            /* bytes to copy */
	size_t toggle;          /* la57 toggle entry */
	size_t ljmp;            /* the 32-bit ljmp instruction (opcode 0xea) */
	size_t ret64;           /* its 64-bit target */
	size_t gdt;             /* 4 descriptors, 8-byte aligned */
	size_t gdtr;            /* struct paging_gdtr */
};

#define PAGING_TRAMPOLINE_MAX  1024   /* what fits before anything else in the page */

/*
 * Copy the trampoline code into its page at page_pa (below 4 GiB, page
 * aligned) and patch the two absolute addresses it needs: the ljmp target
 * back to 64-bit mode and the GDTR base.  Returns NULL, or why it cannot
 * (page above 4 GiB, layout out of range, ljmp not where expected).
 */
const char *paging_trampoline_install(uint8_t *page, phys_addr_t page_pa, const uint8_t *code,
				      const struct paging_layout *lay);

/* Physical-address bits of a paging-structure entry or CR3 (bits 12..51). */
#define PAGING_ADDR_MASK  0x000ffffffffff000ULL
#define PAGING_P          0x1ULL
#define PAGING_RW         0x2ULL
#define PAGING_PS         0x80ULL

/*
 * 5 -> 4 levels: the physical address of the PML4 that PML5 entry 0 points
 * at, or 0 with why set (entry not present, or a page-size bit where none
 * may be).  Entries above 0 (VAs beyond 256 TiB) cannot be kept and are
 * counted in *dropped.
 */
phys_addr_t paging_pml4_of_pml5(const uint64_t pml5[512], uint32_t *dropped, const char **why);

/* How paging_lookup reads a paging-structure entry: a pointer to the 8
 * bytes at pa, or NULL when pa cannot be read. */
typedef const uint64_t *(*paging_read_fn)(void *ctx, phys_addr_t pa);

#define PAGING_NX         (1ULL << 63)

/*
 * Translate va through the tables at cr3 (5 levels if la57, else 4), as
 * the CPU would: returns 0 with *pa and the effective permissions (*nx if
 * any level has XD, *ro if any level lacks R/W), or -1 when va is not
 * mapped or an entry cannot be read.  The loader asks this of the
 * firmware's own tables before it jumps through the trampoline page.
 */
int paging_lookup(uint64_t cr3, bool la57, uint64_t va, paging_read_fn rd, void *ctx,
		  phys_addr_t *pa, bool *nx, bool *ro);

/* 4 -> 5 levels (test only): a PML5 whose entry 0 is the given PML4. */
void paging_make_pml5(uint64_t pml5[512], phys_addr_t pml4_pa);

#endif /* !__ASSEMBLER__ */
#endif /* EFI_PAGING_H */
