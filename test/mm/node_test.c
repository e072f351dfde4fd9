/*
 * node_test.c - mm/node.c: the fallback order ("Fallback order for Node n")
 * against orders worked out by hand from Linux 6.1's build_zonelists() and
 * find_next_best_node() (mm/page_alloc.c).  The rule, per list of node n
 * (lists built for n = 0, 1, ... with one node_load[], zeroed once):
 *
 *   first n itself; then, among unused nodes with memory, the lowest
 *     val = (dist[n][m] + (m < n) + (m has CPUs)) * 64 + node_load[m]
 *   (first minimum in id order wins); when the picked node's distance
 *   differs from the previous pick's, node_load[picked] += 1.
 *
 * Below, "v(m)" is that value and "L" the loads after each list.  The
 * kernel passes no CPU masks (Linux's are empty when it builds the boot
 * zonelists): only test_penalty_for_cpus sets them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mm/node.h"
#include "test_support.h"

static uint8_t dist[NUMA_MAX_NODES][NUMA_MAX_NODES];

static void dist_uniform(unsigned remote)
{
	for (unsigned a = 0; a < NUMA_MAX_NODES; a++)
		for (unsigned b = 0; b < NUMA_MAX_NODES; b++)
			dist[a][b] = a == b ? 10 : (uint8_t)remote;
}

static void dist_set(unsigned a, unsigned b, unsigned d)
{
	dist[a][b] = (uint8_t)d;
	dist[b][a] = (uint8_t)d;
}

/* All lists of one build, as "n: a b c" lines joined by '\n'. */
static const char *orders(unsigned nr, const bool *has_mem, const bool *has_cpus)
{
	static char buf[4096];
	struct node_fallback_input in = { nr, has_mem, has_cpus, dist };
	uint32_t load[NUMA_MAX_NODES] = { 0 };
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned n = 0; n < nr; n++) {
		uint16_t order[NUMA_MAX_NODES];
		uint32_t cnt = node_fallback_order(n, &in, load, order);

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u:", n ? "\n" : "", n);
		for (uint32_t i = 0; i < cnt; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %u", order[i]);
	}
	return buf;
}

/*
 * Issue 9's example: 4 nodes, every remote distance 16, nodes 1 and 2
 * without memory.  Linux prints "1 3 0" for node 1 (this project used to
 * print "0 3").
 *   node 0: v(3) = 16*64 = 1024 -> 3 (16 != 10: L3=1)                "0 3"
 *   node 1: v(0) = 17*64 = 1088, v(3) = 1024+1 -> 3 (L3=2), then 0    "1 3 0"
 *   node 2: v(0) = 1088, v(3) = 1024+2 -> 3 (L3=3), then 0            "2 3 0"
 *   node 3: v(0) = 1088 -> 0 (L0=1)                                   "3 0"
 */
static void test_memoryless_nodes_list_themselves_first(void **state)
{
	const bool mem[4] = { true, false, false, true };

	dist_uniform(16);
	assert_string_equal(orders(4, mem, NULL), "0: 0 3\n1: 1 3 0\n2: 2 3 0\n3: 3 0");
}

/*
 * Ties broken by the "below us" penalty and node_load, 4 nodes with memory:
 * d01=21 d02=21 d03=17 d12=17 d13=30 d23=21.
 *   node 0: v1=v2=21*64=1344, v3=17*64=1088 -> 3 (L3=1); 1 (first of
 *           equal 1344, 21 != 17: L1=1); 2                           "0 3 1 2"
 *   node 1: v0=22*64=1408, v2=17*64=1088, v3=30*64+1=1921 -> 2 (L2=1);
 *           0 (L0=1); 3 (30 != 21: L3=2)                             "1 2 0 3"
 *   node 2: v0=22*64+1=1409, v1=18*64+1=1153, v3=21*64+2=1346 -> 1
 *           (L1=2); then 3 (1346 < 1409; L3=3); then 0               "2 1 3 0"
 *   node 3: v0=18*64+1=1153, v1=31*64+2=1986, v2=22*64+1=1409 -> 0
 *           (L0=2); 2; 1                                            "3 0 2 1"
 * A plain (distance, id) sort gives "2 1 0 3" for node 2.
 */
