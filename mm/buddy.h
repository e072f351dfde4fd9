/*
 * buddy.h - the page allocator: per zone free_area[MAX_ORDER], split on
 * allocation, coalesce on free (buddy pfn = pfn ^ (1 << order), zone
 * bounds checked before the buddy's descriptor is read), nodes tried in
 * zonelist order.  Invariant violations panic naming the rule.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "types.h"
#include "mm/memmap.h"
#include "mm/node.h"

/*
 * Allocate 2^order pages, preferring node nid (NUMA_NO_NODE: the calling
 * CPU's home node), from zones up to highest_zone (ZONE_DMA32: below
 * 4 GiB).  Walks nid's zonelist; inside each node, highest allowed zone
 * first.  Orders <= PCP_MAX_ORDER on the CPU's home node come from its
 * per-CPU list (mm/pcp.h); a zone that cannot serve the request has every
 * CPU's list drained into it and is tried once more before the next zone.
 * Returns the head page (PG_head set, order recorded), or NULL if nothing
 * fits.  Safe on any CPU concurrently.
 */
struct page *buddy_alloc(unsigned int order, uint32_t nid, enum zone_type highest_zone);

/*
 * Free a block from buddy_alloc() on any CPU.  A small block of the CPU's
 * home node goes on its per-CPU list; any other block goes straight back to
 * its own node's buddy.  Panics with the rule's name on a double free, a
 * page not in any zone, a wrong order or a misaligned block.
 */
void buddy_free(struct page *page, unsigned int order);

/* The same with the CPU given (buddy_alloc/buddy_free pass mm_this_cpu()):
 * host tests and benchmarks play several CPUs from one thread. */
struct page *buddy_alloc_cpu(unsigned int cpu, unsigned int order, uint32_t nid,
			     enum zone_type highest_zone);
void buddy_free_cpu(unsigned int cpu, struct page *page, unsigned int order);

/* Give back what every CPU holds on its lists for one zone / all zones
 * (Linux's drain_all_pages).  Returns the pages given back. */
uint64_t buddy_drain_zone(struct zone *zone);
uint64_t buddy_drain_all(void);

/* Hand-over: give [start_pfn, end_pfn) (one node, descriptors filled) to
 * the buddy in the largest aligned blocks; counts them as managed. */
void buddy_free_range(pfn_t start_pfn, pfn_t end_pfn);

/*
 * Undo a hand-over: pull every free block inside [start_pfn, end_pfn) off
 * the free lists and out of managed_pages (their descriptors are then
 * rewritten by the next init of that range).  Only for a range nothing has
 * allocated from since it was handed over (mm_init_compare's one-CPU pass).
 * Returns the pages taken back, or UINT64_MAX (and takes nothing) if a page
 * in the range is allocated, on a per-CPU list, or a block crosses the end.
 */
uint64_t buddy_take_back_range(pfn_t start_pfn, pfn_t end_pfn);

/* The boot CPU's home node (NUMA_NO_NODE's meaning for a CPU outside the
 * CPU table). */
extern uint32_t buddy_default_node;

/* Free pages of a node: on its free lists and on its CPUs' lists. */
uint64_t buddy_free_pages_node(uint32_t nid);
uint64_t buddy_free_pages_total(void);

/*
 * Walk every free list and per-CPU list, one zone at a time with its locks
 * held, and check: heads are PG_buddy (PG_pcp) with the list's order,
 * aligned, inside their zone, of that node and zone; links are consistent;
 * no block is on two lists; counts match nr_free, free_pages and each
 * pageset's count; no two
 * free buddies were left uncoalesced.  deep also checks every tail page
 * (no free block overlaps another or an allocated head).  Returns NULL if
 * all hold, else a description of the first broken rule.
 */
const char *buddy_check(bool deep);

/* /proc/buddyinfo lines: "Node <n>, zone <Z> <c0> ... <c10>". */
void buddy_print_info(void);

#endif /* MM_BUDDY_H */
