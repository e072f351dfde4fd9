/*
 * mm_test.c - mm_init (mm/mm.c) over synthetic machines: the printed lines
 * against the map and topology, node-local metadata, sparse memmap over
 * holes, what is reserved and what the loader gives back.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <signal.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/bootmem.h"
#include "test_support.h"
#include "fake_machine.h"

static struct fake_machine fm;

static int teardown(void **state)
{
	fm_destroy(&fm);
	return 0;
}

/* Roughly what OVMF gives QEMU q35 -m 2G with two 1 GiB nodes. */
static void machine_qemu_two_nodes(void)
{
	fm_init(&fm, 2);
	fm_ram(&fm, 0x0, 0xa0000, 0);
	fm_ram(&fm, 0x100000, 0x40000000, 0);
	fm_ram(&fm, 0x40000000, 0x7f8ee000, 1);
	fm_efi(&fm, EFI_ACPI_NVS, 0x800000, 0x808000);
	fm_efi(&fm, EFI_ACPI_RECLAIM, 0x7f8ee000, 0x7f8f2000);
	fm_efi(&fm, EFI_RUNTIME_DATA, 0x7f8f2000, 0x7fa00000);
	fm_efi(&fm, EFI_BOOT_SERVICES_DATA, 0x3000000, 0x3800000);
	fm_entry(&fm, 0x3e000000, 0x3e400000, PHYSMAP_LOADER, OWNER_KERNEL);
	fm_entry(&fm, 0x3e400000, 0x3e410000, PHYSMAP_LOADER, OWNER_HANDOFF);
	fm_entry(&fm, 0x3e410000, 0x3e416000, PHYSMAP_LOADER, OWNER_PGTABLE);
	fm_entry(&fm, 0x7e000000, 0x7e006000, PHYSMAP_LOADER, OWNER_PGTABLE);
	fm_entry(&fm, 0x7e006000, 0x7e106000, PHYSMAP_LOADER, OWNER_KTEXT);
	fm_entry(&fm, 0x3e416000, 0x3e426000, PHYSMAP_LOADER, OWNER_STACK);
	fm_entry(&fm, 0x3e426000, 0x3e427000, PHYSMAP_LOADER, OWNER_TRAMPOLINE);
	fm_entry(&fm, 0x8000, 0x9000, PHYSMAP_LOADER, OWNER_SMP_TRAMP);
	fm.h->kernel_pa = 0x3e000000;
	fm.h->kernel_size = 0x400000;
	fm.h->smp_trampoline_pa = 0x8000;
	fm.h->rsdp_pa = 0x7f8f1014;
	fm.h->tsc_khz = 2000000;
	assert_int_equal(fm_finish(&fm), 0);
}

/* ---- the direct map's holes (issue 9 item 5) ------------------------------ */

static sigjmp_buf probe_env;

static void probe_segv(int sig)
{
	siglongjmp(probe_env, 1);
}

/* Does reading the byte at physical address pa through the mm's direct map
 * fault? */
static bool dm_faults(phys_addr_t pa)
{
	struct sigaction sa = { .sa_handler = probe_segv }, old_segv, old_bus;
	volatile bool faulted = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(probe_env, 1) == 0)
		(void)*(volatile uint8_t *)mm_phys_to_virt(pa);
	else
		faulted = true;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted;
}

/* The fake machine's direct map has the kernel's holes: the legacy hole
 * (VGA) and runtime data beside RAM fault, RAM and ACPI beside them do
 * not; mm_init and the self-test run on it without touching a hole. */
static void test_mm_direct_map_holes_fault(void **state)
{
	machine_qemu_two_nodes();
	assert_true(dm_faults(0xb8000));                 /* VGA window */
	assert_true(dm_faults(0xa0000));
	assert_false(dm_faults(0x9f000));                /* RAM just below */
	assert_false(dm_faults(0x100000));
	assert_true(dm_faults(0x7f8f2000));              /* EFI runtime data beside ACPI */
	assert_false(dm_faults(0x7f8f1fff));             /* ACPI tables: mapped */
	assert_true(dm_faults(0x7f9ff000));              /* its last page */
	assert_int_equal(fm.h->direct_map_end, 0x7f8f2000);
	test_log_reset();
	mm_init(fm.h);
	assert_int_equal(mm_selftest(2000), 0);
}

