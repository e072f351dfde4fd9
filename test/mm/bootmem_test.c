/*
 * bootmem_test.c - host tests of mm/bootmem.c over synthetic region sets:
 * holes, many nodes, reservations at region edges, node fallback, and the
 * refusal after hand-over.  bootmem never touches the memory it manages,
 * so no arena is needed here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/bootmem.h"
#include "test_support.h"

static uint8_t dist[NUMA_MAX_NODES][NUMA_MAX_NODES];

static void dist_default(unsigned n)
{
	for (unsigned a = 0; a < NUMA_MAX_NODES; a++)
		for (unsigned b = 0; b < NUMA_MAX_NODES; b++)
			dist[a][b] = a == b ? 10 : 20;
	(void)n;
}

/* Collected free ranges. */
struct franges {
	unsigned n;
	struct { pfn_t s, e; uint32_t nid; } r[NUMA_MAX_NODES];
};

static void collect(void *ctx, pfn_t s, pfn_t e, uint32_t nid)
{
	struct franges *f = ctx;

	assert_true(f->n < NUMA_MAX_NODES);
	f->r[f->n].s = s;
	f->r[f->n].e = e;
	f->r[f->n].nid = nid;
	f->n++;
}

static void test_bootmem_add_memory_merges_same_node(void **state)
{
	const struct bootmem_region *m;
	size_t nr;

	dist_default(2);
	bootmem_init(2, dist, 0);
	bootmem_add_memory(0x200000, 0x300000, 0);
	bootmem_add_memory(0x100000, 0x200000, 0);     /* before, touching: merges */
	bootmem_add_memory(0x300000, 0x400000, 1);     /* touching, other node: kept apart */
	bootmem_add_memory(0x500000, 0x600000, 1);     /* hole in between */
	m = bootmem_memory(&nr);
	assert_int_equal(nr, 3);
	assert_int_equal(m[0].start, 0x100000);
	assert_int_equal(m[0].end, 0x300000);
	assert_int_equal(m[1].node, 1);
	assert_int_equal(m[2].start, 0x500000);
	EXPECT_PANIC(bootmem_add_memory(0x2ff000, 0x301000, 0), "overlaps known memory");
}

static void test_bootmem_reserve_first_owner_wins(void **state)
{
	const struct bootmem_region *r;
	size_t nr;

	bootmem_init(1, dist, 0);
	bootmem_add_memory(0, 0x1000000, 0);
	bootmem_reserve(0x100000, 0x200000, BOOTMEM_KERNEL, "kernel");
	bootmem_reserve(0x300000, 0x301000, BOOTMEM_LOADER, "stack");
	/* spans both and the gaps: takes only the gaps */
	bootmem_reserve(0x80000, 0x400000, BOOTMEM_LOADER, "page tables");
	r = bootmem_reserved(&nr);
	assert_int_equal(nr, 5);
	assert_int_equal(r[0].start, 0x80000);
	assert_int_equal(r[0].end, 0x100000);
	assert_string_equal(r[0].why, "page tables");
	assert_string_equal(r[1].why, "kernel");
	assert_int_equal(r[2].start, 0x200000);
	assert_int_equal(r[2].end, 0x300000);
	assert_string_equal(r[3].why, "stack");
	assert_int_equal(r[4].start, 0x301000);
	assert_int_equal(r[4].end, 0x400000);
	/* the same owner again, overlapping and touching: merges */
	bootmem_reserve(0x400000, 0x500000, BOOTMEM_LOADER, "page tables");
	r = bootmem_reserved(&nr);
	assert_int_equal(nr, 5);
	assert_int_equal(r[4].end, 0x500000);
	assert_int_equal(bootmem_reserved_bytes(BOOTMEM_KERNEL), 0x100000);
	assert_int_equal(bootmem_reserved_bytes(BOOTMEM_LOADER), 0x80000 + 0x100000 + 0x1000 + 0x1ff000);
}

static void test_bootmem_for_each_free_edges_and_holes(void **state)
{
	struct franges f = { 0 };

	dist_default(2);
	bootmem_init(2, dist, 0);
	bootmem_add_memory(0x0, 0xa0000, 0);
	bootmem_add_memory(0x100000, 0x800000, 0);
	bootmem_add_memory(0x800000, 0x1000000, 1);
	bootmem_reserve(0, 0x1000, BOOTMEM_FIRMWARE, "page 0");           /* at a region start */
	bootmem_reserve(0x9f800, 0xa0000, BOOTMEM_FIRMWARE, "EBDA");      /* sub-page at the end */
	bootmem_reserve(0x7ff000, 0x801000, BOOTMEM_LOADER, "stack");     /* across the node edge */
	bootmem_reserve(0xfff000, 0x1000000, BOOTMEM_KERNEL, "kernel");   /* last page */
	bootmem_reserve(0x2000000, 0x3000000, BOOTMEM_KERNEL, "nowhere"); /* outside memory */
	bootmem_for_each_free(collect, &f);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.r[0].s, 0x1);
	assert_int_equal(f.r[0].e, 0x9f);       /* the partial page is not free */
	assert_int_equal(f.r[1].s, 0x100);
	assert_int_equal(f.r[1].e, 0x7ff);
	assert_int_equal(f.r[1].nid, 0);
	assert_int_equal(f.r[2].s, 0x801);
	assert_int_equal(f.r[2].e, 0xfff);
	assert_int_equal(f.r[2].nid, 1);
	/* only the parts inside memory count */
	assert_int_equal(bootmem_reserved_bytes(BOOTMEM_KERNEL), 0x1000);
}

