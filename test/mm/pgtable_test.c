/*
 * pgtable_test.c - host tests of mm/pgtable.c: page tables built in host
 * buffers behind fake physical addresses, with a fake per-node allocator
 * (node n's pages live at NODE_BASE(n)), then walked and checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mm/pgtable.h"
#include "vmlayout.h"
#include "test_support.h"

/* ---- fake physical memory: one pool of table pages per node ----------- */

#define POOL_PAGES    128
#define MAX_NODES     8
#define NODE_BASE(n)  (0x40000000ULL * ((n) + 1))   /* node n: [1 GiB*(n+1), +POOL) */

struct pool {
	int node;
	uint8_t *mem;                  /* POOL_PAGES pages, page aligned */
	bool used[POOL_PAGES];
	int outstanding;               /* allocated - freed */
	int allocs;                    /* total allocations */
	int fail_after;                /* -1: never; else fail the (fail_after+1)-th alloc */
	int bad_frees;                 /* frees of pages not allocated */
};

static struct pool pools[MAX_NODES];

static phys_addr_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;

	if (p->fail_after >= 0 && p->allocs >= p->fail_after)
		return 0;
	for (int i = 0; i < POOL_PAGES; i++) {
		if (!p->used[i]) {
			p->used[i] = true;
			p->outstanding++;
			p->allocs++;
			/* dirty it: the builder must zero what it gets */
			memset(p->mem + i * PAGE_SIZE, 0xa5, PAGE_SIZE);
			return NODE_BASE(p->node) + i * PAGE_SIZE;
		}
	}
	return 0;
}

static struct pool *pool_of(phys_addr_t pa, int *idx)
{
	for (int n = 0; n < MAX_NODES; n++) {
		if (pools[n].mem && pa >= NODE_BASE(n) &&
		    pa < NODE_BASE(n) + POOL_PAGES * PAGE_SIZE) {
			*idx = (int)((pa - NODE_BASE(n)) / PAGE_SIZE);
			return &pools[n];
		}
	}
	return NULL;
}

static void pool_free(void *ctx, phys_addr_t pa)
{
	int idx;
	struct pool *p = pool_of(pa, &idx);

	if (p == NULL || !p->used[idx]) {
		((struct pool *)ctx)->bad_frees++;
		return;
	}
	p->used[idx] = false;
	p->outstanding--;
}

/* Any node's page is reachable (copies are walked across nodes, as the kernel does). */
static void *pool_ptr(void *ctx, phys_addr_t pa)
{
	int idx;
	struct pool *p = pool_of(pa, &idx);

	if (p == NULL || !p->used[idx])
		return NULL;
	return p->mem + idx * PAGE_SIZE + (pa & (PAGE_SIZE - 1));
}

static struct pgtable_ops ops_for(int node)
{
	struct pgtable_ops o = { &pools[node], pool_alloc, pool_free, pool_ptr };
	return o;
}

static int setup(void **state)
{
	for (int n = 0; n < MAX_NODES; n++) {
		memset(&pools[n], 0, sizeof(pools[n]));
		pools[n].node = n;
		pools[n].fail_after = -1;
		pools[n].mem = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
		if (!pools[n].mem)
			return -1;
	}
	test_log_reset();
	return 0;
}

static int teardown(void **state)
{
	for (int n = 0; n < MAX_NODES; n++) {
		free(pools[n].mem);
		pools[n].mem = NULL;
	}
	return 0;
}

/* ---- leaf collection ---------------------------------------------------- */

struct leaf { virt_addr_t va; phys_addr_t pa; uint64_t size, flags; };
struct leaves { struct leaf l[4096]; int n; };

static int collect_cb(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	struct leaves *ls = arg;

	if (ls->n < (int)ARRAY_SIZE(ls->l))
		ls->l[ls->n++] = (struct leaf){ va, pa, size, flags };
	return 0;
}

static struct leaves *collect(const struct pgtable_ops *o, phys_addr_t root)
{
	struct leaves *ls = calloc(1, sizeof(*ls));

	assert_non_null(ls);
	assert_int_equal(pgtable_for_each_leaf(o, root, collect_cb, ls), 0);
	return ls;
}

static int count_size(const struct leaves *ls, uint64_t size)
{
	int n = 0;

	for (int i = 0; i < ls->n; i++)
		n += ls->l[i].size == size;
	return n;
}

/* ---- pgtable_create / pgtable_map / pgtable_translate --------------------- */

static void test_pgtable_create_zeroed(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	uint64_t *t;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_true(root >= NODE_BASE(0));
	t = pool_ptr(NULL, root);
	for (int i = 0; i < PGTABLE_ENTRIES; i++)
		assert_int_equal(t[i], 0);
	assert_int_equal(pgtable_count_tables(&o, root), 1);
}

