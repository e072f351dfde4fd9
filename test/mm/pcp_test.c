/*
 * pcp_test.c - per-CPU page lists (mm/pcp.c, the list paths in
 * mm/buddy.c): Linux's sizing, the zoneinfo report, hot reuse, refill and
 * give-back in batches, remote frees going home, draining before falling
 * back, the checker on corrupted lists, and pthreads as CPUs allocating
 * and freeing concurrently with cross-CPU frees.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/pcp.h"
#include "test_support.h"
#include "fake_machine.h"

static struct fake_machine fm;

/* Two 256 MiB nodes (DMA32 only, node 0 also DMA), CPUs 0,1 on node 0 and
 * 2,3 on node 1. */
static void machine_two_nodes_four_cpus(const char *cmdline)
{
	fm_init(&fm, 2);
	fm_ram(&fm, 0x100000, 0x10000000, 0);
	fm_ram(&fm, 0x10000000, 0x20000000, 1);
	fm_entry(&fm, 0x1000000, 0x1100000, PHYSMAP_LOADER, OWNER_KERNEL);
	fm_cpu(&fm, 0);
	fm_cpu(&fm, 0);
	fm_cpu(&fm, 1);
	fm_cpu(&fm, 1);
	mm_options = (struct mm_options){ 0 };
	if (cmdline) {
		const struct cmdline_table tab = { "mm", mm_params, &mm_options, false };

		snprintf(fm.h->cmdline, sizeof(fm.h->cmdline), "%s", cmdline);
		assert_int_equal(cmdline_parse(cmdline, &tab, 1, NULL), 0);
	}
	assert_int_equal(fm_finish(&fm), 0);
	mm_init(fm.h);
	test_set_cpu(0);
}

static int teardown(void **state)
{
	test_set_cpu(0);
	fm_destroy(&fm);
	mm_options = (struct mm_options){ 0 };
	return 0;
}

static struct per_cpu_pages *pcp_of(unsigned cpu, uint32_t nid, int z)
{
	struct zone *zone = &NODE_DATA(nid)->node_zones[z];

	assert_int_equal(mm_cpu_home[cpu], nid);
	return &zone->pcp[mm_cpu_slot[cpu]];
}

/* Figures worked out by hand from Linux 6.1's formulas (pcp.h). */
static void test_pcp_sizes_follow_linux(void **state)
{
	assert_int_equal(pcp_batchsize(3840), 1);          /* a 16 MiB DMA zone */
	assert_int_equal(pcp_batchsize(100000), 31);       /* 97 / 4 = 24 -> 36 -> 32 - 1 */
	assert_int_equal(pcp_batchsize(258000), 63);       /* 251 / 4 = 62 -> 93 -> 64 - 1 */
	assert_int_equal(pcp_batchsize(16ULL << 20), 63);  /* capped at 1 MiB: 256 / 4 */
	assert_int_equal(pcp_highsize(982, 63, 2), 491);
	assert_int_equal(pcp_highsize(100, 63, 2), 252);   /* at least 4 batches */
	assert_int_equal(pcp_highsize(982, 63, 0), 982);
	assert_int_equal(pcp_min_free_kbytes(524288), 5792);      /* 2 GiB */
	assert_int_equal(pcp_min_free_kbytes(16ULL << 20), 32768); /* 64 GiB */
	assert_int_equal(pcp_min_free_kbytes(256), 128);
	assert_int_equal(pcp_min_free_kbytes(1ULL << 32), 262144);
}

static void test_pcp_zoneinfo_lines_as_linux(void **state)
{
	struct zone *z;
	char want[64];

	test_log_reset();
	machine_two_nodes_four_cpus("zoneinfo");
	z = &NODE_DATA(1)->node_zones[ZONE_DMA32];
	assert_int_equal(z->nr_pcp, 2);
	assert_int_equal(z->pcp_batch, pcp_batchsize(z->managed_pages));
	assert_true(z->wmark_min > 0 && z->wmark_low > z->wmark_min && z->wmark_high > z->wmark_low);
	assert_int_equal(z->pcp_high, pcp_highsize(z->wmark_low, z->pcp_batch, 2));
	assert_non_null(test_log_find("Node 1, zone    DMA32\n  pages free     "));
	assert_non_null(test_log_find("\n  pagesets\n    cpu: 2\n              count: 0\n"));
	snprintf(want, sizeof(want), "    cpu: 3\n              count: 0\n              high:  %d\n",
		 z->pcp_high);
	assert_non_null(test_log_find(want));
	snprintf(want, sizeof(want), "              batch: %d\n", z->pcp_batch);
	assert_non_null(test_log_find(want));
	/* 2 nodes: node 0 DMA + DMA32, node 1 DMA32; two CPUs each */
	assert_int_equal(test_log_count("  pagesets"), 3);
	assert_int_equal(test_log_count("    cpu: "), 6);
	test_log_reset();
	mm_init(fm.h);
	mm_options.zoneinfo = false;
	test_log_reset();
	mm_init(fm.h);
	assert_null(test_log_find("pagesets"));
}

