/*
 * selftest.c - mm_selftest(): the allocator checks itself on the running
 * machine (command-line option `selftest`) and prints KTAP on the console;
 * the host runs the very same code over synthetic machines
 * (test/mm/selftest_test.c).
 *
 * Blocks a test holds are chained through their head descriptors' next
 * field (an allocated block's links belong to its owner), so the tests
 * need no memory of their own and never touch page contents.
 */
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/bootmem.h"
#include "mm/pcp.h"

static char st_msg[224];

#define ST_FAIL(...) do { ksnprintf(st_msg, sizeof(st_msg), __VA_ARGS__); return st_msg; } while (0)

/* xorshift64*: deterministic, so a failing run can be repeated. */
static uint64_t st_rand_state = 0x9e3779b97f4a7c15ULL;

static uint64_t st_rand(void)
{
	uint64_t x = st_rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	st_rand_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Per zone and order free counts, to compare before and after a test. */
struct st_snapshot {
	uint64_t nr_free[NUMA_MAX_NODES][MAX_NR_ZONES][MAX_ORDER];
};
static struct st_snapshot st_base, st_now;

/* Pages on per-CPU lists are free but not on free_area[]: give them back
 * first, so that counts compare (no other CPU may allocate meanwhile). */
static void st_snap(struct st_snapshot *s)
{
	buddy_drain_all();
	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MAX_ORDER; o++)
				s->nr_free[n][z][o] = node_data[n]->node_zones[z].free_area[o].nr_free;
}

static const char *st_compare_to_base(void)
{
	st_snap(&st_now);
	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MAX_ORDER; o++)
				if (st_now.nr_free[n][z][o] != st_base.nr_free[n][z][o])
					ST_FAIL("node %u zone %s order %d: %llu free blocks, baseline %llu",
						n, zone_name(z), o,
						(unsigned long long)st_now.nr_free[n][z][o],
						(unsigned long long)st_base.nr_free[n][z][o]);
	return NULL;
}

/* Checks on a block just handed out. */
static const char *st_check_block(const struct page *p, unsigned int order,
				  enum zone_type limit)
{
	if (!(p->flags & PG_head) || (p->flags & (PG_buddy | PG_reserved)) || p->order != order)
		ST_FAIL("pfn 0x%llx: allocated head has flags 0x%x order %u, want PG_head order %u",
			(unsigned long long)p->pfn, p->flags, p->order, order);
	if (p->pfn & ((1ULL << order) - 1))
		ST_FAIL("pfn 0x%llx not aligned to order %u", (unsigned long long)p->pfn, order);
	if (p->zone > limit)
		ST_FAIL("pfn 0x%llx from zone %s, limit was %s", (unsigned long long)p->pfn,
			zone_name(p->zone), zone_name(limit));
	if (limit == ZONE_DMA32 && PFN_PHYS(p->pfn + (1ULL << order)) > (4ULL << 30))
		ST_FAIL("pfn 0x%llx order %u not below 4 GiB", (unsigned long long)p->pfn, order);
	for (uint64_t i = 1; i < (1ULL << order); i++)
		if (p[i].flags & (PG_buddy | PG_head | PG_reserved | PG_pcp))
			ST_FAIL("pfn 0x%llx inside a new order-%u block has flags 0x%x",
				(unsigned long long)p->pfn + i, order, p[i].flags);
	return NULL;
}

/* Release a chain of blocks (linked through next, order in owner). */
static void st_free_chain(struct page *head)
{
	while (head) {
		struct page *next = head->next;

		buddy_free(head, head->owner);
		head = next;
	}
}

static bool st_has_memory(uint32_t n)
{
	return node_data[n]->node_present_pages != 0;
}

/* 1: every order, allocated and freed, on every node with memory. */
static const char *st_every_order(unsigned long ops)
{
	const char *err;

	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		if (!st_has_memory(n))
			continue;
		for (unsigned int o = 0; o < MAX_ORDER; o++) {
			struct page *p;

			if (buddy_free_pages_node(n) < (1ULL << o))
				break;
			p = buddy_alloc(o, n, ZONE_NORMAL);
			if (!p)
				ST_FAIL("node %u: order %u allocation failed with %llu pages free", n, o,
					(unsigned long long)buddy_free_pages_node(n));
			if ((err = st_check_block(p, o, ZONE_NORMAL)))
				return err;
			buddy_free(p, o);
		}
	}
	if ((err = buddy_check(false)))
		return err;
	return st_compare_to_base();
}

