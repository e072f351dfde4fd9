/*
 * mm.c - mm_init: from the handoff alone to a buddy allocator on every
 * node, with its metadata in that node's memory.
 *
 *   physmap (usable + loader ranges) x NUMA memblks -> bootmem memory
 *   page 0 -> not memory (Linux's e820 trim), still bootmem reserved
 *   loader-owned ranges, RSDP, trampolines -> bootmem reserved
 *   per node: pglist_data (node-local) -> zones -> zonelist
 *   section table + per-section memmap (node-local) -> memmap_fill
 *   CPU table -> per-CPU pagesets (node-local)
 *   bootmem_handover -> buddy_free_range (largest aligned blocks)
 *   watermarks, pageset high and batch (from the managed pages)
 *
 * Freed loader memory: OWNER_TRAMPOLINE (the identity-mapped CR3 switch
 * page) - the kernel has dropped the identity map before calling mm_init.
 * Every other loader range (kernel, handoff, page tables, text copies,
 * stack, EFI map, SMP trampoline) is kept.  ACPI reclaim/NVS, reserved,
 * unusable and persistent memory never enter bootmem.
 */
#include "types.h"
#include "printk.h"
#include "handoff.h"
#include "mm/mm.h"
#include "lib/printf.h"
#include "mm/physmap.h"
#include "mm/bootmem.h"
#include "mm/memmap.h"
#include "mm/node.h"
#include "mm/buddy.h"
#include "mm/pcp.h"

struct mm_stats mm_stats;
struct mm_options mm_options;

static const char *mm_set_memblock(void *ctx, const char *val)
{
	if (!cmdline_val_is(val, "debug"))
		return "takes debug";
	((struct mm_options *)ctx)->memblock_debug = true;
	return NULL;
}

static const char *mm_set_zoneinfo(void *ctx, const char *val)
{
	((struct mm_options *)ctx)->zoneinfo = true;
	return NULL;
}

static const char *mm_set_init_compare(void *ctx, const char *val)
{
	((struct mm_options *)ctx)->init_compare = true;
	return NULL;
}

const struct cmdline_param mm_params[] = {
	{ "memblock", CMDLINE_VALUE, mm_set_memblock },
	{ "zoneinfo", CMDLINE_FLAG,  mm_set_zoneinfo },
	{ "mm_init_compare", CMDLINE_FLAG, mm_set_init_compare },
	CMDLINE_END
};

#define P(x) ((unsigned long long)(x))

/* Add usable [start, end) to bootmem, cut along the NUMA memblks. */
static void mm_add_ram(const struct numa_topology *t, uint32_t fallback_nid,
		       phys_addr_t start, phys_addr_t end)
{
	phys_addr_t cur = start;

	if (t->nr_memblks == 0) {
		bootmem_add_memory(start, end, 0);
		return;
	}
	for (uint32_t i = 0; i < t->nr_memblks && cur < end; i++) {
		const struct numa_memblk *mb = &t->memblks[i];
		phys_addr_t s = MAX(cur, mb->start), e = MIN(end, mb->end);

		if (s >= e || mb->node >= t->nr_nodes)
			continue;
		if (s > cur) {
			printk(KERN_WARNING "mm: [mem 0x%016llx-0x%016llx] is in no NUMA node, "
			       "given to node %u\n", P(cur), P(s - 1), fallback_nid);
			bootmem_add_memory(cur, s, fallback_nid);
		}
		bootmem_add_memory(s, e, mb->node);
		cur = e;
	}
	if (cur < end) {
		printk(KERN_WARNING "mm: [mem 0x%016llx-0x%016llx] is in no NUMA node, "
		       "given to node %u\n", P(cur), P(end - 1), fallback_nid);
		bootmem_add_memory(cur, end, fallback_nid);
	}
}

static void mm_reserve_range(phys_addr_t start, uint64_t size, enum bootmem_kind kind,
			     const char *why)
{
	if (start && size)
		bootmem_reserve(start, start + size, kind, why);
}

