/*
 * pgtable_check_test.c - host tests of mm/pgtable_check.c: build per-node
 * copies of the kernel address space with mm/pgtable.c in host buffers
 * (fake physical memory per node), check that a correct set passes, then
 * break one copy per test and check the verifier names the broken rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/pgtable.h"
#include "mm/pgtable_check.h"
#include "vmlayout.h"
#include "test_support.h"

/*
 * Fake machine: node n owns [NODE_BASE(n), NODE_BASE(n) + 1 GiB).  Only
 * the first NODE_PAGES pages of each node are backed by a host buffer:
 * page-table pages come from [0, TABLE_PAGES), the node's text copy sits at
 * TEXT_PAGE, the original kernel image in node 0 at KERNEL_PAGE.
 */
#define MAX_NODES    4
#define NODE_BASE(n) (0x40000000ULL * ((n) + 1))
#define NODE_SIZE    0x40000000ULL
#define NODE_PAGES   512
#define TABLE_PAGES  128
#define TEXT_PAGE    256
#define KERNEL_PAGE  384

#define TEXT_PAGES   4        /* .text */
#define RODATA_PAGES 2        /* .rodata */
#define DATA_PAGES   3        /* .data + .bss */
#define KTEXT_SIZE   ((TEXT_PAGES + RODATA_PAGES) * PAGE_SIZE)

struct fake_node {
	uint8_t *mem;
	unsigned next_table;
};

static struct fake_node nodes[MAX_NODES];
static struct numa_topology topo;
static struct handoff_pgd pgd[MAX_NODES];
static struct physmap_entry physmap[MAX_NODES];

static phys_addr_t fake_alloc(void *ctx)
{
	int n = (int)(intptr_t)ctx;

	if (nodes[n].next_table >= TABLE_PAGES)
		return 0;
	return NODE_BASE(n) + PAGE_SIZE * nodes[n].next_table++;
}

static void *fake_ptr(void *ctx, phys_addr_t pa)
{
	for (int n = 0; n < MAX_NODES; n++) {
		if (pa >= NODE_BASE(n) && pa < NODE_BASE(n) + NODE_PAGES * PAGE_SIZE)
			return nodes[n].mem + (pa - NODE_BASE(n));
	}
	return NULL;
}

static struct pgtable_ops ops_node(int n)
{
	return (struct pgtable_ops){ (void *)(intptr_t)n, fake_alloc, NULL, fake_ptr };
}

static const struct pgtable_ops check_ops = { NULL, NULL, NULL, fake_ptr };

static int setup(void **state)
{
	for (int n = 0; n < MAX_NODES; n++) {
		nodes[n].mem = aligned_alloc(PAGE_SIZE, NODE_PAGES * PAGE_SIZE);
		if (!nodes[n].mem)
			return -1;
		memset(nodes[n].mem, 0, NODE_PAGES * PAGE_SIZE);
		nodes[n].next_table = 0;
	}
	/* The original kernel text+rodata: recognisable bytes. */
	for (unsigned i = 0; i < KTEXT_SIZE; i++)
		nodes[0].mem[KERNEL_PAGE * PAGE_SIZE + i] = (uint8_t)(i * 7 + 3);
	memset(&topo, 0, sizeof(topo));
	memset(pgd, 0, sizeof(pgd));
	return 0;
}

static int teardown(void **state)
{
	for (int n = 0; n < MAX_NODES; n++) {
		free(nodes[n].mem);
		nodes[n].mem = NULL;
	}
	return 0;
}

static phys_addr_t kernel_pa(void)
{
	return NODE_BASE(0) + KERNEL_PAGE * PAGE_SIZE;
}

/* Topology: nr nodes, the first `with_mem` of them with 1 GiB each. */
static void make_topology(uint32_t nr, uint32_t with_mem)
{
	topo.source = NUMA_SRC_SRAT;
	topo.nr_nodes = nr;
	topo.nr_memblks = with_mem;
	for (uint32_t n = 0; n < with_mem; n++) {
		topo.memblks[n] = (struct numa_memblk){ NODE_BASE(n), NODE_BASE(n) + NODE_SIZE, n, 0 };
		physmap[n] = (struct physmap_entry){ NODE_BASE(n), NODE_BASE(n) + NODE_SIZE,
						     PHYSMAP_USABLE, 0 };
	}
}