/* 2: pages asked of node n come from node n's memory while it has some. */
static const char *st_locality(unsigned long ops)
{
	const char *err;

	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		struct page *chain = NULL;

		if (!st_has_memory(n))
			continue;
		for (unsigned int i = 0; i < 64; i++) {
			unsigned int o = i % 4;
			struct page *p;
			uint32_t where;

			if (buddy_free_pages_node(n) < 64 * 8)
				break;
			p = buddy_alloc(o, n, ZONE_NORMAL);
			if (!p)
				ST_FAIL("node %u: order %u allocation failed", n, o);
			p->owner = (uint16_t)o;
			p->next = chain;
			chain = p;
			where = bootmem_node_of(page_to_phys(p));
			if (p->node != n || where != n) {
				st_free_chain(chain);
				ST_FAIL("node %u: pfn 0x%llx is on node %u (descriptor says %u)", n,
					(unsigned long long)p->pfn, where, p->node);
			}
		}
		st_free_chain(chain);
	}
	if ((err = buddy_check(false)))
		return err;
	return st_compare_to_base();
}

/*
 * 3: drain node n completely (largest blocks first), then the next page
 * asked of n must come from the first node in n's zonelist that still has
 * free memory.  Node by node.
 */
static const char *st_exhaust(unsigned long ops)
{
	const char *err;

	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		const struct pglist_data *pg = node_data[n];
		struct page *chain = NULL, *p;
		uint32_t want = NUMA_NO_NODE;

		if (!st_has_memory(n))
			continue;
		for (int o = MAX_ORDER - 1; o >= 0; o--) {
			while ((p = buddy_alloc((unsigned int)o, n, ZONE_NORMAL)) != NULL) {
				if (p->node != n) {
					buddy_free(p, (unsigned int)o);
					break;
				}
				p->owner = (uint16_t)o;
				p->next = chain;
				chain = p;
			}
		}
		if (buddy_free_pages_node(n) != 0) {
			uint64_t left = buddy_free_pages_node(n);

			st_free_chain(chain);
			ST_FAIL("node %u: %llu pages still free after draining it", n,
				(unsigned long long)left);
		}
		for (uint32_t i = 0; i < pg->nr_fallback; i++) {
			if (buddy_free_pages_node(pg->fallback[i])) {
				want = pg->fallback[i];
				break;
			}
		}
		p = buddy_alloc(0, n, ZONE_NORMAL);
		if (want == NUMA_NO_NODE ? p != NULL : (!p || p->node != want)) {
			uint32_t got = p ? p->node : NUMA_NO_NODE;

			if (p)
				buddy_free(p, 0);
			st_free_chain(chain);
			ST_FAIL("node %u drained: page came from node %u, zonelist says %u", n,
				got, want);
		}
		if (p)
			buddy_free(p, 0);
		printk(KERN_INFO "# node %u drained, fallback went to node %u\n", n, want);
		st_free_chain(chain);
		if ((err = buddy_check(false)))
			return err;
		if ((err = st_compare_to_base()))
			return err;
	}
	return NULL;
}

/* 4: random alloc/free against a checker. */
#define ST_HELD 1024
static struct st_held {
	struct page *page;
	unsigned int order;
} st_held[ST_HELD];

/* End of a random run: free the `held` blocks still in st_held, then the
 * run's error, else a full check, else a comparison with the baseline. */
static const char *st_release_held(unsigned long held, const char *err)
{
	while (held)
		buddy_free(st_held[held - 1].page, st_held[held - 1].order), held--;
	if (err)
		return err;
	if ((err = buddy_check(true)))
		return err;
	return st_compare_to_base();
}

static const char *st_stress(unsigned long ops_per_node)
{
	unsigned long total = ops_per_node * mm_stats.nodes_with_memory, held = 0;
	const char *err = NULL;

	for (unsigned long i = 0; i < total && !err; i++) {
		uint64_t r = st_rand();

		if (held == 0 || (held < ST_HELD && (r & 1))) {
			/* order: 0 half the time, 1 a quarter, ... capped at 10 */
			unsigned int o = (unsigned int)__builtin_ctzll((r >> 8) | (1ULL << (MAX_ORDER - 1)));
			uint32_t nid = (uint32_t)((r >> 20) % mm_nr_nodes);
			enum zone_type limit = ((r >> 28) & 7) == 0 ? ZONE_DMA32 :
					       ((r >> 28) & 7) == 1 ? ZONE_DMA : ZONE_NORMAL;
			struct page *p = buddy_alloc(o, nid, limit);

			if (!p)
				continue;       /* out of memory in that zone: allowed */
			err = st_check_block(p, o, limit);
			st_held[held].page = p;
			st_held[held].order = o;
			held++;
		} else {
			unsigned long k = (unsigned long)((r >> 8) % held);

			buddy_free(st_held[k].page, st_held[k].order);
			st_held[k] = st_held[--held];
		}
		if (!err && (i & 4095) == 4095)
			err = buddy_check(false);
	}
	return st_release_held(held, err);
}