static void test_pcp_hot_page_reused_first(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *p, *q;

	machine_two_nodes_four_cpus(NULL);
	pcp = pcp_of(0, 0, ZONE_DMA32);
	p = buddy_alloc(0, 0, ZONE_NORMAL);
	assert_non_null(p);
	/* the first allocation refilled one batch and took one */
	assert_int_equal(pcp->count, pcp->batch - 1);
	q = buddy_alloc(0, 0, ZONE_NORMAL);
	buddy_free(q, 0);
	buddy_free(p, 0);
	assert_true(p->flags & PG_pcp);
	assert_ptr_equal(buddy_alloc(0, 0, ZONE_NORMAL), p);     /* last freed, first out */
	assert_ptr_equal(buddy_alloc(0, 0, ZONE_NORMAL), q);
	buddy_free(p, 0);
	/* another CPU of the node does not see CPU 0's hot page */
	test_set_cpu(1);
	q = buddy_alloc(0, 0, ZONE_NORMAL);
	assert_ptr_not_equal(q, p);
	assert_int_equal(pcp_of(1, 0, ZONE_DMA32)->count, pcp->batch - 1);
	buddy_free(q, 0);
	test_set_cpu(0);
	assert_null(buddy_check(true));
}

static void test_pcp_gives_back_a_batch_at_high(void **state)
{
	struct page **held;
	struct per_cpu_pages *pcp;
	struct zone *zone = &NODE_DATA(0)->node_zones[ZONE_DMA32];
	int n, i;

	machine_two_nodes_four_cpus(NULL);
	pcp = pcp_of(0, 0, ZONE_DMA32);
	n = pcp->high + pcp->batch;
	held = calloc((size_t)n, sizeof(*held));
	for (i = 0; i < n; i++)
		held[i] = buddy_alloc(0, 0, ZONE_NORMAL);
	assert_true(pcp->count < pcp->batch);
	for (i = 0; i < n; i++) {
		int32_t before = pcp->count;
		uint64_t free_before = zone->free_pages;

		buddy_free(held[i], 0);
		if (before + 1 >= pcp->high) {
			/* the free that reaches high gives a batch back */
			assert_int_equal(pcp->count, before + 1 - pcp->batch);
			assert_int_equal(zone->free_pages, free_before + (uint64_t)pcp->batch);
		} else {
			assert_int_equal(pcp->count, before + 1);
			assert_int_equal(zone->free_pages, free_before);
		}
		assert_true(pcp->count < pcp->high);
	}
	free(held);
	assert_null(buddy_check(true));
	/* a drain empties the list and the zone is whole again */
	assert_true(buddy_drain_all() > 0);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(zone->free_pages, zone->managed_pages);
	assert_null(buddy_check(true));
}

/* Orders 1..3 have lists too (Linux 5.14+); order 4 bypasses them. */
static void test_pcp_small_orders_listed_large_bypass(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *p;

	machine_two_nodes_four_cpus(NULL);
	pcp = pcp_of(0, 0, ZONE_DMA32);
	p = buddy_alloc(3, 0, ZONE_NORMAL);
	assert_int_equal(pcp->count, (MAX(pcp->batch >> 3, 2) - 1) * 8);
	buddy_free(p, 3);
	assert_ptr_equal(pcp->lists[3].head, p);
	p = buddy_alloc(4, 0, ZONE_NORMAL);
	assert_int_equal(p->order, 4);
	buddy_free(p, 4);
	assert_true(!(p->flags & PG_pcp));
	assert_null(buddy_check(true));
}

/* A page of node 1 freed on a CPU of node 0 goes to node 1's buddy at once,
 * on nobody's list. */
static void test_pcp_remote_free_goes_home(void **state)
{
	struct zone *z1 = &NODE_DATA(1)->node_zones[ZONE_DMA32];
	struct page *p;
	uint64_t before;

	machine_two_nodes_four_cpus(NULL);
	test_set_cpu(2);
	p = buddy_alloc(0, NUMA_NO_NODE, ZONE_NORMAL);      /* CPU 2: node 1 */
	assert_int_equal(p->node, 1);
	test_set_cpu(0);
	before = z1->free_pages;
	buddy_free(p, 0);
	assert_int_equal(z1->free_pages, before + 1);
	assert_false(p->flags & PG_pcp);
	/* an explicit request for node 1 from CPU 0 takes from node 1's buddy */
	p = buddy_alloc(0, 1, ZONE_NORMAL);
	assert_int_equal(p->node, 1);
	assert_int_equal(z1->free_pages, before);
	assert_int_equal(pcp_of(0, 0, ZONE_DMA32)->count, 0);
	buddy_free(p, 0);
	assert_null(buddy_check(true));
}