static void test_mm_init_prints_linux_lines(void **state)
{
	machine_qemu_two_nodes();
	test_log_reset();
	mm_init(fm.h);
	assert_non_null(test_log_find(
		"Zone ranges:\n"
		"  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
		"  DMA32    [mem 0x0000000001000000-0x000000007f8edfff]\n"
		"  Normal   empty\n"
		"Early memory node ranges\n"
		"  node   0: [mem 0x0000000000001000-0x000000000009ffff]\n"
		"  node   0: [mem 0x0000000000100000-0x00000000007fffff]\n"
		"  node   0: [mem 0x0000000000808000-0x000000003fffffff]\n"
		"  node   1: [mem 0x0000000040000000-0x000000007f8edfff]\n"));
	/* Page 0 is not memory, as in Linux (the machine's map has it usable). */
	assert_int_equal(bootmem_memory(&(size_t){0})[0].start, 0x1000);
	assert_int_equal(NODE_DATA(0)->node_zones[ZONE_DMA].start_pfn, 1);
	assert_non_null(test_log_find("Fallback order for Node 0: 0 1\nFallback order for Node 1: 1 0\n"));
	assert_non_null(test_log_find("Node 0, zone DMA: present 3991 managed "));
	assert_non_null(test_log_find("Node 1, zone DMA32: present 260334 managed "));
	assert_non_null(test_log_find("Node 0, zone      DMA "));
	assert_non_null(test_log_find("mm: node 0 memmap 8388608 at 0x"));
	assert_non_null(test_log_find("mm: node 1 memmap 8388608 at 0x"));
	assert_non_null(test_log_find("mm: buddy online: 2 nodes, "));
	assert_non_null(test_log_find(" pages free, memmap 16777216 bytes (32 bytes/page), init "));
	assert_null(test_log_find("tsc_khz unknown"));
	assert_null(test_log_find("Normal: present"));       /* empty zones are not listed */
	assert_int_equal(test_log_count("Fallback order"), 2);
}

/* RAM pages (the early node ranges) whose descriptor says reserved:
 * counted from the memmap, independently of mm.c's totals. */
static uint64_t reserved_ram_pages(void)
{
	const struct bootmem_region *m;
	size_t nr;
	uint64_t n = 0;

	m = bootmem_memory(&nr);
	for (size_t i = 0; i < nr; i++)
		for (pfn_t pfn = PFN_UP(m[i].start); pfn < PFN_DOWN(m[i].end); pfn++)
			n += (pfn_to_page(pfn)->flags & PG_reserved) != 0;
	return n;
}

static void test_mm_init_memory_totals_add_up(void **state)
{
	unsigned long long avail, total, kern, loader, meta, other, freed;
	uint64_t present = 0, managed = 0, free = 0;
	const char *line;

	machine_qemu_two_nodes();
	test_log_reset();
	mm_init(fm.h);
	line = test_log_find("Memory: ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "Memory: %lluK/%lluK available (%lluK kernel, %lluK loader-owned, "
				"%lluK mm metadata, %lluK other reserved; %lluK loader memory freed)",
				&avail, &total, &kern, &loader, &meta, &other, &freed), 7);
	for (uint32_t n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			present += NODE_DATA(n)->node_zones[z].present_pages;
			managed += NODE_DATA(n)->node_zones[z].managed_pages;
			free += NODE_DATA(n)->node_zones[z].free_pages;
		}
	assert_int_equal(total, present * 4);
	assert_int_equal(avail, managed * 4);
	assert_int_equal(free, managed);
	/* Every figure from the machine above, not from mm.c's arithmetic
	 * (which derives "other" as the remainder). */
	assert_int_equal(kern, 4096);
	/* handoff 64K + 2 x page tables 24K + ktext 1M + stack 64K + SMP trampoline */
	assert_int_equal(loader, 64 + 24 + 24 + 1024 + 64 + 4);
	/* memmap, 2 pgdats, section table, per-CPU pagesets (one CPU, three
	 * populated zones: 128 bytes each, node 0's two share a page) */
	assert_int_equal(meta, 16384 + 4 + 4 + 4 + 4 + 4);
	assert_int_equal(other, 0);     /* page 0 is not RAM; the RSDP is in ACPI data */
	assert_int_equal(freed, 4);                     /* the CR3 trampoline */
	assert_int_equal(present, (0xa0000ULL - 0x1000 + 0x40000000 - 0x100000 - 0x8000 + 0x7f8ee000 - 0x40000000) >> 12);
	/* What the buddy does not manage is exactly those reservations... */
	assert_int_equal(total - avail, 4096 + (64 + 24 + 24 + 1024 + 64 + 4) + (16384 + 12 + 8));
	/* ...and exactly the RAM pages the memmap marks reserved. */
	assert_int_equal(reserved_ram_pages() * 4, total - avail);
}

