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

#define POOL_PAGES    512
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
		assert_int_equal(pgtable_estimate_pages(&d), pages[n]);
		assert_int_equal(pages[n], pools[n].outstanding);
		assert_int_equal(pgtable_for_each_table(&o, root[n], in_node_cb, &a), 0);
		assert_int_equal(a.bad, 0);
		ls[n] = collect(&o, root[n]);
		check_wx_nx_u(ls[n], n == 0 ? TRAMP_PA : 0);
	}
	/* PML4, DM PDPT, the first GiB's PD and the first 2 MiB's PT (the
	 * reserved hole at 0x9f000), kernel PDPT+PD+PT = 7; + PDPT/PD/PT for
	 * the trampoline.  Only the second GiB is one 1G leaf. */
	assert_int_equal(pages[1], 7);
	assert_int_equal(pages[0], 10);
	assert_int_equal(count_size(ls[0], PGTABLE_1G), 1);
	assert_int_equal(count_size(ls[0], PGTABLE_2M), 511);

	/* same translations and permissions everywhere except text/rodata */
	struct pgtable_ops o0 = ops_for(0);
	struct pgtable_ops o1 = ops_for(1);
	for (virt_addr_t va = DIRECT_MAP_BASE; va < DIRECT_MAP_BASE + 2 * SZ_1G; va += 0x1ff000) {
		phys_addr_t p0, p1;
		uint64_t f0, f1;

		if (va - DIRECT_MAP_BASE >= 0x9f000 && va - DIRECT_MAP_BASE < 0x100000) {
			assert_false(pgtable_translate(&o0, root[0], va, NULL, NULL, NULL));
			assert_false(pgtable_translate(&o1, root[1], va, NULL, NULL, NULL));
			continue;
		}
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

	/* PML4, DM PDPT, 2 DM PDs, the PT of the first 2 MiB, kernel PDPT+PD+PT */
	assert_int_equal(pages, 8);
	assert_int_equal(pgtable_estimate_pages(&d), 8);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_1G), 0);
	assert_int_equal(count_size(ls, PGTABLE_2M), 1023);
	assert_int_equal(count_size(ls, PGTABLE_4K), 0x9f + 0x100 + (KTEXT_SZ + KRO_SZ + KDATA_SZ) / PAGE_SIZE);
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
	assert_int_equal(pgtable_estimate_pages(&d), pages);
	/* [0x1000, 0x250000) from the first three, nothing of the one-byte ACPI
	 * range, [4G + 4K, 4G + 12K): whole pages, never rounded out */
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x1000, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x24f000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x250000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xa00000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100000000ULL, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100001000ULL, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100002fffULL, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x100003000ULL, NULL, NULL, NULL));
	ls = collect(&o, root);
	for (int i = 0; i < ls->n; i++)
		if (ls->l[i].va >= DIRECT_MAP_BASE && ls->l[i].va < KERNEL_VIRT_BASE) {
			assert_int_equal(ls->l[i].size, PGTABLE_4K);   /* no whole 2 MiB block */
			total += ls->l[i].size;
		}
	assert_int_equal(total, 0x24f000 + 0x2000);
	assert_int_equal(pgtable_direct_map_end(&d), 0x100003000ULL);
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
	assert_int_equal(pgtable_estimate_pages(&d), 5);
	ls = collect(&o, root);
	assert_int_equal(count_size(ls, PGTABLE_1G), 64);
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xc0000000ULL, NULL, NULL, NULL));
	free(ls);
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
	/* 2M pages: one PD per GiB */
	d.gbpages = false;
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), 5 + 64);
	assert_int_equal(pgtable_estimate_pages(&d), 5 + 64);
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

/* Reserved (device windows such as q35's PCIe ECAM), unusable and
 * persistent ranges are not RAM and stay out of the direct map. */
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
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x140000000ULL, NULL, NULL, NULL));
	pgtable_destroy(&o, root);
	assert_int_equal(pools[0].outstanding, 0);
}

/* ---- the direct map covers RAM only ------------------------------------ */

/* The union of the direct-mapped ranges of map, sorted and merged. */
struct runs { struct pgtable_range r[64]; int n; };