/* Read-only in every copy's direct map, as the loader passes them: each
 * node's text copy and the original image's text (with ktext=off). */
static struct pgtable_range text_ro[MAX_NODES + 1];

static uint32_t text_ranges(void)
{
	for (int n = 0; n < MAX_NODES; n++)
		text_ro[n] = (struct pgtable_range){ NODE_BASE(n) + TEXT_PAGE * PAGE_SIZE,
						     NODE_BASE(n) + TEXT_PAGE * PAGE_SIZE + KTEXT_SIZE };
	text_ro[MAX_NODES] = (struct pgtable_range){ kernel_pa(), kernel_pa() + KTEXT_SIZE };
	return MAX_NODES + 1;
}

/*
 * Build node n's copy with its tables from node `table_node` and its text
 * copy on `text_node` (ktext: copy the bytes; else map the original).
 */
static bool replicated;      /* the ktext of the last build_copy: input() passes it on */

static void build_copy(uint32_t n, uint32_t table_node, uint32_t text_node, bool ktext,
		       bool gbpages, phys_addr_t trampoline)
{
	struct pgtable_ops ops = ops_node((int)table_node);
	phys_addr_t text_pa = kernel_pa();
	phys_addr_t root;
	int r;

	replicated = ktext;
	if (ktext) {
		text_pa = NODE_BASE(text_node) + TEXT_PAGE * PAGE_SIZE;
		memcpy(fake_ptr(NULL, text_pa), fake_ptr(NULL, kernel_pa()), KTEXT_SIZE);
	}
	struct kernel_space_desc d = {
		.physmap = physmap,
		.nr_physmap = topo.nr_memblks,
		.gbpages = gbpages,
		.global = true,
		.segs = {
			{ KERNEL_LINK_ADDR, text_pa, TEXT_PAGES * PAGE_SIZE, 0 },
			{ KERNEL_LINK_ADDR + TEXT_PAGES * PAGE_SIZE, text_pa + TEXT_PAGES * PAGE_SIZE,
			  RODATA_PAGES * PAGE_SIZE, PTE_NX },
			{ KERNEL_LINK_ADDR + KTEXT_SIZE, kernel_pa() + KTEXT_SIZE,
			  DATA_PAGES * PAGE_SIZE, PTE_W | PTE_NX },
		},
		.nr_segs = 3,
		.trampoline_pa = trampoline,
		.dm_ro = text_ro,
		.nr_dm_ro = text_ranges(),
	};
	r = pgtable_build_kernel(&ops, &d, &root);
	assert_true(r > 0);
	pgd[n] = (struct handoff_pgd){ root, text_pa, (uint32_t)r, (uint16_t)table_node,
				       (uint16_t)(ktext ? text_node : 0) };
}

/* The standard set: `nr` nodes, each with memory and its own copy. */
static void build_all(uint32_t nr, bool ktext, bool gbpages)
{
	make_topology(nr, nr);
	for (uint32_t n = 0; n < nr; n++)
		build_copy(n, n, n, ktext, gbpages, 0);
}

static struct pgcheck_input input(uint32_t nr)
{
	return (struct pgcheck_input){
		.ops = &check_ops,
		.numa = &topo,
		.pgd = pgd,
		.nr_pgd = nr,
		.physmap = physmap,
		.nr_physmap = topo.nr_memblks,
		.ktext_va = KERNEL_LINK_ADDR,
		.ktext_size = KTEXT_SIZE,
		.text_end = KERNEL_LINK_ADDR + TEXT_PAGES * PAGE_SIZE,
		.text_replicated = replicated,
		.allow_lower_half = false,
	};
}

/* The leaf entry va uses in node n's copy. */
static uint64_t *leaf_entry(uint32_t n, virt_addr_t va)
{
	phys_addr_t table = pgd[n].root_pa;

	for (int level = 4; level >= 1; level--) {
		uint64_t *t = fake_ptr(NULL, table);
		uint64_t *e = &t[(va >> (12 + 9 * (level - 1))) & 511];

		assert_true(*e & PTE_P);
		if (level == 1 || (*e & PTE_PS))
			return e;
		table = *e & PTE_ADDR_MASK;
	}
	return NULL;
}