/* An RSDP inside usable RAM (some firmware puts it there): 36 bytes
 * reserved, a whole page withheld - counted as a page of "other". */
static void test_mm_init_subpage_reservation_counts_a_page(void **state)
{
	unsigned long long avail, total, kern, loader, meta, other, freed;
	const char *line;

	machine_qemu_two_nodes();
	fm.h->rsdp_pa = 0x9f000 + 0x14;
	test_log_reset();
	mm_init(fm.h);
	line = test_log_find("Memory: ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "Memory: %lluK/%lluK available (%lluK kernel, %lluK loader-owned, "
				"%lluK mm metadata, %lluK other reserved; %lluK loader memory freed)",
				&avail, &total, &kern, &loader, &meta, &other, &freed), 7);
	assert_int_equal(other, 4);                     /* the RSDP's page */
	assert_true(phys_to_page(0x9f000)->flags & PG_reserved);
	assert_int_equal(reserved_ram_pages() * 4, total - avail);
}

static void test_mm_init_metadata_node_local(void **state)
{
	machine_qemu_two_nodes();
	mm_init(fm.h);
	for (uint32_t n = 0; n < 2; n++) {
		const struct pglist_data *pg = NODE_DATA(n);

		assert_int_equal(bootmem_node_of(pg->pgdat_pa), n);
		assert_int_equal(bootmem_node_of(pg->memmap_pa), n);
		assert_int_equal(pg->memmap_node, n);
		assert_ptr_equal(mm_phys_to_virt(pg->pgdat_pa), pg);
	}
	for (uint64_t sec = 0; sec < nr_mem_sections; sec++) {
		if (!mem_sections[sec].map)
			continue;
		assert_int_equal(bootmem_node_of(mm_virt_to_phys(mem_sections[sec].map)),
				 mem_sections[sec].node);
		assert_int_equal(bootmem_node_of(mm_virt_to_phys(mem_sections[sec].map) +
						 PAGES_PER_SECTION * sizeof(struct page) - 1),
				 mem_sections[sec].node);
	}
}

static void test_mm_init_reservations_and_freed_loader_memory(void **state)
{
	machine_qemu_two_nodes();
	mm_init(fm.h);
	assert_true(phys_to_page(0)->flags & PG_reserved);
	assert_true(phys_to_page(0x3e000000)->flags & PG_reserved);          /* kernel */
	assert_true(phys_to_page(0x3e3ff000)->flags & PG_reserved);
	assert_true(phys_to_page(0x7e000000)->flags & PG_reserved);          /* node 1 page tables */
	assert_true(phys_to_page(0x7e105000)->flags & PG_reserved);          /* text copy */
	assert_true(phys_to_page(0x8000)->flags & PG_reserved);              /* SMP trampoline */
	assert_true(phys_to_page(0x800000)->flags & PG_reserved);            /* ACPI NVS: a hole */
	assert_false(phys_to_page(0x3e426000)->flags & PG_reserved);         /* CR3 trampoline: freed */
	assert_false(phys_to_page(0x3000000)->flags & PG_reserved);          /* boot services data */
	assert_true(phys_to_page(0x7f8ee000)->flags & PG_reserved);          /* ACPI tables */
	/* drain everything: no block may touch a reserved page */
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		struct page *p;

		while ((p = buddy_alloc(o, 0, ZONE_NORMAL)) != NULL)
			for (uint64_t i = 0; i < (1ULL << o); i++) {
				phys_addr_t pa = page_to_phys(p) + i * PAGE_SIZE;

				assert_false(pa >= 0x3e000000 && pa < 0x3e426000);
				assert_false(pa >= 0x7e000000 && pa < 0x7e106000);
				assert_false(pa < 0x1000 || (pa >= 0x8000 && pa < 0x9000));
			}
	}
	assert_int_equal(buddy_free_pages_total(), 0);
}