static void test_pgtable_create_oom(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root = 0;

	pools[0].fail_after = 0;
	assert_int_equal(pgtable_create(&o, &root), PGTABLE_ENOMEM);
	assert_int_equal(pools[0].outstanding, 0);
}

static void test_pgtable_map_4k_translate(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root, pa;
	uint64_t flags, size;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0xffffffff80201000ULL, 0x1234000, 0x3000,
				     PTE_NX, PGTABLE_2M), 0);
	assert_true(pgtable_translate(&o, root, 0xffffffff80202abcULL, &pa, &flags, &size));
	assert_int_equal(pa, 0x1235abc);
	assert_int_equal(size, PGTABLE_4K);
	assert_true(flags & PTE_P);
	assert_true(flags & PTE_NX);
	assert_false(flags & PTE_W);
	assert_false(flags & PTE_U);
	/* one below and one past the range are unmapped */
	assert_false(pgtable_translate(&o, root, 0xffffffff80200fffULL, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, 0xffffffff80204000ULL, NULL, NULL, NULL));
	/* PML4 + PDPT + PD + PT */
	assert_int_equal(pgtable_count_tables(&o, root), 4);
	assert_int_equal(pools[0].outstanding, 4);
}

static void test_pgtable_map_largest_page_alignment_allows(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	struct leaves *ls;
	/* [1G - 8K, 3G + 2M + 4K): two 4K pages up to 1G, two 1G pages,
	 * one 2M page, one 4K page. */
	virt_addr_t va = DIRECT_MAP_BASE + SZ_1G - 0x2000;
	uint64_t size = 2 * SZ_1G + SZ_2M + 0x3000;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, va, SZ_1G - 0x2000, size, PTE_W | PTE_NX,
				     PGTABLE_1G), 0);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_4K), 3);
	assert_int_equal(count_size(ls, PGTABLE_2M), 1);
	assert_int_equal(count_size(ls, PGTABLE_1G), 2);
	assert_int_equal(ls->n, 6);
	/* contiguous, in VA order, va - pa constant */
	for (int i = 0; i < ls->n; i++) {
		assert_int_equal(ls->l[i].va - ls->l[i].pa, DIRECT_MAP_BASE);
		if (i)
			assert_int_equal(ls->l[i].va, ls->l[i - 1].va + ls->l[i - 1].size);
	}
	assert_int_equal(ls->l[0].va, va);
	free(ls);
}

static void test_pgtable_map_max_page_2m_never_uses_1g(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	struct leaves *ls;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE, 0, 2 * SZ_1G, PTE_W | PTE_NX,
				     PGTABLE_2M), 0);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_1G), 0);
	assert_int_equal(count_size(ls, PGTABLE_2M), 1024);
	/* PML4 + PDPT + 2 PDs */
	assert_int_equal(pgtable_count_tables(&o, root), 4);
	free(ls);
}

static void test_pgtable_map_misaligned_pa_prevents_large_pages(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	struct leaves *ls;

	/* va 2M aligned, pa only 4K aligned: no 2M page is possible */
	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE, 0x1000, SZ_2M, PTE_NX,
				     PGTABLE_1G), 0);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_4K), 512);
	free(ls);
}

static void test_pgtable_map_rejects_bad_args(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0x1001, 0x1000, 0x1000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1800, 0x1000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x800, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	/* non-canonical, and a range crossing into the hole */
	assert_int_equal(pgtable_map(&o, root, 0x0000800000000000ULL, 0, 0x1000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x00007ffffffff000ULL, 0, 0x2000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	/* wrapping past 2^64 */
	assert_int_equal(pgtable_map(&o, root, 0xfffffffffffff000ULL, 0, 0x2000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	/* P or PS or address bits are not flags; bad max page size */
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x1000, PTE_PS, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x1000, 0x5000, PGTABLE_4K),
			 PGTABLE_EINVAL);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x1000, 0, 0x3000),
			 PGTABLE_EINVAL);
	/* physical address beyond 52 bits */
	assert_int_equal(pgtable_map(&o, root, 0x1000, 1ULL << 52, 0x1000, 0, PGTABLE_4K),
			 PGTABLE_EINVAL);
	/* nothing was allocated by the rejected calls */
	assert_int_equal(pgtable_count_tables(&o, root), 1);
	assert_int_equal(pools[0].outstanding, 1);
}

static void test_pgtable_map_top_page_of_address_space(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root, pa;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0xfffffffffffff000ULL, 0x5000, 0x1000, PTE_NX,
				     PGTABLE_4K), 0);
	assert_true(pgtable_translate(&o, root, 0xffffffffffffffffULL, &pa, NULL, NULL));
	assert_int_equal(pa, 0x5fff);
}

