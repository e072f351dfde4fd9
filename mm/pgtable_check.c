/*
 * pgtable_check.c - boot-time verification of the per-node page-table
 * copies (rules in pgtable_check.h).  Freestanding: reaches tables and text
 * bytes only through struct pgtable_ops, prints nothing, returns a reason.
 */
#include "types.h"
#include "vmlayout.h"
#include "lib/printf.h"
#include "mm/pgtable.h"
#include "mm/pgtable_check.h"

/* Flag bits that must agree between copies.  A (accessed) and D (dirty)
 * are the CPU's bookkeeping in whichever copy is live, so they may not. */
#define PGCHECK_FLAGS_CMP  (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PCD | PTE_PWT | PTE_G)
#define KERNEL_HALF        0xffff800000000000ULL

struct pgcheck_ctx {
	const struct pgcheck_input *in;
	struct pgcheck_result *res;
	uint32_t node;          /* copy being walked */
	uint32_t other;         /* copy compared against (== node: none) */
	phys_addr_t other_root;
	bool bytes;             /* compare text bytes too (reference -> copy walk) */
};

static int fail(struct pgcheck_result *res, enum pgcheck_rule rule, uint32_t node,
		virt_addr_t va, phys_addr_t pa, const char *fmt, ...) __printf(6, 7);

static int fail(struct pgcheck_result *res, enum pgcheck_rule rule, uint32_t node,
		virt_addr_t va, phys_addr_t pa, const char *fmt, ...)
{
	va_list ap;

	res->rule = rule;
	res->node = node;
	res->va = va;
	res->pa = pa;
	va_start(ap, fmt);
	kvsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	return -(int)rule;
}

