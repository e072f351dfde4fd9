/*
 * pgd_plan_test.c - host tests of efi/pgd_plan.c, the loader's decisions
 * about the per-node copies: where a claim goes in a firmware map, which
 * node a short node borrows from, which copy the kernel is entered on,
 * what one copy maps.  The source under test is included here (as
 * elf_test.c does); the topology helpers come from libcore.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/pgd_plan.c"

/* Firmware descriptors are often larger than the spec's 40 bytes. */
struct fw_desc {
	struct efi_memory_descriptor d;
	uint64_t pad;
};

static struct fw_desc fw[16];
static size_t nr_fw;
static struct numa_topology topo;

static void fw_add_attr(uint32_t type, uint64_t start, uint64_t end, uint64_t attr)
{
	fw[nr_fw++] = (struct fw_desc){ .d = { .type = type, .physical_start = start,
					       .number_of_pages = (end - start) >> PAGE_SHIFT,
					       .attribute = attr } };
}

static void fw_add(uint32_t type, uint64_t start, uint64_t end)
{
	fw_add_attr(type, start, end, EFI_ATTR_WB);
}

static void memblk(uint64_t start, uint64_t end, uint32_t node, uint32_t flags)
{
	topo.memblks[topo.nr_memblks++] = (struct numa_memblk){ start, end, node, flags };
}

static int setup(void **state)
{
	memset(fw, 0, sizeof(fw));
	nr_fw = 0;
	memset(&topo, 0, sizeof(topo));
	topo.source = NUMA_SRC_SRAT;
	for (int a = 0; a < NUMA_MAX_NODES; a++)
		for (int b = 0; b < NUMA_MAX_NODES; b++)
			topo.distance[a][b] = a == b ? 10 : 20;
	return 0;
}

/* The firmware map through the real normaliser, as the loader's
 * preliminary map is made. */
static phys_addr_t find(uint16_t n, uint64_t pages, const struct pgtable_range *taken, size_t nt)
{
	static struct physmap_entry pm[64];
	int npm = physmap_normalize(fw, nr_fw * sizeof(fw[0]), sizeof(fw[0]), NULL, 0, pm, 64);

	assert_true(npm >= 0);
	return pgd_find_in_node(&topo, n, fw, nr_fw, sizeof(fw[0]), pm, (size_t)npm, pages, taken, nt);
}

/* Two nodes of 1 GiB; free memory in both, some of it below 1 MiB and in a
 * loader-code descriptor (not free). */
static void two_nodes(void)
{
	topo.nr_nodes = 2;
	memblk(0, 0x40000000, 0, 0);
	memblk(0x40000000, 0x80000000, 1, 0);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x0, 0x9f000);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x3ff00000);
	fw_add(EFI_BOOT_SERVICES_DATA, 0x3ff00000, 0x40000000);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x7f000000);  /* spans into node 1 only */
	fw_add(EFI_LOADER_CODE, 0x7f000000, 0x80000000);
}

static void test_pgd_find_in_node_highest_fit_inside_node(void **state)
{
	two_nodes();
	assert_int_equal(find(0, 16, NULL, 0), 0x3ff00000 - 16 * PAGE_SIZE);
	assert_int_equal(find(1, 16, NULL, 0), 0x7f000000 - 16 * PAGE_SIZE);
	/* a block as large as the node's free memory above 1 MiB, not more */
	assert_int_equal(find(0, (0x3ff00000 - 0x100000) >> PAGE_SHIFT, NULL, 0), 0x100000);
	assert_int_equal(find(0, ((0x3ff00000 - 0x100000) >> PAGE_SHIFT) + 1, NULL, 0), 0);
	assert_int_equal(find(0, 0, NULL, 0), 0);
}

static void test_pgd_find_in_node_clips_descriptor_to_node(void **state)
{
	topo.nr_nodes = 2;
	memblk(0, 0x40000000, 0, 0);
	memblk(0x40000000, 0x80000000, 1, 0);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x3f000000, 0x41000000);  /* straddles the boundary */
	assert_int_equal(find(0, 1, NULL, 0), 0x40000000 - PAGE_SIZE);
	assert_int_equal(find(1, 1, NULL, 0), 0x41000000 - PAGE_SIZE);
	/* the part in node 0 is 16 MiB: no more */
	assert_int_equal(find(0, 4097, NULL, 0), 0);
}

static void test_pgd_find_in_node_low_memory_no_hotplug_yes(void **state)
{
	topo.nr_nodes = 2;
	memblk(0, 0x100000, 0, 0);
	memblk(0x40000000, 0x80000000, 1, NUMA_MEM_HOTPLUG);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f000);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x40000000, 0x80000000);
	assert_int_equal(find(0, 1, NULL, 0), 0);     /* only below 1 MiB */
	/* hot-pluggable RAM is the node's (Linux's memblock hotplug mark) */
	assert_int_equal(find(1, 1, NULL, 0), 0x80000000 - PAGE_SIZE);
}

