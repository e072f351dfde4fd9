/*
 * pgd.c - one copy of the kernel page tables per NUMA node, in that node's
 * own memory, plus (unless ktext=off) a node-local copy of the kernel's
 * text+rodata that the copy maps.
 *
 * For each node with memory: estimate the pages (pgtable_estimate_pages),
 * claim them in one block of EfiConventionalMemory that the normalised map
 * calls usable (write-back, not specific-purpose) inside the node's ranges,
 * hot-pluggable ones included (AllocateAddress, highest fit first), falling back to the nearest
 * node with room (reported); copy text+rodata into the block's head, build
 * the copy with a bump allocator over the rest, give back what was not
 * used.  Memory-less nodes share their nearest node's copy.  The copy the
 * boot CPU will run on also maps the trampoline page 1:1.
 */
#include "efi/loader.h"
#include "acpi/topology.h"
#include "efi/bootcheck.h"
#include "mm/pgtable.h"
#include "vmlayout.h"

_Static_assert(NUMA_MAX_NODES <= 64, "node sets are 64-bit masks here");
_Static_assert(ELF_MAX_SEGS <= PGTABLE_MAX_SEGS, "every validated segment gets mapped");

/* TSC cycles per phase, summed over all copies (for the summary line). */
static uint64_t tsc_claim, tsc_copy, tsc_build;

struct bump {
	phys_addr_t next, end;
};

/* Next page of the node's claimed block; 0 when it is used up. */
static phys_addr_t bump_alloc(void *ctx)
{
	struct bump *b = ctx;
	phys_addr_t pa = b->next;

	if (b->end - b->next < PAGE_SIZE)
		return 0;
	b->next += PAGE_SIZE;
	return pa;
}

/* Boot services run 1:1: a physical address is its own pointer. */
static void *identity(void *ctx, phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* Node whose SRAT ranges hold pa, or NUMA_NO_NODE. */
static uint16_t node_of_pa(const struct numa_topology *t, phys_addr_t pa)
{
	for (uint32_t i = 0; i < t->nr_memblks; i++)
		if (pa >= t->memblks[i].start && pa < t->memblks[i].end)
			return (uint16_t)t->memblks[i].node;
	return NUMA_NO_NODE;
}

/* The firmware's map, read once and re-read only when a claim from it
 * fails (our own claims make it stale, but only where we claimed). */
static EFI_MEMORY_DESCRIPTOR *fw_map;
static UINTN fw_nr, fw_dsize;

/* Forget the cached map (FreePool). */
static void fw_map_drop(void)
{
	if (fw_map)
		FreePool(fw_map);
	fw_map = NULL;
}

/* Highest page-aligned base of `pages` pages inside [a, b) that lie in one
 * PHYSMAP_USABLE entry of the preliminary map (write-back, not
 * specific-purpose, efi_fake_mem applied); 0 if none. */
static phys_addr_t fit_in_usable(const struct handoff *h, phys_addr_t a, phys_addr_t b,
				 uint64_t pages)
{
	phys_addr_t best = 0;

	for (size_t i = physmap_first_above(h->physmap, h->nr_physmap, a);
	     i < h->nr_physmap && h->physmap[i].start < b; i++) {
		const struct physmap_entry *e = &h->physmap[i];
		phys_addr_t c = MAX(a, e->start), d = MIN(b, e->end);

		if (e->type != PHYSMAP_USABLE || d <= c || (d - c) >> PAGE_SHIFT < pages)
			continue;
		best = MAX(best, d - pages * PAGE_SIZE);
	}
	return best;
}

/* Highest page-aligned base of `pages` free conventional pages inside node
 * n's ranges, above 1 MiB, in plain write-back RAM (page tables and
 * text copies never go into soft-reserved or uncached memory); 0 if none. */
static phys_addr_t find_in_node(const struct handoff *h, uint16_t n, uint64_t pages)
{
	const struct numa_topology *t = &h->numa;
	phys_addr_t best = 0;

	for (UINTN i = 0; i < fw_nr; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)fw_map + i * fw_dsize);
		phys_addr_t s = d->PhysicalStart, e = s + d->NumberOfPages * PAGE_SIZE;

		if (d->Type != EfiConventionalMemory || d->NumberOfPages > (~s >> PAGE_SHIFT))
			continue;               /* not free, or runs past 2^64 */
		for (uint32_t m = 0; m < t->nr_memblks; m++) {
			const struct numa_memblk *mb = &t->memblks[m];
			phys_addr_t a = ALIGN_UP(MAX(MAX(s, mb->start), SZ_1M), PAGE_SIZE);
			phys_addr_t b = ALIGN_DOWN(MIN(e, mb->end), PAGE_SIZE);

			/* hot-pluggable RAM is the node's too */
			if (mb->node != n || b <= a)
				continue;
			best = MAX(best, fit_in_usable(h, a, b, pages));
		}
	}
	return best;
}

