/*
 * pgtable_check.c - boot-time verification of the per-node page-table
 * copies (rules in pgtable_check.h).  Freestanding: reaches tables and text
 * bytes only through struct pgtable_ops, prints nothing, returns a reason.
 *
 * Cost: the reference copy's leaves once, then each other copy table by
 * table against it (a PT is 512 entry compares, no walk per leaf), so a
 * direct map with many 4 KiB edges stays cheap with many nodes.
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

#define LEVEL_SIZE(level) (1ULL << (PAGE_SHIFT + 9 * ((level) - 1)))

struct pgcheck_ctx {
	const struct pgcheck_input *in;
	struct pgcheck_result *res;
	uint32_t node;          /* copy being walked */
	uint32_t ref;           /* the reference copy's node */
	phys_addr_t ref_root;
	/* distinct text spans of all copies, sorted by start (rule 5) */
	struct pgtable_range text[NUMA_MAX_NODES];
	uint32_t nr_text;
};

static int fail(struct pgcheck_result *res, enum pgcheck_rule rule, uint32_t node,
		virt_addr_t va, phys_addr_t pa, const char *fmt, ...) __printf(6, 7);

static int fail(struct pgcheck_result *res, enum pgcheck_rule rule, uint32_t node,
		virt_addr_t va, phys_addr_t pa, const char *fmt, ...)
{
	va_list ap;

	if (res->rule != PGCHECK_OK)            /* keep the first failure found */
		return -(int)res->rule;
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

/* ---- rules 3, 4, 5: one leaf ----------------------------------------- */

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

static bool in_direct_map(virt_addr_t va)
{
	return va >= DIRECT_MAP_BASE && va - DIRECT_MAP_BASE < DIRECT_MAP_MAX;
}

/* Bytes of [pa, pa + size) that overlap a text span (sorted, disjoint). */
static uint64_t text_overlap(const struct pgcheck_ctx *c, phys_addr_t pa, uint64_t size)
{
	uint32_t lo = 0, hi = c->nr_text;
	uint64_t bytes = 0;

	while (lo < hi) {                       /* first span ending above pa */
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->text[mid].end > pa)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (uint32_t i = lo; i < c->nr_text && c->text[i].start < pa + size; i++)
		bytes += MIN(c->text[i].end, pa + size) - MAX(c->text[i].start, pa);
	return bytes;
}

/*
 * Rules 3-5 on one leaf of copy c->node: each broken rule is counted (in
 * 4 KiB pages) and the first one found is kept as the failure; the walk
 * goes on, so the counts are complete.
 */
static void leaf_rules(struct pgcheck_ctx *c, virt_addr_t va, phys_addr_t pa, uint64_t size,
		       uint64_t flags)
{
	const struct pgcheck_input *in = c->in;
	struct pgcheck_result *res = c->res;
	bool text = va >= in->ktext_va && va < in->text_end;
	uint64_t alias;

	res->leaves++;
	if (va < KERNEL_HALF && !in->allow_lower_half)
		fail(res, PGCHECK_PERMISSIONS, c->node, va, pa,
		     "rule 3 (no lower half): va 0x%llx (%llu KiB) is mapped in node %u's copy "
		     "(the loader's identity map should be gone)", (unsigned long long)va,
		     (unsigned long long)(size >> 10), c->node);
	if ((flags & PTE_W) && !(flags & PTE_NX)) {
		res->wx_pages += size >> PAGE_SHIFT;
		fail(res, PGCHECK_PERMISSIONS, c->node, va, pa,
		     "rule 3 (W^X): va 0x%llx (%llu KiB) is writable and executable in node %u's copy",
		     (unsigned long long)va, (unsigned long long)(size >> 10), c->node);
	}
	if (flags & PTE_U)
		fail(res, PGCHECK_PERMISSIONS, c->node, va, pa,
		     "rule 3 (no user pages): va 0x%llx is user-accessible in node %u's copy",
		     (unsigned long long)va, c->node);
	if (!text && !(flags & PTE_NX) && va >= KERNEL_HALF)
		fail(res, PGCHECK_PERMISSIONS, c->node, va, pa,
		     "rule 3 (NX outside text): va 0x%llx (%llu KiB) is executable in node %u's "
		     "copy but is not kernel text", (unsigned long long)va,
		     (unsigned long long)(size >> 10), c->node);
	/* A leaf must not straddle a boundary of the text span: text and the
	 * rest differ in permissions, and the replicated span in frames. */
	if (straddles(va, size, in->ktext_va) || straddles(va, size, in->text_end) ||
	    straddles(va, size, in->ktext_va + in->ktext_size))
		fail(res, PGCHECK_PERMISSIONS, c->node, va, pa,
		     "rule 3 (W^X): leaf va 0x%llx (%llu KiB) in node %u's copy straddles a "
		     "text/rodata/data boundary", (unsigned long long)va,
		     (unsigned long long)(size >> 10), c->node);
	if (in_direct_map(va)) {
		if (pa != va - DIRECT_MAP_BASE) {
			res->nonram_pages += size >> PAGE_SHIFT;
			fail(res, PGCHECK_DIRECT_MAP, c->node, va, pa,
			     "rule 4 (direct map is RAM only): va 0x%llx maps 0x%llx in node %u's copy, "
			     "not its own physical address", (unsigned long long)va,
			     (unsigned long long)pa, c->node);
		} else if (!pgtable_dm_covers(in->physmap, in->nr_physmap, pa, size)) {
			res->nonram_pages += size >> PAGE_SHIFT;
			fail(res, PGCHECK_DIRECT_MAP, c->node, va, pa,
			     "rule 4 (direct map is RAM only): the %llu KiB leaf at va 0x%llx in node "
			     "%u's copy covers [mem 0x%llx-0x%llx], not all of it RAM or ACPI",
			     (unsigned long long)(size >> 10), (unsigned long long)va, c->node,
			     (unsigned long long)pa, (unsigned long long)(pa + size - 1));
		}
	}
	alias = (flags & PTE_W) ? text_overlap(c, pa, size) : 0;
	if (alias) {
		res->text_rw_pages += alias >> PAGE_SHIFT;
		fail(res, PGCHECK_TEXT_ALIAS, c->node, va, pa,
		     "rule 5 (read-only text alias): va 0x%llx in node %u's copy is a writable "
		     "mapping of kernel text frames at 0x%llx", (unsigned long long)va, c->node,
		     (unsigned long long)pa);
	}
}

static int leaf_cb(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	leaf_rules(arg, va, pa, size, flags);
	return 0;
}

/* Before the identity map is dropped its leaves are in one copy only and
 * are not compared, but rules 3-5 still hold for them. */
static int lower_leaf_cb(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	if (va < KERNEL_HALF)
		leaf_rules(arg, va, pa, size, flags);
	return 0;
}

/* ---- rule 2: a copy against the reference ------------------------------- */

static int bytes_equal(const struct pgtable_ops *ops, phys_addr_t a, phys_addr_t b, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		const uint64_t *x = ops->phys_to_ptr(ops->ctx, a + off);
		const uint64_t *y = ops->phys_to_ptr(ops->ctx, b + off);

		if (x == NULL || y == NULL)
			return -1;
		for (uint64_t i = 0; i < PAGE_SIZE / 8; i++) {
			if (x[i] != y[i])
				return 0;
		}
	}
	return 1;
}