/* Node 0 runs dry while CPU 1 holds node 0 pages on its list: those are
 * drained and handed out before any page of node 1. */
static void test_pcp_drain_before_fallback(void **state)
{
	struct page *chain = NULL, *p;
	uint64_t n0 = 0;

	machine_two_nodes_four_cpus(NULL);
	test_set_cpu(1);
	p = buddy_alloc(0, 0, ZONE_NORMAL);
	buddy_free(p, 0);
	assert_true(pcp_of(1, 0, ZONE_DMA32)->count > 0);
	test_set_cpu(0);
	while ((p = buddy_alloc(0, 0, ZONE_NORMAL)) != NULL && p->node == 0) {
		p->next = chain;
		chain = p;
		n0++;
	}
	assert_non_null(p);
	assert_int_equal(p->node, 1);
	assert_int_equal(pcp_of(1, 0, ZONE_DMA32)->count, 0);
	assert_int_equal(buddy_free_pages_node(0), 0);
	buddy_free(p, 0);
	while (chain) {
		p = chain->next;
		buddy_free(chain, 0);
		chain = p;
	}
	buddy_drain_all();
	assert_int_equal(buddy_free_pages_node(0), n0);
	assert_null(buddy_check(true));
}

static void test_pcp_check_detects_list_corruption(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *p;

	machine_two_nodes_four_cpus(NULL);
	p = buddy_alloc(0, 0, ZONE_NORMAL);
	buddy_free(p, 0);
	pcp = pcp_of(0, 0, ZONE_DMA32);
	pcp->count++;
	assert_non_null(strstr(buddy_check(false), "pages listed, count"));
	pcp->count--;
	p->flags &= (uint16_t)~PG_pcp;
	assert_non_null(strstr(buddy_check(false), "without PG_pcp"));
	p->flags |= PG_pcp;
	/* a listed block's tail page claimed as an allocated head: overlap */
	p = pcp->lists[0].tail;
	assert_null(buddy_check(true));
	pcp->lists[0].tail = p->prev;
	assert_non_null(strstr(buddy_check(false), "tail is not the last block"));
	pcp->lists[0].tail = p;
	p = pcp->lists[0].head;
	EXPECT_PANIC(buddy_free(p, 0), "double free");
	assert_null(buddy_check(true));
}

/* ---- threads as CPUs */
#define T_CPUS   4
#define T_OPS    60000
#define T_HELD   256
#define T_RING   64

/* Blocks handed to another CPU to free (cross-CPU frees), per receiver. */
static struct ring {
	spinlock_t lock;
	unsigned n;
	struct page *p[T_RING];
} rings[T_CPUS];

/* Which pfns a test CPU holds: set and cleared atomically, so a page
 * handed to two CPUs at once is caught. */
#define T_MAX_PFN (0x20000000 >> 12)
static uint8_t t_held_map[T_MAX_PFN];

static volatile int t_errors;
static volatile int t_stop_checker;
static char t_error_msg[256];
static pthread_barrier_t t_start;