/*
 * Claim `pages` contiguous pages of free conventional memory inside node
 * n's ranges (hot-pluggable or not), at the highest address that fits, above 1 MiB.
 */
static EFI_STATUS claim_in_node(struct loader *l, uint16_t n, uint64_t pages, uint32_t owner,
				phys_addr_t *pa)
{
	EFI_STATUS st = EFI_OUT_OF_RESOURCES;

	if (l->pgd_test_node1_full && n == 1)
		return EFI_OUT_OF_RESOURCES;    /* test only: node 1 has no room */
	for (int attempt = 0; attempt < 3; attempt++) {
		bool fresh = fw_map == NULL;
		UINTN key;
		UINT32 dver;

		if (fresh) {
			fw_map = LibMemoryMap(&fw_nr, &key, &fw_dsize, &dver);
			if (fw_map == NULL)
				return EFI_DEVICE_ERROR;
		}
		*pa = find_in_node(l->h, n, pages);
		if (*pa != 0) {
			st = loader_alloc(l, AllocateAddress, EfiLoaderData, pages, pa, owner);
			if (!EFI_ERROR(st))
				return st;
		}
		fw_map_drop();
		if (fresh && *pa == 0)
			return EFI_OUT_OF_RESOURCES;    /* a current map has no room */
	}
	return st;
}

/* The kernel's mappings for one copy; text_pa: where its text+rodata are. */
static void fill_desc(struct loader *l, struct kernel_space_desc *d, phys_addr_t text_pa,
		      bool trampoline)
{
	__builtin_memset(d, 0, sizeof(*d));
	d->physmap = l->h->physmap;
	d->nr_physmap = l->h->nr_physmap;
	d->gbpages = l->gbpages;
	d->global = true;
	d->trampoline_pa = trampoline ? l->trampoline_pa : 0;
	for (uint32_t i = 0; i < l->img.nr_segs && i < PGTABLE_MAX_SEGS; i++) {
		const struct elf_seg *s = &l->img.segs[i];
		struct pgtable_seg *g = &d->segs[d->nr_segs++];
		bool w = s->flags & ELF_PF_W;

		g->va = s->vaddr;
		g->size = ALIGN_UP(s->memsz, PAGE_SIZE);
		g->flags = (w ? PTE_W : 0) | ((s->flags & ELF_PF_X) ? 0 : PTE_NX);
		if (!w && text_pa && s->vaddr >= l->ktext_start && s->vaddr < l->ktext_end)
			g->pa = text_pa + (s->vaddr - l->ktext_start);
		else
			g->pa = l->image_pa + (s->vaddr - l->img.va_start);
	}
	/* Device windows (UART, framebuffer): the same in every copy. */
	for (uint32_t i = 0; i < l->nr_iomap && d->nr_segs < PGTABLE_MAX_SEGS; i++)
		d->segs[d->nr_segs++] = (struct pgtable_seg){ l->iomap[i].va, l->iomap[i].pa,
							      l->iomap[i].size,
							      PTE_W | PTE_NX | l->iomap[i].flags };
}