static void test_pgtable_map_overlap_is_eexist_and_changes_nothing(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root, pa;
	uint32_t tables;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE, 0, SZ_2M, PTE_W | PTE_NX,
				     PGTABLE_2M), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE + SZ_2M + 0x5000, 0x5000, 0x1000,
				     PTE_NX, PGTABLE_4K), 0);
	tables = pgtable_count_tables(&o, root);
	/* 4K inside an existing 2M page */
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE + 0x3000, 0x9000, 0x1000, 0,
				     PGTABLE_4K), PGTABLE_EEXIST);
	/* a 2M page over an existing PT with one mapping, starting in free space */
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE + SZ_2M, 0, SZ_2M + 0x1000,
				     0, PGTABLE_2M), PGTABLE_EEXIST);
	assert_int_equal(pgtable_count_tables(&o, root), tables);
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + SZ_2M, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x3000, &pa, NULL, NULL));
	assert_int_equal(pa, 0x3000);
}

static void test_pgtable_map_oom_then_destroy_frees_all(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;

	assert_int_equal(pgtable_create(&o, &root), 0);
	pools[0].fail_after = 2;      /* root + one more */
	assert_int_equal(pgtable_map(&o, root, 0xffffffff80200000ULL, 0x200000, 0x1000, 0,
				     PGTABLE_4K), PGTABLE_ENOMEM);
	assert_int_equal(pools[0].outstanding, 2);
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
	assert_int_equal(pools[0].bad_frees, 0);
}

static void test_pgtable_translate_effective_flags(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	uint64_t flags, *pml4;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0x400000, 0x400000, 0x1000, PTE_W | PTE_U,
				     PGTABLE_4K), 0);
	assert_true(pgtable_translate(&o, root, 0x400000, NULL, &flags, NULL));
	/* intermediate entries never carry U: the leaf's U does not leak through */
	assert_false(flags & PTE_U);
	assert_true(flags & PTE_W);
	assert_false(flags & PTE_NX);
	/* NX in an upper level wins; W cleared above wins */
	pml4 = pool_ptr(NULL, root);
	pml4[0] |= PTE_NX;
	pml4[0] &= ~PTE_W;
	assert_true(pgtable_translate(&o, root, 0x400000, NULL, &flags, NULL));
	assert_true(flags & PTE_NX);
	assert_false(flags & PTE_W);
	/* and for_each_leaf agrees */
	struct leaves *ls = collect(&o, root);
	assert_int_equal(ls->n, 1);
	assert_int_equal(ls->l[0].flags & (PTE_W | PTE_NX | PTE_U), PTE_NX);
	free(ls);
}

static void test_pgtable_translate_non_canonical_and_unreachable(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	uint64_t *pml4;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_false(pgtable_translate(&o, root, 0x0000900000000000ULL, NULL, NULL, NULL));
	/* an entry pointing outside the fake memory: false, not a crash */
	pml4 = pool_ptr(NULL, root);
	pml4[1] = 0x7770000 | PTE_P | PTE_W;
	assert_false(pgtable_translate(&o, root, 1ULL << 39, NULL, NULL, NULL));
}

/* ---- walkers ------------------------------------------------------------ */

static void test_pgtable_for_each_leaf_va_order(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	struct leaves *ls;

	assert_int_equal(pgtable_create(&o, &root), 0);
	/* mapped out of order, across both halves */
	assert_int_equal(pgtable_map(&o, root, 0xffffffff80200000ULL, 0x100000, 0x2000, 0,
				     PGTABLE_4K), 0);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x1000, 0, PGTABLE_4K), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE, 0, SZ_2M, PTE_W | PTE_NX,
				     PGTABLE_2M), 0);
	ls = collect(&o, root);
	assert_int_equal(ls->n, 4);
	assert_int_equal(ls->l[0].va, 0x1000);
	assert_int_equal(ls->l[1].va, DIRECT_MAP_BASE);
	assert_int_equal(ls->l[2].va, 0xffffffff80200000ULL);   /* sign-extended */
	assert_int_equal(ls->l[3].va, 0xffffffff80201000ULL);
	assert_int_equal(ls->l[3].pa, 0x101000);
	free(ls);
}

struct table_seen { int n, per_level[5]; phys_addr_t first; int first_level; };

static int table_cb(void *arg, phys_addr_t pa, int level)
{
	struct table_seen *s = arg;

	if (s->n++ == 0) {
		s->first = pa;
		s->first_level = level;
	}
	s->per_level[level]++;
	return 0;
}

static int stop_cb(void *arg, phys_addr_t pa, int level)
{
	return ++*(int *)arg == 2 ? 42 : 0;
}

