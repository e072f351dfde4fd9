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
 * Allocate 2^order pages, preferring node nid (NUMA_NO_NODE: the boot
 * node), from zones up to highest_zone (ZONE_DMA32: below 4 GiB).  Walks
 * nid's zonelist; inside each node, highest allowed zone first.  Returns
 * the head page (PG_head set, order recorded), or NULL if nothing fits.
 */
struct page *buddy_alloc(unsigned int order, uint32_t nid, enum zone_type highest_zone);

/*
 * Free a block from buddy_alloc().  Panics with the rule's name on a
 * double free, a page not in any zone, a wrong order or a misaligned block.
 */
void buddy_free(struct page *page, unsigned int order);

/* Hand-over: give [start_pfn, end_pfn) (one node, descriptors filled) to
 * the buddy in the largest aligned blocks; counts them as managed. */
void buddy_free_range(pfn_t start_pfn, pfn_t end_pfn);

/* The node the boot CPU is on (NUMA_NO_NODE's meaning in buddy_alloc). */
extern uint32_t buddy_default_node;

uint64_t buddy_free_pages_node(uint32_t nid);
uint64_t buddy_free_pages_total(void);

/*
 * Walk every free list and check: heads are PG_buddy with the list's order,
 * aligned, inside their zone, of that node and zone; links are consistent;
 * no block is on two lists; counts match nr_free and free_pages; no two
 * free buddies were left uncoalesced.  deep also checks every tail page
 * (no free block overlaps another or an allocated head).  Returns NULL if
 * all hold, else a description of the first broken rule.
 */
const char *buddy_check(bool deep);

/* /proc/buddyinfo lines: "Node <n>, zone <Z> <c0> ... <c10>". */
void buddy_print_info(void);

#endif /* MM_BUDDY_H */