/* Build node n's copy; fills h->pgd[n]. */
static EFI_STATUS build_node(struct loader *l, uint16_t n, bool trampoline)
{
	struct handoff *h = l->h;
	const struct numa_topology *t = &h->numa;
	uint64_t text_pages = l->ktext_off ? 0 : (l->ktext_end - l->ktext_start) >> PAGE_SHIFT;
	struct kernel_space_desc d;
	struct bump b;
	struct pgtable_ops ops = { &b, bump_alloc, NULL, identity };
	uint64_t need, used;
	phys_addr_t pa, root, text_pa;
	uint32_t owner = text_pages ? OWNER_KTEXT : OWNER_PGTABLE;
	uint64_t tried = 0;                 /* node bitmask (NUMA_MAX_NODES == 64) */
	uint16_t where = n;
	uint64_t c0 = rdtsc(), c1, c2;
	EFI_STATUS st;
	int r;

	fill_desc(l, &d, text_pages ? 1 : 0, trampoline);  /* shape only, for the estimate */
	need = pgtable_estimate_pages(&d) + text_pages;
	st = claim_in_node(l, n, need, owner, &pa);
	/* Too little room on n: the nearest node with room, by distance then id. */
	while (EFI_ERROR(st)) {
		uint16_t m = NUMA_NO_NODE;
		uint32_t md = ~0u;

		tried |= 1ULL << n;
		for (uint16_t k = 0; k < t->nr_nodes; k++) {
			if ((tried & (1ULL << k)) || !topology_node_has_memory(t, k) ||
			    t->distance[n][k] >= md)
				continue;
			md = t->distance[n][k];
			m = k;
		}
		if (m == NUMA_NO_NODE)
			break;
		tried |= 1ULL << m;
		where = m;
		st = claim_in_node(l, m, need, owner, &pa);
	}
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot claim %llu pages for node %u's page tables on any"
			      " node: %s\n", (unsigned long long)need, n, efi_status_str(st));
		return st;
	}
	if (where != n)
		loader_printf("loader: node %u has too little free memory for its copy (%llu pages):"
			      " using node %u's memory (distance %u)\n", n,
			      (unsigned long long)need, where, t->distance[n][where]);

	c1 = rdtsc();
	tsc_claim += c1 - c0;
	text_pa = text_pages ? pa : 0;
	if (text_pages)
		loader_memcpy((void *)(uintptr_t)pa,
				 (const void *)(uintptr_t)(l->image_pa +
							   (l->ktext_start - l->img.va_start)),
				 text_pages * PAGE_SIZE);
	b.next = pa + text_pages * PAGE_SIZE;
	b.end = pa + need * PAGE_SIZE;
	c2 = rdtsc();
	tsc_copy += c2 - c1;
	fill_desc(l, &d, text_pa, trampoline);
	r = pgtable_build_kernel(&ops, &d, &root);
	tsc_build += rdtsc() - c2;
	if (r < 0) {
		loader_printf("loader: building node %u's page tables failed (pgtable error %d):"
			      " %s\n", n, r, efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}
	used = (b.next - pa) >> PAGE_SHIFT;
	if (text_pages) {
		loader_split(l, pa, text_pages, OWNER_PGTABLE);
		loader_shrink(l, pa + text_pages * PAGE_SIZE, used - text_pages);
	} else {
		loader_shrink(l, pa, used);
	}

	h->pgd[n].root_pa = root;
	h->pgd[n].table_pages = (uint32_t)r;
	h->pgd[n].root_node = where;
	if (text_pages) {
		h->pgd[n].text_pa = text_pa;
		h->pgd[n].text_node = where;
	} else {
		h->pgd[n].text_pa = l->image_pa + (l->ktext_start - l->img.va_start);
		h->pgd[n].text_node = node_of_pa(t, h->pgd[n].text_pa);
	}
	return EFI_SUCCESS;
}

/* The root the jump will load into CR3 maps everything the trampoline and
 * the kernel's entry touch (efi/bootcheck.c); else say why and give up
 * while the firmware is still there to return to. */
static EFI_STATUS pgd_check_boot(struct loader *l)
{
	struct pgtable_ops ops = { NULL, NULL, NULL, identity };
	struct bootcheck_input in = {
		.root = l->boot_cr3,
		.trampoline_pa = l->trampoline_pa,
		.entry_va = l->img.entry,
		.stack_lo = DIRECT_MAP_BASE + l->stack_pa,
		.stack_hi = DIRECT_MAP_BASE + l->stack_pa + LOADER_STACK_SIZE,
		.stack_pa = l->stack_pa,
		.handoff_va = DIRECT_MAP_BASE + (uintptr_t)l->h,
		.handoff_pa = (uintptr_t)l->h,
		.handoff_size = sizeof(*l->h),
	};
	char why[192];

	if (bootcheck_root(&ops, &in, why, sizeof(why)) == 0)
		return EFI_SUCCESS;
	loader_printf("loader: not jumping to the kernel: %s: %s - this is a loader bug; boot"
		      " with numa=off, and report the loader: lines above\n", why,
		      efi_status_str(EFI_LOAD_ERROR));
	return EFI_LOAD_ERROR;
}