static void test_pgtable_for_each_table_levels(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	struct table_seen s = { 0 };
	int calls = 0;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0x1000, 0x1000, 0x1000, 0, PGTABLE_4K), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE, 0, SZ_1G, PTE_NX, PGTABLE_1G), 0);
	assert_int_equal(pgtable_for_each_table(&o, root, table_cb, &s), 0);
	assert_int_equal(s.first, root);
	assert_int_equal(s.first_level, 4);
	assert_int_equal(s.per_level[4], 1);
	assert_int_equal(s.per_level[3], 2);   /* low PDPT, direct-map PDPT (1G leaf) */
	assert_int_equal(s.per_level[2], 1);
	assert_int_equal(s.per_level[1], 1);
	assert_int_equal(s.n, 5);
	/* a non-zero return stops the walk and is passed back */
	assert_int_equal(pgtable_for_each_table(&o, root, stop_cb, &calls), 42);
	assert_int_equal(calls, 2);
}

static void test_pgtable_dump_walk_prints_each_level(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, 0xffffffff80201000ULL, 0x345000, 0x1000,
				     PTE_G, PGTABLE_4K), 0);
	test_log_reset();
	pgtable_dump_walk(&o, root, 0xffffffff80201234ULL, test_printf);
	assert_non_null(test_log_find("pgtable: walk va 0xffffffff80201234"));
	assert_non_null(test_log_find("PML4[511]"));
	assert_non_null(test_log_find("PDPT[510]"));
	assert_non_null(test_log_find("PD[1]"));
	assert_non_null(test_log_find("PT[1]"));
	assert_non_null(test_log_find("P G -> pa 0x345234 (4K)"));
	test_log_reset();
	pgtable_dump_walk(&o, root, 0xffffffff80400000ULL, test_printf);
	assert_non_null(test_log_find("PD[2]"));
	assert_non_null(test_log_find("not present"));
	assert_null(test_log_find("-> pa"));
}

/* ---- pgtable_build_kernel ----------------------------------------------- */

#define KTEXT_VA   0xffffffff80200000ULL
#define KTEXT_SZ   0x5000ULL
#define KRO_SZ     0x3000ULL
#define KDATA_SZ   0x9000ULL
#define KERNEL_PA  0x01000000ULL        /* the original image */
#define TRAMP_PA   0x00088000ULL

static struct physmap_entry map_2g[] = {
	{ 0x0, 0x9f000, PHYSMAP_USABLE, 0 },
	{ 0x9f000, 0x100000, PHYSMAP_RESERVED, 0 },
	{ 0x100000, 0x7f000000, PHYSMAP_USABLE, 0 },
	{ 0x7f000000, 0x80000000, PHYSMAP_ACPI_NVS, 0 },
};

/* A desc for node `node`: text+rodata at that node's copy, data shared. */
static struct kernel_space_desc kdesc(const struct physmap_entry *map, size_t n, bool gb,
				      phys_addr_t text_pa, phys_addr_t tramp)
{
	struct kernel_space_desc d = {
		.physmap = map, .nr_physmap = n, .gbpages = gb, .global = true,
		.nr_segs = 3, .trampoline_pa = tramp,
	};

	d.segs[0] = (struct pgtable_seg){ KTEXT_VA, text_pa, KTEXT_SZ, 0 };
	d.segs[1] = (struct pgtable_seg){ KTEXT_VA + KTEXT_SZ, text_pa + KTEXT_SZ, KRO_SZ, PTE_NX };
	d.segs[2] = (struct pgtable_seg){ KTEXT_VA + KTEXT_SZ + KRO_SZ,
					  KERNEL_PA + KTEXT_SZ + KRO_SZ, KDATA_SZ, PTE_W | PTE_NX };
	return d;
}

struct in_node_arg { int node; int bad; };

static int in_node_cb(void *arg, phys_addr_t pa, int level)
{
	struct in_node_arg *a = arg;

	if (pa < NODE_BASE(a->node) || pa >= NODE_BASE(a->node) + POOL_PAGES * PAGE_SIZE)
		a->bad++;
	return 0;
}

static void check_wx_nx_u(const struct leaves *ls, phys_addr_t tramp)
{
	for (int i = 0; i < ls->n; i++) {
		const struct leaf *l = &ls->l[i];
		bool text = l->va >= KTEXT_VA && l->va < KTEXT_VA + KTEXT_SZ;
		bool tr = tramp && l->va == tramp;

		assert_false(l->flags & PTE_U);
		assert_false((l->flags & PTE_W) && !(l->flags & PTE_NX));      /* W^X */
		if (text || tr)
			assert_false(l->flags & PTE_NX);
		else
			assert_true(l->flags & PTE_NX);
		/* nothing else in the lower half than the trampoline */
		if (l->va < 0x800000000000ULL)
			assert_true(tr);
	}
}

