/*
 * pgtable_check.h - verify the per-node copies of the kernel page tables
 * (issue 4, issue 8) against five rules, freestanding so host tests can
 * corrupt a copy on purpose and see each rule fire:
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
 *   4 direct map   every direct-map leaf maps its own physical address
 *                  (DIRECT_MAP_BASE + pa) and covers only RAM or ACPI
 *                  (pgtable_dm_type): no device window, reserved range or
 *                  hole, not even inside a large page
 *   5 text alias   no writable leaf anywhere maps a frame of any copy's
 *                  text+rodata: W^X holds for physical pages, not only for
 *                  the kernel's own addresses (Linux's rule)
 *
 * The reference copy (the lowest node's) is walked leaf by leaf for rules
 * 3-5, which are counted (pages, as Linux counts W+X pages), not stopped
 * at.  Every other copy is compared with the reference table by table
 * (rule 2); where an entry differs, the copy's leaves there are put through
 * rules 3-5 first, so a W+X leaf in any copy is reported as W+X.
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
	PGCHECK_DIRECT_MAP = 4,  /* rule 4 */
	PGCHECK_TEXT_ALIAS = 5,  /* rule 5 */
	PGCHECK_INPUT = 6,       /* the handoff data itself is inconsistent */
};

struct pgcheck_input {
	const struct pgtable_ops *ops;       /* reaches table pages and text bytes */
	const struct numa_topology *numa;    /* node memory (memblks, or the faked span) */
	const struct handoff_pgd *pgd;       /* per node, indexed by node id */
	uint32_t nr_pgd;
	const struct physmap_entry *physmap; /* sorted, non-overlapping (rule 4) */
	uint32_t nr_physmap;
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
	uint64_t mappings;       /* leaves compared between copies (rule 2) */
	uint64_t leaves;         /* leaves checked against rules 3-5 */
	uint32_t fallbacks;      /* nodes with memory whose copy lives elsewhere */
	uint64_t wx_pages;       /* 4 KiB pages writable and executable (rule 3) */
	uint64_t nonram_pages;   /* direct-map pages that are not RAM/ACPI (rule 4) */
	uint64_t text_rw_pages;  /* writable pages over text frames (rule 5) */
	/* on failure (the first broken rule found): */
	enum pgcheck_rule rule;
	uint32_t node;           /* the copy where it broke */
	virt_addr_t va;          /* the address (0 for placement failures) */
	phys_addr_t pa;          /* the table page or frame involved */
	char reason[200];        /* one sentence naming the rule and the address */
};

/* Run all five rules.  Returns 0, or -rule with res->reason filled. */
int pgtable_check(const struct pgcheck_input *in, struct pgcheck_result *res);

/* Does [pa, pa + size) lie inside present memory of `node`? */
bool pgcheck_in_node(const struct numa_topology *numa, uint32_t node, phys_addr_t pa,
		     uint64_t size);

/*
 * Test only (pgtable_test=<what>): break one rule once in node `node`'s
 * copy, so that pgtable_check must catch it.  `what` is one of
 * pgcheck_break_names: "wx", "user", "nx", "lower-half" (rule 3),
 * "node-local" (1), "same-translation", "text-bytes" (2), "dmap-nonram" (4),
 * "text-alias-rw" (5).  in->ops must reach the tables and the text copy for
 * writing (the kernel clears CR0.WP around it: text frames are read-only in
 * the direct map).  "node-local", "same-translation" and "text-bytes" need
 * a second copy.
 * Returns 0 with what_done describing the change, or -1 with the reason.
 */
int pgcheck_break(const struct pgcheck_input *in, const char *what, uint32_t node,
		  char *what_done, size_t len);

/* The names pgcheck_break takes, and the rule each breaks. */
struct pgcheck_break_name {
	const char *name;
	enum pgcheck_rule rule;
	const char *rule_text;   /* as it appears in the failure reason */
};
extern const struct pgcheck_break_name pgcheck_break_names[];
#define PGCHECK_NR_BREAKS 9

#endif /* MM_PGTABLE_CHECK_H */