/* Run the check expecting `rule`, with `substr` in the reason. */
static void expect_fail(uint32_t nr, enum pgcheck_rule rule, const char *substr)
{
	struct pgcheck_input in = input(nr);
	struct pgcheck_result res;
	int r = pgtable_check(&in, &res);

	if (r != -(int)rule || strstr(res.reason, substr) == NULL)
		fail_msg("expected rule %d with \"%s\", got %d: \"%s\"", rule, substr, r, res.reason);
}

static void expect_ok(uint32_t nr, struct pgcheck_result *res)
{
	struct pgcheck_input in = input(nr);
	int r = pgtable_check(&in, res);

	if (r != 0)
		fail_msg("check failed: %s", res->reason);
}

/* ---- correct sets pass --------------------------------------------------- */

static void test_pgtable_check_two_nodes_ok(void **state)
{
	struct pgcheck_result res;

	build_all(2, true, true);
	expect_ok(2, &res);
	assert_int_equal(res.copies, 2);
	assert_int_equal(res.fallbacks, 0);
	/* node 1 vs 0 and back: 2 x (2 GiB pages + 9 kernel pages) at least */
	assert_true(res.mappings >= 2 * (2 + TEXT_PAGES + RODATA_PAGES + DATA_PAGES));
	assert_true(res.leaves >= 2 * (2 + TEXT_PAGES + RODATA_PAGES + DATA_PAGES));
}

static void test_pgtable_check_four_nodes_2m_ok(void **state)
{
	struct pgcheck_result res;

	build_all(4, true, false);
	expect_ok(4, &res);
	assert_int_equal(res.copies, 4);
}

static void test_pgtable_check_one_node_ok(void **state)
{
	struct pgcheck_result res;

	build_all(1, true, true);
	expect_ok(1, &res);
	assert_int_equal(res.copies, 1);
	assert_int_equal(res.mappings, 0);      /* nothing to compare against */
	assert_true(res.leaves > 0);
}

static void test_pgtable_check_ktext_off_ok(void **state)
{
	struct pgcheck_result res;

	build_all(2, false, true);
	assert_int_equal(pgd[0].text_pa, pgd[1].text_pa);
	expect_ok(2, &res);
}

static void test_pgtable_check_memoryless_node_shares_copy(void **state)
{
	struct pgcheck_result res;

	make_topology(3, 2);                    /* node 2: CPUs, no memory */
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 1, 1, true, true, 0);
	pgd[2] = pgd[1];                        /* nearest node's copy */
	expect_ok(3, &res);
	assert_int_equal(res.copies, 2);
	assert_int_equal(res.fallbacks, 0);
}

static void test_pgtable_check_fallback_reported(void **state)
{
	struct pgcheck_result res;

	make_topology(2, 2);
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 0, 0, true, true, 0);     /* node 1 ran short: its copy lives on node 0 */
	expect_ok(2, &res);
	assert_int_equal(res.fallbacks, 1);
}

/* Issue 8: a node whose ranges are all hot-pluggable still has memory, so
 * its copy on another node is a fallback the check reports, not sharing. */
static void test_pgtable_check_hotplug_node_copy_elsewhere_is_fallback(void **state)
{
	struct pgcheck_result res;

	make_topology(2, 2);
	topo.memblks[0].flags = NUMA_MEM_HOTPLUG;
	topo.memblks[1].flags = NUMA_MEM_HOTPLUG;
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 0, 0, true, true, 0);
	expect_ok(2, &res);
	assert_int_equal(res.fallbacks, 1);
	/* The same node without RAM in its range shares node 0's copy. */
	topo.memblks[1].flags = NUMA_MEM_HOTPLUG | NUMA_MEM_NO_RAM;
	pgd[1] = pgd[0];
	expect_ok(2, &res);
	assert_int_equal(res.fallbacks, 0);
}