static void test_pgtable_build_kernel_two_nodes(void **state)
{
	phys_addr_t root[2], text_pa[2] = { NODE_BASE(0) + 0x200000, NODE_BASE(1) + 0x200000 };
	struct leaves *ls[2];
	int pages[2];

	for (int n = 0; n < 2; n++) {
		struct pgtable_ops o = ops_for(n);
		struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), true, text_pa[n],
						   n == 0 ? TRAMP_PA : 0);
		struct in_node_arg a = { n, 0 };

		pages[n] = pgtable_build_kernel(&o, &d, &root[n]);
		assert_true(pages[n] > 0);
		assert_true(pgtable_estimate_pages(&d) >= (uint32_t)pages[n]);
		assert_int_equal(pages[n], pools[n].outstanding);
		assert_int_equal(pgtable_for_each_table(&o, root[n], in_node_cb, &a), 0);
		assert_int_equal(a.bad, 0);
		ls[n] = collect(&o, root[n]);
		check_wx_nx_u(ls[n], n == 0 ? TRAMP_PA : 0);
	}
	/* PML4, DM PDPT (two 1G leaves), kernel PDPT+PD+PT = 5; + PDPT/PD/PT for the trampoline */
	assert_int_equal(pages[1], 5);
	assert_int_equal(pages[0], 8);
	assert_int_equal(count_size(ls[0], PGTABLE_1G), 2);

	/* same translations and permissions everywhere except text/rodata */
	struct pgtable_ops o0 = ops_for(0);
	struct pgtable_ops o1 = ops_for(1);
	for (virt_addr_t va = DIRECT_MAP_BASE; va < DIRECT_MAP_BASE + 2 * SZ_1G; va += 0x1ff000) {
		phys_addr_t p0, p1;
		uint64_t f0, f1;

		assert_true(pgtable_translate(&o0, root[0], va, &p0, &f0, NULL));
		assert_true(pgtable_translate(&o1, root[1], va, &p1, &f1, NULL));
		assert_int_equal(p0, va - DIRECT_MAP_BASE);
		assert_int_equal(p0, p1);
		assert_int_equal(f0, f1);
	}
	for (virt_addr_t va = KTEXT_VA; va < KTEXT_VA + KTEXT_SZ + KRO_SZ + KDATA_SZ; va += PAGE_SIZE) {
		phys_addr_t p0, p1;
		uint64_t f0, f1;
		bool shared = va >= KTEXT_VA + KTEXT_SZ + KRO_SZ;

		assert_true(pgtable_translate(&o0, root[0], va, &p0, &f0, NULL));
		assert_true(pgtable_translate(&o1, root[1], va, &p1, &f1, NULL));
		assert_int_equal(f0, f1);
		if (shared) {
			assert_int_equal(p0, p1);
			assert_int_equal(f0 & (PTE_W | PTE_NX), PTE_W | PTE_NX);
		} else {
			assert_int_equal(p0 - text_pa[0], va - KTEXT_VA);
			assert_int_equal(p1 - text_pa[1], va - KTEXT_VA);
			assert_false(f0 & PTE_W);
		}
		assert_true(f0 & PTE_G);
	}
	/* rodata R+NX, text RX */
	uint64_t f;
	assert_true(pgtable_translate(&o1, root[1], KTEXT_VA, NULL, &f, NULL));
	assert_int_equal(f & (PTE_W | PTE_NX), 0);
	assert_true(pgtable_translate(&o1, root[1], KTEXT_VA + KTEXT_SZ, NULL, &f, NULL));
	assert_int_equal(f & (PTE_W | PTE_NX), PTE_NX);
	/* the trampoline: identity, RX, boot copy only */
	phys_addr_t pa;
	assert_true(pgtable_translate(&o0, root[0], TRAMP_PA + 8, &pa, &f, NULL));
	assert_int_equal(pa, TRAMP_PA + 8);
	assert_int_equal(f & (PTE_W | PTE_NX | PTE_G), 0);
	assert_false(pgtable_translate(&o1, root[1], TRAMP_PA, NULL, NULL, NULL));
	/* nothing outside the kernel's mappings */
	assert_false(pgtable_translate(&o0, root[0], KTEXT_VA + KTEXT_SZ + KRO_SZ + KDATA_SZ,
				       NULL, NULL, NULL));
	assert_false(pgtable_translate(&o0, root[0], DIRECT_MAP_BASE + 2 * SZ_1G, NULL, NULL, NULL));
	free(ls[0]);
	free(ls[1]);
}

static void test_pgtable_build_kernel_2m_without_gbpages(void **state)
{
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), false, KERNEL_PA, 0);
	phys_addr_t root;
	struct leaves *ls;
	int pages = pgtable_build_kernel(&o, &d, &root);

	/* PML4, DM PDPT, 2 DM PDs, kernel PDPT+PD+PT */
	assert_int_equal(pages, 7);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_1G), 0);
	assert_int_equal(count_size(ls, PGTABLE_2M), 1024);
	assert_int_equal(pgtable_direct_map_end(&d), 2 * SZ_1G);
	free(ls);
}