static void t_fail(const char *what, const struct page *p)
{
	if (__atomic_fetch_add(&t_errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(t_error_msg, sizeof(t_error_msg), "%s (pfn 0x%llx)", what,
			 p ? (unsigned long long)p->pfn : 0ULL);
}

static uint64_t t_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void t_free(struct page *p)
{
	for (pfn_t k = p->pfn; k < p->pfn + (1ULL << p->owner) && k < T_MAX_PFN; k++)
		__atomic_store_n(&t_held_map[k], 0, __ATOMIC_RELAXED);
	buddy_free(p, p->owner);
}

static void *t_cpu(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg, held = 0;
	struct page *mine[T_HELD];
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (cpu + 1);

	test_set_cpu(cpu);
	pthread_barrier_wait(&t_start);
	for (int i = 0; i < T_OPS; i++) {
		uint64_t r = t_rand(&seed);
		struct ring *rg = &rings[cpu];

		/* free what other CPUs passed to this one */
		spin_lock(&rg->lock);
		while (rg->n) {
			t_free(rg->p[--rg->n]);
		}
		spin_unlock(&rg->lock);
		if (held == 0 || (held < T_HELD && (r & 1))) {
			unsigned o = (r >> 8) % 8 < 5 ? 0 : (unsigned)((r >> 12) % 5);
			uint32_t nid = (r >> 20) % 3 == 0 ? (uint32_t)((r >> 24) & 1) : NUMA_NO_NODE;
			struct page *p = buddy_alloc(o, nid, ZONE_NORMAL);

			if (!p)
				continue;
			if (!(p->flags & PG_head) || p->order != o || (p->pfn & ((1ULL << o) - 1)))
				t_fail("bad block handed out", p);
			for (pfn_t k = p->pfn; k < p->pfn + (1ULL << o); k++)
				if (k >= T_MAX_PFN || __atomic_exchange_n(&t_held_map[k], 1, __ATOMIC_RELAXED))
					t_fail("page handed out twice", p);
			p->owner = (uint16_t)o;
			mine[held++] = p;
		} else {
			unsigned k = (unsigned)((r >> 8) % held);
			struct page *p = mine[k];
			unsigned to = (unsigned)((r >> 16) % T_CPUS);

			mine[k] = mine[--held];
			if (to != cpu) {
				struct ring *dst = &rings[to];

				spin_lock(&dst->lock);
				if (dst->n < T_RING) {
					dst->p[dst->n++] = p;
					p = NULL;
				}
				spin_unlock(&dst->lock);
			}
			if (p)
				t_free(p);
		}
	}
	while (held)
		t_free(mine[--held]);
	return NULL;
}

static void *t_checker(void *arg)
{
	test_set_cpu(T_CPUS + 7);       /* not a CPU of the table: no pagesets */
	pthread_barrier_wait(&t_start);
	while (!__atomic_load_n(&t_stop_checker, __ATOMIC_RELAXED)) {
		const char *err = buddy_check(false);

		if (err)
			t_fail(err, NULL);
		sched_yield();
	}
	return NULL;
}

static void test_pcp_threads_as_cpus_cross_frees(void **state)
{
	static uint64_t base[2][MAX_NR_ZONES][MAX_ORDER];
	pthread_t t[T_CPUS], checker;

	machine_two_nodes_four_cpus(NULL);
	buddy_drain_all();
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MAX_ORDER; o++)
				base[n][z][o] = NODE_DATA(n)->node_zones[z].free_area[o].nr_free;
	memset(t_held_map, 0, sizeof(t_held_map));
	for (int i = 0; i < T_CPUS; i++) {
		spin_init(&rings[i].lock);
		rings[i].n = 0;
	}
	t_errors = 0;
	t_stop_checker = 0;
	pthread_barrier_init(&t_start, NULL, T_CPUS + 1);
	assert_int_equal(pthread_create(&checker, NULL, t_checker, NULL), 0);
	for (uintptr_t c = 0; c < T_CPUS; c++)
		assert_int_equal(pthread_create(&t[c], NULL, t_cpu, (void *)c), 0);
	for (int c = 0; c < T_CPUS; c++)
		pthread_join(t[c], NULL);
	__atomic_store_n(&t_stop_checker, 1, __ATOMIC_RELAXED);
	pthread_join(checker, NULL);
	pthread_barrier_destroy(&t_start);
	/* blocks still passed around: free them on their receiver */
	for (unsigned c = 0; c < T_CPUS; c++) {
		test_set_cpu(c);
		while (rings[c].n)
			t_free(rings[c].p[--rings[c].n]);
	}
	test_set_cpu(0);
	if (t_errors)
		fail_msg("%d errors, first: %s", t_errors, t_error_msg);
	assert_null(buddy_check(true));
	buddy_drain_all();
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MAX_ORDER; o++)
				assert_int_equal(NODE_DATA(n)->node_zones[z].free_area[o].nr_free,
						 base[n][z][o]);
	assert_null(buddy_check(true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcp_sizes_follow_linux),
		cmocka_unit_test_teardown(test_pcp_zoneinfo_lines_as_linux, teardown),
		cmocka_unit_test_teardown(test_pcp_hot_page_reused_first, teardown),
		cmocka_unit_test_teardown(test_pcp_gives_back_a_batch_at_high, teardown),
		cmocka_unit_test_teardown(test_pcp_small_orders_listed_large_bypass, teardown),
		cmocka_unit_test_teardown(test_pcp_remote_free_goes_home, teardown),
		cmocka_unit_test_teardown(test_pcp_drain_before_fallback, teardown),
		cmocka_unit_test_teardown(test_pcp_check_detects_list_corruption, teardown),
		cmocka_unit_test_teardown(test_pcp_threads_as_cpus_cross_frees, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