static void test_pgtable_check_lower_half_allowed_before_drop(void **state)
{
	struct pgcheck_input in;
	struct pgcheck_result res;

	/* As the loader builds them: only the boot copy (node 1's here, so it is
	 * not the reference) maps the trampoline. */
	make_topology(2, 2);
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 1, 1, true, true, NODE_BASE(0) + 0x5000);   /* the loader's trampoline */
	in = input(2);
	in.allow_lower_half = true;
	if (pgtable_check(&in, &res) != 0)
		fail_msg("check failed: %s", res.reason);
	/* Still W^X there. */
	*leaf_entry(1, NODE_BASE(0) + 0x5000) |= PTE_W;
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_PERMISSIONS);
}

/* ---- each rule fires ------------------------------------------------------ */

/* ktext=off: the one original image may lie anywhere, even across nodes;
 * only its identical mapping in every copy is checked. */
static void test_pgtable_check_ktext_off_original_placement_not_checked(void **state)
{
	struct pgcheck_result res;

	build_all(2, false, true);
	pgd[0].text_node = 1;                   /* not where the original is */
	pgd[1].text_node = 1;
	expect_ok(2, &res);
}

static void test_pgtable_check_wrong_node(void **state)
{
	make_topology(2, 2);
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 0, 1, true, true, 0);     /* tables on node 0 ... */
	pgd[1].root_node = 1;                   /* ... but the handoff claims node 1 */
	expect_fail(2, PGCHECK_PLACEMENT, "outside node 1's memory");
}

static void test_pgtable_check_text_copy_wrong_node(void **state)
{
	build_all(2, true, true);
	pgd[1].text_node = 0;                   /* text copy is on node 1 */
	expect_fail(2, PGCHECK_PLACEMENT, "text copy");
}

static void test_pgtable_check_wx(void **state)
{
	build_all(2, true, true);
	*leaf_entry(1, KERNEL_LINK_ADDR) |= PTE_W;     /* writable text */
	expect_fail(2, PGCHECK_PERMISSIONS, "writable and executable");
}

static void test_pgtable_check_wx_data_without_nx(void **state)
{
	build_all(2, true, true);
	*leaf_entry(0, KERNEL_LINK_ADDR + KTEXT_SIZE) &= ~PTE_NX;   /* executable data */
	expect_fail(2, PGCHECK_PERMISSIONS, "writable and executable");
}

static void test_pgtable_check_rodata_without_nx(void **state)
{
	build_all(2, true, true);
	*leaf_entry(1, KERNEL_LINK_ADDR + TEXT_PAGES * PAGE_SIZE) &= ~PTE_NX;
	expect_fail(2, PGCHECK_PERMISSIONS, "NX outside text");
}

static void test_pgtable_check_user_bit(void **state)
{
	build_all(2, true, true);
	*leaf_entry(1, DIRECT_MAP_BASE + NODE_BASE(1)) |= PTE_U;
	expect_fail(2, PGCHECK_PERMISSIONS, "U bit");
}

static void test_pgtable_check_lower_half_left(void **state)
{
	make_topology(2, 2);
	build_copy(0, 0, 0, true, true, NODE_BASE(0) + 0x5000);
	build_copy(1, 1, 1, true, true, 0);
	expect_fail(2, PGCHECK_PERMISSIONS, "no lower half");
}

/* A direct-map leaf pointing at other RAM than its own address breaks rule 4
 * (checked on the copy's leaf before the comparison with the reference). */
static void test_pgtable_check_differing_translation(void **state)
{
	struct pgtable_ops ops = ops_node(1);
	uint64_t *e;
	int level;

	build_all(2, true, true);
	e = pgtable_entry(&ops, pgd[1].root_pa, DIRECT_MAP_BASE + NODE_BASE(1), &level);
	assert_non_null(e);
	*e = (*e & ~PTE_ADDR_MASK) | NODE_BASE(0);              /* points at node 0's RAM */
	expect_fail(2, PGCHECK_DIRECT_MAP, "not its own physical address");
}

static void test_pgtable_check_differing_data_translation(void **state)
{
	uint64_t *e;

	build_all(2, true, true);
	e = leaf_entry(1, KERNEL_LINK_ADDR + KTEXT_SIZE);        /* data must be shared */
	*e = (*e & ~PTE_ADDR_MASK) | (NODE_BASE(1) + 0x300000);
	expect_fail(2, PGCHECK_SAME_SPACE, "same translation");
}