static void test_pgtable_build_kernel_unaligned_ranges_round_out(void **state)
{
	/* unsorted, overlapping, unaligned, zero-length, a hole of 6 MiB, a range above 4G */
	static struct physmap_entry map[] = {
		{ 0x100001000ULL, 0x100003000ULL, PHYSMAP_USABLE, 0 },
		{ 0x1000, 0x9f000, PHYSMAP_USABLE, 0 },
		{ 0x50000, 0x250000, PHYSMAP_ACPI_NVS, 0 },
		{ 0x300000, 0x300000, PHYSMAP_USABLE, 0 },          /* zero length */
		{ 0xa00000, 0xa00001, PHYSMAP_ACPI_RECLAIM, 0 },
		{ 0x0, 0x0, 0, 0 },                                 /* type 0: ignored */
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map, ARRAY_SIZE(map), true, KERNEL_PA, 0);
	phys_addr_t root;
	struct leaves *ls;
	uint64_t total = 0;

	int pages = pgtable_build_kernel(&o, &d, &root);

	assert_true(pages > 0);
	assert_true(pgtable_estimate_pages(&d) >= (uint32_t)pages);
	/* [0, 4M) from the first two, [10M, 12M), [4G, 4G+2M) */
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x3ff000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x400000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x9ff000, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xa00000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xc00000, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x1001ff000ULL, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100200000ULL, NULL, NULL, NULL));
	ls = collect(&o, root);
	for (int i = 0; i < ls->n; i++)
		if (ls->l[i].va >= DIRECT_MAP_BASE && ls->l[i].va < KERNEL_VIRT_BASE) {
			assert_int_equal(ls->l[i].size, PGTABLE_2M);
			total += ls->l[i].size;
		}
	assert_int_equal(total, 4 * SZ_2M);
	assert_int_equal(pgtable_direct_map_end(&d), 0x100200000ULL);
	free(ls);
}

static void test_pgtable_build_kernel_64g_counts(void **state)
{
	static struct physmap_entry map[] = {
		{ 0x0, 0x80000000ULL, PHYSMAP_USABLE, 0 },
		{ 0x100000000ULL, 0x1080000000ULL, PHYSMAP_USABLE, 0 },   /* 4G..66G: 64 GiB total */
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map, ARRAY_SIZE(map), true, KERNEL_PA, 0);
	phys_addr_t root;
	struct leaves *ls;

	/* 1G pages: still one DM PDPT; the 2G..4G hole is not mapped */
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), 5);
	assert_true(pgtable_estimate_pages(&d) >= 5);
	assert_true(pgtable_estimate_pages(&d) <= 5 + 16);   /* a bound, but not a wild one */
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_1G), 64);
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xc0000000ULL, NULL, NULL, NULL));
	free(ls);
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
	/* 2M pages: one PD per GiB */
	d.gbpages = false;
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), 5 + 64);
	assert_true(pgtable_estimate_pages(&d) >= 5 + 64);
}

static void test_pgtable_build_kernel_rejects_wx_and_user(void **state)
{
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), true, KERNEL_PA, 0);
	phys_addr_t root;

	d.segs[2].flags = PTE_W;                 /* writable and executable */
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), PGTABLE_EINVAL);
	d.segs[2].flags = PTE_U | PTE_NX;
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), PGTABLE_EINVAL);
	assert_int_equal(pools[0].allocs, 0);
}

static void test_pgtable_build_kernel_overlapping_segs_fail_clean(void **state)
{
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), true, KERNEL_PA, 0);
	phys_addr_t root;

	d.segs[1].va = d.segs[0].va;             /* rodata over text */
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), PGTABLE_EEXIST);
	assert_int_equal(pools[0].outstanding, 0);
	assert_int_equal(pools[0].bad_frees, 0);
}

/* Every possible allocation failure point: an error, and nothing leaks. */
static void test_pgtable_build_kernel_oom_leaks_nothing(void **state)
{
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), false, KERNEL_PA, TRAMP_PA);
	phys_addr_t root = 0;
	int need;

	need = pgtable_build_kernel(&o, &d, &root);
	assert_true(need > 0);
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
	for (int k = 0; k < need; k++) {
		pools[0].allocs = 0;
		pools[0].fail_after = k;
		root = 0;
		assert_int_equal(pgtable_build_kernel(&o, &d, &root), PGTABLE_ENOMEM);
		assert_int_equal(root, 0);
		assert_int_equal(pools[0].outstanding, 0);
		assert_int_equal(pools[0].bad_frees, 0);
	}
	pools[0].allocs = 0;
	pools[0].fail_after = need;
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), need);
}

