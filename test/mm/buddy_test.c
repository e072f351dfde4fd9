/*
 * buddy_test.c - host tests of mm/buddy.c on synthetic machines brought up
 * by mm_init: a reference model under random sequences (placement policy,
 * disjointness, counts), the hand-over's block decomposition, zone limits,
 * and each invariant panic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "test_support.h"
#include "fake_machine.h"

static struct fake_machine fm;

/* Three nodes, small enough for a per-page model (~28K pages): node 0 has
 * DMA + DMA32, node 1 DMA32 only, node 2 only memory above 4 GiB, with an
 * odd-sized, odd-aligned range to exercise the hand-over. */
static void machine_three_nodes(void)
{
	fm_init(&fm, 3);
	fm_ram(&fm, 0x1000, 0x9f000, 0);
	fm_ram(&fm, 0x100000, 0x2000000, 0);
	fm_ram(&fm, 0x8000000, 0x9000000, 1);
	fm_ram(&fm, 0x100000000ULL + 0x3000, 0x100000000ULL + 0x1a00000 + 0x5000, 2);
	fm_distance(&fm, 0, 1, 20);
	fm_distance(&fm, 0, 2, 30);
	fm_distance(&fm, 1, 2, 20);
	fm_entry(&fm, 0x1000000, 0x1100000, PHYSMAP_LOADER, OWNER_KERNEL);
	assert_int_equal(fm_finish(&fm), 0);
	mm_init(fm.h);
}

static int teardown(void **state)
{
	fm_destroy(&fm);
	return 0;
}

/* ---- reference model: which pfns are managed, free, and whose */
#define MODEL_MAX_PFN  (PFN_DOWN(0x100000000ULL + 0x2000000))
static uint8_t *model_state;    /* 0 not managed, 1 free, 2 allocated */

static void model_init(void)
{
	model_state = calloc(MODEL_MAX_PFN, 1);
	assert_non_null(model_state);
	for (pfn_t pfn = 0; pfn < MODEL_MAX_PFN; pfn++) {
		struct page *p = pfn_to_page(pfn);

		if (p && !(p->flags & PG_reserved))
			model_state[pfn] = 1;
	}
}

/* Is [pfn, pfn + 2^o) entirely free in the model and of node n, zone z? */
static bool model_block_free(pfn_t pfn, unsigned o, uint32_t n, unsigned z)
{
	for (pfn_t i = pfn; i < pfn + (1ULL << o); i++) {
		struct page *p;

		if (i >= MODEL_MAX_PFN || model_state[i] != 1)
			return false;
		p = pfn_to_page(i);
		if (p->node != n || p->zone != z)
			return false;
	}
	return true;
}

static bool model_zone_has(uint32_t n, unsigned z, unsigned o)
{
	const struct zone *zone = &NODE_DATA(n)->node_zones[z];

	for (pfn_t pfn = ALIGN_UP(zone->start_pfn, 1ULL << o); pfn + (1ULL << o) <= zone->end_pfn;
	     pfn += 1ULL << o)
		if (model_block_free(pfn, o, n, z))
			return true;
	return false;
}

/* Where the policy says an order-o request on nid up to limit must land:
 * the first zonelist node, then the highest zone, with a free block. */
static bool model_expect(uint32_t nid, unsigned o, unsigned limit, uint32_t *n_out, unsigned *z_out)
{
	const struct pglist_data *pg = NODE_DATA(nid);

	for (uint32_t i = 0; i < pg->nr_fallback; i++)
		for (int z = (int)limit; z >= 0; z--)
			if (model_zone_has(pg->fallback[i], (unsigned)z, o)) {
				*n_out = pg->fallback[i];
				*z_out = (unsigned)z;
				return true;
			}
	return false;
}

static void test_buddy_alloc_free_vs_reference_model(void **state)
{
	struct { struct page *p; unsigned o; } held[512];
	unsigned nheld = 0;
	uint64_t base_free;

	machine_three_nodes();
	model_init();
	base_free = buddy_free_pages_total();
	srand(42);
	for (int i = 0; i < 6000; i++) {
		if (nheld == 0 || (nheld < 512 && rand() % 100 < 55)) {
			unsigned o = (unsigned)(rand() % 100 < 70 ? rand() % 3 : rand() % MAX_ORDER);
			uint32_t nid = (uint32_t)(rand() % 4);      /* 3: NUMA_NO_NODE-like, out of range */
			unsigned limit = (unsigned)(rand() % 3);
			uint32_t wn = 0;
			unsigned wz = 0;
			bool possible = model_expect(nid < 3 ? nid : buddy_default_node, o, limit, &wn, &wz);
			struct page *p = buddy_alloc(o, nid, limit);

			if (!possible) {
				assert_null(p);
				continue;
			}
			assert_non_null(p);
			assert_int_equal(p->node, wn);
			assert_int_equal(p->zone, wz);
			assert_int_equal(p->pfn & ((1ULL << o) - 1), 0);
			for (pfn_t k = p->pfn; k < p->pfn + (1ULL << o); k++) {
				assert_int_equal(model_state[k], 1);   /* disjoint from held blocks */
				model_state[k] = 2;
			}
			held[nheld].p = p;
			held[nheld].o = o;
			nheld++;
		} else {
			unsigned k = (unsigned)rand() % nheld;

			for (pfn_t j = held[k].p->pfn; j < held[k].p->pfn + (1ULL << held[k].o); j++)
				model_state[j] = 1;
			buddy_free(held[k].p, held[k].o);
			held[k] = held[--nheld];
		}
		if (i % 500 == 0) {
			uint64_t used = 0;

			for (unsigned k = 0; k < nheld; k++)
				used += 1ULL << held[k].o;
			assert_int_equal(buddy_free_pages_total(), base_free - used);
			assert_null(buddy_check(false));
		}
	}
	while (nheld) {
		nheld--;
		buddy_free(held[nheld].p, held[nheld].o);
	}
	assert_null(buddy_check(true));
	assert_int_equal(buddy_free_pages_total(), base_free);
	free(model_state);
}