static void test_pgtable_check_differing_permissions(void **state)
{
	build_all(2, true, true);
	*leaf_entry(1, KERNEL_LINK_ADDR + KTEXT_SIZE) &= ~PTE_W;  /* data read-only in one copy */
	expect_fail(2, PGCHECK_SAME_SPACE, "same permissions");
}

static void test_pgtable_check_accessed_dirty_ignored(void **state)
{
	struct pgcheck_result res;

	build_all(2, true, true);
	*leaf_entry(0, KERNEL_LINK_ADDR + KTEXT_SIZE) |= PTE_A | PTE_D;   /* the live copy */
	expect_ok(2, &res);
}

static void test_pgtable_check_text_not_node_local(void **state)
{
	uint64_t *e;

	build_all(2, true, true);
	e = leaf_entry(1, KERNEL_LINK_ADDR + PAGE_SIZE);
	*e = (*e & ~PTE_ADDR_MASK) | (pgd[0].text_pa + PAGE_SIZE);   /* node 0's text */
	expect_fail(2, PGCHECK_SAME_SPACE, "node-local text");
}

static void test_pgtable_check_text_bytes_differ(void **state)
{
	uint8_t *p;

	build_all(3, true, true);
	p = fake_ptr(NULL, pgd[2].text_pa + 2 * PAGE_SIZE + 100);
	*p ^= 0xff;
	expect_fail(3, PGCHECK_SAME_SPACE, "identical text");
}

static void test_pgtable_check_extra_mapping(void **state)
{
	struct pgtable_ops ops = ops_node(1);

	build_all(2, true, true);
	/* A page only node 1's copy maps, past the data segment. */
	assert_int_equal(pgtable_map(&ops, pgd[1].root_pa, KERNEL_LINK_ADDR + 0x100000,
				     NODE_BASE(1) + 0x300000, PAGE_SIZE, PTE_NX, PGTABLE_4K), 0);
	expect_fail(2, PGCHECK_SAME_SPACE, "not in node 0's");
}

static void test_pgtable_check_missing_mapping(void **state)
{
	build_all(2, true, true);
	*leaf_entry(1, KERNEL_LINK_ADDR + KTEXT_SIZE + PAGE_SIZE) = 0;   /* a data page gone */
	expect_fail(2, PGCHECK_SAME_SPACE, "not in node 1's");
}

static void test_pgtable_check_bad_input(void **state)
{
	struct pgcheck_input in;
	struct pgcheck_result res;

	build_all(2, true, true);
	in = input(1);                           /* 1 copy for 2 nodes */
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_INPUT);
	in = input(2);
	in.ktext_size = KTEXT_SIZE + 12;         /* not page aligned */
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_INPUT);
	pgd[1].root_pa = 0;
	in = input(2);
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_INPUT);
	assert_non_null(strstr(res.reason, "node 1"));
}

static void test_pgtable_check_unreachable_table(void **state)
{
	uint64_t *pml4;

	build_all(2, true, true);
	pml4 = fake_ptr(NULL, pgd[1].root_pa);
	/* Point the kernel's PML4 slot at memory no one can reach (node 1, not backed). */
	pml4[511] = (NODE_BASE(1) + 0x200000) | PTE_P | PTE_W;
	expect_fail(2, PGCHECK_PLACEMENT, "not reachable");
}

/* ---- rule 4: the direct map is RAM only ---------------------------------- */

/* The builder leaves a reserved range out: the check passes; checked against
 * a map that says part of a mapped range is reserved (a builder that rounded
 * out), the leaves over it are counted and rule 4 fires. */