/* Free conventional memory that is specific-purpose or not write-back is
 * not where tables and text copies go (issue 8 item 3). */
static void test_pgd_find_in_node_only_plain_wb_ram(void **state)
{
	topo.nr_nodes = 1;
	memblk(0, 0x80000000, 0, 0);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x200000);
	fw_add_attr(EFI_CONVENTIONAL_MEMORY, 0x200000, 0x300000, EFI_ATTR_WB | EFI_ATTR_SP);
	fw_add_attr(EFI_CONVENTIONAL_MEMORY, 0x300000, 0x400000, 0);
	assert_int_equal(find(0, 1, NULL, 0), 0x200000 - PAGE_SIZE);
	assert_int_equal(find(0, 257, NULL, 0), 0);
}

static void test_pgd_find_in_node_avoids_taken(void **state)
{
	const struct pgtable_range taken[] = {
		{ 0x3fef0000, 0x3ff00000 },          /* the top 64 KiB: the text copy */
		{ 0x3fe00000, 0x3fe08000 },
	};

	two_nodes();
	/* just below the first claim */
	assert_int_equal(find(0, 16, taken, 1), 0x3fef0000 - 16 * PAGE_SIZE);
	/* 0xe8 pages fit between the two claims; 0xe9 do not */
	assert_int_equal(find(0, 0xe8, taken, 2), 0x3fe08000);
	assert_int_equal(find(0, 0xe9, taken, 2), 0x3fe00000 - 0xe9 * PAGE_SIZE);
	/* a claim covering everything free */
	const struct pgtable_range all = { 0, 0x40000000 };
	assert_int_equal(find(0, 1, &all, 1), 0);
}

static void test_pgd_find_in_node_bad_descriptors(void **state)
{
	topo.nr_nodes = 1;
	memblk(0, ~0ULL, 0, 0);
	fw_add(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x200000);
	fw[nr_fw++] = (struct fw_desc){ .d = { .type = EFI_CONVENTIONAL_MEMORY,
					       .physical_start = 0xfffffffffff00000ULL,
					       .number_of_pages = 0x1000 } };   /* wraps past 2^64 */
	assert_int_equal(find(0, 1, NULL, 0), 0x200000 - PAGE_SIZE);
	/* a descriptor size below the spec's is refused */
	assert_int_equal(pgd_find_in_node(&topo, 0, fw, nr_fw, 24, NULL, 0, 1, NULL, 0), 0);
}

static void test_pgd_next_fallback_nearest_then_lowest_id(void **state)
{
	topo.nr_nodes = 4;
	memblk(0, 0x40000000, 0, 0);
	memblk(0x40000000, 0x80000000, 1, 0);
	/* node 2: CPUs only */
	memblk(0x80000000, 0xc0000000, 3, 0);
	topo.distance[1][0] = topo.distance[0][1] = 30;
	topo.distance[1][3] = topo.distance[3][1] = 30;
	topo.distance[1][2] = topo.distance[2][1] = 12;
	/* node 2 is nearest but has no memory; 0 and 3 tie: lowest id */
	numa_nodeset_t tried = { 0 }, none = { 0 };

	numa_nodeset_set(&tried, 1);
	assert_int_equal(pgd_next_fallback(&topo, 1, &tried), 0);
	numa_nodeset_set(&tried, 0);
	assert_int_equal(pgd_next_fallback(&topo, 1, &tried), 3);
	numa_nodeset_set(&tried, 2);
	numa_nodeset_set(&tried, 3);
	assert_int_equal(pgd_next_fallback(&topo, 1, &tried), NUMA_NO_NODE);
	assert_int_equal(pgd_next_fallback(&topo, 9, &none), NUMA_NO_NODE);
}

/* Node sets hold every node id, not 64 (issue 8: 256 nodes). */
static void test_pgd_next_fallback_beyond_64_nodes(void **state)
{
	numa_nodeset_t tried = { 0 };

	topo.nr_nodes = 200;
	for (uint32_t a = 0; a < 200; a++)
		for (uint32_t b = 0; b < 200; b++)
			topo.distance[a][b] = a == b ? 10 : 20;
	memblk(0, 0x40000000, 0, 0);
	memblk(0x40000000, 0x80000000, 150, 0);
	memblk(0x80000000, 0xc0000000, 199, 0);
	topo.distance[199][150] = 15;
	numa_nodeset_set(&tried, 199);
	assert_int_equal(pgd_next_fallback(&topo, 199, &tried), 150);
	numa_nodeset_set(&tried, 150);
	assert_true(numa_nodeset_test(&tried, 150));
	assert_false(numa_nodeset_test(&tried, 149));
	assert_int_equal(pgd_next_fallback(&topo, 199, &tried), 0);
	numa_nodeset_set(&tried, 0);
	assert_int_equal(pgd_next_fallback(&topo, 199, &tried), NUMA_NO_NODE);
}