static void test_bootmem_alloc_node_top_down_local(void **state)
{
	phys_addr_t a, b, c;

	dist_default(2);
	bootmem_init(2, dist, 0);
	bootmem_add_memory(0x100000, 0x1000000, 0);
	bootmem_add_memory(0x1000000, 0x2000000, 1);
	bootmem_add_memory(0x3000000, 0x4000000, 1);
	a = bootmem_alloc_node(100, 0, 1);
	assert_int_equal(a, 0x3fff000);                 /* top of node 1, a whole page */
	b = bootmem_alloc_node(0x5000, 0x4000, 1);
	assert_int_equal(b, 0x3ff8000);                 /* below a, 16 KiB aligned */
	c = bootmem_alloc_node(0x1000, 0, 0);
	assert_int_equal(c, 0xfff000);
	/* node 1's upper region full except 0x3ff5000..: a big request goes to
	 * its lower region */
	bootmem_reserve(0x3000000, 0x3ff8000, BOOTMEM_KERNEL, "kernel");
	a = bootmem_alloc_node(0x100000, SZ_1M, 1);
	assert_int_equal(a, 0x1f00000);
	assert_int_equal(bootmem_node_of(a), 1);
	assert_int_equal(bootmem_node_of(0x2000000), NUMA_NO_NODE);
	assert_int_equal(bootmem_reserved_bytes(BOOTMEM_MM), 0x1000 + 0x5000 + 0x1000 + 0x100000);
	EXPECT_PANIC(bootmem_alloc_node(0x1000, 0x3000, 0), "not a power of two");
}

static void test_bootmem_alloc_node_respects_limit(void **state)
{
	dist_default(1);
	bootmem_init(1, dist, 0x800000);
	bootmem_add_memory(0x100000, 0x1000000, 0);
	assert_int_equal(bootmem_alloc_node(0x1000, 0, 0), 0x7ff000);
}

static void test_bootmem_alloc_node_fallback_nearest(void **state)
{
	phys_addr_t pa;

	dist_default(4);
	dist[0][1] = dist[1][0] = 30;
	dist[0][2] = dist[2][0] = 25;
	dist[0][3] = dist[3][0] = 25;     /* tie with 2: the lower id wins */
	bootmem_init(4, dist, 0);
	bootmem_add_memory(0x100000, 0x102000, 0);    /* 2 pages */
	bootmem_add_memory(0x200000, 0x300000, 1);
	bootmem_add_memory(0x300000, 0x400000, 2);
	bootmem_add_memory(0x400000, 0x500000, 3);
	test_log_reset();
	pa = bootmem_alloc_node(0x3000, 0, 0);
	assert_int_equal(bootmem_node_of(pa), 2);
	assert_non_null(test_log_find("bootmem: node 0 has no room for 12288 bytes, "
				      "allocated on node 2 (distance 25)"));
	/* node 0 still serves what fits */
	assert_int_equal(bootmem_node_of(bootmem_alloc_node(0x2000, 0, 0)), 0);
	/* nothing fits anywhere: 0, no panic */
	assert_int_equal(bootmem_alloc_node(0x200000, 0, 1), 0);
}

static void test_bootmem_alloc_node_never_page_zero(void **state)
{
	dist_default(1);
	bootmem_init(1, dist, 0);
	bootmem_add_memory(0, 0x2000, 0);
	assert_int_equal(bootmem_alloc_node(0x1000, 0, 0), 0x1000);
	assert_int_equal(bootmem_alloc_node(0x1000, 0, 0), 0);
}

/* A size near 2^64 must not wrap to a zero-page request that "succeeds"
 * without reserving anything. */
static void test_bootmem_alloc_node_huge_size_no_room(void **state)
{
	dist_default(1);
	bootmem_init(1, dist, 0);
	bootmem_add_memory(0x100000, 0x1000000, 0);
	assert_int_equal(bootmem_alloc_node(SIZE_MAX - 100, 0, 0), 0);
	assert_int_equal(bootmem_alloc_node(SIZE_MAX & ~(size_t)0xfff, 0, 0), 0);
	assert_int_equal(bootmem_reserved_bytes(BOOTMEM_MM), 0);
	assert_int_equal(bootmem_alloc_node(0x1000, 0, 0), 0xfff000);
}