static int range_cmp(const void *a, const void *b)
{
	const struct pgtable_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void dm_union(const struct physmap_entry *map, size_t n, struct runs *u)
{
	struct pgtable_range tmp[64];
	int k = 0;

	for (size_t i = 0; i < n; i++)
		if (pgtable_dm_type(map[i].type) && map[i].end > map[i].start)
			tmp[k++] = (struct pgtable_range){ map[i].start, map[i].end };
	qsort(tmp, k, sizeof(tmp[0]), range_cmp);
	u->n = 0;
	for (int i = 0; i < k; i++) {
		if (u->n && tmp[i].start <= u->r[u->n - 1].end) {
			u->r[u->n - 1].end = MAX(u->r[u->n - 1].end, tmp[i].end);
			continue;
		}
		u->r[u->n++] = tmp[i];
	}
}

struct dm_leaf_check {
	const struct runs *u;
	const struct pgtable_range *ro;
	int nr_ro;
	uint64_t pages[4];      /* DM leaves by level */
	int bad;                /* leaves that broke a rule */
	char why[160];
};

static bool in_union(const struct runs *u, phys_addr_t pa, uint64_t size)
{
	for (int i = 0; i < u->n; i++)
		if (pa >= u->r[i].start && pa + size <= u->r[i].end)
			return true;
	return false;
}

static int dm_leaf_cb(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	struct dm_leaf_check *c = arg;
	int in_ro = 0;

	if (va < DIRECT_MAP_BASE || va >= KERNEL_VIRT_BASE)
		return 0;
	c->pages[size == PGTABLE_4K ? 1 : size == PGTABLE_2M ? 2 : 3]++;
	if (va - DIRECT_MAP_BASE != pa || !in_union(c->u, pa, size) || !(flags & PTE_NX)) {
		if (!c->bad++)
			snprintf(c->why, sizeof(c->why), "leaf va %#llx pa %#llx size %#llx is not RAM",
				 (unsigned long long)va, (unsigned long long)pa, (unsigned long long)size);
		return 0;
	}
	for (int i = 0; i < c->nr_ro; i++) {
		phys_addr_t s = ALIGN_DOWN(c->ro[i].start, PAGE_SIZE), e = ALIGN_UP(c->ro[i].end, PAGE_SIZE);

		if (pa < e && pa + size > s)
			in_ro = (pa >= s && pa + size <= e) ? 1 : 2;
		if (in_ro)
			break;
	}
	if (in_ro == 2 || (in_ro == 1) == !!(flags & PTE_W)) {
		if (!c->bad++)
			snprintf(c->why, sizeof(c->why), "leaf pa %#llx size %#llx: W %d, read-only range %d",
				 (unsigned long long)pa, (unsigned long long)size, !!(flags & PTE_W), in_ro);
	}
	return 0;
}

/* Every direct-map leaf lies inside RAM/ACPI and at its own physical
 * address; each merged run is mapped from its first whole page to its last
 * and not a page beyond; read-only ranges are read-only, the rest RW. */
static void check_dm(const struct pgtable_ops *o, phys_addr_t root, const struct physmap_entry *map,
		     size_t n, const struct pgtable_range *ro, int nr_ro, struct dm_leaf_check *c)
{
	static struct runs u;

	dm_union(map, n, &u);
	*c = (struct dm_leaf_check){ .u = &u, .ro = ro, .nr_ro = nr_ro };
	assert_int_equal(pgtable_for_each_leaf(o, root, dm_leaf_cb, c), 0);
	if (c->bad)
		fail_msg("%d bad direct-map leaves, first: %s", c->bad, c->why);
	for (int i = 0; i < u.n; i++) {
		phys_addr_t s = ALIGN_UP(u.r[i].start, PAGE_SIZE), e = ALIGN_DOWN(u.r[i].end, PAGE_SIZE);
		phys_addr_t pa;

		if (s >= e)
			continue;
		assert_true(pgtable_translate(o, root, DIRECT_MAP_BASE + s, &pa, NULL, NULL));
		assert_int_equal(pa, s);
		assert_true(pgtable_translate(o, root, DIRECT_MAP_BASE + e - 1, &pa, NULL, NULL));
		assert_int_equal(pa, e - 1);
		if (s >= PAGE_SIZE)
			assert_false(pgtable_translate(o, root, DIRECT_MAP_BASE + s - 1, NULL, NULL, NULL));
		assert_false(pgtable_translate(o, root, DIRECT_MAP_BASE + e, NULL, NULL, NULL));
	}
}

/* Linux's rule: 1G only for whole gigabytes of RAM, 2M for whole blocks,
 * 4K at the edges, on a q35-like map (hole at 640K..1M, reserved pieces
 * ending inside 2 MiB blocks, ACPI beside RAM, device window at 0xb0000000). */
static void test_pgtable_build_kernel_dm_ram_only_edges(void **state)
{
	static struct physmap_entry map[] = {
		{ 0x0, 0xa0000, PHYSMAP_USABLE, 0 },
		{ 0xa0000, 0x100000, PHYSMAP_RESERVED, 0 },         /* VGA, option ROMs */
		{ 0x100000, 0x806000, PHYSMAP_USABLE, 0 },
		{ 0x806000, 0x808000, PHYSMAP_ACPI_NVS, 0 },
		{ 0x808000, 0x7ea8a000, PHYSMAP_LOADER, OWNER_KERNEL },
		{ 0x7ea8a000, 0x7eb8c000, PHYSMAP_RESERVED, 0 },     /* EFI reserved beside RAM */
		{ 0x7eb8c000, 0x7f76c000, PHYSMAP_USABLE, 0 },
		{ 0x7f76c000, 0x7f77e000, PHYSMAP_ACPI_RECLAIM, 0 },
		{ 0x7f77e000, 0x80000000, PHYSMAP_ACPI_NVS, 0 },
		{ 0xb0000000, 0xc0000000, PHYSMAP_RESERVED, 0 },     /* PCIe ECAM */
		{ 0x100000000ULL, 0x180000000ULL, PHYSMAP_USABLE, 0 },
		{ 0x180000000ULL, 0x180001000ULL, PHYSMAP_PERSISTENT, 0 },
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map, ARRAY_SIZE(map), true, KERNEL_PA, 0);
	struct dm_leaf_check c;
	phys_addr_t root;
	int pages = pgtable_build_kernel(&o, &d, &root);

	assert_true(pages > 0);
	assert_int_equal(pgtable_estimate_pages(&d), pages);
	check_dm(&o, root, map, ARRAY_SIZE(map), NULL, 0, &c);
	/* the VGA window and the reserved range beside RAM are not mapped */
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0xb8000, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x7ea8a000ULL, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x7ea89000ULL, NULL, NULL, NULL));
	/* 4G..6G is whole: one 1G page each; GiB 0 and 1 are split */
	assert_int_equal(c.pages[3], 2);
	/* PML4, PDPT, a PD for each of GiB 0 and 1, a PT for each 2 MiB block
	 * with a hole (0 and 0x7ea00000; ACPI beside RAM is mapped, so its
	 * blocks stay whole), kernel PDPT+PD+PT */
	assert_int_equal(pages, 1 + 1 + 2 + 2 + 3);
	pgtable_destroy(&o, root);
	/* without 1G pages: a PD for each of GiB 4 and 5 too */
	d.gbpages = false;
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), pages + 2);
	assert_int_equal(pgtable_estimate_pages(&d), pages + 2);
	check_dm(&o, root, map, ARRAY_SIZE(map), NULL, 0, &c);
	assert_int_equal(c.pages[3], 0);
}