EFI_STATUS pgd_build_all(struct loader *l)
{
	struct handoff *h = l->h;
	const struct numa_topology *t = &h->numa;
	uint16_t boot = topology_node_of_apic(t, l->boot_apic_id), tramp_node;
	uint64_t t0, t1, us, total = 0, max = 0;
	uint32_t copies = 0;
	EFI_STATUS st;

	if (boot == NUMA_NO_NODE || boot >= t->nr_nodes) {
		loader_printf("loader: boot CPU (APIC 0x%x) is in no node's CPU list: using node 0\n",
			      l->boot_apic_id);
		boot = 0;
	}
	tramp_node = topology_nearest_with_memory(t, boot);
	if (tramp_node >= t->nr_nodes || !topology_node_has_memory(t, tramp_node)) {
		loader_printf("loader: no node has RAM inside its SRAT ranges, so no page-table copy"
			      " can be placed: %s - boot with numa=off to use one node over all"
			      " RAM\n", efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}

	if (l->pgd_test_elsewhere) {
		/* Test only: enter the kernel on another node's copy, so that the
		 * kernel's switch to its own node's copy is exercised. */
		for (uint16_t i = 1; i < t->nr_nodes; i++) {
			uint16_t n = (uint16_t)((tramp_node + i) % t->nr_nodes);

			if (topology_node_has_memory(t, n)) {
				tramp_node = n;
				break;
			}
		}
		loader_printf("loader: pgd_test=boot-elsewhere: entering the kernel on node %u's copy\n",
			      tramp_node);
	}

	t0 = rdtsc();
	for (uint16_t n = 0; n < t->nr_nodes; n++) {
		if (!topology_node_has_memory(t, n))
			continue;
		/* pgd_test=no-trampoline (test only): leave the trampoline out,
		 * so that the check below must refuse to jump. */
		st = build_node(l, n, n == tramp_node && !l->pgd_test_no_trampoline);
		if (EFI_ERROR(st)) {
			fw_map_drop();
			return st;
		}
		copies++;
		total += h->pgd[n].table_pages;
		max = MAX(max, h->pgd[n].table_pages);
	}
	for (uint16_t n = 0; n < t->nr_nodes; n++)
		if (!topology_node_has_memory(t, n))
			h->pgd[n] = h->pgd[topology_nearest_with_memory(t, n)];
	fw_map_drop();
	t1 = rdtsc();

	h->nr_pgd = t->nr_nodes;
	h->boot_node = boot;
	h->flags |= HANDOFF_F_NX | (l->gbpages ? HANDOFF_F_GBPAGES : 0) |
		    (l->ktext_off ? 0 : HANDOFF_F_KTEXT);
	h->tsc_pgtable_build = t1 - t0;
	l->boot_cr3 = h->pgd[tramp_node].root_pa;     /* the copy that maps the trampoline */
	{
		struct kernel_space_desc d = { .physmap = h->physmap, .nr_physmap = h->nr_physmap };

		h->direct_map_end = pgtable_direct_map_end(&d);
	}
	st = pgd_check_boot(l);
	if (EFI_ERROR(st))
		return st;

	for (uint16_t n = 0; n < t->nr_nodes; n++)
		loader_printf("loader: PGD: Node %u at 0x%llx (node %u), %u table pages, text at"
			      " 0x%llx (node %u)\n", n, (unsigned long long)h->pgd[n].root_pa,
			      h->pgd[n].root_node, h->pgd[n].table_pages,
			      (unsigned long long)h->pgd[n].text_pa, h->pgd[n].text_node);
	us = h->tsc_khz ? (t1 - t0) * 1000 / h->tsc_khz : 0;
	loader_printf("loader: pgtable: %u cop%s, %llu table pages (max %llu per copy), text copy"
		      " %llu KiB each%s, built in %llu us\n", copies, copies == 1 ? "y" : "ies",
		      (unsigned long long)total,
		      (unsigned long long)max,
		      l->ktext_off ? 0ULL : (unsigned long long)((l->ktext_end - l->ktext_start) >> 10),
		      l->ktext_off ? " (ktext=off)" : "", (unsigned long long)us);
	if (h->tsc_khz)
		loader_printf("loader: pgtable: claiming pages %llu us, copying text %llu us,"
			      " building tables %llu us\n",
			      (unsigned long long)(tsc_claim * 1000 / h->tsc_khz),
			      (unsigned long long)(tsc_copy * 1000 / h->tsc_khz),
			      (unsigned long long)(tsc_build * 1000 / h->tsc_khz));
	return EFI_SUCCESS;
}