/* The hand-over gives each free range in the largest aligned blocks:
 * recompute the decomposition independently and compare per order. */
static void test_buddy_handover_largest_blocks(void **state)
{
	uint64_t want[MAX_NR_ZONES][MAX_ORDER] = { { 0 } };
	struct zone *zones;

	fm_init(&fm, 1);
	fm_ram(&fm, 0x100000, 0x8000000, 0);
	/* a single reserved page in the middle splits one range into two */
	fm_entry(&fm, 0x4321000, 0x4322000, PHYSMAP_LOADER, OWNER_STACK);
	assert_int_equal(fm_finish(&fm), 0);
	mm_init(fm.h);
	zones = NODE_DATA(0)->node_zones;
	for (pfn_t pfn = 0; pfn < PFN_DOWN(0x8000000); ) {
		struct page *p = pfn_to_page(pfn);
		unsigned o;

		if (p->flags & PG_reserved) {
			pfn++;
			continue;
		}
		/* largest aligned block of free pages starting here */
		for (o = MAX_ORDER - 1;; o--) {
			bool ok = (pfn & ((1ULL << o) - 1)) == 0 && zone_of_pfn(pfn) == zone_of_pfn(pfn + (1ULL << o) - 1);

			for (pfn_t k = pfn; ok && k < pfn + (1ULL << o); k++)
				ok = k < PFN_DOWN(0x8000000) && !(pfn_to_page(k)->flags & PG_reserved);
			if (ok)
				break;
		}
		want[zone_of_pfn(pfn)][o]++;
		pfn += 1ULL << o;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			assert_int_equal(zones[z].free_area[o].nr_free, want[z][o]);
	/* the reserved stack page is not free and never handed out */
	assert_true(pfn_to_page(PFN_DOWN(0x4321000))->flags & PG_reserved);
	assert_null(buddy_check(true));
}

static void test_buddy_alloc_zone_limits(void **state)
{
	machine_three_nodes();
	/* node 2 has only Normal memory: a DMA32 request from it falls back */
	struct page *p = buddy_alloc(0, 2, ZONE_DMA32);

	assert_non_null(p);
	assert_true(page_to_phys(p) < (4ULL << 30));
	assert_int_equal(p->node, 1);      /* nearest to 2 with DMA32 memory */
	buddy_free(p, 0);
	p = buddy_alloc(3, 1, ZONE_DMA);
	assert_non_null(p);
	assert_true(page_to_phys(p) + 8 * PAGE_SIZE <= (16ULL << 20));
	assert_int_equal(p->node, 0);
	buddy_free(p, 3);
	assert_null(buddy_alloc(MAX_ORDER, 0, ZONE_NORMAL));
	/* conversions round-trip */
	p = buddy_alloc(0, 0, ZONE_NORMAL);
	assert_ptr_equal(phys_to_page(page_to_phys(p)), p);
	assert_ptr_equal(virt_to_page(page_address(p)), p);
	assert_ptr_equal(pfn_to_page(page_to_pfn(p)), p);
	assert_ptr_equal((uint8_t *)page_address(p), (uint8_t *)fm.arena + page_to_phys(p));
	assert_null(pfn_to_page(PFN_DOWN(0x40000000)));     /* a hole: no memmap */
	buddy_free(p, 0);
}

static void test_buddy_free_double_free_panics(void **state)
{
	struct page *p, *q;

	machine_three_nodes();
	p = buddy_alloc(2, 0, ZONE_NORMAL);
	buddy_free(p, 2);
	EXPECT_PANIC(buddy_free(p, 2), "double free");
	/* freed, then merged into a larger block: still a double free */
	p = buddy_alloc(0, 1, ZONE_NORMAL);
	q = buddy_alloc(0, 1, ZONE_NORMAL);
	buddy_free(p, 0);
	buddy_free(q, 0);
	EXPECT_PANIC(buddy_free(q->pfn > p->pfn ? q : p, 0), "double free");
	assert_null(buddy_check(true));
}

static void test_buddy_free_wrong_order_panics(void **state)
{
	struct page *p;

	machine_three_nodes();
	p = buddy_alloc(3, 0, ZONE_NORMAL);
	EXPECT_PANIC(buddy_free(p, 2), "wrong order");
	EXPECT_PANIC(buddy_free(p, MAX_ORDER), "wrong order");
	buddy_free(p, 3);
}

static void test_buddy_free_misaligned_panics(void **state)
{
	struct page *p;

	machine_three_nodes();
	p = buddy_alloc(3, 0, ZONE_NORMAL);
	EXPECT_PANIC(buddy_free(p + 1, 1), "misaligned free block");
	EXPECT_PANIC(buddy_free(p + 2, 0), "double free");   /* a tail, not an allocated head */
	buddy_free(p, 3);
	assert_null(buddy_check(true));
}

static void test_buddy_free_not_in_any_zone_panics(void **state)
{
	struct page fake = { 0 };

	machine_three_nodes();
	/* the kernel image: reserved, never managed */
	EXPECT_PANIC(buddy_free(phys_to_page(0x1000000), 0), "page not in any zone");
	/* not a descriptor at all */
	fake.pfn = 0x1234;
	fake.flags = PG_head;
	EXPECT_PANIC(buddy_free(&fake, 0), "page not in any zone");
	fake.pfn = ~0ULL >> 12;
	EXPECT_PANIC(buddy_free(&fake, 0), "page not in any zone");
	/* a hole inside a section (0x9f000..0x100000) */
	EXPECT_PANIC(buddy_free(pfn_to_page(0xa0), 0), "page not in any zone");
	EXPECT_PANIC(buddy_free(NULL, 0), "NULL page");
}

/* Interleaved nodes: node 1's [6M, 8M) sits inside node 0's DMA span
 * [4M, 16M).  Node 0's 2 MiB block at 4M and node 1's at 6M are XOR
 * buddies but must never merge. */
static void test_buddy_free_never_merges_across_nodes(void **state)
{
	struct page *p;
	uint64_t n0_o10;

	fm_init(&fm, 2);
	fm_ram(&fm, 0x400000, 0x600000, 0);
	fm_ram(&fm, 0x600000, 0x800000, 1);
	fm_ram(&fm, 0x800000, 0x4000000, 0);     /* metadata goes to the tops */
	fm_ram(&fm, 0x4000000, 0x4200000, 1);
	assert_int_equal(fm_finish(&fm), 0);
	mm_init(fm.h);
	n0_o10 = NODE_DATA(0)->node_zones[ZONE_DMA].free_area[10].nr_free;
	p = buddy_alloc(9, 0, ZONE_DMA);
	assert_int_equal(page_to_phys(p), 0x400000);
	buddy_free(p, 9);
	assert_int_equal(NODE_DATA(0)->node_zones[ZONE_DMA].free_area[10].nr_free, n0_o10);
	assert_int_equal(NODE_DATA(1)->node_zones[ZONE_DMA].free_area[9].nr_free, 1);
	assert_int_equal(NODE_DATA(0)->node_zones[ZONE_DMA].free_area[9].nr_free, 1);
	assert_null(buddy_check(true));
}

static void test_buddy_check_detects_corruption(void **state)
{
	struct zone *z;
	struct page *p;

	machine_three_nodes();
	assert_null(buddy_check(true));
	z = &NODE_DATA(1)->node_zones[ZONE_DMA32];
	z->free_area[MAX_ORDER - 1].nr_free++;
	assert_non_null(strstr(buddy_check(false), "nr_free"));
	z->free_area[MAX_ORDER - 1].nr_free--;
	/* a block's tail marked as another free head: overlap */
	p = z->free_area[MAX_ORDER - 1].head;
	p[8].flags |= PG_buddy;
	assert_non_null(strstr(buddy_check(true), "page in two lists"));
	p[8].flags &= (uint16_t)~PG_buddy;
	/* free_pages off by one */
	z->free_pages++;
	assert_non_null(strstr(buddy_check(false), "pages listed"));
	z->free_pages--;
	assert_null(buddy_check(true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_buddy_alloc_free_vs_reference_model, teardown),
		cmocka_unit_test_teardown(test_buddy_handover_largest_blocks, teardown),
		cmocka_unit_test_teardown(test_buddy_alloc_zone_limits, teardown),
		cmocka_unit_test_teardown(test_buddy_free_double_free_panics, teardown),
		cmocka_unit_test_teardown(test_buddy_free_wrong_order_panics, teardown),
		cmocka_unit_test_teardown(test_buddy_free_misaligned_panics, teardown),
		cmocka_unit_test_teardown(test_buddy_free_not_in_any_zone_panics, teardown),
		cmocka_unit_test_teardown(test_buddy_free_never_merges_across_nodes, teardown),
		cmocka_unit_test_teardown(test_buddy_check_detects_corruption, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
