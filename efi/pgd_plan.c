/*
 * pgd_plan.c - the pure decisions behind efi/pgd.c (see pgd_plan.h).
 * Freestanding: no firmware calls, no printing; compiled into the loader
 * and included by test/efi/pgd_plan_test.c.
 */
#include "types.h"
#include "acpi/topology.h"
#include "mm/physmap.h"
#include "efi/pgd_plan.h"


/* Highest base <= top - pages of a block in [lo, top) avoiding taken; 0 if none. */
static phys_addr_t highest_fit(phys_addr_t lo, phys_addr_t top, uint64_t pages,
			       const struct pgtable_range *taken, size_t nr_taken)
{
	uint64_t bytes = pages * PAGE_SIZE;

	for (;;) {
		phys_addr_t base, cut = 0;
		bool hit = false;

		if (top < lo || top - lo < bytes)
			return 0;
		base = top - bytes;
		for (size_t i = 0; i < nr_taken; i++) {
			if (taken[i].start < top && taken[i].end > base && (!hit || taken[i].start > cut)) {
				cut = taken[i].start;
				hit = true;
			}
		}
		if (!hit)
			return base;
		/* Nothing fits above the highest overlapping claim: look below it. */
		top = ALIGN_DOWN(cut, PAGE_SIZE);
	}
}

/* Highest fit inside [a, b) and inside one usable entry of physmap. */
static phys_addr_t fit_in_usable(const struct physmap_entry *physmap, size_t nr_physmap,
				 phys_addr_t a, phys_addr_t b, uint64_t pages,
				 const struct pgtable_range *taken, size_t nr_taken)
{
	phys_addr_t best = 0;

	for (size_t i = physmap_first_above(physmap, nr_physmap, a);
	     i < nr_physmap && physmap[i].start < b; i++) {
		const struct physmap_entry *e = &physmap[i];
		phys_addr_t c = MAX(a, e->start), d = MIN(b, e->end);

		if (e->type != PHYSMAP_USABLE || d <= c)
			continue;
		best = MAX(best, highest_fit(c, d, pages, taken, nr_taken));
	}
	return best;
}

phys_addr_t pgd_find_in_node(const struct numa_topology *t, uint16_t n, const void *map,
			     size_t nr, size_t dsize, const struct physmap_entry *physmap,
			     size_t nr_physmap, uint64_t pages,
			     const struct pgtable_range *taken, size_t nr_taken)
{
	phys_addr_t best = 0;

	if (pages == 0 || pages > (~0ULL >> PAGE_SHIFT) || dsize < sizeof(struct efi_memory_descriptor))
		return 0;
	for (size_t i = 0; i < nr; i++) {
		const struct efi_memory_descriptor *d =
			(const void *)((const uint8_t *)map + i * dsize);
		phys_addr_t s = d->physical_start, e;

		if (d->type != EFI_CONVENTIONAL_MEMORY || d->number_of_pages > (~s >> PAGE_SHIFT))
			continue;               /* not free, or runs past 2^64 */
		e = s + d->number_of_pages * PAGE_SIZE;
		for (uint32_t m = 0; m < t->nr_memblks && m < NUMA_MAX_MEMBLKS; m++) {
			const struct numa_memblk *mb = &t->memblks[m];
			phys_addr_t a = ALIGN_UP(MAX(MAX(s, mb->start), SZ_1M), PAGE_SIZE);
			phys_addr_t b = ALIGN_DOWN(MIN(e, mb->end), PAGE_SIZE);

			/* hot-pluggable RAM is the node's too (issue 8 item 1) */
			if (mb->node != n || b <= a)
				continue;
			best = MAX(best, fit_in_usable(physmap, nr_physmap, a, b, pages, taken,
						       nr_taken));
		}
	}
	return best;
}

uint16_t pgd_next_fallback(const struct numa_topology *t, uint16_t n, const numa_nodeset_t *tried)
{
	uint16_t m = NUMA_NO_NODE;
	uint32_t md = ~0u;

	if (n >= t->nr_nodes)
		return NUMA_NO_NODE;
	for (uint16_t k = 0; k < t->nr_nodes && k < NUMA_MAX_NODES; k++) {
		if (numa_nodeset_test(tried, k) || !topology_node_has_memory(t, k) ||
		    t->distance[n][k] >= md)
			continue;
		md = t->distance[n][k];
		m = k;
	}
	return m;
}

uint16_t pgd_entry_node(const struct numa_topology *t, uint16_t boot_node, bool elsewhere)
{
	uint16_t e;

	if (boot_node >= t->nr_nodes)
		boot_node = 0;
	e = topology_nearest_with_memory(t, boot_node);
	if (e >= t->nr_nodes || !topology_node_has_memory(t, e))
		return NUMA_NO_NODE;     /* (nearest_with_memory gives the node itself then) */
	if (elsewhere) {
		for (uint16_t i = 1; i < t->nr_nodes; i++) {
			uint16_t n = (uint16_t)((e + i) % t->nr_nodes);

			if (topology_node_has_memory(t, n))
				return n;
		}
	}
	return e;
}

void pgd_fill_desc(struct kernel_space_desc *d, const struct pgd_image *im, phys_addr_t text_pa,
		   const struct physmap_entry *physmap, size_t nr_physmap, bool gbpages,
		   const struct pgtable_range *ro, uint32_t nr_ro, phys_addr_t trampoline_pa)
{
	const struct elf_image *img = im->img;

	*d = (struct kernel_space_desc){
		.physmap = physmap,
		.nr_physmap = nr_physmap,
		.gbpages = gbpages,
		.global = true,
		.trampoline_pa = trampoline_pa,
		.dm_ro = ro,
		.nr_dm_ro = nr_ro,
	};
	for (uint32_t i = 0; i < img->nr_segs && i < PGTABLE_MAX_SEGS; i++) {
		const struct elf_seg *s = &img->segs[i];
		struct pgtable_seg *g = &d->segs[d->nr_segs++];
		bool w = s->flags & ELF_PF_W;

		g->va = s->vaddr;
		g->size = ALIGN_UP(s->memsz, PAGE_SIZE);
		g->flags = (w ? PTE_W : 0) | ((s->flags & ELF_PF_X) ? 0 : PTE_NX);
		if (!w && text_pa && s->vaddr >= im->ktext_start && s->vaddr < im->ktext_end)
			g->pa = text_pa + (s->vaddr - im->ktext_start);
		else
			g->pa = im->image_pa + (s->vaddr - img->va_start);
	}
}

uint32_t pgd_text_ranges(const phys_addr_t *text_pa, uint32_t nr, uint64_t size,
			 struct pgtable_range *out)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < nr; i++) {
		struct pgtable_range r = { text_pa[i], text_pa[i] + size };
		uint32_t j;

		if (size == 0 || r.end < r.start)
			continue;
		for (j = 0; j < k && out[j].start != r.start; j++)
			;
		if (j < k) {
			out[j].end = MAX(out[j].end, r.end);
			continue;
		}
		/* insertion sort: k is at most the node count */
		for (j = k; j > 0 && out[j - 1].start > r.start; j--)
			out[j] = out[j - 1];
		out[j] = r;
		k++;
	}
	return k;
}