static void mm_seed_bootmem(const struct handoff *h)
{
	const struct numa_topology *t = &h->numa;
	uint32_t nr = MIN(h->nr_physmap, (uint32_t)HANDOFF_PHYSMAP_MAX);

	for (uint32_t i = 0; i < nr; i++) {
		const struct physmap_entry *e = &h->physmap[i];

		phys_addr_t s = ALIGN_UP(e->start, PAGE_SIZE), end = ALIGN_DOWN(e->end, PAGE_SIZE);

		if (e->type != PHYSMAP_USABLE && e->type != PHYSMAP_LOADER)
			continue;
		/* Page 0 is firmware's (real-mode IVT, BDA), not RAM, as Linux's
		 * trim_bios_range has it (e820 usable ==> reserved): it never
		 * enters memory, so the DMA zone and the first node range start
		 * at 0x1000 and it counts in no total.  Reserved below as well. */
		s = MAX(s, (phys_addr_t)PAGE_SIZE);
		/* RAM the direct map does not reach cannot be handed out. */
		if (h->direct_map_end && end > h->direct_map_end) {
			phys_addr_t cut = MAX(s, ALIGN_DOWN(h->direct_map_end, PAGE_SIZE));

			printk(KERN_WARNING "mm: [mem 0x%016llx-0x%016llx] beyond the direct map "
			       "(ends at 0x%llx), ignored\n", P(cut), P(end - 1),
			       P(h->direct_map_end));
			end = cut;
		}
		if (s < end)
			mm_add_ram(t, h->boot_node < t->nr_nodes ? h->boot_node : 0, s, end);
	}

	bootmem_reserve(0, PAGE_SIZE, BOOTMEM_FIRMWARE, "page 0");
	for (uint32_t i = 0; i < nr; i++) {
		const struct physmap_entry *e = &h->physmap[i];

		if (e->type != PHYSMAP_LOADER)
			continue;
		if (e->owner == OWNER_TRAMPOLINE) {
			mm_stats.loader_freed_bytes += e->end - e->start;
			continue;
		}
		bootmem_reserve(e->start, e->end,
				e->owner == OWNER_KERNEL ? BOOTMEM_KERNEL : BOOTMEM_LOADER,
				physmap_owner_name(e->owner));
	}
	/* The same ranges again from the handoff's own fields: belt and braces
	 * against a loader that forgot to list one in the physmap. */
	mm_reserve_range(h->kernel_pa, h->kernel_size, BOOTMEM_KERNEL, "kernel");
	mm_reserve_range(h->stack_pa, h->stack_size, BOOTMEM_LOADER, "stack");
	mm_reserve_range(h->efi_map_pa, h->efi_map_size, BOOTMEM_LOADER, "EFI map");
	for (uint32_t n = 0; n < h->nr_pgd && n < NUMA_MAX_NODES; n++) {
		mm_reserve_range(h->pgd[n].root_pa, PAGE_SIZE, BOOTMEM_LOADER, "page tables");
		if (h->flags & HANDOFF_F_KTEXT)
			mm_reserve_range(h->pgd[n].text_pa, ALIGN_UP(h->ktext_size, PAGE_SIZE),
					 BOOTMEM_LOADER, "kernel text copy");
	}
	mm_reserve_range(h->smp_trampoline_pa, PAGE_SIZE, BOOTMEM_FIRMWARE, "SMP trampoline");
	mm_reserve_range(h->rsdp_pa, 36, BOOTMEM_FIRMWARE, "ACPI RSDP");
}

static bool mm_has_ram(void)
{
	size_t nr;

	bootmem_memory(&nr);
	return nr != 0;
}