static void test_pgtable_check_dmap_nonram(void **state)
{
	struct pgcheck_result res;
	struct pgcheck_input in;

	make_topology(2, 2);
	physmap[0].end = NODE_BASE(0) + 0x3ff000;                   /* RAM, 4 KiB short of 4 MiB */
	physmap[2] = physmap[1];
	physmap[1] = (struct physmap_entry){ NODE_BASE(0) + 0x3ff000, NODE_BASE(0) + 0x400000,
					     PHYSMAP_RESERVED, 0 };
	/* no RAM after the reserved page in node 0 (the rest of its GiB is a hole) */
	topo.nr_memblks = 2;
	build_copy(0, 0, 0, true, true, 0);
	build_copy(1, 1, 1, true, true, 0);
	in = input(2);
	in.nr_physmap = 3;
	if (pgtable_check(&in, &res) != 0)
		fail_msg("check failed: %s", res.reason);
	assert_int_equal(res.nonram_pages, 0);
	/* Now tell the check the last RAM page is reserved too. */
	physmap[0].end -= PAGE_SIZE;
	physmap[1].start -= PAGE_SIZE;
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_DIRECT_MAP);
	assert_non_null(strstr(res.reason, "rule 4 (direct map is RAM only)"));
	assert_int_equal(res.nonram_pages, 1);
}

/* ---- rule 5: text frames read-only in the direct map ---------------------- */

static void test_pgtable_check_text_alias_writable_counted(void **state)
{
	struct pgcheck_result res;
	struct pgcheck_input in;

	build_all(2, true, true);
	/* Rebuild both copies without the read-only list: both text copies'
	 * frames are writable through every copy's direct map. */
	memset(text_ro, 0, sizeof(text_ro));
	for (int n = 0; n < 2; n++)
		nodes[n].next_table = 0;
	{
		struct pgtable_ops ops0 = ops_node(0), ops1 = ops_node(1);
		struct kernel_space_desc d = { .physmap = physmap, .nr_physmap = 2, .gbpages = true };
		phys_addr_t r0, r1;

		/* a copy with only the direct map is enough for the rule */
		assert_true(pgtable_build_kernel(&ops0, &d, &r0) > 0);
		assert_true(pgtable_build_kernel(&ops1, &d, &r1) > 0);
		pgd[0].root_pa = r0;
		pgd[1].root_pa = r1;
	}
	in = input(2);
	in.text_end = in.ktext_va;               /* nothing of the image is mapped */
	in.ktext_size = KTEXT_SIZE;
	assert_int_equal(pgtable_check(&in, &res), -PGCHECK_TEXT_ALIAS);
	assert_non_null(strstr(res.reason, "rule 5 (read-only text alias)"));
	/* both nodes' text copies, counted once in the reference copy */
	assert_int_equal(res.text_rw_pages, 2 * KTEXT_SIZE / PAGE_SIZE);
}

/* ---- pgcheck_break: each test option breaks its rule, the check names it -- */

static void break_and_check(uint32_t nr, uint32_t node, const struct pgcheck_break_name *b)
{
	struct pgcheck_input in = input(nr);
	struct pgtable_ops wops = { NULL, NULL, NULL, fake_ptr };
	struct pgcheck_result res;
	char done[160];
	int r;

	in.ops = &wops;
	expect_ok(nr, &res);
	assert_int_equal(res.wx_pages + res.nonram_pages + res.text_rw_pages, 0);
	if (pgcheck_break(&in, b->name, node, done, sizeof(done)) != 0)
		fail_msg("pgcheck_break(%s, node %u) refused: %s", b->name, node, done);
	r = pgtable_check(&in, &res);
	if (r != -(int)b->rule || strstr(res.reason, b->rule_text) == NULL)
		fail_msg("%s on node %u (%s): expected rule %d \"%s\", got %d: \"%s\"", b->name, node,
			 done, b->rule, b->rule_text, r, res.reason);
	if (strcmp(b->name, "wx") == 0)
		assert_int_equal(res.wx_pages, 1);
	if (strcmp(b->name, "dmap-nonram") == 0)
		assert_true(res.nonram_pages > 0);
	if (strcmp(b->name, "text-alias-rw") == 0)
		assert_int_equal(res.text_rw_pages, 1);
}

static void test_pgcheck_break_each_rule_in_a_copy(void **state)
{
	for (int i = 0; i < PGCHECK_NR_BREAKS; i++) {
		if (i) {
			teardown(state);
			setup(state);
		}
		build_all(2, true, true);
		break_and_check(2, 1, &pgcheck_break_names[i]);
	}
}

/* In the reference copy (the one the boot CPU usually runs on) too, and with
 * 2 MiB pages. */