/* The text frames of every copy are read-only in the direct map, and the
 * leaves around them split to 4K; nothing else loses W. */
static void test_pgtable_build_kernel_dm_text_read_only(void **state)
{
	static const struct pgtable_range ro[] = {
		{ 0x3ffde000, 0x3ffde000 + KTEXT_SZ + KRO_SZ },      /* node 0's text copy */
		{ 0x7fe32000, 0x7fe32000 + KTEXT_SZ + KRO_SZ },      /* node 1's */
	};
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), true, ro[0].start, 0);
	struct dm_leaf_check c;
	phys_addr_t root;
	uint64_t f;
	int plain, pages;

	plain = pgtable_build_kernel(&o, &d, &root);
	pgtable_destroy(&o, root);
	d.dm_ro = ro;
	d.nr_dm_ro = ARRAY_SIZE(ro);
	pages = pgtable_build_kernel(&o, &d, &root);
	assert_int_equal(pgtable_estimate_pages(&d), pages);
	/* GiB 0 had a PD already (the hole at 0x9f000): +1 PT; GiB 1 was one
	 * 1G page: +1 PD +1 PT */
	assert_int_equal(pages, plain + 3);
	check_dm(&o, root, map_2g, ARRAY_SIZE(map_2g), ro, ARRAY_SIZE(ro), &c);
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x7fe32000, NULL, &f, NULL));
	assert_int_equal(f & (PTE_W | PTE_NX), PTE_NX);
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + 0x7fe31000, NULL, &f, NULL));
	assert_int_equal(f & (PTE_W | PTE_NX), PTE_W | PTE_NX);
	assert_true(pgtable_translate(&o, root, DIRECT_MAP_BASE + ro[1].end, NULL, &f, NULL));
	assert_int_equal(f & (PTE_W | PTE_NX), PTE_W | PTE_NX);
	/* overlapping and duplicate read-only ranges are one range */
	pgtable_destroy(&o, root);
	static const struct pgtable_range dup[] = {
		{ 0x3ffde000, 0x3ffe0000 }, { 0x3ffdf000, 0x3ffe6000 }, { 0x3ffde000, 0x3ffe6000 },
		{ 0x7fe32000, 0x7fe3a000 },
	};
	d.dm_ro = dup;
	d.nr_dm_ro = ARRAY_SIZE(dup);
	assert_int_equal(pgtable_build_kernel(&o, &d, &root), pages);
	check_dm(&o, root, map_2g, ARRAY_SIZE(map_2g), dup, ARRAY_SIZE(dup), &c);
}