/*
 * 5: every CPU's pagesets, driven from the calling CPU through
 * buddy_alloc_cpu/buddy_free_cpu (the locks make that legal while those CPUs
 * run): a CPU's page comes from its home node, its last freed page is the
 * next one it gets, and blocks of orders 0-3 allocated on one CPU and freed
 * on another (a remote node's page goes home, a local one onto the freeing
 * CPU's list) leave, after a drain, the baseline.
 */
static const char *st_pcp_every_cpu(unsigned long ops)
{
	unsigned long rounds = MIN(ops, 200000UL), held = 0;
	const char *err = NULL;

	for (uint32_t c = 0; c < mm_nr_cpus; c++) {
		struct page *p = buddy_alloc_cpu(c, 0, NUMA_NO_NODE, ZONE_NORMAL), *q;

		if (!p)
			ST_FAIL("cpu %u: order-0 allocation failed", c);
		if (p->node != mm_cpu_home[c]) {
			buddy_free_cpu(c, p, 0);
			ST_FAIL("cpu %u: page of node %u, its home node is %u", c, p->node,
				mm_cpu_home[c]);
		}
		buddy_free_cpu(c, p, 0);
		q = buddy_alloc_cpu(c, 0, NUMA_NO_NODE, ZONE_NORMAL);
		if (q)
			buddy_free_cpu(c, q, 0);
		if (q != p)
			ST_FAIL("cpu %u: pfn 0x%llx freed last, pfn 0x%llx handed out next", c,
				(unsigned long long)p->pfn, q ? (unsigned long long)q->pfn : 0ULL);
	}
	for (unsigned long i = 0; i < rounds && !err; i++) {
		uint64_t r = st_rand();
		uint32_t cpu = (uint32_t)((r >> 40) % mm_nr_cpus);

		if (held == 0 || (held < ST_HELD && (r & 1))) {
			unsigned int o = (unsigned int)((r >> 8) & 3);
			struct page *p = buddy_alloc_cpu(cpu, o, NUMA_NO_NODE, ZONE_NORMAL);

			if (!p)
				continue;
			err = st_check_block(p, o, ZONE_NORMAL);
			st_held[held].page = p;
			st_held[held].order = o;
			held++;
		} else {
			unsigned long k = (unsigned long)((r >> 8) % held);

			buddy_free_cpu(cpu, st_held[k].page, st_held[k].order);
			st_held[k] = st_held[--held];
		}
		if (!err && (i & 4095) == 4095)
			err = buddy_check(false);
	}
	return st_release_held(held, err);
}

static const struct {
	const char *name;
	const char *(*fn)(unsigned long ops);
} st_tests[] = {
	{ "mm_every_order_every_node", st_every_order },
	{ "mm_node_locality", st_locality },
	{ "mm_exhaust_follows_zonelist", st_exhaust },
	{ "mm_random_stress", st_stress },
	{ "mm_pcp_every_cpu", st_pcp_every_cpu },
};

int mm_selftest(unsigned long ops_per_node)
{
	int failed = 0;
	const char *err;

	printk(KERN_INFO "KTAP version 1\n");
	if (mm_nr_nodes == 0 || !node_data[0]) {
		printk(KERN_INFO "Bail out! mm_init has not run\n");
		return (int)ARRAY_SIZE(st_tests);
	}
	printk(KERN_INFO "1..%u\n", (unsigned int)ARRAY_SIZE(st_tests));
	printk(KERN_INFO "# mm selftest: %u nodes (%u with memory), %lu stress ops per node\n",
	       mm_nr_nodes, mm_stats.nodes_with_memory, ops_per_node);
	if ((err = buddy_check(true))) {
		printk(KERN_INFO "# allocator inconsistent before the tests: %s\n", err);
		for (unsigned int i = 0; i < ARRAY_SIZE(st_tests); i++)
			printk(KERN_INFO "not ok %u - %s\n", i + 1, st_tests[i].name);
		return (int)ARRAY_SIZE(st_tests);
	}
	st_snap(&st_base);
	for (unsigned int i = 0; i < ARRAY_SIZE(st_tests); i++) {
		uint64_t t0 = mm_rdtsc();

		err = st_tests[i].fn(ops_per_node);
		if (err) {
			printk(KERN_INFO "# %s: %s\n", st_tests[i].name, err);
			printk(KERN_INFO "not ok %u - %s\n", i + 1, st_tests[i].name);
			failed++;
			/* Later tests compare against a baseline: take a new one. */
			st_snap(&st_base);
		} else {
			printk(KERN_INFO "# %s: %llu TSC cycles\n", st_tests[i].name,
			       (unsigned long long)(mm_rdtsc() - t0));
			printk(KERN_INFO "ok %u - %s\n", i + 1, st_tests[i].name);
		}
	}
	printk(KERN_INFO "# mm selftest: %d passed, %d failed\n",
	       (int)ARRAY_SIZE(st_tests) - failed, failed);
	return failed;
}