/*
 * Where the copy's entries differ from the reference's (or their shapes
 * do), compare [va, end) address by address: the copy's leaf first through
 * rules 3-5, then its translation against the reference's.  Returns 0, or
 * a -rule failure.
 */
static int compare_range(struct pgcheck_ctx *c, phys_addr_t root, virt_addr_t va, virt_addr_t last)
{
	const struct pgcheck_input *in = c->in;
	struct pgcheck_result *res = c->res;
	char fa[48], fb[48];

	for (;;) {
		phys_addr_t pa = 0, pr = 0;
		uint64_t fl = 0, flr = 0, sz = 0, szr = 0, step;
		bool m = pgtable_translate(in->ops, root, va, &pa, &fl, &sz);
		bool mr = pgtable_translate(in->ops, c->ref_root, va, &pr, &flr, &szr);
		bool text = in_text_span(in, va);

		if (!m && !mr) {
			int lvl = 1, lvlr = 1;

			pgtable_entry(in->ops, root, va, &lvl);
			pgtable_entry(in->ops, c->ref_root, va, &lvlr);
			step = LEVEL_SIZE(MIN(lvl, lvlr));
		} else {
			step = MIN(m ? sz : ~0ULL, mr ? szr : ~0ULL);
		}
		step -= va & (step - 1);
		if (m) {
			uint32_t before = res->rule;

			leaf_rules(c, va & ~(sz - 1), pa & ~(sz - 1), sz, fl);
			if (before == PGCHECK_OK && res->rule != PGCHECK_OK)
				return -(int)res->rule;
		}
		if (m && !mr)
			return fail(res, PGCHECK_SAME_SPACE, c->node, va, pa,
				    "rule 2 (same translation): va 0x%llx is mapped in node %u's copy but "
				    "not in node %u's", (unsigned long long)va, c->node, c->ref);
		if (!m && mr)
			return fail(res, PGCHECK_SAME_SPACE, c->node, va, pr,
				    "rule 2 (same translation): va 0x%llx is mapped in node %u's copy but "
				    "not in node %u's", (unsigned long long)va, c->ref, c->node);
		if (m) {
			res->mappings++;
			if ((fl & PGCHECK_FLAGS_CMP) != (flr & PGCHECK_FLAGS_CMP))
				return fail(res, PGCHECK_SAME_SPACE, c->node, va, pa,
					    "rule 2 (same permissions): va 0x%llx is [%s] in node %u's copy "
					    "but [%s] in node %u's", (unsigned long long)va,
					    pgtable_flags_str(flr & PGCHECK_FLAGS_CMP, fa, sizeof(fa)), c->ref,
					    pgtable_flags_str(fl & PGCHECK_FLAGS_CMP, fb, sizeof(fb)), c->node);
			if (text && pa != text_frame(in, c->node, va))
				return fail(res, PGCHECK_SAME_SPACE, c->node, va, pa,
					    "rule 2 (node-local text): text va 0x%llx maps to 0x%llx in node "
					    "%u's copy, not to its text copy at 0x%llx",
					    (unsigned long long)va, (unsigned long long)pa, c->node,
					    (unsigned long long)text_frame(in, c->node, va));
			if (text && pr != text_frame(in, c->ref, va))
				return fail(res, PGCHECK_SAME_SPACE, c->ref, va, pr,
					    "rule 2 (node-local text): text va 0x%llx maps to 0x%llx in node "
					    "%u's copy, not to its text copy at 0x%llx",
					    (unsigned long long)va, (unsigned long long)pr, c->ref,
					    (unsigned long long)text_frame(in, c->ref, va));
			if (!text && pa != pr)
				return fail(res, PGCHECK_SAME_SPACE, c->node, va, pa,
					    "rule 2 (same translation): va 0x%llx maps to 0x%llx in node %u's "
					    "copy but to 0x%llx in node %u's", (unsigned long long)va,
					    (unsigned long long)pa, c->node, (unsigned long long)pr, c->ref);
		}
		if (last - va < step)
			return 0;
		va += step;
	}
}