static void test_mm_init_holes_cost_no_memmap(void **state)
{
	fm_init(&fm, 2);
	fm_ram(&fm, 0x100000, 0x40000000, 0);                       /* 1 GiB: 8 sections */
	fm_ram(&fm, 0x1000000000ULL, 0x1040000000ULL, 1);           /* at 64 GiB: 8 sections */
	assert_int_equal(fm_finish(&fm), 0);
	test_log_reset();
	mm_init(fm.h);
	assert_int_equal(mm_stats.memmap_bytes, 16 * SZ_1M);
	assert_non_null(test_log_find("mm: node 1 memmap 8388608 at 0x103f"));
	assert_non_null(test_log_find("  Normal   [mem 0x0000000100000000-0x000000103fffffff]\n"));
	assert_null(pfn_to_page(PFN_DOWN(0x800000000ULL)));
	assert_non_null(test_log_find("Node 1, zone Normal: present 262144 managed "));
}

static void test_mm_init_fallback_order_ties(void **state)
{
	fm_init(&fm, 4);
	for (unsigned n = 0; n < 4; n++)
		fm_ram(&fm, (uint64_t)(n + 1) << 28, (uint64_t)(n + 2) << 28, n);
	fm_distance(&fm, 0, 1, 21);
	fm_distance(&fm, 0, 2, 21);
	fm_distance(&fm, 0, 3, 17);
	fm_distance(&fm, 1, 2, 17);
	fm_distance(&fm, 1, 3, 30);
	fm_distance(&fm, 2, 3, 21);
	assert_int_equal(fm_finish(&fm), 0);
	test_log_reset();
	mm_init(fm.h);
	assert_non_null(test_log_find("Fallback order for Node 0: 0 3 1 2\n"));
	assert_non_null(test_log_find("Fallback order for Node 1: 1 2 0 3\n"));
	/* node 2: 3 (21, load 2) before 0 (21 + 1 for being below 2): node_test.c */
	assert_non_null(test_log_find("Fallback order for Node 2: 2 1 3 0\n"));
	assert_non_null(test_log_find("Fallback order for Node 3: 3 0 2 1\n"));
}

static void test_mm_init_memoryless_boot_node(void **state)
{
	fm_init(&fm, 3);
	fm_ram(&fm, 0x100000, 0x10000000, 0);
	fm_ram(&fm, 0x10000000, 0x20000000, 2);
	fm_distance(&fm, 1, 0, 25);
	fm_distance(&fm, 1, 2, 15);
	fm.h->boot_node = 1;
	assert_int_equal(fm_finish(&fm), 0);
	test_log_reset();
	mm_init(fm.h);
	assert_int_equal(buddy_default_node, 2);
	/* the memory-less node lists itself first, as Linux does */
	assert_non_null(test_log_find("Fallback order for Node 1: 1 2 0\n"));
	assert_non_null(test_log_find("mm: node 1 descriptor at 0x1"));
	assert_non_null(test_log_find("bootmem: node 1 has no memory for 4096 bytes, allocated on node 2 (distance 15)"));
	assert_non_null(test_log_find("(node 2), memory-less\n"));
	assert_int_equal(buddy_alloc(0, NUMA_NO_NODE, ZONE_NORMAL)->node, 2);
	assert_int_equal(buddy_alloc(0, 1, ZONE_NORMAL)->node, 2);
}

static void test_mm_init_uncovered_memory_goes_to_boot_node(void **state)
{
	struct numa_topology *t;

	fm_init(&fm, 2);
	fm_ram(&fm, 0x100000, 0x10000000, 0);
	fm_ram(&fm, 0x10000000, 0x20000000, 1);
	fm_efi(&fm, EFI_CONVENTIONAL_MEMORY, 0x20000000, 0x20100000);  /* in no memblk */
	fm.h->boot_node = 1;
	assert_int_equal(fm_finish(&fm), 0);
	t = &fm.h->numa;
	assert_int_equal(t->nr_memblks, 2);
	test_log_reset();
	mm_init(fm.h);
	assert_non_null(test_log_find("mm: [mem 0x0000000020000000-0x00000000200fffff] is in no NUMA node, given to node 1"));
	assert_non_null(test_log_find("  node   1: [mem 0x0000000010000000-0x00000000200fffff]\n"));
}