static void test_pgtable_build_kernel_beyond_direct_map_max(void **state)
{
	static struct physmap_entry map[] = {
		{ 0x0, DIRECT_MAP_MAX + SZ_2M, PHYSMAP_USABLE, 0 },
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map, ARRAY_SIZE(map), true, KERNEL_PA, 0);
	phys_addr_t root;

	assert_int_equal(pgtable_build_kernel(&o, &d, &root), PGTABLE_EINVAL);
	assert_int_equal(pools[0].outstanding, 0);
}

/* Reserved (device windows such as q35's PCIe ECAM) and unusable ranges are
 * not RAM and stay out of the direct map, unless a RAM range's 2 MiB
 * rounding reaches into them. */
static void test_pgtable_build_kernel_skips_reserved_and_unusable(void **state)
{
	static struct physmap_entry map[] = {
		{ 0x0, 0x80000000ULL, PHYSMAP_USABLE, 0 },
		{ 0xb0000000ULL, 0xc0000000ULL, PHYSMAP_RESERVED, 0 },
		{ 0x100000000ULL, 0x100200000ULL, PHYSMAP_UNUSABLE, 0 },
		{ 0x140000000ULL, 0x140001000ULL, PHYSMAP_PERSISTENT, 0 },
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map, ARRAY_SIZE(map), true, KERNEL_PA, 0);
	phys_addr_t root;

	assert_true(pgtable_build_kernel(&o, &d, &root) > 0);
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x7ffff000ULL, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xb0000000ULL, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100000000ULL, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x140000000ULL, NULL, NULL, NULL));
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
}

/*
 * Random physmaps (unsorted, overlapping, unaligned, some above 4 GiB) with
 * and without 1G pages: the estimate bounds the real count, every RAM range is
 * in the direct map at DIRECT_MAP_BASE + pa, W^X/NX/U hold everywhere.
 */
