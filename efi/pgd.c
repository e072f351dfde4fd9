/*
 * pgd.c - one copy of the kernel page tables per NUMA node, in that node's
 * own memory, plus (unless ktext=off) a node-local copy of the kernel's
 * text+rodata that the copy maps.  The decisions (where, which fallback,
 * what a copy maps) are in pgd_plan.c, host-tested; this file makes the
 * firmware calls around them.
 *
 * Two passes, because every copy's direct map makes every copy's text
 * read-only, so all text copies must be placed before any table is built:
 *   1. for each node with memory, claim its text copy in its own memory
 *      (AllocateAddress at the highest fit of free conventional memory that
 *      the normalised map calls usable: write-back, not specific-purpose;
 *      the nearest node with room as a reported fallback) and copy
 *      text+rodata there;
 *   2. for each node with memory, count the copy's tables exactly
 *      (pgtable_estimate_pages), claim them the same way, build with a bump
 *      allocator over the claim.
 * Memory-less nodes share their nearest node's copy.  The copy the loader
 * enters the kernel on also maps the trampoline page 1:1.
 */
#include "efi/loader.h"
#include "efi/pgd_plan.h"
#include "efi/bootcheck.h"
#include "acpi/topology.h"
#include "mm/pgtable.h"
#include "vmlayout.h"

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

/* Every range the loader claimed so far: the cached map does not show the
 * claims made since it was read. */
static size_t taken_ranges(const struct loader *l, struct pgtable_range *out)
{
	size_t k = 0;

	for (uint32_t i = 0; i < l->nr_allocs && k < LOADER_MAX_ALLOCS; i++)
		out[k++] = (struct pgtable_range){ l->allocs[i].pa,
						   l->allocs[i].pa + l->allocs[i].pages * PAGE_SIZE };
	return k;
}

/*
 * Claim `pages` contiguous pages of free conventional memory inside node
 * n's ranges (hot-pluggable or not), at the highest address that fits,
 * above 1 MiB.
 */
static EFI_STATUS claim_in_node(struct loader *l, uint16_t n, uint64_t pages, uint32_t owner,
				phys_addr_t *pa)
{
	static struct pgtable_range taken[LOADER_MAX_ALLOCS];
	EFI_STATUS st = EFI_OUT_OF_RESOURCES;

	if (l->opt.pgd_test_node1_full && n == 1)
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
		*pa = pgd_find_in_node(&l->h->numa, n, fw_map, fw_nr, fw_dsize, l->h->physmap,
				       l->h->nr_physmap, pages, taken, taken_ranges(l, taken));
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

/*
 * Claim in node n, or when it has too little room in the nearest node with
 * room (said on the console); *where is the node used.
 */
static EFI_STATUS claim_near(struct loader *l, uint16_t n, uint64_t pages, uint32_t owner,
			     const char *what, phys_addr_t *pa, uint16_t *where)
{
	const struct numa_topology *t = &l->h->numa;
	numa_nodeset_t tried = { 0 };
	EFI_STATUS st = claim_in_node(l, n, pages, owner, pa);

	numa_nodeset_set(&tried, n);
	*where = n;
	while (EFI_ERROR(st)) {
		uint16_t m = pgd_next_fallback(t, n, &tried);

		if (m == NUMA_NO_NODE)
			break;
		numa_nodeset_set(&tried, m);
		*where = m;
		st = claim_in_node(l, m, pages, owner, pa);
	}
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot claim %llu pages for node %u's %s on any node: %s\n",
			      (unsigned long long)pages, n, what, efi_status_str(st));
		return st;
	}
	if (*where != n)
		loader_printf("loader: node %u has too little free memory for its copy (%llu pages of"
			      " %s): using node %u's memory (distance %u)\n", n,
			      (unsigned long long)pages, what, *where, t->distance[n][*where]);
	return EFI_SUCCESS;
}

/* Pass 1: node n's text copy (or, with ktext=off, the original's place). */
static EFI_STATUS place_text(struct loader *l, uint16_t n)
{
	struct handoff *h = l->h;
	uint64_t text_pages = (l->ktext_end - l->ktext_start) >> PAGE_SHIFT;
	phys_addr_t original = l->image_pa + (l->ktext_start - l->img.va_start), pa;
	uint64_t c0 = rdtsc(), c1;
	uint16_t where;
	EFI_STATUS st;

	if (l->opt.ktext_off) {
		h->pgd[n].text_pa = original;
		h->pgd[n].text_node = node_of_pa(&h->numa, original);
		return EFI_SUCCESS;
	}
	st = claim_near(l, n, text_pages, OWNER_KTEXT, "kernel text", &pa, &where);
	c1 = rdtsc();
	tsc_claim += c1 - c0;
	if (EFI_ERROR(st))
		return st;
	loader_memcpy((void *)(uintptr_t)pa, (const void *)(uintptr_t)original,
		      text_pages * PAGE_SIZE);
	tsc_copy += rdtsc() - c1;
	h->pgd[n].text_pa = pa;
	h->pgd[n].text_node = where;
	return EFI_SUCCESS;
}