static void test_pgcheck_break_each_rule_in_the_reference(void **state)
{
	for (int i = 0; i < PGCHECK_NR_BREAKS; i++) {
		if (i) {
			teardown(state);
			setup(state);
		}
		build_all(3, true, false);
		break_and_check(3, 0, &pgcheck_break_names[i]);
	}
}

static void test_pgcheck_break_needs_a_second_copy(void **state)
{
	struct pgcheck_input in;
	char done[160];

	build_all(1, true, true);
	in = input(1);
	assert_int_equal(pgcheck_break(&in, "same-translation", 0, done, sizeof(done)), -1);
	assert_non_null(strstr(done, "second copy"));
	assert_int_equal(pgcheck_break(&in, "node-local", 0, done, sizeof(done)), -1);
	assert_int_equal(pgcheck_break(&in, "no-such-rule", 0, done, sizeof(done)), -1);
	assert_non_null(strstr(done, "unknown"));
	/* one copy still breaks the others */
	assert_int_equal(pgcheck_break(&in, "wx", 0, done, sizeof(done)), 0);
}

static void test_pgcheck_in_node(void **state)
{
	make_topology(2, 2);
	assert_true(pgcheck_in_node(&topo, 0, NODE_BASE(0), PAGE_SIZE));
	assert_true(pgcheck_in_node(&topo, 1, NODE_BASE(2) - PAGE_SIZE, PAGE_SIZE));
	assert_false(pgcheck_in_node(&topo, 0, NODE_BASE(1), PAGE_SIZE));
	assert_false(pgcheck_in_node(&topo, 0, NODE_BASE(1) - PAGE_SIZE, 2 * PAGE_SIZE));
	assert_false(pgcheck_in_node(&topo, 0, ~0ULL - 10, PAGE_SIZE));   /* wraps */
	/* Issue 8: hot-pluggable is a property of the range; RAM in it is the node's. */
	topo.memblks[1].flags = NUMA_MEM_HOTPLUG;
	assert_true(pgcheck_in_node(&topo, 1, NODE_BASE(1), PAGE_SIZE));
	/* A faked node without memblks: its span. */
	memset(&topo, 0, sizeof(topo));
	topo.source = NUMA_SRC_FAKE;
	topo.nr_nodes = 1;
	topo.fake_start = 0;
	topo.fake_end = 0x80000000;
	assert_true(pgcheck_in_node(&topo, 0, 0x1000, PAGE_SIZE));
	assert_false(pgcheck_in_node(&topo, 0, 0x80000000, PAGE_SIZE));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pgtable_check_two_nodes_ok),
		T(test_pgtable_check_four_nodes_2m_ok),
		T(test_pgtable_check_one_node_ok),
		T(test_pgtable_check_ktext_off_ok),
		T(test_pgtable_check_memoryless_node_shares_copy),
		T(test_pgtable_check_fallback_reported),
		T(test_pgtable_check_hotplug_node_copy_elsewhere_is_fallback),
		T(test_pgtable_check_lower_half_allowed_before_drop),
		T(test_pgtable_check_ktext_off_original_placement_not_checked),
		T(test_pgtable_check_wrong_node),
		T(test_pgtable_check_text_copy_wrong_node),
		T(test_pgtable_check_wx),
		T(test_pgtable_check_wx_data_without_nx),
		T(test_pgtable_check_rodata_without_nx),
		T(test_pgtable_check_user_bit),
		T(test_pgtable_check_lower_half_left),
		T(test_pgtable_check_differing_translation),
		T(test_pgtable_check_differing_data_translation),
		T(test_pgtable_check_differing_permissions),
		T(test_pgtable_check_accessed_dirty_ignored),
		T(test_pgtable_check_text_not_node_local),
		T(test_pgtable_check_text_bytes_differ),
		T(test_pgtable_check_extra_mapping),
		T(test_pgtable_check_missing_mapping),
		T(test_pgtable_check_bad_input),
		T(test_pgtable_check_unreachable_table),
		T(test_pgtable_check_dmap_nonram),
		T(test_pgtable_check_text_alias_writable_counted),
		T(test_pgcheck_break_each_rule_in_a_copy),
		T(test_pgcheck_break_each_rule_in_the_reference),
		T(test_pgcheck_break_needs_a_second_copy),
		T(test_pgcheck_in_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