/* The loader appends device windows (IOMAP_BASE, below the kernel image)
 * after the image's segments: out of VA order, the count may only be an
 * upper bound, never short of what the build takes. */
static void test_pgtable_estimate_segs_out_of_order(void **state)
{
	struct pgtable_ops o = ops_for(0);
	struct kernel_space_desc d = kdesc(map_2g, ARRAY_SIZE(map_2g), true, KERNEL_PA, TRAMP_PA);
	phys_addr_t root;
	int pages;

	d.segs[d.nr_segs++] = (struct pgtable_seg){ IOMAP_BASE, 0xc0000000ULL, 0x800000,
						    PTE_W | PTE_NX | PTE_PCD };
	d.segs[d.nr_segs++] = (struct pgtable_seg){ IOMAP_BASE + 0x800000, 0xfe000000ULL, 0x1000,
						    PTE_W | PTE_NX | PTE_PCD };
	pages = pgtable_build_kernel(&o, &d, &root);
	assert_true(pages > 0);
	assert_true(pgtable_estimate_pages(&d) >= (uint32_t)pages);
	assert_true(pgtable_estimate_pages(&d) <= (uint32_t)pages + 3);
	assert_int_equal(pages, pools[0].outstanding);
}

static void test_pgtable_dm_covers(void **state)
{
	static const struct physmap_entry map[] = {
		{ 0x0, 0xa0000, PHYSMAP_USABLE, 0 },
		{ 0xa0000, 0x100000, PHYSMAP_RESERVED, 0 },
		{ 0x100000, 0x200000, PHYSMAP_USABLE, 0 },
		{ 0x200000, 0x201000, PHYSMAP_ACPI_RECLAIM, 0 },
		{ 0x201000, 0x202000, PHYSMAP_LOADER, OWNER_PGTABLE },
		{ 0x203000, 0x204000, PHYSMAP_USABLE, 0 },           /* after a gap */
		{ 0x204000, 0x205000, PHYSMAP_PERSISTENT, 0 },
	};
	size_t n = ARRAY_SIZE(map);

	assert_true(pgtable_dm_covers(map, n, 0x0, 0xa0000));
	assert_false(pgtable_dm_covers(map, n, 0x0, 0xa1000));
	assert_false(pgtable_dm_covers(map, n, 0xb8000, 0x1000));
	assert_true(pgtable_dm_covers(map, n, 0x1ff000, 0x3000));    /* across three types */
	assert_false(pgtable_dm_covers(map, n, 0x201000, 0x2000));   /* into the gap */
	assert_false(pgtable_dm_covers(map, n, 0x202000, 0x1000));
	assert_true(pgtable_dm_covers(map, n, 0x203000, 0x1000));
	assert_false(pgtable_dm_covers(map, n, 0x204000, 0x1000));   /* persistent */
	assert_false(pgtable_dm_covers(map, n, 0x205000, 0x1000));   /* past the end */
	assert_false(pgtable_dm_covers(map, n, ~0ULL - 0xfff, 0x2000));   /* wraps */
	assert_false(pgtable_dm_covers(map, 0, 0, 0x1000));
	assert_true(pgtable_dm_type(PHYSMAP_ACPI_NVS));
	assert_false(pgtable_dm_type(PHYSMAP_RESERVED));
	assert_false(pgtable_dm_type(PHYSMAP_UNUSABLE));
	assert_false(pgtable_dm_type(0));
}