bool pgcheck_in_node(const struct numa_topology *numa, uint32_t node, phys_addr_t pa,
		     uint64_t size)
{
	phys_addr_t cur = pa, end = pa + size;

	if (end < pa)
		return false;
	if (numa->nr_memblks == 0) {
		/* A faked node without memblks: its span. */
		return numa->source == NUMA_SRC_FAKE && node == 0 &&
		       pa >= numa->fake_start && end <= numa->fake_end;
	}
	while (cur < end) {
		bool found = false;

		for (uint32_t i = 0; i < numa->nr_memblks && i < NUMA_MAX_MEMBLKS; i++) {
			const struct numa_memblk *m = &numa->memblks[i];

			if (m->node != node)    /* hot-pluggable ranges count: a property */
				continue;
			if (cur >= m->start && cur < m->end) {
				cur = m->end;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static bool node_has_memory(const struct numa_topology *numa, uint32_t node)
{
	if (numa->nr_memblks == 0)
		return numa->source == NUMA_SRC_FAKE && node == 0 && numa->fake_end > numa->fake_start;
	return numa_node_has_memory(numa, node);
}

/* ---- rule 1: placement ------------------------------------------------- */

struct placement_ctx {
	const struct pgcheck_input *in;
	struct pgcheck_result *res;
	uint32_t node;          /* the node whose copy this is */
	uint32_t home;          /* where its tables must be (root_node) */
};

static int placement_cb(void *arg, phys_addr_t table_pa, int level)
{
	struct placement_ctx *c = arg;
	const uint64_t *t = c->in->ops->phys_to_ptr(c->in->ops->ctx, table_pa);

	if (t == NULL)
		return fail(c->res, PGCHECK_PLACEMENT, c->node, 0, table_pa,
			    "rule 1 (node-local tables): node %u's copy links a level-%d table at "
			    "0x%llx that is not reachable memory", c->node, level,
			    (unsigned long long)table_pa);
	if (!pgcheck_in_node(c->in->numa, c->home, table_pa, PAGE_SIZE))
		return fail(c->res, PGCHECK_PLACEMENT, c->node, 0, table_pa,
			    "rule 1 (node-local tables): node %u's copy has a level-%d table page at "
			    "0x%llx outside node %u's memory", c->node, level,
			    (unsigned long long)table_pa, c->home);
	/* Rule 3, stricter than the effective permissions the leaf walk sees:
	 * no U bit at any level, so no later edit of one entry can open a
	 * user mapping. */
	for (unsigned i = 0; i < PGTABLE_ENTRIES; i++) {
		if ((t[i] & PTE_P) && (t[i] & PTE_U))
			return fail(c->res, PGCHECK_PERMISSIONS, c->node, 0, table_pa,
				    "rule 3 (no user pages): entry %u of the level-%d table at 0x%llx in "
				    "node %u's copy has the U bit", i, level,
				    (unsigned long long)table_pa, c->node);
	}
	return 0;
}

/* ---- rules 2 and 3: per leaf ------------------------------------------- */

static bool in_text_span(const struct pgcheck_input *in, virt_addr_t va)
{
	return va >= in->ktext_va && va - in->ktext_va < in->ktext_size;
}

/* The frame a copy must map at va in the replicated span. */
static phys_addr_t text_frame(const struct pgcheck_input *in, uint32_t node, virt_addr_t va)
{
	return in->pgd[node].text_pa + (va - in->ktext_va);
}

static bool straddles(virt_addr_t va, uint64_t size, virt_addr_t boundary)
{
	return va < boundary && boundary - va < size;
}

static int perm_check(struct pgcheck_ctx *c, virt_addr_t va, phys_addr_t pa, uint64_t size,
		      uint64_t flags)
{
	const struct pgcheck_input *in = c->in;
	bool text = va >= in->ktext_va && va < in->text_end;

	c->res->leaves++;
	if (va < KERNEL_HALF && !in->allow_lower_half)
		return fail(c->res, PGCHECK_PERMISSIONS, c->node, va, pa,
			    "rule 3 (no lower half): va 0x%llx (%llu KiB) is mapped in node %u's copy "
			    "(the loader's identity map should be gone)", (unsigned long long)va,
			    (unsigned long long)(size >> 10), c->node);
	if ((flags & PTE_W) && !(flags & PTE_NX))
		return fail(c->res, PGCHECK_PERMISSIONS, c->node, va, pa,
			    "rule 3 (W^X): va 0x%llx (%llu KiB) is writable and executable in node %u's copy",
			    (unsigned long long)va, (unsigned long long)(size >> 10), c->node);
	if (flags & PTE_U)
		return fail(c->res, PGCHECK_PERMISSIONS, c->node, va, pa,
			    "rule 3 (no user pages): va 0x%llx is user-accessible in node %u's copy",
			    (unsigned long long)va, c->node);
	if (!text && !(flags & PTE_NX) && va >= KERNEL_HALF)
		return fail(c->res, PGCHECK_PERMISSIONS, c->node, va, pa,
			    "rule 3 (NX outside text): va 0x%llx (%llu KiB) is executable in node %u's "
			    "copy but is not kernel text", (unsigned long long)va,
			    (unsigned long long)(size >> 10), c->node);
	/* A leaf must not straddle a boundary of the text span: text and the
	 * rest differ in permissions, and the replicated span in frames. */
	if (straddles(va, size, in->ktext_va) || straddles(va, size, in->text_end) ||
	    straddles(va, size, in->ktext_va + in->ktext_size))
		return fail(c->res, PGCHECK_PERMISSIONS, c->node, va, pa,
			    "rule 3 (W^X): leaf va 0x%llx (%llu KiB) in node %u's copy straddles a "
			    "text/rodata/data boundary", (unsigned long long)va,
			    (unsigned long long)(size >> 10), c->node);
	return 0;
}

static int bytes_equal(const struct pgtable_ops *ops, phys_addr_t a, phys_addr_t b, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		const uint8_t *x = ops->phys_to_ptr(ops->ctx, a + off);
		const uint8_t *y = ops->phys_to_ptr(ops->ctx, b + off);

		if (x == NULL || y == NULL)
			return -1;
		for (uint64_t i = 0; i < PAGE_SIZE; i++) {
			if (x[i] != y[i])
				return 0;
		}
	}
	return 1;
}

/*
 * Compare the leaf [va, va + size) -> pa of copy c->node with what copy
 * c->other maps there, piece by piece (the other copy may use smaller
 * pages).
 */
static int compare_leaf(struct pgcheck_ctx *c, virt_addr_t va, phys_addr_t pa, uint64_t size,
			uint64_t flags)
{
	const struct pgcheck_input *in = c->in;
	uint64_t off = 0;
	char fa[48], fb[48];

	while (off < size) {
		virt_addr_t v = va + off;
		phys_addr_t pb, want_a, want_b;
		uint64_t fl_b, sz_b, step;
		bool text = in_text_span(in, v);

		if (!pgtable_translate(in->ops, c->other_root, v, &pb, &fl_b, &sz_b))
			return fail(c->res, PGCHECK_SAME_SPACE, c->other, v, pa + off,
				    "rule 2 (same translation): va 0x%llx is mapped in node %u's copy but "
				    "not in node %u's", (unsigned long long)v, c->node, c->other);
		step = sz_b - (v & (sz_b - 1));
		if (step > size - off)
			step = size - off;
		c->res->mappings++;

		if ((flags & PGCHECK_FLAGS_CMP) != (fl_b & PGCHECK_FLAGS_CMP))
			return fail(c->res, PGCHECK_SAME_SPACE, c->other, v, pb,
				    "rule 2 (same permissions): va 0x%llx is [%s] in node %u's copy but "
				    "[%s] in node %u's", (unsigned long long)v,
				    pgtable_flags_str(flags & PGCHECK_FLAGS_CMP, fa, sizeof(fa)), c->node,
				    pgtable_flags_str(fl_b & PGCHECK_FLAGS_CMP, fb, sizeof(fb)), c->other);

		want_a = text ? text_frame(in, c->node, v) : pa + off;
		want_b = text ? text_frame(in, c->other, v) : pa + off;
		if (pa + off != want_a)
			return fail(c->res, PGCHECK_SAME_SPACE, c->node, v, pa + off,
				    "rule 2 (node-local text): text va 0x%llx maps to 0x%llx in node %u's "
				    "copy, not to its text copy at 0x%llx", (unsigned long long)v,
				    (unsigned long long)(pa + off), c->node, (unsigned long long)want_a);
		if (pb != want_b)
			return fail(c->res, PGCHECK_SAME_SPACE, c->other, v, pb,
				    text ? "rule 2 (node-local text): text va 0x%llx maps to 0x%llx in node "
					   "%u's copy, not to its text copy at 0x%llx"
					 : "rule 2 (same translation): va 0x%llx maps to 0x%llx in node %u's "
					   "copy but to 0x%llx in node %u's",
				    (unsigned long long)v, (unsigned long long)pb, c->other,
				    (unsigned long long)want_b, c->node);
		if (text && c->bytes && pb != pa + off) {
			int eq = bytes_equal(in->ops, pa + off, pb, step);

			if (eq <= 0)
				return fail(c->res, PGCHECK_SAME_SPACE, c->other, v, pb,
					    eq < 0 ? "rule 2 (identical text): text va 0x%llx: frame 0x%llx "
						     "(node %u's copy) is not reachable to compare"
						   : "rule 2 (identical text): text va 0x%llx: bytes at 0x%llx "
						     "(node %u's copy) differ from node %u's",
					    (unsigned long long)v, (unsigned long long)pb, c->other, c->node);
		}
		off += step;
	}
	return 0;
}

static int leaf_cb(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	struct pgcheck_ctx *c = arg;
	int r = 0;

	if (!c->bytes)
		r = perm_check(c, va, pa, size, flags);
	/* The identity-mapped trampoline is in the boot copy only. */
	if (va < KERNEL_HALF && c->in->allow_lower_half)
		return r;
	if (r == 0 && c->other != c->node)
		r = compare_leaf(c, va, pa, size, flags);
	return r;
}

/* ---- the whole check --------------------------------------------------- */

static int input_check(const struct pgcheck_input *in, struct pgcheck_result *res)
{
	if (in->nr_pgd == 0 || in->nr_pgd > NUMA_MAX_NODES || in->nr_pgd != in->numa->nr_nodes)
		return fail(res, PGCHECK_INPUT, 0, 0, 0,
			    "pgtable: %u page-table copies for %u nodes", in->nr_pgd, in->numa->nr_nodes);
	if (!IS_ALIGNED(in->ktext_va, PAGE_SIZE) || !IS_ALIGNED(in->ktext_size, PAGE_SIZE) ||
	    in->text_end < in->ktext_va || in->text_end > in->ktext_va + in->ktext_size)
		return fail(res, PGCHECK_INPUT, 0, in->ktext_va, 0,
			    "pgtable: text span 0x%llx+0x%llx (text end 0x%llx) is not page aligned "
			    "or inconsistent", (unsigned long long)in->ktext_va,
			    (unsigned long long)in->ktext_size, (unsigned long long)in->text_end);
	for (uint32_t n = 0; n < in->nr_pgd; n++) {
		const struct handoff_pgd *p = &in->pgd[n];

		if (p->root_pa == 0 || !IS_ALIGNED(p->root_pa, PAGE_SIZE) ||
		    p->root_node >= in->nr_pgd || p->text_node >= in->nr_pgd ||
		    p->text_pa == 0 || !IS_ALIGNED(p->text_pa, PAGE_SIZE))
			return fail(res, PGCHECK_INPUT, n, 0, p->root_pa,
				    "pgtable: node %u's handoff entry is inconsistent (root 0x%llx on node "
				    "%u, text 0x%llx on node %u)", n, (unsigned long long)p->root_pa,
				    p->root_node, (unsigned long long)p->text_pa, p->text_node);
		/* A node sharing another's copy must name the same root. */
		if (p->root_node != n && in->pgd[p->root_node].root_node == p->root_node &&
		    in->pgd[p->root_node].root_pa != p->root_pa &&
		    !node_has_memory(in->numa, n))
			return fail(res, PGCHECK_INPUT, n, 0, p->root_pa,
				    "pgtable: memory-less node %u says it uses node %u's copy but its root "
				    "0x%llx is not that copy's 0x%llx", n, p->root_node,
				    (unsigned long long)p->root_pa,
				    (unsigned long long)in->pgd[p->root_node].root_pa);
	}
	return 0;
}

/* First node with the same root as node n (the copy's representative). */
static uint32_t copy_owner(const struct pgcheck_input *in, uint32_t n)
{
	for (uint32_t m = 0; m < n; m++) {
		if (in->pgd[m].root_pa == in->pgd[n].root_pa)
			return m;
	}
	return n;
}

int pgtable_check(const struct pgcheck_input *in, struct pgcheck_result *res)
{
	uint32_t ref = 0;
	int r;

	*res = (struct pgcheck_result){ 0 };
	r = input_check(in, res);
	if (r)
		return r;

	/* Rule 1, once per distinct copy; and the text copy's placement. */
	for (uint32_t n = 0; n < in->nr_pgd; n++) {
		const struct handoff_pgd *p = &in->pgd[n];
		struct placement_ctx pc = { .in = in, .res = res, .node = n, .home = p->root_node };

		if (p->root_node != n && node_has_memory(in->numa, n))
			res->fallbacks++;
		if (copy_owner(in, n) != n)
			continue;
		res->copies++;
		r = pgtable_for_each_table(in->ops, p->root_pa, placement_cb, &pc);
		if (r)
			return r;
		if (in->text_replicated &&
		    !pgcheck_in_node(in->numa, p->text_node, p->text_pa, in->ktext_size))
			return fail(res, PGCHECK_PLACEMENT, n, in->ktext_va, p->text_pa,
				    "rule 1 (node-local text): node %u's text copy 0x%llx-0x%llx is not "
				    "in node %u's memory", n, (unsigned long long)p->text_pa,
				    (unsigned long long)(p->text_pa + in->ktext_size - 1), p->text_node);
	}

	/* Rules 2 and 3: every copy's leaves against the reference (copy of
	 * the lowest node), then the reference's leaves against every copy. */
	for (uint32_t n = 0; n < in->nr_pgd; n++) {
		struct pgcheck_ctx c = { .in = in, .res = res, .node = n, .other = ref,
					 .other_root = in->pgd[ref].root_pa, .bytes = false };

		if (copy_owner(in, n) != n)
			continue;
		r = pgtable_for_each_leaf(in->ops, in->pgd[n].root_pa, leaf_cb, &c);
		if (r)
			return r;
	}
	for (uint32_t n = 0; n < in->nr_pgd; n++) {
		struct pgcheck_ctx c = { .in = in, .res = res, .node = ref, .other = n,
					 .other_root = in->pgd[n].root_pa, .bytes = true };

		if (n == ref || copy_owner(in, n) != n)
			continue;
		r = pgtable_for_each_leaf(in->ops, in->pgd[ref].root_pa, leaf_cb, &c);
		if (r)
			return r;
	}
	return 0;
}