static void test_ties_below_penalty_and_load(void **state)
{
	const bool mem[4] = { true, true, true, true };

	dist_uniform(20);
	dist_set(0, 1, 21);
	dist_set(0, 2, 21);
	dist_set(0, 3, 17);
	dist_set(1, 2, 17);
	dist_set(1, 3, 30);
	dist_set(2, 3, 21);
	assert_string_equal(orders(4, mem, NULL), "0: 0 3 1 2\n1: 1 2 0 3\n2: 2 1 3 0\n3: 3 0 2 1");
}

/*
 * 8 nodes, two distance classes (two sockets of four: 12 inside, 32
 * across), all with memory: node_load spreads each list's first pick in a
 * group round-robin.
 *   node 0: 1 2 3 at 768 -> 1 (L1=1), 2, 3; 4..7 at 2048 -> 4 (L4=1), 5 6 7
 *   node 1: v0=13*64=832, v2=v3=768 -> 2 (L2=1), 3, 0; v4=2049,
 *           v5=v6=v7=2048 -> 5 (L5=1), 6, 7, 4
 *   node 2: v0=832, v1=833, v3=768 -> 3 (L3=1), 0, 1; v4=v5=2049,
 *           v6=v7=2048 -> 6 (L6=1), 7, 4, 5
 *   node 3: v0=832, v1=v2=833 -> 0 (L0=1), 1, 2; v7=2048 -> 7 (L7=1), 4 5 6
 *   node 4: v5=v6=v7=769 -> 5 (L5=2), 6, 7; v0..v3=33*64+1 -> 0 (L0=2), 1 2 3
 *   node 5: v4=833, v6=v7=769 -> 6 (L6=2), 7, 4; v0=2114, v1=v2=v3=2113
 *           -> 1 (L1=2), 2, 3, 0
 *   node 6: v4=833, v5=834, v7=769 -> 7 (L7=2), 4, 5; v2=v3=2113 -> 2
 *           (L2=2), 3, 0, 1
 *   node 7: v4=833, v5=v6=834 -> 4 (L4=2), 5, 6; v3=2113 -> 3, 0, 1, 2
 */
static void test_eight_nodes_two_distance_classes(void **state)
{
	bool mem[8];

	for (unsigned a = 0; a < 8; a++) {
		mem[a] = true;
		for (unsigned b = 0; b < 8; b++)
			dist[a][b] = a == b ? 10 : (a / 4 == b / 4 ? 12 : 32);
	}
	assert_string_equal(orders(8, mem, NULL),
			    "0: 0 1 2 3 4 5 6 7\n"
			    "1: 1 2 3 0 5 6 7 4\n"
			    "2: 2 3 0 1 6 7 4 5\n"
			    "3: 3 0 1 2 7 4 5 6\n"
			    "4: 4 5 6 7 0 1 2 3\n"
			    "5: 5 6 7 4 1 2 3 0\n"
			    "6: 6 7 4 5 2 3 0 1\n"
			    "7: 7 4 5 6 3 0 1 2");
}