static void test_pgtable_entry_finds_leaf_or_hole(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root;
	uint64_t *e;
	int level;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE + 0x1000, 0x1000, 0x1000, PTE_NX,
				     PGTABLE_4K), 0);
	assert_int_equal(pgtable_map(&o, root, DIRECT_MAP_BASE + SZ_1G, SZ_1G, SZ_1G, PTE_NX,
				     PGTABLE_1G), 0);
	e = pgtable_entry(&o, root, DIRECT_MAP_BASE + 0x1000, &level);
	assert_non_null(e);
	assert_int_equal(level, 1);
	assert_int_equal(*e & PTE_ADDR_MASK, 0x1000);
	e = pgtable_entry(&o, root, DIRECT_MAP_BASE + 0x2000, &level);   /* hole in the PT */
	assert_int_equal(level, 1);
	assert_int_equal(*e, 0);
	e = pgtable_entry(&o, root, DIRECT_MAP_BASE + SZ_1G + 0x5000, &level);
	assert_int_equal(level, 3);
	assert_true(*e & PTE_PS);
	e = pgtable_entry(&o, root, DIRECT_MAP_BASE + 4 * SZ_1G, &level); /* hole in the PDPT */
	assert_int_equal(level, 3);
	assert_int_equal(*e, 0);
	e = pgtable_entry(&o, root, 0x1000, &level);                     /* empty lower half */
	assert_int_equal(level, 4);
	assert_null(pgtable_entry(&o, root, 0x0000900000000000ULL, &level));
}

/*
 * Random physmaps (unsorted, overlapping, unaligned, some above 4 GiB, all
 * seven types) and random read-only ranges, with and without 1G pages: the
 * estimate is exact, the direct map is exactly the whole pages of the
 * merged RAM/ACPI runs with no leaf reaching outside them, read-only
 * ranges are read-only, W^X/NX/U hold everywhere.
 */