static void mm_print_ranges(void)
{
	const struct bootmem_region *m;
	size_t nr;
	pfn_t lo, hi;

	m = bootmem_memory(&nr);
	lo = nr ? PFN_DOWN(m[0].start) : 0;
	hi = nr ? PFN_DOWN(m[nr - 1].end) : 0;
	printk(KERN_INFO "Zone ranges:\n");
	for (uint32_t z = 0; z < MAX_NR_ZONES; z++) {
		pfn_t zs = z == ZONE_DMA ? 0 : z == ZONE_DMA32 ? ZONE_DMA_END_PFN : ZONE_DMA32_END_PFN;
		pfn_t ze = z == ZONE_DMA ? ZONE_DMA_END_PFN : z == ZONE_DMA32 ? ZONE_DMA32_END_PFN : ~0ULL;
		pfn_t s = MAX(zs, lo), e = MIN(ze, hi);

		if (s < e)
			printk(KERN_INFO "  %-8s [mem 0x%016llx-0x%016llx]\n", zone_name(z),
			       P(PFN_PHYS(s)), P(PFN_PHYS(e) - 1));
		else
			printk(KERN_INFO "  %-8s empty\n", zone_name(z));
	}
	printk(KERN_INFO "Early memory node ranges\n");
	for (size_t i = 0; i < nr; i++)
		printk(KERN_INFO "  node %3u: [mem 0x%016llx-0x%016llx]\n", m[i].node,
		       P(m[i].start), P(m[i].end - 1));
}

/* Node descriptors in node-local memory; zone spans and present pages. */
static void mm_setup_nodes(const struct numa_topology *t, bool *has_mem)
{
	const struct bootmem_region *m;
	size_t nr;

	m = bootmem_memory(&nr);
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		bool local = false;

		for (size_t i = 0; i < nr; i++)
			local |= m[i].node == n;
		has_mem[n] = local;
	}
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		phys_addr_t pa = bootmem_alloc_node(sizeof(struct pglist_data), 64, n);
		struct pglist_data *pg;

		if (!pa)
			panic("mm: no memory on any node for node %u's descriptor", n);
		pg = mm_phys_to_virt(pa);
		__builtin_memset(pg, 0, sizeof(*pg));
		pg->node_id = n;
		pg->pgdat_pa = pa;
		for (uint32_t z = 0; z < MAX_NR_ZONES; z++) {
			pg->node_zones[z].node = (uint16_t)n;
			pg->node_zones[z].idx = (uint8_t)z;
		}
		node_data[n] = pg;
	}
	for (size_t i = 0; i < nr; i++) {
		struct pglist_data *pg = node_data[m[i].node];
		pfn_t s = PFN_UP(m[i].start), e = PFN_DOWN(m[i].end);

		while (s < e) {
			uint8_t z = zone_of_pfn(s);
			pfn_t ze = z == ZONE_DMA ? ZONE_DMA_END_PFN :
				   z == ZONE_DMA32 ? ZONE_DMA32_END_PFN : e;
			pfn_t re = MIN(e, ze);
			struct zone *zone = &pg->node_zones[z];

			if (!zone->present_pages) {
				zone->start_pfn = s;
			}
			zone->end_pfn = re;
			zone->present_pages += re - s;
			pg->node_present_pages += re - s;
			s = re;
		}
	}
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		struct pglist_data *pg = node_data[n];
		pfn_t lo = ~0ULL, hi = 0;

		for (uint32_t z = 0; z < MAX_NR_ZONES; z++) {
			if (!pg->node_zones[z].present_pages)
				continue;
			lo = MIN(lo, pg->node_zones[z].start_pfn);
			hi = MAX(hi, pg->node_zones[z].end_pfn);
		}
		pg->node_start_pfn = hi ? lo : 0;
		pg->node_spanned_pages = hi ? hi - lo : 0;
	}
	/* No node has CPUs yet: Linux builds its boot zonelists before the
	 * boot CPU is identified (numa_add_cpu() runs from identify_cpu(),
	 * after build_all_zonelists()), so every node_to_cpumask_map is still
	 * empty and the CPU penalty never applies at boot; make linux-compare
	 * shows it (README). */
	node_build_zonelists(&(struct node_fallback_input){
		.nr_nodes = mm_nr_nodes, .has_mem = has_mem, .has_cpus = NULL, .dist = t->distance });
}

/* The first node of pg's fallback order that has memory (0 if none). */
static uint32_t mm_first_with_memory(const struct pglist_data *pg, const bool *has_mem)
{
	for (uint32_t i = 0; i < pg->nr_fallback; i++)
		if (has_mem[pg->fallback[i]])
			return pg->fallback[i];
	return 0;
}