static void test_mm_init_memblock_debug_dumps_bootmem(void **state)
{
	machine_qemu_two_nodes();
	const struct cmdline_table tab = { "mm", mm_params, &mm_options, false };
	struct cmdline_result res;

	assert_int_equal(cmdline_parse("loglevel=7 memblock=debug selftest", &tab, 1, &res), 2);
	assert_int_equal(res.nr_set, 1);
	assert_true(mm_options.memblock_debug);
	test_log_reset();
	mm_init(fm.h);
	assert_non_null(test_log_find("bootmem: memory   [mem 0x0000000040000000-0x000000007f8edfff] node 1\n"));
	assert_non_null(test_log_find("bootmem: reserved [mem 0x000000003e000000-0x000000003e3fffff] kernel\n"));
	assert_non_null(test_log_find("bootmem: reserved [mem 0x0000000000008000-0x0000000000008fff] SMP trampoline\n"));
	assert_non_null(test_log_find("] mm metadata\n"));
	mm_options = (struct mm_options){ 0 };
	assert_int_equal(cmdline_parse("memblock=debugx memblock", &tab, 1, &res), 2);
	assert_string_equal(res.bad, "`debugx' invalid for parameter `memblock': takes debug\n"
			     "`' invalid for parameter `memblock': needs a value (key=value)\n");
	assert_false(mm_options.memblock_debug);
	test_log_reset();
	mm_init(fm.h);
	assert_null(test_log_find("bootmem: memory"));
}

static void test_mm_init_ram_beyond_direct_map_ignored(void **state)
{
	fm_init(&fm, 1);
	fm_ram(&fm, 0x100000, 0x20000000, 0);
	assert_int_equal(fm_finish(&fm), 0);
	fm.h->direct_map_end = 0x10000000;
	test_log_reset();
	mm_init(fm.h);
	assert_non_null(test_log_find("mm: [mem 0x0000000010000000-0x000000001fffffff] beyond the direct map"));
	assert_non_null(test_log_find("  node   0: [mem 0x0000000000100000-0x000000000fffffff]\n"));
}

static void test_mm_init_no_ram_panics(void **state)
{
	fm_init(&fm, 1);
	fm_efi(&fm, EFI_RESERVED_MEMORY, 0x0, 0x100000);
	assert_int_equal(fm_finish(&fm), 0);
	EXPECT_PANIC(mm_init(fm.h), "no usable RAM");
}

/* ---- descriptor init + hand-over as work items on threads */

/* Interleaved nodes and a hole, so items break at node changes: node 0
 * [1M, 80M) + [4G, 4G+200M), node 1 [80M, 144M) and [4G+200M, 7G+8K): three items in one zone. */
static void machine_interleaved(void)
{
	fm_init(&fm, 2);
	fm_ram(&fm, 0x100000, 0x5000000, 0);
	fm_ram(&fm, 0x5000000, 0x9000000, 1);
	fm_ram(&fm, 0x100000000ULL, 0x10c800000ULL, 0);
	fm_ram(&fm, 0x10c800000ULL, 0x1c0002000ULL, 1);
	fm_entry(&fm, 0x1000000, 0x1400000, PHYSMAP_LOADER, OWNER_KERNEL);
	assert_int_equal(fm_finish(&fm), 0);
}

struct init_snapshot {
	uint64_t nr_free[2][MAX_NR_ZONES][MAX_ORDER];
	uint64_t managed[2][MAX_NR_ZONES];
	uint64_t *info;         /* pfn and info of every descriptor */
	uint64_t n;
};

