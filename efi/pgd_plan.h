/*
 * pgd_plan.h - the loader's decisions about the per-node page-table copies,
 * without firmware calls, so host tests can drive them (test/efi/
 * pgd_plan_test.c); efi/pgd.c makes the firmware calls around them.
 *
 *   where     the highest free conventional block inside a node's present
 *             ranges, above 1 MiB, avoiding ranges already claimed;
 *   fallback  a node with too little room borrows from the nearest node
 *             with memory (distance, then lowest id);
 *   entry     the copy the loader enters the kernel on (the boot CPU's
 *             node, or its nearest node with memory);
 *   contents  the kernel_space_desc of one copy: direct map, text/rodata
 *             (this copy's text pa), data (the original), read-only text
 *             frames of every copy in the direct map.
 */
#ifndef EFI_PGD_PLAN_H
#define EFI_PGD_PLAN_H

#include "types.h"
#include "numa.h"
#include "handoff.h"
#include "mm/pgtable.h"
#include "efi/elf.h"

/*
 * Highest page-aligned base of `pages` free pages (EfiConventionalMemory
 * descriptors of map, walked by dsize) inside node n's SRAT ranges
 * (hot-pluggable ones included: their RAM is the node's), at or above 1 MiB, inside one PHYSMAP_USABLE entry of the
 * preliminary normalised map (write-back, not specific-purpose: page
 * tables and text copies never go into soft-reserved or uncached memory),
 * overlapping none of taken[0..nr_taken) (ranges claimed since the map was
 * read).  0 if none fits.
 */
phys_addr_t pgd_find_in_node(const struct numa_topology *t, uint16_t n, const void *map,
			     size_t nr, size_t dsize, const struct physmap_entry *physmap,
			     size_t nr_physmap, uint64_t pages,
			     const struct pgtable_range *taken, size_t nr_taken);

/* The node to try next for node n's claim when every node in `tried`
 * failed: the nearest node with memory by distance, ties to the
 * lowest id.  NUMA_NO_NODE when none is left. */
uint16_t pgd_next_fallback(const struct numa_topology *t, uint16_t n, const numa_nodeset_t *tried);

/* The node whose copy the loader enters the kernel on: the boot CPU's node's
 * nearest node with memory; with `elsewhere` (pgd_test=boot-elsewhere) the
 * next node with memory after that one.  NUMA_NO_NODE if no node has memory. */
uint16_t pgd_entry_node(const struct numa_topology *t, uint16_t boot_node, bool elsewhere);

/* The kernel image as loaded: what a copy's kernel-half mappings need. */
struct pgd_image {
	const struct elf_image *img;
	phys_addr_t image_pa;           /* [img->va_start, img->va_end) lives here */
	uint64_t ktext_start, ktext_end;  /* replicated span (VAs) */
};

/*
 * One copy's desc: segments from the image (text and rodata inside the
 * replicated span at text_pa when text_pa != 0, else the original; data
 * always the original), W only with NX, global, the direct map of
 * physmap with ro[0..nr_ro) read-only, the trampoline page when non-zero.
 */
void pgd_fill_desc(struct kernel_space_desc *d, const struct pgd_image *im, phys_addr_t text_pa,
		   const struct physmap_entry *physmap, size_t nr_physmap, bool gbpages,
		   const struct pgtable_range *ro, uint32_t nr_ro, phys_addr_t trampoline_pa);

/*
 * The read-only frames every copy's direct map gets: each distinct text
 * copy [text_pa[i], + size) for i < nr, sorted, duplicates merged.
 * Returns the number written to out (cap >= nr).
 */
uint32_t pgd_text_ranges(const phys_addr_t *text_pa, uint32_t nr, uint64_t size,
			 struct pgtable_range *out);

#endif /* EFI_PGD_PLAN_H */