static void mm_print_zonelists(void)
{
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		const struct pglist_data *pg = node_data[n];
		char line[8 * NUMA_MAX_NODES + 48];
		int len = ksnprintf(line, sizeof(line), "Fallback order for Node %u:", n);

		for (uint32_t i = 0; i < pg->nr_fallback && len < (int)sizeof(line); i++)
			len += ksnprintf(line + len, sizeof(line) - (size_t)len, " %u", pg->fallback[i]);
		printk(KERN_INFO "%s\n", line);
	}
}

/* The section table (boot node) and each section's memmap (owner node). */
static void mm_setup_memmap(uint32_t boot_nid)
{
	const struct bootmem_region *m;
	size_t nr;
	phys_addr_t pa;
	const uint64_t map_bytes = PAGES_PER_SECTION * sizeof(struct page);

	m = bootmem_memory(&nr);
	if (!nr)
		panic("mm: the handoff's memory map has no usable RAM");
	nr_mem_sections = (PFN_DOWN(m[nr - 1].end) + PAGES_PER_SECTION - 1) >> PFN_SECTION_SHIFT;
	pa = bootmem_alloc_node(nr_mem_sections * sizeof(struct mem_section), PAGE_SIZE, boot_nid);
	if (!pa)
		panic("mm: no memory for the section table (%llu sections)", P(nr_mem_sections));
	mem_sections = mm_phys_to_virt(pa);
	__builtin_memset(mem_sections, 0, nr_mem_sections * sizeof(struct mem_section));

	/* A section belongs to the node of its first RAM page. */
	for (size_t i = 0; i < nr; i++) {
		pfn_t s = PFN_UP(m[i].start), e = PFN_DOWN(m[i].end);

		for (uint64_t sec = s >> PFN_SECTION_SHIFT; s < e && sec <= (e - 1) >> PFN_SECTION_SHIFT; sec++) {
			if (!mem_sections[sec].present) {
				mem_sections[sec].present = 1;
				mem_sections[sec].node = m[i].node;
			}
		}
	}
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		struct pglist_data *pg = node_data[n];

		for (uint64_t sec = 0; sec < nr_mem_sections; sec++) {
			if (!mem_sections[sec].present || mem_sections[sec].node != n)
				continue;
			pa = bootmem_alloc_node(map_bytes, PAGE_SIZE, n);
			if (!pa)
				panic("mm: no memory for the memmap of section %llu (node %u)", P(sec), n);
			mem_sections[sec].map = mm_phys_to_virt(pa);
			/* Top-down allocation makes a node's blocks one run: report
			 * its lowest address, and a remote node if any block is. */
			if (!pg->memmap_sections || pa < pg->memmap_pa)
				pg->memmap_pa = pa;
			if (!pg->memmap_sections || bootmem_node_of(pa) != n)
				pg->memmap_node = bootmem_node_of(pa);
			pg->memmap_sections++;
			pg->memmap_bytes += map_bytes;
			mm_stats.memmap_bytes += map_bytes;
			mm_stats.descriptors += PAGES_PER_SECTION;
		}
	}
}

/* ---- descriptor init + hand-over as work items (see mm.h) */

/* One item's pass over the free ranges, clipped to [start, end). */
struct item_cursor {
	pfn_t start, end, cur;
	uint64_t pages;
	bool handover;          /* false: fill descriptors; true: hand over */
};

static void mm_item_range(void *ctx, pfn_t s, pfn_t e, uint32_t nid)
{
	struct item_cursor *c = ctx;

	s = MAX(s, c->start);
	e = MIN(e, c->end);
	if (s >= e)
		return;
	if (c->handover) {
		buddy_free_range(s, e);
		c->pages += e - s;
		return;
	}
	memmap_fill(c->cur, s, PG_reserved, NUMA_NO_NODE);
	memmap_fill(s, e, 0, (uint16_t)nid);
	c->cur = e;
}