static void init_snap(struct init_snapshot *s)
{
	uint64_t k = 0;

	for (uint32_t n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			for (int o = 0; o < MAX_ORDER; o++)
				s->nr_free[n][z][o] = NODE_DATA(n)->node_zones[z].free_area[o].nr_free;
			s->managed[n][z] = NODE_DATA(n)->node_zones[z].managed_pages;
		}
	s->n = 0;
	for (uint64_t sec = 0; sec < nr_mem_sections; sec++)
		if (mem_sections[sec].map)
			s->n += 2 * PAGES_PER_SECTION;
	s->info = malloc(s->n * sizeof(uint64_t));
	assert_non_null(s->info);
	for (uint64_t sec = 0; sec < nr_mem_sections; sec++)
		for (uint64_t i = 0; mem_sections[sec].map && i < PAGES_PER_SECTION; i++) {
			const struct page *p = &mem_sections[sec].map[i];

			/* list links depend on the order of frees: not compared */
			s->info[k++] = p->pfn;
			s->info[k++] = p->info;
		}
}

static struct mm_init_work items[64];
static uint32_t nr_items, next_item;

static void *init_worker(void *arg)
{
	uint32_t i;

	test_set_cpu((unsigned)(uintptr_t)arg);
	while ((i = __atomic_fetch_add(&next_item, 1, __ATOMIC_RELAXED)) < nr_items)
		mm_init_run(&items[i]);
	return NULL;
}

static void test_mm_init_work_items_cover_sections_by_node(void **state)
{
	uint64_t covered = 0, pages = 0;

	machine_interleaved();
	mm_init_early(fm.h);
	nr_items = mm_init_split(items, ARRAY_SIZE(items));
	assert_true(nr_items >= 4);
	for (uint32_t i = 0; i < nr_items; i++) {
		assert_true(items[i].start_pfn < items[i].end_pfn);
		assert_int_equal(items[i].start_pfn & PAGE_SECTION_MASK, 0);
		assert_int_equal(items[i].end_pfn & PAGE_SECTION_MASK, 0);
		assert_true(i == 0 || items[i - 1].end_pfn <= items[i].start_pfn);
		assert_true((items[i].end_pfn - items[i].start_pfn) >> PFN_SECTION_SHIFT <= 8);
		for (pfn_t p = items[i].start_pfn; p < items[i].end_pfn; p += PAGES_PER_SECTION) {
			assert_non_null(mem_sections[p >> PFN_SECTION_SHIFT].map);
			assert_int_equal(mem_sections[p >> PFN_SECTION_SHIFT].node, items[i].node);
		}
		covered += (items[i].end_pfn - items[i].start_pfn) >> PFN_SECTION_SHIFT;
	}
	for (uint64_t sec = 0; sec < nr_mem_sections; sec++)
		covered -= mem_sections[sec].map != NULL;
	assert_int_equal(covered, 0);
	/* one early item per node with memory: its lowest section, alone */
	for (uint32_t nid = 0; nid < 2; nid++) {
		uint32_t early = 0;
		pfn_t lowest = ~0ULL;

		for (uint32_t i = 0; i < nr_items; i++) {
			if (items[i].node != nid)
				continue;
			lowest = MIN(lowest, items[i].start_pfn);
			if (items[i].early) {
				early++;
				assert_int_equal(items[i].end_pfn - items[i].start_pfn, PAGES_PER_SECTION);
				assert_int_equal(items[i].start_pfn, lowest);
			}
		}
		assert_int_equal(early, 1);
	}
	for (uint32_t i = 0; i < nr_items; i++) {
		mm_init_run(&items[i]);
		pages += items[i].pages;
	}
	mm_init_late(items, nr_items);
	assert_int_equal(pages, buddy_free_pages_total());
	/* too small an array: fewer, larger items, still whole sections of one node */
	assert_int_equal(mm_init_split(items, 6) <= 6, 1);
}

/* Four threads running the items in any order leave exactly what one CPU
 * running them in order leaves: the same descriptors, free lists and
 * managed counts. */