static void test_pgtable_build_kernel_random_maps(void **state)
{
	static struct physmap_entry map[24];
	struct pgtable_range ro[3];
	struct pgtable_ops o = ops_for(0);
	unsigned seed = 12345;
	int built = 0;

	for (int iter = 0; iter < 300; iter++) {
		size_t n = 1 + rand_r(&seed) % ARRAY_SIZE(map);
		int nr_ro = rand_r(&seed) % 4;
		struct kernel_space_desc d;
		struct dm_leaf_check c;
		phys_addr_t root;
		struct leaves *ls;
		int pages;

		for (size_t i = 0; i < n; i++) {
			uint64_t start = ((uint64_t)rand_r(&seed) << 12) % (80ULL << 30);
			uint64_t len = ((uint64_t)rand_r(&seed) << (rand_r(&seed) % 12)) % (3ULL << 30);

			map[i] = (struct physmap_entry){ start, start + len, 1 + rand_r(&seed) % 7, 0 };
		}
		for (int i = 0; i < nr_ro; i++) {
			const struct physmap_entry *m = &map[rand_r(&seed) % n];
			uint64_t s = ALIGN_DOWN(m->start + (m->end - m->start) / 3, PAGE_SIZE);

			ro[i] = (struct pgtable_range){ s, s + PAGE_SIZE * (1 + rand_r(&seed) % 40) };
		}
		d = kdesc(map, n, rand_r(&seed) & 1, KERNEL_PA, (rand_r(&seed) & 1) ? TRAMP_PA : 0);
		d.dm_ro = ro;
		d.nr_dm_ro = (uint32_t)nr_ro;
		pages = pgtable_build_kernel(&o, &d, &root);
		if (pages == PGTABLE_ENOMEM) {      /* a map too fragmented for the pool */
			assert_int_equal(pools[0].outstanding, 0);
			assert_true(pgtable_estimate_pages(&d) > POOL_PAGES);
			continue;
		}
		built++;
		assert_true(pages > 0);
		assert_int_equal(pgtable_estimate_pages(&d), pages);
		check_dm(&o, root, map, n, ro, nr_ro, &c);
		ls = collect(&o, root);
		check_wx_nx_u(ls, d.trampoline_pa);
		free(ls);
		pgtable_destroy(&o, root);
		assert_int_equal(pools[0].outstanding, 0);
	}
	assert_true(built > 250);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * The cost of the copies (issue 4's table, issue 8's direct map): for 1, 2,
 * 4, 8 nodes sharing 1 GiB or 64 GiB of RAM (split evenly, with a 2..4 GiB
 * PCI hole when it fits, and the legacy hole at 640 KiB..1 MiB), each
 * node's text copy near the top of its RAM and read-only in every copy's
 * direct map, as the loader places them.  Table pages per copy and the
 * time to build all copies are printed; the budget is asserted: with 1 GiB
 * pages 5 + 2 for the legacy hole (a PD and a PT) + 2 per node (a PD and a
 * PT around its text copy), + 3 for the boot copy's trampoline.
 */
static void test_pgtable_build_kernel_cost_per_node(void **state)
{
	static const unsigned nodes[] = { 1, 2, 4, 8 };
	static const uint64_t gib[] = { 1, 64 };
	static struct physmap_entry map[32];
	static struct pgtable_range ro[8];
	const uint64_t text = KTEXT_SZ + KRO_SZ;

	printf("# pgtable cost: nodes RAM gbpages | pages boot copy, other copy | build all copies\n");
	for (size_t g = 0; g < ARRAY_SIZE(gib); g++) {
		for (size_t k = 0; k < ARRAY_SIZE(nodes); k++) {
			for (int gb = 1; gb >= 0; gb--) {
				uint64_t ram = gib[g] << 30, per = ram / nodes[k];
				int pages[8] = { 0 }, reps = 20;
				size_t nr = 2 * nodes[k] + 1;
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
					/* the text copy: 76 KiB below the node's top 128 KiB */
					ro[n] = (struct pgtable_range){ e - 0x20000 - text, e - 0x20000 };
				}
				/* the legacy hole [640 KiB, 1 MiB) */
				map[0].start = 0x100000;
				map[nr - 1] = (struct physmap_entry){ 0, 0xa0000, PHYSMAP_USABLE, 0 };
				t0 = now_us();
				for (int r = 0; r < reps; r++) {
					for (unsigned n = 0; n < nodes[k]; n++) {
						struct pgtable_ops o = ops_for(n);
						struct kernel_space_desc d =
							kdesc(map, nr, gb, ro[n].start, n == 0 ? TRAMP_PA : 0);

						d.dm_ro = ro;
						d.nr_dm_ro = nodes[k];
						pages[n] = pgtable_build_kernel(&o, &d, &roots[n]);
						assert_true(pages[n] > 0);
						assert_int_equal(pgtable_estimate_pages(&d), pages[n]);
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
					int budget = 5 + 2 + 2 * (int)nodes[k];

					assert_true(pages[0] <= budget + 3);
					for (unsigned n = 1; n < nodes[k]; n++)
						assert_true(pages[n] <= budget);
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

/* ---- pgtable_change / pgtable_unmap --------------------------------------- */

#define VM_VA 0xffffc90000010000ULL

static void test_pgtable_change_remaps_and_keeps_frame(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root, pa;
	uint64_t flags;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, VM_VA, 0x200000, 0x2000, PTE_W | PTE_NX, PGTABLE_4K), 0);
	assert_int_equal(pgtable_change(&o, root, VM_VA, 0x500000, 0x2000, PTE_W | PTE_NX | PTE_G), 0);
	assert_true(pgtable_translate(&o, root, VM_VA + 0x1008, &pa, &flags, NULL));
	assert_int_equal(pa, 0x501008);
	assert_true(flags & PTE_G);
	/* flags only: read-only, frame kept */
	assert_int_equal(pgtable_change(&o, root, VM_VA, PGTABLE_KEEP_PA, 0x1000, PTE_NX), 0);
	assert_true(pgtable_translate(&o, root, VM_VA, &pa, &flags, NULL));
	assert_int_equal(pa, 0x500000);
	assert_false(flags & PTE_W);
	assert_int_equal(pools[0].outstanding, 4);
}

static void test_pgtable_change_refuses_holes_and_large_pages(void **state)
{
	struct pgtable_ops o = ops_for(0);
	phys_addr_t root, pa;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, VM_VA, 0x200000, 0x1000, PTE_NX, PGTABLE_4K), 0);
	/* the second page is not mapped: nothing changes, not even the first */
	assert_int_equal(pgtable_change(&o, root, VM_VA, 0x700000, 0x2000, PTE_NX), PGTABLE_ENOENT);
	assert_true(pgtable_translate(&o, root, VM_VA, &pa, NULL, NULL));
	assert_int_equal(pa, 0x200000);
	assert_int_equal(pgtable_unmap(&o, root, VM_VA, 0x2000), PGTABLE_ENOENT);
	assert_true(pgtable_translate(&o, root, VM_VA, NULL, NULL, NULL));
	/* a 2 MiB leaf is never split or changed */
	assert_int_equal(pgtable_map(&o, root, 0xffff888000000000ULL, 0, PGTABLE_2M, PTE_NX, PGTABLE_2M), 0);
	assert_int_equal(pgtable_change(&o, root, 0xffff888000000000ULL, 0x1000, 0x1000, PTE_NX),
			 PGTABLE_ENOENT);
	assert_int_equal(pgtable_unmap(&o, root, 0xffff888000001000ULL, 0x1000), PGTABLE_ENOENT);
	/* bad arguments */
	assert_int_equal(pgtable_change(&o, root, VM_VA + 1, 0x1000, 0x1000, PTE_NX), PGTABLE_EINVAL);
	assert_int_equal(pgtable_change(&o, root, VM_VA, 0x1001, 0x1000, PTE_NX), PGTABLE_EINVAL);
	assert_int_equal(pgtable_change(&o, root, VM_VA, 0x1000, 0x1000, PTE_P), PGTABLE_EINVAL);
	assert_int_equal(pgtable_unmap(&o, root, VM_VA, 0), PGTABLE_EINVAL);
	assert_int_equal(pgtable_unmap(&o, root, 0x0000800000000000ULL, 0x1000), PGTABLE_EINVAL);
}

static void test_pgtable_unmap_keeps_tables_and_allows_remap(void **state)
{
	struct pgtable_ops o = ops_for(1);
	phys_addr_t root, pa;

	assert_int_equal(pgtable_create(&o, &root), 0);
	assert_int_equal(pgtable_map(&o, root, VM_VA, 0x300000, 0x3000, PTE_W | PTE_NX, PGTABLE_4K), 0);
	assert_int_equal(pgtable_unmap(&o, root, VM_VA + 0x1000, 0x1000), 0);
	assert_true(pgtable_translate(&o, root, VM_VA, NULL, NULL, NULL));
	assert_false(pgtable_translate(&o, root, VM_VA + 0x1000, NULL, NULL, NULL));
	assert_true(pgtable_translate(&o, root, VM_VA + 0x2000, NULL, NULL, NULL));
	assert_int_equal(pgtable_unmap(&o, root, VM_VA, 0x1000), 0);
	assert_int_equal(pgtable_unmap(&o, root, VM_VA + 0x2000, 0x1000), 0);
	/* empty tables stay: the next map allocates nothing */
	assert_int_equal(pgtable_count_tables(&o, root), 4);
	assert_int_equal(pgtable_map(&o, root, VM_VA + 0x1000, 0x900000, 0x1000, PTE_NX, PGTABLE_4K), 0);
	assert_int_equal(pools[1].allocs, 4);
	assert_true(pgtable_translate(&o, root, VM_VA + 0x1000, &pa, NULL, NULL));
	assert_int_equal(pa, 0x900000);
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
		T(test_pgtable_build_kernel_dm_ram_only_edges),
		T(test_pgtable_build_kernel_dm_text_read_only),
		T(test_pgtable_estimate_segs_out_of_order),
		T(test_pgtable_dm_covers),
		T(test_pgtable_entry_finds_leaf_or_hole),
		T(test_pgtable_build_kernel_random_maps),
		T(test_pgtable_build_kernel_cost_per_node),
		T(test_pgtable_flags_str_names_bits),
		T(test_pgtable_change_remaps_and_keeps_frame),
		T(test_pgtable_change_refuses_holes_and_large_pages),
		T(test_pgtable_unmap_keeps_tables_and_allows_remap),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