void mm_init_run(struct mm_init_work *w)
{
	struct item_cursor c = { w->start_pfn, w->end_pfn, w->start_pfn, 0, false };
	uint64_t t0 = mm_rdtsc(), t1;

	/* Every descriptor of the item first, then the hand-over: merging
	 * reads buddies' descriptors, which lie inside the same 4 MiB block
	 * and so inside the item (items are whole sections). */
	bootmem_for_each_free(mm_item_range, &c);
	memmap_fill(c.cur, w->end_pfn, PG_reserved, NUMA_NO_NODE);
	t1 = mm_rdtsc();
	c.handover = true;
	bootmem_for_each_free(mm_item_range, &c);
	w->pages = c.pages;
	w->cycles_fill = t1 - t0;
	w->cycles_handover = mm_rdtsc() - t1;
}

uint32_t mm_init_split(struct mm_init_work *items, uint32_t max_items)
{
	uint64_t cap = 8;       /* sections per item: 128 MiB, so a node's CPUs share it */

	if (max_items == 0)
		return 0;
	for (;;) {
		bool seen[NUMA_MAX_NODES] = { false };
		uint32_t n = 0;
		uint64_t sec = 0;

		while (sec < nr_mem_sections && n < max_items) {
			uint64_t first;
			uint32_t node;
			bool early;

			if (!mem_sections[sec].map) {
				sec++;
				continue;
			}
			first = sec;
			node = mem_sections[sec].node;
			/* A node's lowest section is an item of its own: what the
			 * boot CPU hands over before other CPUs run (Linux's
			 * deferred init likewise starts each node early). */
			early = node < NUMA_MAX_NODES && !seen[node];
			if (early)
				seen[node] = true;
			while (sec < nr_mem_sections && sec - first < (early ? 1 : cap) &&
			       mem_sections[sec].map && mem_sections[sec].node == node)
				sec++;
			items[n++] = (struct mm_init_work){
				.start_pfn = first << PFN_SECTION_SHIFT,
				.end_pfn = sec << PFN_SECTION_SHIFT,
				.node = node,
				.early = early,
			};
		}
		if (sec >= nr_mem_sections)
			return n;
		cap *= 2;       /* too many items for the array: larger ones */
	}
}


static uint64_t mm_cycles_to_us(uint64_t cycles)
{
	return mm_stats.tsc_khz ? cycles * 1000 / mm_stats.tsc_khz : 0;
}

static void mm_report(void)
{
	uint64_t present = 0, managed = 0, free = 0, kernel, loader, meta, other;

	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		for (uint32_t z = 0; z < MAX_NR_ZONES; z++) {
			const struct zone *zone = &node_data[n]->node_zones[z];

			if (!zone_populated(zone))
				continue;
			printk(KERN_INFO "Node %u, zone %s: present %llu managed %llu free %llu\n",
			       n, zone_name(z), P(zone->present_pages), P(zone->managed_pages),
			       P(zone->free_pages));
			present += zone->present_pages;
			managed += zone->managed_pages;
			free += zone->free_pages;
		}
	}
	buddy_print_info();
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		const struct pglist_data *pg = node_data[n];

		if (pg->memmap_sections)
			printk(KERN_INFO "mm: node %u memmap %llu at 0x%llx (node %u)\n", n,
			       P(pg->memmap_bytes), P(pg->memmap_pa), pg->memmap_node);
		printk(KERN_INFO "mm: node %u descriptor at 0x%llx (node %u)%s\n", n,
		       P(pg->pgdat_pa), bootmem_node_of(pg->pgdat_pa),
		       pg->node_present_pages ? "" : ", memory-less");
	}
	kernel = bootmem_reserved_bytes(BOOTMEM_KERNEL) >> 10;
	loader = bootmem_reserved_bytes(BOOTMEM_LOADER) >> 10;
	meta = bootmem_reserved_bytes(BOOTMEM_MM) >> 10;
	other = (present - managed) * (PAGE_SIZE >> 10) - kernel - loader - meta;
	printk(KERN_INFO "Memory: %lluK/%lluK available (%lluK kernel, %lluK loader-owned, "
	       "%lluK mm metadata, %lluK other reserved; %lluK loader memory freed)\n",
	       P(managed * (PAGE_SIZE >> 10)), P(present * (PAGE_SIZE >> 10)), P(kernel),
	       P(loader), P(meta), P(other), P(mm_stats.loader_freed_bytes >> 10));
	mm_stats.pages_present = present;
	mm_stats.pages_managed = managed;
	(void)free;
}