static void test_bootmem_node_limits_enforced(void **state)
{
	dist_default(2);
	EXPECT_PANIC(bootmem_init(NUMA_MAX_NODES + 1, dist, 0), "more than NUMA_MAX_NODES");
	bootmem_init(2, dist, 0);
	EXPECT_PANIC(bootmem_add_memory(0x100000, 0x200000, 2), "node 2 of [mem");
	bootmem_add_memory(0x100000, 0x200000, 1);
	assert_int_equal(bootmem_node_of(0x100000), 1);
}

static void test_bootmem_many_nodes(void **state)
{
	struct franges f = { 0 };
	const struct bootmem_region *m;
	size_t nr;

	dist_default(NUMA_MAX_NODES);
	bootmem_init(NUMA_MAX_NODES, dist, 0);
	/* NUMA_MAX_NODES nodes of 16 MiB with 16 MiB holes between them */
	for (unsigned n = 0; n < NUMA_MAX_NODES; n++)
		bootmem_add_memory((2ULL * n + 1) << 24, (2ULL * n + 2) << 24, n);
	for (unsigned n = 0; n < NUMA_MAX_NODES; n++) {
		phys_addr_t pa = bootmem_alloc_node(SZ_1M, 0, n);

		assert_int_equal(bootmem_node_of(pa), n);
		assert_int_equal(pa, ((2ULL * n + 2) << 24) - SZ_1M);
	}
	m = bootmem_memory(&nr);
	assert_int_equal(nr, NUMA_MAX_NODES);
	(void)m;
	bootmem_for_each_free(collect, &f);
	assert_int_equal(f.n, NUMA_MAX_NODES);
	for (unsigned n = 0; n < NUMA_MAX_NODES; n++) {
		assert_int_equal(f.r[n].nid, n);
		assert_int_equal(f.r[n].e - f.r[n].s, (SZ_1M * 15) >> PAGE_SHIFT);
	}
}

static void test_bootmem_refuses_after_handover(void **state)
{
	struct franges f = { 0 };

	dist_default(1);
	bootmem_init(1, dist, 0);
	bootmem_add_memory(0x100000, 0x200000, 0);
	bootmem_handover(collect, &f);
	assert_int_equal(f.n, 1);
	assert_true(bootmem_handed_over());
	EXPECT_PANIC(bootmem_alloc_node(0x1000, 0, 0), "bootmem_alloc_node: bootmem used after hand-over");
	/* the message names the caller's address */
	assert_non_null(strstr(test_panic_msg, "(caller 0x"));
	EXPECT_PANIC(bootmem_reserve(0x100000, 0x101000, BOOTMEM_KERNEL, "late"),
		     "bootmem_reserve: bootmem used after hand-over");
	EXPECT_PANIC(bootmem_handover(collect, &f), "after hand-over");
	/* queries stay allowed */
	assert_int_equal(bootmem_node_of(0x100000), 0);
}

static void test_bootmem_dump_lists_regions(void **state)
{
	dist_default(1);
	bootmem_init(1, dist, 0);
	bootmem_add_memory(0x100000, 0x200000, 0);
	bootmem_reserve(0x100000, 0x101000, BOOTMEM_KERNEL, "kernel");
	test_log_reset();
	bootmem_dump();
	assert_string_equal(test_log(),
		"bootmem: memory   [mem 0x0000000000100000-0x00000000001fffff] node 0\n"
		"bootmem: reserved [mem 0x0000000000100000-0x0000000000100fff] kernel\n");
}

static void test_bootmem_too_many_regions_panics(void **state)
{
	dist_default(1);
	bootmem_init(1, dist, 0);
	bootmem_add_memory(0, 1ULL << 40, 0);
	for (unsigned i = 0; i < BOOTMEM_MAX_REGIONS; i++)
		bootmem_reserve((uint64_t)i * 0x2000, (uint64_t)i * 0x2000 + 0x1000, BOOTMEM_KERNEL, "k");
	EXPECT_PANIC(bootmem_reserve(1ULL << 39, (1ULL << 39) + 0x1000, BOOTMEM_KERNEL, "k"),
		     "more than 2048 reserved regions");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bootmem_add_memory_merges_same_node),
		cmocka_unit_test(test_bootmem_reserve_first_owner_wins),
		cmocka_unit_test(test_bootmem_for_each_free_edges_and_holes),
		cmocka_unit_test(test_bootmem_alloc_node_top_down_local),
		cmocka_unit_test(test_bootmem_alloc_node_respects_limit),
		cmocka_unit_test(test_bootmem_alloc_node_fallback_nearest),
		cmocka_unit_test(test_bootmem_alloc_node_never_page_zero),
		cmocka_unit_test(test_bootmem_alloc_node_huge_size_no_room),
		cmocka_unit_test(test_bootmem_node_limits_enforced),
		cmocka_unit_test(test_bootmem_many_nodes),
		cmocka_unit_test(test_bootmem_refuses_after_handover),
		cmocka_unit_test(test_bootmem_dump_lists_regions),
		cmocka_unit_test(test_bootmem_too_many_regions_panics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