/* Pass 2: node n's tables; ro: every copy's text frames. */
static EFI_STATUS build_node(struct loader *l, uint16_t n, const struct pgtable_range *ro,
			     uint32_t nr_ro, bool trampoline)
{
	struct handoff *h = l->h;
	struct pgd_image im = { &l->img, l->image_pa, l->ktext_start, l->ktext_end };
	struct kernel_space_desc d;
	struct bump b;
	struct pgtable_ops ops = { &b, bump_alloc, NULL, identity };
	uint64_t need, used, c0 = rdtsc(), c1;
	phys_addr_t pa, root;
	uint16_t where;
	EFI_STATUS st;
	int r;

	pgd_fill_desc(&d, &im, l->opt.ktext_off ? 0 : h->pgd[n].text_pa, h->physmap, h->nr_physmap,
		      l->gbpages, ro, nr_ro, trampoline ? l->trampoline_pa : 0);
	/* Device windows (UART, framebuffer): the same in every copy. */
	for (uint32_t i = 0; i < l->nr_iomap && d.nr_segs < PGTABLE_MAX_SEGS; i++)
		d.segs[d.nr_segs++] = (struct pgtable_seg){ l->iomap[i].va, l->iomap[i].pa,
							    l->iomap[i].size,
							    PTE_W | PTE_NX | l->iomap[i].flags };
	need = pgtable_estimate_pages(&d);
	st = claim_near(l, n, need, OWNER_PGTABLE, "table pages", &pa, &where);
	c1 = rdtsc();
	tsc_claim += c1 - c0;
	if (EFI_ERROR(st))
		return st;
	b.next = pa;
	b.end = pa + need * PAGE_SIZE;
	r = pgtable_build_kernel(&ops, &d, &root);
	tsc_build += rdtsc() - c1;
	if (r < 0) {
		loader_printf("loader: building node %u's page tables failed (pgtable error %d,"
			      " %llu pages claimed): %s\n", n, r, (unsigned long long)need,
			      efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}
	used = (b.next - pa) >> PAGE_SHIFT;
	if (used < need)
		loader_shrink(l, pa, used);
	h->pgd[n].root_pa = root;
	h->pgd[n].table_pages = (uint32_t)r;
	h->pgd[n].root_node = where;
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
	static struct pgtable_range ro[NUMA_MAX_NODES];
	static phys_addr_t text_pa[NUMA_MAX_NODES];
	struct handoff *h = l->h;
	const struct numa_topology *t = &h->numa;
	uint16_t boot = topology_node_of_apic(t, l->boot_apic_id), entry;
	uint64_t t0, t1, us, total = 0, max = 0;
	uint32_t copies = 0, nr_text = 0, nr_ro;
	EFI_STATUS st = EFI_SUCCESS;

	if (boot == NUMA_NO_NODE || boot >= t->nr_nodes) {
		loader_printf("loader: boot CPU (APIC 0x%x) is in no node's CPU list: using node 0\n",
			      l->boot_apic_id);
		boot = 0;
	}
	entry = pgd_entry_node(t, boot, l->opt.pgd_test_elsewhere);
	if (entry >= t->nr_nodes) {
		loader_printf("loader: no node has RAM inside its SRAT ranges, so no page-table copy"
			      " can be placed: %s - boot with numa=off to use one node over all"
			      " RAM\n", efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}
	if (l->opt.pgd_test_elsewhere)
		loader_printf("loader: pgd_test=boot-elsewhere: entering the kernel on node %u's copy\n",
			      entry);

	t0 = rdtsc();
	for (uint16_t n = 0; n < t->nr_nodes && !EFI_ERROR(st); n++) {
		if (!topology_node_has_memory(t, n))
			continue;
		st = place_text(l, n);
		if (!EFI_ERROR(st))
			text_pa[nr_text++] = h->pgd[n].text_pa;
	}
	nr_ro = pgd_text_ranges(text_pa, nr_text, l->ktext_end - l->ktext_start, ro);
	for (uint16_t n = 0; n < t->nr_nodes && !EFI_ERROR(st); n++) {
		if (!topology_node_has_memory(t, n))
			continue;
		/* pgd_test=no-trampoline (test only): leave the trampoline out,
		 * so that the check below must refuse to jump. */
		st = build_node(l, n, ro, nr_ro, n == entry && !l->opt.pgd_test_no_trampoline);
		if (EFI_ERROR(st))
			break;
		copies++;
		total += h->pgd[n].table_pages;
		max = MAX(max, h->pgd[n].table_pages);
	}
	fw_map_drop();
	if (EFI_ERROR(st))
		return st;
	for (uint16_t n = 0; n < t->nr_nodes; n++)
		if (!topology_node_has_memory(t, n))
			h->pgd[n] = h->pgd[topology_nearest_with_memory(t, n)];
	t1 = rdtsc();

	h->nr_pgd = t->nr_nodes;
	h->boot_node = boot;
	h->flags |= HANDOFF_F_NX | (l->gbpages ? HANDOFF_F_GBPAGES : 0) |
		    (l->opt.ktext_off ? 0 : HANDOFF_F_KTEXT);
	h->tsc_pgtable_build = t1 - t0;
	l->boot_cr3 = h->pgd[entry].root_pa;     /* the copy that maps the trampoline */
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
		      l->opt.ktext_off ? 0ULL : (unsigned long long)((l->ktext_end - l->ktext_start) >> 10),
		      l->opt.ktext_off ? " (ktext=off)" : "", (unsigned long long)us);
	if (h->tsc_khz)
		loader_printf("loader: pgtable: claiming pages %llu us, copying text %llu us,"
			      " building tables %llu us\n",
			      (unsigned long long)(tsc_claim * 1000 / h->tsc_khz),
			      (unsigned long long)(tsc_copy * 1000 / h->tsc_khz),
			      (unsigned long long)(tsc_build * 1000 / h->tsc_khz));
	return EFI_SUCCESS;
}