static void test_pgd_entry_node(void **state)
{
	topo.nr_nodes = 3;
	memblk(0x40000000, 0x80000000, 1, 0);
	memblk(0x80000000, 0xc0000000, 2, 0);
	topo.distance[0][2] = topo.distance[2][0] = 15;
	assert_int_equal(pgd_entry_node(&topo, 1, false), 1);
	assert_int_equal(pgd_entry_node(&topo, 0, false), 2);   /* memory-less: nearest */
	assert_int_equal(pgd_entry_node(&topo, 2, true), 1);    /* boot-elsewhere: next with memory */
	assert_int_equal(pgd_entry_node(&topo, 7, false), 2);   /* unknown node: as node 0 */
	topo.nr_memblks = 0;
	assert_int_equal(pgd_entry_node(&topo, 0, false), NUMA_NO_NODE);
}

static void test_pgd_fill_desc_segments(void **state)
{
	struct elf_image img = {
		.va_start = 0xffffffff80200000ULL, .va_end = 0xffffffff80210000ULL, .nr_segs = 3,
		.segs = {
			{ 0xffffffff80200000ULL, 0, 0x5000, 0x5000, ELF_PF_R | ELF_PF_X },
			{ 0xffffffff80205000ULL, 0, 0x2800, 0x2800, ELF_PF_R },
			{ 0xffffffff80208000ULL, 0, 0x1000, 0x8000, ELF_PF_R | ELF_PF_W },
		},
	};
	struct pgd_image im = { &img, 0x7dd00000, 0xffffffff80200000ULL, 0xffffffff80208000ULL };
	struct physmap_entry map[1] = { { 0, 0x80000000, PHYSMAP_USABLE, 0 } };
	struct pgtable_range ro[1] = { { 0x3ffde000, 0x3ffe6000 } };
	struct kernel_space_desc d;

	pgd_fill_desc(&d, &im, 0x3ffde000, map, 1, true, ro, 1, 0x9e000);
	assert_int_equal(d.nr_segs, 3);
	assert_int_equal(d.segs[0].pa, 0x3ffde000);
	assert_int_equal(d.segs[0].flags, 0);                    /* RX */
	assert_int_equal(d.segs[1].pa, 0x3ffe3000);
	assert_int_equal(d.segs[1].size, 0x3000);                /* rounded up to pages */
	assert_int_equal(d.segs[1].flags, PTE_NX);
	assert_int_equal(d.segs[2].pa, 0x7dd08000);              /* data: the original */
	assert_int_equal(d.segs[2].size, 0x8000);                /* memsz, bss included */
	assert_int_equal(d.segs[2].flags, PTE_W | PTE_NX);
	assert_true(d.global && d.gbpages);
	assert_ptr_equal(d.dm_ro, ro);
	assert_int_equal(d.nr_dm_ro, 1);
	assert_int_equal(d.trampoline_pa, 0x9e000);
	/* ktext=off: text and rodata map the original */
	pgd_fill_desc(&d, &im, 0, map, 1, false, ro, 1, 0);
	assert_int_equal(d.segs[0].pa, 0x7dd00000);
	assert_int_equal(d.segs[1].pa, 0x7dd05000);
	assert_false(d.gbpages);
}

static void test_pgd_text_ranges_sorted_distinct(void **state)
{
	const phys_addr_t pa[] = { 0x7fe32000, 0x3ffde000, 0x7fe32000, 0x1000000 };
	struct pgtable_range out[4];

	assert_int_equal(pgd_text_ranges(pa, 4, 0x13000, out), 3);
	assert_int_equal(out[0].start, 0x1000000);
	assert_int_equal(out[1].start, 0x3ffde000);
	assert_int_equal(out[2].start, 0x7fe32000);
	assert_int_equal(out[2].end, 0x7fe32000 + 0x13000);
	assert_int_equal(pgd_text_ranges(pa, 4, 0, out), 0);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pgd_find_in_node_highest_fit_inside_node),
		T(test_pgd_find_in_node_clips_descriptor_to_node),
		T(test_pgd_find_in_node_low_memory_no_hotplug_yes),
		T(test_pgd_find_in_node_only_plain_wb_ram),
		T(test_pgd_find_in_node_avoids_taken),
		T(test_pgd_find_in_node_bad_descriptors),
		T(test_pgd_next_fallback_nearest_then_lowest_id),
		T(test_pgd_next_fallback_beyond_64_nodes),
		T(test_pgd_entry_node),
		T(test_pgd_fill_desc_segments),
		T(test_pgd_text_ranges_sorted_distinct),
	};

	return cmocka_run_group_tests_name("pgd_plan", tests, NULL, NULL);
}