static void test_mm_init_work_items_on_threads_match_serial(void **state)
{
	struct init_snapshot serial, par;
	pthread_t t[4];

	machine_interleaved();
	mm_init(fm.h);
	init_snap(&serial);
	for (int round = 0; round < 3; round++) {
		/* dirty the descriptors: a parallel init must not depend on zeros */
		for (uint64_t sec = 0; sec < nr_mem_sections; sec++)
			if (mem_sections[sec].map)
				memset(mem_sections[sec].map, 0xa5, PAGES_PER_SECTION * sizeof(struct page));
		test_log_reset();
		mm_init_early(fm.h);
		nr_items = mm_init_split(items, ARRAY_SIZE(items));
		next_item = 0;
		for (uintptr_t c = 0; c < 4; c++)
			assert_int_equal(pthread_create(&t[c], NULL, init_worker, (void *)c), 0);
		for (int c = 0; c < 4; c++)
			pthread_join(t[c], NULL);
		mm_init_late(items, nr_items);
		init_snap(&par);
		assert_int_equal(par.n, serial.n);
		assert_memory_equal(par.info, serial.info, serial.n * sizeof(uint64_t));
		assert_memory_equal(par.nr_free, serial.nr_free, sizeof(serial.nr_free));
		assert_memory_equal(par.managed, serial.managed, sizeof(serial.managed));
		assert_null(buddy_check(true));
		free(par.info);
	}
	free(serial.info);
}

/* mm_init_compare's undo: an item handed over, taken back, handed over
 * again leaves what one hand-over leaves; an allocated page refuses it. */
static void test_mm_init_item_taken_back_and_redone(void **state)
{
	struct init_snapshot once, again;
	uint64_t free_before;
	struct mm_init_work *w = NULL;
	struct page *p;

	machine_interleaved();
	mm_init_early(fm.h);
	nr_items = mm_init_split(items, ARRAY_SIZE(items));
	for (uint32_t i = 0; i < nr_items; i++)
		mm_init_run(&items[i]);
	mm_init_late(items, nr_items);
	init_snap(&once);
	for (uint32_t i = 0; i < nr_items && !w; i++)
		if (!items[i].early && items[i].node == 1)
			w = &items[i];
	assert_non_null(w);
	free_before = buddy_free_pages_total();
	assert_int_equal(buddy_take_back_range(w->start_pfn, w->end_pfn), w->pages);
	assert_int_equal(buddy_free_pages_total(), free_before - w->pages);
	assert_null(buddy_check(true));
	mm_init_run(w);
	init_snap(&again);
	assert_memory_equal(again.info, once.info, once.n * sizeof(uint64_t));
	assert_memory_equal(again.nr_free, once.nr_free, sizeof(once.nr_free));
	assert_memory_equal(again.managed, once.managed, sizeof(once.managed));
	/* a page of the range in use: nothing taken */
	p = buddy_alloc(0, 1, ZONE_NORMAL);
	assert_non_null(p);
	for (uint32_t i = 0; i < nr_items; i++)
		if (p->pfn >= items[i].start_pfn && p->pfn < items[i].end_pfn)
			assert_int_equal(buddy_take_back_range(items[i].start_pfn, items[i].end_pfn),
					 UINT64_MAX);
	buddy_free(p, 0);
	assert_null(buddy_check(true));
	free(once.info);
	free(again.info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mm_init_prints_linux_lines, teardown),
		cmocka_unit_test_teardown(test_mm_init_memory_totals_add_up, teardown),
		cmocka_unit_test_teardown(test_mm_init_metadata_node_local, teardown),
		cmocka_unit_test_teardown(test_mm_init_reservations_and_freed_loader_memory, teardown),
		cmocka_unit_test_teardown(test_mm_init_holes_cost_no_memmap, teardown),
		cmocka_unit_test_teardown(test_mm_init_subpage_reservation_counts_a_page, teardown),
		cmocka_unit_test_teardown(test_mm_init_fallback_order_ties, teardown),
		cmocka_unit_test_teardown(test_mm_init_memoryless_boot_node, teardown),
		cmocka_unit_test_teardown(test_mm_init_uncovered_memory_goes_to_boot_node, teardown),
		cmocka_unit_test_teardown(test_mm_init_memblock_debug_dumps_bootmem, teardown),
		cmocka_unit_test_teardown(test_mm_init_ram_beyond_direct_map_ignored, teardown),
		cmocka_unit_test_teardown(test_mm_init_no_ram_panics, teardown),
		cmocka_unit_test_teardown(test_mm_direct_map_holes_fault, teardown),
		cmocka_unit_test_teardown(test_mm_init_work_items_cover_sections_by_node, teardown),
		cmocka_unit_test_teardown(test_mm_init_work_items_on_threads_match_serial, teardown),
		cmocka_unit_test_teardown(test_mm_init_item_taken_back_and_redone, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