/*
 * Three nodes at distance 20, CPUs on nodes 0 and 1 only.  With the CPU
 * masks (Linux after boot, e.g. on memory hotplug) the CPU-less node comes
 * first among equals:
 *   node 0: v1=(20+1)*64=1344, v2=1280 -> 2 (L2=1), 1               "0 2 1"
 *   node 1: v0=22*64=1408, v2=1280+1 -> 2 (L2=2), 0                 "1 2 0"
 *   node 2: v0=v1=22*64 -> 0 (L0=1), 1                              "2 0 1"
 * Without them (what Linux 6.1 has when it builds the boot zonelists:
 * booted under QEMU with -numa node,cpus=0 / cpus=1 / no CPUs, 512M each,
 * Debian's 6.1.0-57 printed "0 1 2", "1 2 0", "2 0 1"):
 *   node 0: v1=v2=1280 -> 1 (L1=1), 2
 *   node 1: v0=21*64, v2=1280 -> 2 (L2=1), 0
 *   node 2: v0=21*64, v1=21*64+1 -> 0, 1
 */
static void test_penalty_for_cpus(void **state)
{
	const bool mem[3] = { true, true, true };
	const bool cpus[3] = { true, true, false };

	dist_uniform(20);
	assert_string_equal(orders(3, mem, cpus), "0: 0 2 1\n1: 1 2 0\n2: 2 0 1");
	assert_string_equal(orders(3, mem, NULL), "0: 0 1 2\n1: 1 2 0\n2: 2 0 1");
}

/*
 * A memory-less, CPU-less node (a hotplug-only domain) between two nodes
 * with memory, distances d01=20 d02=15 d12=25: node 2's list starts with
 * itself and nodes without memory never appear in other lists.
 * (N = NUMA_MAX_NODES scales the distance above the load tie-breaker)
 *   node 0: v1=20*N -> 1 (L1=1)                                      "0 1"
 *   node 1: v0=21*N -> 0 (L0=1)                                      "1 0"
 *   node 2: v0=(15+1)*N+1, v1=(25+1)*N+1 -> 0, 1                     "2 0 1"
 */
static void test_cpuless_memoryless_node(void **state)
{
	const bool mem[3] = { true, true, false };

	dist_uniform(20);
	dist_set(0, 2, 15);
	dist_set(1, 2, 25);
	assert_string_equal(orders(3, mem, NULL), "0: 0 1\n1: 1 0\n2: 2 0 1");
}

/* One node; a bad node id gives an empty list. */
static void test_single_node_and_bad_id(void **state)
{
	const bool mem[1] = { true };
	struct node_fallback_input in = { 1, mem, NULL, dist };
	uint32_t load[NUMA_MAX_NODES] = { 0 };
	uint16_t order[NUMA_MAX_NODES];

	dist_uniform(20);
	assert_string_equal(orders(1, mem, NULL), "0: 0");
	assert_int_equal(node_fallback_order(1, &in, load, order), 0);
}

/* 64 nodes, all with memory at one remote distance: every list holds
 * every node once, itself first. */
static void test_sixty_four_nodes_are_each_listed_once(void **state)
{
	bool mem[NUMA_MAX_NODES];
	struct node_fallback_input in = { NUMA_MAX_NODES, mem, NULL, dist };
	uint32_t load[NUMA_MAX_NODES] = { 0 };

	dist_uniform(20);
	for (unsigned n = 0; n < NUMA_MAX_NODES; n++)
		mem[n] = true;
	for (unsigned n = 0; n < NUMA_MAX_NODES; n++) {
		uint16_t order[NUMA_MAX_NODES];
		bool seen[NUMA_MAX_NODES] = { false };

		assert_int_equal(node_fallback_order(n, &in, load, order), NUMA_MAX_NODES);
		assert_int_equal(order[0], n);
		for (unsigned i = 0; i < NUMA_MAX_NODES; i++) {
			assert_false(seen[order[i]]);
			seen[order[i]] = true;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memoryless_nodes_list_themselves_first),
		cmocka_unit_test(test_ties_below_penalty_and_load),
		cmocka_unit_test(test_eight_nodes_two_distance_classes),
		cmocka_unit_test(test_penalty_for_cpus),
		cmocka_unit_test(test_cpuless_memoryless_node),
		cmocka_unit_test(test_single_node_and_bad_id),
		cmocka_unit_test(test_sixty_four_nodes_are_each_listed_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