static void test_pgtable_build_kernel_random_maps(void **state)
{
	static struct physmap_entry map[24];
	struct pgtable_ops o = ops_for(0);
	unsigned seed = 12345;

	for (int iter = 0; iter < 300; iter++) {
		size_t n = 1 + rand_r(&seed) % ARRAY_SIZE(map);
		struct kernel_space_desc d;
		phys_addr_t root;
		struct leaves *ls;
		int pages;

		for (size_t i = 0; i < n; i++) {
			uint64_t start = ((uint64_t)rand_r(&seed) << 12) % (80ULL << 30);
			uint64_t len = ((uint64_t)rand_r(&seed) << (rand_r(&seed) % 12)) % (3ULL << 30);

			map[i] = (struct physmap_entry){ start, start + len, 1 + rand_r(&seed) % 7, 0 };
		}
		d = kdesc(map, n, rand_r(&seed) & 1, KERNEL_PA, (rand_r(&seed) & 1) ? TRAMP_PA : 0);
		pages = pgtable_build_kernel(&o, &d, &root);
		if (pages == PGTABLE_ENOMEM) {      /* a map too fragmented for the pool */
			assert_int_equal(pools[0].outstanding, 0);
			continue;
		}
		assert_true(pages > 0);
		assert_true(pgtable_estimate_pages(&d) >= (uint32_t)pages);
		for (size_t i = 0; i < n; i++) {
			phys_addr_t pa;

			if (map[i].end <= map[i].start || map[i].type == PHYSMAP_RESERVED ||
			    map[i].type == PHYSMAP_UNUSABLE)
				continue;
			assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + map[i].start, &pa,
						      NULL, NULL));
			assert_int_equal(pa, map[i].start);
			assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + map[i].end - 1, &pa,
						      NULL, NULL));
			assert_int_equal(pa, map[i].end - 1);
		}
		ls = collect(&o, root);
		check_wx_nx_u(ls, d.trampoline_pa);
		free(ls);
		pgtable_destroy(&o, root);
		assert_int_equal(pools[0].outstanding, 0);
	}
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * The cost of the copies (issue 4's table): for 1, 2, 4, 8 nodes sharing
 * 1 GiB or 64 GiB of RAM (split evenly, with a 2..4 GiB PCI hole when it
 * fits), table pages per copy and the time to build all copies.  Budget:
 * at most 6 table pages per copy with 1 GiB pages (+3 for the boot copy's
 * trampoline).  The figures are printed; the page budget is asserted.
 */
static void test_pgtable_build_kernel_cost_per_node(void **state)
{
	static const unsigned nodes[] = { 1, 2, 4, 8 };
	static const uint64_t gib[] = { 1, 64 };
	static struct physmap_entry map[16];

	printf("# pgtable cost: nodes RAM gbpages | pages boot copy, other copy | build all copies\n");
	for (size_t g = 0; g < ARRAY_SIZE(gib); g++) {
		for (size_t k = 0; k < ARRAY_SIZE(nodes); k++) {
			for (int gb = 1; gb >= 0; gb--) {
				uint64_t ram = gib[g] << 30, per = ram / nodes[k];
				int pages[8] = { 0 }, reps = 20;
				phys_addr_t roots[8];
				double t0, t1;

				for (unsigned n = 0; n < nodes[k]; n++) {
					uint64_t s = n * per, e = s + per;

					/* RAM above 2 GiB moves to 4 GiB, as on q35 */
					if (s >= SZ_1G * 2)
						s += SZ_1G * 2;
					if (e > SZ_1G * 2)
						e += SZ_1G * 2;
					map[n] = (struct physmap_entry){ s, e, PHYSMAP_USABLE, 0 };
					if (s < SZ_1G * 2 && e > SZ_1G * 2) {
						map[n].end = SZ_1G * 2;
						map[nodes[k] + n] = (struct physmap_entry){
							SZ_1G * 4, e, PHYSMAP_USABLE, 0 };
					} else {
						map[nodes[k] + n] = (struct physmap_entry){ 0, 0, 0, 0 };
					}
				}
				t0 = now_us();
				for (int r = 0; r < reps; r++) {
					for (unsigned n = 0; n < nodes[k]; n++) {
						struct pgtable_ops o = ops_for(n);
						struct kernel_space_desc d =
							kdesc(map, 2 * nodes[k], gb, NODE_BASE(n) + 0x200000,
							      n == 0 ? TRAMP_PA : 0);

						pages[n] = pgtable_build_kernel(&o, &d, &roots[n]);
						assert_true(pages[n] > 0);
						assert_true(pgtable_estimate_pages(&d) >= (uint32_t)pages[n]);
						if (r + 1 < reps)
							pgtable_destroy(&o, roots[n]);
					}
				}
				t1 = now_us();
				for (unsigned n = 0; n < nodes[k]; n++) {
					struct pgtable_ops o = ops_for(n);

					pgtable_destroy(&o, roots[n]);
					assert_int_equal(pools[n].outstanding, 0);
				}
				if (gb) {
					assert_true(pages[0] <= 6 + 3);
					for (unsigned n = 1; n < nodes[k]; n++)
						assert_true(pages[n] <= 6);
				}
				printf("# pgtable cost: %u node%s %2llu GiB %s | %d, %d | %.1f us\n",
				       nodes[k], nodes[k] == 1 ? " " : "s", (unsigned long long)gib[g],
				       gb ? "1G" : "2M", pages[0], nodes[k] > 1 ? pages[1] : 0,
				       (t1 - t0) / reps);
			}
		}
	}
}

static void test_pgtable_flags_str_names_bits(void **state)
{
	char buf[48];

	assert_string_equal(pgtable_flags_str(PTE_P | PTE_W | PTE_NX, buf, sizeof(buf)), "P W NX");
	assert_string_equal(pgtable_flags_str(0, buf, sizeof(buf)), "");
	assert_string_equal(pgtable_flags_str(PTE_P | PTE_W, buf, 3), "P ");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pgtable_create_zeroed),
		T(test_pgtable_create_oom),
		T(test_pgtable_map_4k_translate),
		T(test_pgtable_map_largest_page_alignment_allows),
		T(test_pgtable_map_max_page_2m_never_uses_1g),
		T(test_pgtable_map_misaligned_pa_prevents_large_pages),
		T(test_pgtable_map_rejects_bad_args),
		T(test_pgtable_map_top_page_of_address_space),
		T(test_pgtable_map_overlap_is_eexist_and_changes_nothing),
		T(test_pgtable_map_oom_then_destroy_frees_all),
		T(test_pgtable_translate_effective_flags),
		T(test_pgtable_translate_non_canonical_and_unreachable),
		T(test_pgtable_for_each_leaf_va_order),
		T(test_pgtable_for_each_table_levels),
		T(test_pgtable_dump_walk_prints_each_level),
		T(test_pgtable_build_kernel_two_nodes),
		T(test_pgtable_build_kernel_2m_without_gbpages),
		T(test_pgtable_build_kernel_unaligned_ranges_round_out),
		T(test_pgtable_build_kernel_64g_counts),
		T(test_pgtable_build_kernel_rejects_wx_and_user),
		T(test_pgtable_build_kernel_overlapping_segs_fail_clean),
		T(test_pgtable_build_kernel_oom_leaks_nothing),
		T(test_pgtable_build_kernel_beyond_direct_map_max),
		T(test_pgtable_build_kernel_skips_reserved_and_unusable),
		T(test_pgtable_build_kernel_random_maps),
		T(test_pgtable_build_kernel_cost_per_node),
		T(test_pgtable_flags_str_names_bits),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
