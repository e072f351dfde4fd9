/*
 * fake_machine.h - synthetic NUMA machines for the mm host tests and the
 * benchmark: a struct handoff with a physmap and a topology, and an
 * anonymous MAP_NORESERVE mapping standing in for physical memory
 * [0, phys_end) (mm_direct_map_base points at it).  Only pages the mm
 * writes (its metadata) ever get backed, so 64 GiB of "RAM" is cheap.
 *
 *   struct fake_machine fm;
 *   fm_init(&fm, 2);
 *   fm_ram(&fm, 0x100000, 0x40000000, 0);          // usable, node 0
 *   fm_ram(&fm, 0x40000000, 0x80000000, 1);
 *   fm_entry(&fm, 0x1000000, 0x1400000, PHYSMAP_LOADER, OWNER_KERNEL);
 *   fm_finish(&fm);  mm_init(fm.h);  ...  fm_destroy(&fm);
 *
 * fm_entry/fm_ram may overlap: fm_finish runs them through the real
 * physmap normaliser (as EFI-like usable + kept ranges), so the handoff
 * holds exactly what the loader would produce.
 *
 * The arena has the kernel's direct map's holes: every page the direct map
 * leaves out (reserved, gaps, non-RAM; pgtable_dm_type, whole pages only)
 * is PROT_NONE, so mm code that touches memory that is not RAM faults in
 * the host tests as it would in the kernel.
 */
#ifndef FAKE_MACHINE_H
#define FAKE_MACHINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "handoff.h"
#include "mm/physmap.h"
#include "mm/memmap.h"
#include "mm/pgtable.h"

#define FM_MAX 512

struct fake_machine {
	struct handoff *h;
	void *arena;
	size_t arena_size;
	struct efi_memory_descriptor efi[FM_MAX];
	struct physmap_entry keep[FM_MAX];
	unsigned nr_efi, nr_keep;
};

static inline void fm_init(struct fake_machine *fm, unsigned nr_nodes)
{
	memset(fm, 0, sizeof(*fm));
	fm->h = calloc(1, sizeof(*fm->h));
	if (!fm->h)
		abort();
	fm->h->numa.nr_nodes = nr_nodes;
	fm->h->numa.source = NUMA_SRC_SRAT;
	fm->h->nr_pgd = nr_nodes;
	fm->h->tsc_khz = 0;
	for (unsigned a = 0; a < NUMA_MAX_NODES; a++)
		for (unsigned b = 0; b < NUMA_MAX_NODES; b++)
			fm->h->numa.distance[a][b] = a == b ? 10 : 20;
}

static inline void fm_distance(struct fake_machine *fm, unsigned a, unsigned b, unsigned d)
{
	fm->h->numa.distance[a][b] = (uint8_t)d;
	fm->h->numa.distance[b][a] = (uint8_t)d;
}

/* EFI-typed range (pages), as firmware would report it. */
static inline void fm_efi(struct fake_machine *fm, uint32_t efi_type, uint64_t start, uint64_t end)
{
	struct efi_memory_descriptor *d = &fm->efi[fm->nr_efi++];

	d->type = efi_type;
	d->physical_start = start;
	d->number_of_pages = (end - start) >> PAGE_SHIFT;
	d->attribute = EFI_ATTR_UC | EFI_ATTR_WB;   /* plain RAM; ignored for other types */
}

/* Conventional RAM of node `node` (also recorded as an SRAT memblk). */
static inline void fm_ram(struct fake_machine *fm, uint64_t start, uint64_t end, unsigned node)
{
	struct numa_topology *t = &fm->h->numa;

	fm_efi(fm, EFI_CONVENTIONAL_MEMORY, start, end);
	if (t->nr_memblks && t->memblks[t->nr_memblks - 1].node == node &&
	    t->memblks[t->nr_memblks - 1].end == start) {
		t->memblks[t->nr_memblks - 1].end = end;
		return;
	}
	t->memblks[t->nr_memblks++] = (struct numa_memblk){ start, end, node, 0 };
}

/* A CPU on node `node` (the handoff's numa.cpus[], index = mm CPU index);
 * the first one added is the boot CPU. */