static uint64_t mm_t0;

void mm_init_early(const struct handoff *h)
{
	bool has_mem[NUMA_MAX_NODES] = { false };
	uint32_t boot_nid;

	mm_t0 = mm_rdtsc();

	__builtin_memset(&mm_stats, 0, sizeof(mm_stats));
	__builtin_memset(node_data, 0, sizeof(node_data));
	mem_sections = NULL;
	nr_mem_sections = 0;
	mm_stats.tsc_khz = h->tsc_khz;
	mm_nr_nodes = h->numa.nr_nodes;
	if (mm_nr_nodes == 0 || mm_nr_nodes > NUMA_MAX_NODES)
		panic("mm_init: numa.nr_nodes %u out of range 1..%u", mm_nr_nodes, NUMA_MAX_NODES);
	boot_nid = h->boot_node < mm_nr_nodes ? h->boot_node : 0;

	bootmem_init(mm_nr_nodes, h->numa.distance, h->direct_map_end);
	mm_seed_bootmem(h);
	if (!mm_has_ram())
		panic("mm: the handoff's memory map has no usable RAM");
	mm_print_ranges();
	mm_setup_nodes(&h->numa, has_mem);
	/* The loader placed page-table copies by the same rule (RAM inside a
	 * node's ranges, hot-pluggable or not): say so if the final map
	 * disagrees with the one the topology was built from. */
	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		if (has_mem[n] != numa_node_has_memory(&h->numa, n))
			printk(KERN_WARNING "mm: node %u %s RAM in the final memory map but %s in "
			       "the loader's topology\n", n, has_mem[n] ? "has" : "has no",
			       has_mem[n] ? "none" : "some");
	if (!has_mem[boot_nid])
		boot_nid = mm_first_with_memory(node_data[boot_nid], has_mem);
	buddy_default_node = boot_nid;
	mm_print_zonelists();
	mm_setup_memmap(boot_nid);
	pcp_setup_cpus(&h->numa, boot_nid);
	pcp_alloc_pagesets();
	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		mm_stats.nodes_with_memory += has_mem[n];

	if (mm_options.memblock_debug)
		bootmem_dump();

	/* From here on bootmem allocates nothing: the free ranges are final. */
	bootmem_seal();
}

void mm_init_late(const struct mm_init_work *items, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		mm_stats.cycles_memmap += items[i].cycles_fill;
		mm_stats.cycles_handover += items[i].cycles_handover;
	}
	pcp_setup_sizes();
	mm_report();
	mm_stats.cycles_total = mm_rdtsc() - mm_t0;
	if (mm_stats.tsc_khz)
		printk(KERN_INFO "mm: buddy online: %u nodes, %llu pages free, memmap %llu bytes "
		       "(%zu bytes/page), init %llu us\n", mm_stats.nodes_with_memory,
		       P(buddy_free_pages_total()), P(mm_stats.memmap_bytes), sizeof(struct page),
		       P(mm_cycles_to_us(mm_stats.cycles_total)));
	else
		printk(KERN_INFO "mm: buddy online: %u nodes, %llu pages free, memmap %llu bytes "
		       "(%zu bytes/page), init ? us (%llu TSC cycles, tsc_khz unknown)\n",
		       mm_stats.nodes_with_memory, P(buddy_free_pages_total()),
		       P(mm_stats.memmap_bytes), sizeof(struct page), P(mm_stats.cycles_total));
	if (mm_options.zoneinfo)
		pcp_print_zoneinfo();
}

/* Room for 128 MiB items up to 512 GiB; beyond, mm_init_split makes them larger. */
static struct mm_init_work mm_items[4096];

void mm_init(const struct handoff *h)
{
	uint32_t nr;

	mm_init_early(h);
	nr = mm_init_split(mm_items, ARRAY_SIZE(mm_items));
	for (uint32_t i = 0; i < nr; i++)
		mm_init_run(&mm_items[i]);
	mm_init_late(mm_items, nr);
}
