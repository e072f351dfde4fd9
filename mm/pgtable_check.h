/*
 * pgtable_check.h - verify the per-node copies of the kernel page tables
 * (issue 4) against three rules, freestanding so host tests can corrupt a
 * copy on purpose and see each rule fire:
 *
 *   1 placement    every table page of a copy lies in the memory of the node
 *                  the handoff says holds it (root_node); a node with memory
 *                  owns a copy on itself, unless the loader recorded a
 *                  fallback (root_node != node) -- which is then reported,
 *                  not failed;  the text copy lies on text_node
 *   2 same space   every copy maps the same addresses: direct map and
 *                  kernel data to the same physical address with the same
 *                  permissions; text/rodata with the same permissions to the
 *                  copy's own text (handoff text_pa), whose bytes equal the
 *                  reference copy's
 *   3 permissions  no writable+executable leaf, no U bit in any entry, NX
 *                  on every leaf outside text, nothing in the lower half
 *
 * Comparison is at leaf granularity: the leaves of each copy are walked and
 * looked up in the reference copy, and the reference's in each copy, so a
 * mapping present in only one of them is caught either way.
 */
#ifndef MM_PGTABLE_CHECK_H
#define MM_PGTABLE_CHECK_H

#include "types.h"
#include "numa.h"
#include "handoff.h"
#include "mm/pgtable.h"

enum pgcheck_rule {
	PGCHECK_OK = 0,
	PGCHECK_PLACEMENT = 1,   /* rule 1 */
	PGCHECK_SAME_SPACE = 2,  /* rule 2 */
	PGCHECK_PERMISSIONS = 3, /* rule 3 */
	PGCHECK_INPUT = 4,       /* the handoff data itself is inconsistent */
};

struct pgcheck_input {
	const struct pgtable_ops *ops;       /* reaches table pages and text bytes */
	const struct numa_topology *numa;    /* node memory (memblks, or the faked span) */
	const struct handoff_pgd *pgd;       /* per node, indexed by node id */
	uint32_t nr_pgd;
	virt_addr_t ktext_va;                /* replicated span [ktext_va, +ktext_size) */
	uint64_t ktext_size;
	virt_addr_t text_end;                /* [ktext_va, text_end) is text (may run), */
	                                     /* [text_end, ktext end) rodata (NX)        */
	bool text_replicated;                /* false with ktext=off: every copy maps the */
	                                     /* original image, placed by the loader     */
	                                     /* wherever it fit, so rule 1 skips text    */
	bool allow_lower_half;               /* true before the identity map is dropped: */
	                                     /* lower-half leaves are then not compared  */
};

struct pgcheck_result {
	uint32_t copies;         /* distinct roots verified */
	uint64_t mappings;       /* leaf comparisons made (rule 2) */
	uint64_t leaves;         /* leaves checked for permissions (rule 3) */
	uint32_t fallbacks;      /* nodes with memory whose copy lives elsewhere */
	/* on failure: */
	enum pgcheck_rule rule;
	uint32_t node;           /* the copy where it broke */
	virt_addr_t va;          /* the address (0 for placement failures) */
	phys_addr_t pa;          /* the table page or frame involved */
	char reason[200];        /* one sentence naming the rule and the address */
};

/* Run all three rules.  Returns 0, or -rule with res->reason filled. */
int pgtable_check(const struct pgcheck_input *in, struct pgcheck_result *res);

/* Does [pa, pa + size) lie inside present memory of `node`? */
bool pgcheck_in_node(const struct numa_topology *numa, uint32_t node, phys_addr_t pa,
		     uint64_t size);

#endif /* MM_PGTABLE_CHECK_H */