static inline void fm_cpu(struct fake_machine *fm, unsigned node)
{
	struct numa_topology *t = &fm->h->numa;
	uint32_t c = t->nr_cpus++;

	t->cpus[c] = (struct numa_cpu){ c, node, (uint16_t)node,
					 (uint16_t)(NUMA_CPU_IN_SRAT | NUMA_CPU_IN_MADT |
						    (c == 0 ? NUMA_CPU_BOOT : 0)) };
}

/* A loader-kept range (or any other kernel-typed range) over the map. */
static inline void fm_entry(struct fake_machine *fm, uint64_t start, uint64_t end,
			    uint32_t type, uint32_t owner)
{
	fm->keep[fm->nr_keep++] = (struct physmap_entry){ start, end, type, owner };
}

static int fm_memblk_cmp(const void *a, const void *b)
{
	const struct numa_memblk *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The direct map's holes made PROT_NONE: the pages outside the merged runs
 * of direct-mapped entries (shrunk inward to whole pages, as
 * pgtable_build_kernel maps them).  0 or -1. */
static inline int fm_punch_holes(struct fake_machine *fm)
{
	const struct handoff *h = fm->h;
	uint64_t mapped_to = 0;
	uint32_t i = 0;

	while (i < h->nr_physmap) {
		uint64_t rs, re, s, t;

		if (!pgtable_dm_type(h->physmap[i].type)) {
			i++;
			continue;
		}
		rs = h->physmap[i].start;
		re = h->physmap[i].end;
		for (i++; i < h->nr_physmap && pgtable_dm_type(h->physmap[i].type) &&
			  h->physmap[i].start <= re; i++)
			re = MAX(re, h->physmap[i].end);
		s = ALIGN_UP(rs, PAGE_SIZE);
		t = ALIGN_DOWN(re, PAGE_SIZE);
		if (s >= t)
			continue;
		if (s > mapped_to &&
		    mprotect((char *)fm->arena + mapped_to, s - mapped_to, PROT_NONE) != 0) {
			perror("fake_machine: mprotect");
			return -1;
		}
		mapped_to = MAX(mapped_to, t);
	}
	if (fm->arena_size > mapped_to &&
	    mprotect((char *)fm->arena + mapped_to, fm->arena_size - mapped_to, PROT_NONE) != 0) {
		perror("fake_machine: mprotect");
		return -1;
	}
	return 0;
}

/* Normalise, map the arena, point the mm's direct map at it.  0 or -1. */
static inline int fm_finish(struct fake_machine *fm)
{
	struct handoff *h = fm->h;
	uint64_t end = 0;
	int n;

	n = physmap_normalize(fm->efi, fm->nr_efi * sizeof(fm->efi[0]), sizeof(fm->efi[0]),
			      fm->keep, fm->nr_keep, h->physmap, HANDOFF_PHYSMAP_MAX);
	if (n < 0)
		return -1;
	h->nr_physmap = (uint32_t)n;
	qsort(h->numa.memblks, h->numa.nr_memblks, sizeof(h->numa.memblks[0]), fm_memblk_cmp);
	for (int i = 0; i < n; i++)
		end = MAX(end, h->physmap[i].end);
	{
		struct kernel_space_desc d = { .physmap = h->physmap, .nr_physmap = (size_t)n };

		h->direct_map_end = pgtable_direct_map_end(&d);   /* as the loader sets it */
	}
	fm->arena_size = ALIGN_UP(end, SZ_2M);
	fm->arena = mmap(NULL, fm->arena_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fm->arena == MAP_FAILED) {
		perror("fake_machine: mmap");
		return -1;
	}
	madvise(fm->arena, fm->arena_size, MADV_HUGEPAGE);
	if (fm_punch_holes(fm) != 0)
		return -1;
	mm_direct_map_base = (uintptr_t)fm->arena;
	return 0;
}

static inline void fm_destroy(struct fake_machine *fm)
{
	if (fm->arena && fm->arena != MAP_FAILED)
		munmap(fm->arena, fm->arena_size);
	free(fm->h);
	fm->h = NULL;
	fm->arena = NULL;
}

#endif /* FAKE_MACHINE_H */
