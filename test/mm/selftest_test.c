/*
 * selftest_test.c - mm/selftest.c (the KTAP self-test the kernel runs with
 * `selftest`) over synthetic multi-node machines on the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/mm.h"
#include "mm/pcp.h"
#include "mm/buddy.h"
#include "test_support.h"
#include "fake_machine.h"

/* 4 nodes: node 0 spans the DMA zones and 4 GiB+, node 2 is memory-less,
 * node 3 is far from 0 and near 1. */
static void machine_four_nodes(struct fake_machine *fm)
{
	fm_init(fm, 4);
	fm_ram(fm, 0x0, 0x9f000, 0);
	fm_ram(fm, 0x100000, 0x8000000, 0);               /* 1 MiB - 128 MiB */
	fm_ram(fm, 0x8000000, 0x10000000, 1);             /* 128 - 256 MiB */
	fm_ram(fm, 0x100000000ULL, 0x104000000ULL, 0);    /* 4 GiB + 64 MiB */
	fm_ram(fm, 0x140000000ULL, 0x144000000ULL, 3);
	fm_distance(fm, 0, 1, 20);
	fm_distance(fm, 0, 2, 15);
	fm_distance(fm, 0, 3, 30);
	fm_distance(fm, 1, 3, 12);
	fm_entry(fm, 0x1000000, 0x1200000, PHYSMAP_LOADER, OWNER_KERNEL);
	fm_entry(fm, 0x1200000, 0x1201000, PHYSMAP_LOADER, OWNER_HANDOFF);
	fm_entry(fm, 0x9000000, 0x9004000, PHYSMAP_LOADER, OWNER_PGTABLE);
	fm_entry(fm, 0x7000, 0x8000, PHYSMAP_LOADER, OWNER_SMP_TRAMP);
	fm_entry(fm, 0x2000000, 0x2001000, PHYSMAP_LOADER, OWNER_TRAMPOLINE);
	fm->h->smp_trampoline_pa = 0x7000;
	fm->h->boot_node = 0;
	fm_cpu(fm, 0);
	fm_cpu(fm, 0);
	fm_cpu(fm, 2);          /* memory-less node: its home is node 0 (15) */
	fm_cpu(fm, 3);
	assert_int_equal(fm_finish(fm), 0);
}

static void test_mm_selftest_all_ok_four_nodes(void **state)
{
	struct fake_machine fm;

	machine_four_nodes(&fm);
	mm_init(fm.h);
	test_log_reset();
	assert_int_equal(mm_selftest(20000), 0);
	assert_non_null(test_log_find("KTAP version 1\n1..5\n"));
	assert_non_null(test_log_find("ok 1 - mm_every_order_every_node"));
	assert_non_null(test_log_find("ok 2 - mm_node_locality"));
	assert_non_null(test_log_find("ok 3 - mm_exhaust_follows_zonelist"));
	assert_non_null(test_log_find("ok 4 - mm_random_stress"));
	assert_non_null(test_log_find("ok 5 - mm_pcp_every_cpu"));
	assert_null(test_log_find("not ok"));
	assert_int_equal(mm_nr_cpus, 4);
	assert_int_equal(mm_cpu_home[2], 0);
	assert_int_equal(mm_cpu_home[3], 3);
	/* node 0's nearest other node with memory is 1 (distance 20 < 30) */
	assert_non_null(test_log_find("# node 0 drained, fallback went to node 1"));
	assert_non_null(test_log_find("# node 3 drained, fallback went to node 1"));
	fm_destroy(&fm);
}

static void test_mm_selftest_single_node(void **state)
{
	struct fake_machine fm;

	fm_init(&fm, 1);
	fm_ram(&fm, 0x1000, 0x6000000, 0);
	assert_int_equal(fm_finish(&fm), 0);
	mm_init(fm.h);
	test_log_reset();
	assert_int_equal(mm_selftest(5000), 0);
	assert_non_null(test_log_find("ok 4 - mm_random_stress"));
	/* exhausting the only node: no fallback, NULL is right */
	assert_non_null(test_log_find("# node 0 drained, fallback went to node 65535"));
	fm_destroy(&fm);
}

/* The self-test must be able to fail: lose a free block behind the
 * allocator's back and every test reports not ok. */
static void test_mm_selftest_reports_corruption(void **state)
{
	struct fake_machine fm;
	struct zone *z;

	machine_four_nodes(&fm);
	mm_init(fm.h);
	z = &NODE_DATA(1)->node_zones[ZONE_DMA32];
	assert_non_null(z->free_area[MAX_ORDER - 1].head);
	z->free_area[MAX_ORDER - 1].head = z->free_area[MAX_ORDER - 1].head->next;
	test_log_reset();
	assert_int_equal(mm_selftest(1000), 5);
	assert_non_null(test_log_find("not ok 1 - mm_every_order_every_node"));
	assert_non_null(test_log_find("allocator inconsistent before the tests"));
	fm_destroy(&fm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm_selftest_all_ok_four_nodes),
		cmocka_unit_test(test_mm_selftest_single_node),
		cmocka_unit_test(test_mm_selftest_reports_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