/* The text bytes of the copy's frame equal the reference's (whole pages). */
static int compare_text(struct pgcheck_ctx *c, virt_addr_t va, phys_addr_t pa, phys_addr_t pr,
			uint64_t size)
{
	int eq = pa == pr ? 1 : bytes_equal(c->in->ops, pr, pa, size);

	if (eq > 0)
		return 0;
	return fail(c->res, PGCHECK_SAME_SPACE, c->node, va, pa,
		    eq < 0 ? "rule 2 (identical text): text va 0x%llx: frame 0x%llx (node %u's "
			     "copy) is not reachable to compare"
			   : "rule 2 (identical text): text va 0x%llx: bytes at 0x%llx (node %u's "
			     "copy) differ from node %u's",
		    (unsigned long long)va, (unsigned long long)pa, c->node, c->ref);
}

static virt_addr_t canonical(virt_addr_t va)
{
	return (va & (1ULL << 47)) ? (va | 0xffff000000000000ULL) : va;
}

/*
 * Table by table: entries equal up to A/D bits (and, inside the text span,
 * up to the copy's own text frame) need no further look; anything else goes
 * through compare_range.
 */
static int compare_tables(struct pgcheck_ctx *c, phys_addr_t root, phys_addr_t t_pa,
			  phys_addr_t tr_pa, int level, virt_addr_t base)
{
	const struct pgcheck_input *in = c->in;
	const uint64_t *t = in->ops->phys_to_ptr(in->ops->ctx, t_pa);
	const uint64_t *tr = in->ops->phys_to_ptr(in->ops->ctx, tr_pa);
	const uint64_t mask = PTE_ADDR_MASK | PGCHECK_FLAGS_CMP | PTE_PS;
	int r;

	if (t == NULL || tr == NULL)
		return fail(c->res, PGCHECK_PLACEMENT, c->node, base, t == NULL ? t_pa : tr_pa,
			    "rule 1 (node-local tables): a level-%d table at 0x%llx is not reachable",
			    level, (unsigned long long)(t == NULL ? t_pa : tr_pa));
	for (unsigned i = 0; i < PGTABLE_ENTRIES; i++) {
		virt_addr_t va = canonical(base + (uint64_t)i * LEVEL_SIZE(level));
		uint64_t e = t[i], er = tr[i];
		bool leaf = (e & PTE_P) && (level == 1 || ((e & PTE_PS) && level < 4));
		bool leaf_r = (er & PTE_P) && (level == 1 || ((er & PTE_PS) && level < 4));

		if (level == 4 && i < PGTABLE_ENTRIES / 2 && in->allow_lower_half)
			continue;       /* the identity-mapped trampoline: boot copy only */
		if (!(e & PTE_P) && !(er & PTE_P))
			continue;
		if ((e & PTE_P) && (er & PTE_P) && !leaf && !leaf_r) {
			if ((e ^ er) & mask & ~PTE_ADDR_MASK)
				goto slow;
			r = compare_tables(c, root, e & PTE_ADDR_MASK, er & PTE_ADDR_MASK, level - 1, va);
			if (r)
				return r;
			continue;
		}
		if (leaf && leaf_r && level == 1 && in_text_span(in, va)) {
			phys_addr_t pa = e & PTE_ADDR_MASK, pr = er & PTE_ADDR_MASK;

			if (((e ^ er) & mask & ~PTE_ADDR_MASK) || pa != text_frame(in, c->node, va) ||
			    pr != text_frame(in, c->ref, va))
				goto slow;
			c->res->mappings++;
			r = compare_text(c, va, pa, pr, PAGE_SIZE);
			if (r)
				return r;
			continue;
		}
		if (leaf && leaf_r && !in_text_span(in, va) &&
		    !in_text_span(in, va + LEVEL_SIZE(level) - 1) && !((e ^ er) & mask)) {
			c->res->mappings++;
			continue;
		}
slow:
		r = compare_range(c, root, va, va + LEVEL_SIZE(level) - 1);
		if (r)
			return r;
	}
	return 0;
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
	for (uint32_t i = 1; i < in->nr_physmap; i++) {
		if (in->physmap[i].start < in->physmap[i - 1].end)
			return fail(res, PGCHECK_INPUT, 0, 0, in->physmap[i].start,
				    "pgtable: memory map entry %u is not sorted or overlaps", i);
	}
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

/* The distinct text spans of every copy, sorted (rule 5). */
static void collect_text(struct pgcheck_ctx *c)
{
	const struct pgcheck_input *in = c->in;

	c->nr_text = 0;
	for (uint32_t n = 0; n < in->nr_pgd && in->ktext_size; n++) {
		struct pgtable_range r = { in->pgd[n].text_pa, in->pgd[n].text_pa + in->ktext_size };
		uint32_t j;

		for (j = 0; j < c->nr_text && c->text[j].start != r.start; j++)
			;
		if (j < c->nr_text)
			continue;
		for (j = c->nr_text; j > 0 && c->text[j - 1].start > r.start; j--)
			c->text[j] = c->text[j - 1];
		c->text[j] = r;
		c->nr_text++;
	}
	/* Overlapping spans (a broken handoff) are merged so the search stays valid. */
	for (uint32_t j = 1; j < c->nr_text; j++) {
		if (c->text[j].start < c->text[j - 1].end) {
			c->text[j - 1].end = MAX(c->text[j - 1].end, c->text[j].end);
			for (uint32_t k = j + 1; k < c->nr_text; k++)
				c->text[k - 1] = c->text[k];
			c->nr_text--;
			j--;
		}
	}
}

int pgtable_check(const struct pgcheck_input *in, struct pgcheck_result *res)
{
	static struct pgcheck_ctx c;     /* ~1 KiB: off the small boot stack; one check at a time */
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

	/* Rules 3-5 over the reference copy (the lowest node's), counted. */
	c = (struct pgcheck_ctx){ .in = in, .res = res, .node = ref, .ref = ref,
				  .ref_root = in->pgd[ref].root_pa };
	collect_text(&c);
	pgtable_for_each_leaf(in->ops, c.ref_root, leaf_cb, &c);

	/* Rule 2 for every other copy, table by table against the reference;
	 * rules 3-5 wherever a copy differs from it. */
	for (uint32_t n = 0; n < in->nr_pgd && res->rule == PGCHECK_OK; n++) {
		if (n == ref || copy_owner(in, n) != n)
			continue;
		c.node = n;
		if (in->allow_lower_half)
			pgtable_for_each_leaf(in->ops, in->pgd[n].root_pa, lower_leaf_cb, &c);
		if (res->rule == PGCHECK_OK)
			compare_tables(&c, in->pgd[n].root_pa, in->pgd[n].root_pa, c.ref_root, 4, 0);
	}
	return res->rule == PGCHECK_OK ? 0 : -(int)res->rule;
}

/* ---- test only: break one rule on purpose ------------------------------- */

const struct pgcheck_break_name pgcheck_break_names[PGCHECK_NR_BREAKS] = {
	{ "wx",               PGCHECK_PERMISSIONS, "rule 3 (W^X)" },
	{ "user",             PGCHECK_PERMISSIONS, "rule 3 (no user pages)" },
	{ "nx",               PGCHECK_PERMISSIONS, "rule 3 (NX outside text)" },
	{ "node-local",       PGCHECK_PLACEMENT,   "rule 1 (node-local tables)" },
	{ "same-translation", PGCHECK_SAME_SPACE,  "rule 2 (same translation)" },
	{ "dmap-nonram",      PGCHECK_DIRECT_MAP,  "rule 4 (direct map is RAM only)" },
	{ "text-alias-rw",    PGCHECK_TEXT_ALIAS,  "rule 5 (read-only text alias)" },
	{ "lower-half",       PGCHECK_PERMISSIONS, "rule 3 (no lower half)" },
	{ "text-bytes",       PGCHECK_SAME_SPACE,  "rule 2 (identical text)" },
};

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* A copy other than node's (a different root), or NUMA_NO_NODE. */
static uint32_t other_copy(const struct pgcheck_input *in, uint32_t node)
{
	for (uint32_t m = 0; m < in->nr_pgd; m++) {
		if (in->pgd[m].root_pa != in->pgd[node].root_pa && copy_owner(in, m) == m)
			return m;
	}
	return NUMA_NO_NODE;
}

/* A non-RAM page below the direct map's end whose entry in root is not
 * present: a gap between map entries or a non-RAM entry. */
static uint64_t *nonram_hole(const struct pgcheck_input *in, phys_addr_t root, phys_addr_t *pa,
			     int *level)
{
	phys_addr_t cur = 0;

	for (uint32_t i = 0; i <= in->nr_physmap; i++) {
		phys_addr_t cand[2];
		int k = 0;

		if (i < in->nr_physmap && in->physmap[i].start > cur)
			cand[k++] = ALIGN_UP(cur, PAGE_SIZE);             /* the gap before entry i */
		if (i < in->nr_physmap && !pgtable_dm_type(in->physmap[i].type))
			cand[k++] = ALIGN_UP(in->physmap[i].start, PAGE_SIZE);
		for (int j = 0; j < k; j++) {
			uint64_t *e = pgtable_entry(in->ops, root, DIRECT_MAP_BASE + cand[j], level);

			if (e && !(*e & PTE_P) && *level <= 3 &&
			    !pgtable_dm_covers(in->physmap, in->nr_physmap, cand[j], PAGE_SIZE)) {
				*pa = cand[j];
				return e;
			}
		}
		if (i < in->nr_physmap)
			cur = MAX(cur, in->physmap[i].end);
	}
	return NULL;
}

int pgcheck_break(const struct pgcheck_input *in, const char *what, uint32_t node,
		  char *what_done, size_t len)
{
	const struct pgtable_ops *ops = in->ops;
	phys_addr_t root, pa;
	uint64_t *e;
	int level;

	if (node >= in->nr_pgd) {
		ksnprintf(what_done, len, "no copy for node %u", node);
		return -1;
	}
	root = in->pgd[node].root_pa;
	if (streq(what, "wx")) {
		e = pgtable_entry(ops, root, in->ktext_va, &level);
		if (e == NULL || !(*e & PTE_P))
			goto missing;
		*e |= PTE_W;
		ksnprintf(what_done, len, "text va 0x%llx made writable in node %u's copy",
			  (unsigned long long)in->ktext_va, node);
	} else if (streq(what, "user")) {
		uint64_t *pml4 = ops->phys_to_ptr(ops->ctx, root);

		if (pml4 == NULL || !(pml4[PGTABLE_ENTRIES - 1] & PTE_P))
			goto missing;
		/* The kernel's top-level entry: U on one level opens nothing
		 * (U must be set at every level), but the rule forbids it anywhere. */
		pml4[PGTABLE_ENTRIES - 1] |= PTE_U;
		ksnprintf(what_done, len, "U bit set in PML4[511] of node %u's copy", node);
	} else if (streq(what, "nx")) {
		if (in->text_end >= in->ktext_va + in->ktext_size)
			goto missing;
		e = pgtable_entry(ops, root, in->text_end, &level);
		if (e == NULL || !(*e & PTE_P))
			goto missing;
		*e &= ~PTE_NX;
		ksnprintf(what_done, len, "rodata va 0x%llx made executable in node %u's copy",
			  (unsigned long long)in->text_end, node);
	} else if (streq(what, "node-local")) {
		uint32_t m = other_copy(in, node);
		uint64_t *pml4 = ops->phys_to_ptr(ops->ctx, root), *other;

		if (m == NUMA_NO_NODE || in->pgd[m].root_node == in->pgd[node].root_node) {
			ksnprintf(what_done, len, "needs a second copy on another node");
			return -1;
		}
		other = ops->phys_to_ptr(ops->ctx, in->pgd[m].root_pa);
		if (pml4 == NULL || other == NULL || !(other[PGTABLE_ENTRIES - 1] & PTE_P))
			goto missing;
		/* The kernel half through node m's tables: the same translations,
		 * tables on the wrong node. */
		pml4[PGTABLE_ENTRIES - 1] = other[PGTABLE_ENTRIES - 1];
		ksnprintf(what_done, len, "node %u's copy links node %u's kernel PDPT at 0x%llx", node,
			  m, (unsigned long long)(other[PGTABLE_ENTRIES - 1] & PTE_ADDR_MASK));
	} else if (streq(what, "same-translation")) {
		virt_addr_t va = in->ktext_va + in->ktext_size;     /* the first data page */

		if (other_copy(in, node) == NUMA_NO_NODE) {
			ksnprintf(what_done, len, "needs a second copy to differ from");
			return -1;
		}
		e = pgtable_entry(ops, root, va, &level);
		if (e == NULL || !(*e & PTE_P) || level != 1)
			goto missing;
		*e += PAGE_SIZE;          /* the next frame: still RAM, the wrong one */
		ksnprintf(what_done, len, "data va 0x%llx remapped to 0x%llx in node %u's copy",
			  (unsigned long long)va, (unsigned long long)(*e & PTE_ADDR_MASK), node);
	} else if (streq(what, "dmap-nonram")) {
		e = nonram_hole(in, root, &pa, &level);
		if (e == NULL)
			goto missing;
		*e = ALIGN_DOWN(pa, LEVEL_SIZE(level)) | PTE_P | PTE_W | PTE_NX | PTE_G |
		     (level > 1 ? PTE_PS : 0);
		ksnprintf(what_done, len, "non-RAM 0x%llx mapped (%llu KiB page) in node %u's direct map",
			  (unsigned long long)pa, (unsigned long long)(LEVEL_SIZE(level) >> 10), node);
	} else if (streq(what, "text-alias-rw")) {
		pa = in->pgd[node].text_pa;
		e = pgtable_entry(ops, root, DIRECT_MAP_BASE + pa, &level);
		if (e == NULL || !(*e & PTE_P))
			goto missing;
		*e |= PTE_W;
		ksnprintf(what_done, len, "direct-map alias of text 0x%llx made writable in node %u's copy",
			  (unsigned long long)pa, node);
	} else if (streq(what, "lower-half")) {
		uint64_t *pml4 = ops->phys_to_ptr(ops->ctx, root);
		unsigned dm = (unsigned)((DIRECT_MAP_BASE >> 39) & 511);

		if (pml4 == NULL || !(pml4[dm] & PTE_P) || (pml4[0] & PTE_P))
			goto missing;
		/* The direct map's first 512 GiB aliased at address 0, as an
		 * identity map left behind would be. */
		pml4[0] = pml4[dm];
		ksnprintf(what_done, len, "PML4[0] of node %u's copy aliases the direct map's PML4[%u]",
			  node, dm);
	} else if (streq(what, "text-bytes")) {
		uint32_t m = other_copy(in, node);
		uint8_t *b;

		if (m == NUMA_NO_NODE || in->pgd[m].text_pa == in->pgd[node].text_pa) {
			ksnprintf(what_done, len, "needs a second text copy to differ from");
			return -1;
		}
		/* The last byte of rodata: the copy's text is compared with the
		 * reference's byte for byte. */
		pa = in->pgd[node].text_pa + in->ktext_size - 1;
		b = ops->phys_to_ptr(ops->ctx, pa);
		if (b == NULL)
			goto missing;
		*b ^= 0xff;
		ksnprintf(what_done, len, "byte at 0x%llx of node %u's text copy flipped",
			  (unsigned long long)pa, node);
	} else {
		ksnprintf(what_done, len, "unknown rule (wx, user, nx, node-local, same-translation, "
			  "dmap-nonram, text-alias-rw, lower-half, text-bytes)");
		return -1;
	}
	return 0;

missing:
	ksnprintf(what_done, len, "node %u's copy has no entry to break for %s", node, what);
	return -1;
}
