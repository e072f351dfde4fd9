/*
 * node.h - node descriptors (Linux's pglist_data), zones and zonelists.
 *
 * Every node with memory has a struct pglist_data in its own memory; each
 * holds three zones (DMA < 16 MiB, DMA32 < 4 GiB, Normal) with the buddy's
 * free_area[MAX_ORDER].  A zone's span may include other nodes' pages (node
 * ranges interleave); page->node and page->zone say whose a page is.
 *
 * Zonelist ("Fallback order for Node n"): the nodes with memory sorted by
 * (not self, SLIT distance from n, node id) - self first, then the nearest,
 * ties to the lower node id, as Linux's find_next_best_node() breaks them.
 * An allocation walks the nodes in that order and, inside each node, the
 * zones from the highest allowed down to DMA.
 */
#ifndef MM_NODE_H
#define MM_NODE_H

#include "types.h"
#include "numa.h"
#include "mm/memmap.h"

#define MAX_ORDER   11          /* orders 0..10: 4 KiB .. 4 MiB */

enum zone_type {
	ZONE_DMA    = 0,        /* [0, 16 MiB) */
	ZONE_DMA32  = 1,        /* [16 MiB, 4 GiB) */
	ZONE_NORMAL = 2,        /* [4 GiB, ...) */
	MAX_NR_ZONES
};

#define ZONE_DMA_END_PFN    PFN_DOWN(16ULL << 20)
#define ZONE_DMA32_END_PFN  PFN_DOWN(4ULL << 30)

/* One free list per order: head of a NULL-terminated doubly linked list of
 * block heads, and how many blocks are on it.  16 bytes: a power of two, so
 * indexing free_area[order] is a shift, not an imul. */
struct free_area {
	struct page *head;
	uint64_t nr_free;
};
_Static_assert(sizeof(struct free_area) == 16, "free_area must be a power of two");

struct zone {
	struct free_area free_area[MAX_ORDER];
	pfn_t start_pfn;            /* span [start_pfn, end_pfn); empty when equal */
	pfn_t end_pfn;
	uint64_t present_pages;     /* RAM pages of this node inside the span */
	uint64_t managed_pages;     /* pages handed to the buddy */
	uint64_t free_pages;        /* pages on the free lists now */
	uint16_t node;
	uint8_t  idx;               /* enum zone_type */
	uint8_t  pad[5];
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	uint32_t node_id;
	uint32_t nr_fallback;               /* entries in fallback[] */
	uint16_t fallback[NUMA_MAX_NODES];  /* the zonelist: node ids in order */
	pfn_t node_start_pfn;
	uint64_t node_spanned_pages;
	uint64_t node_present_pages;
	phys_addr_t pgdat_pa;               /* where this descriptor lives */
	phys_addr_t memmap_pa;              /* first memmap block of this node's sections */
	uint64_t memmap_bytes;              /* memmap of the sections this node owns */
	uint32_t memmap_node;               /* node holding memmap_pa */
	uint32_t memmap_sections;
};

/* Every node id 0..mm_nr_nodes-1 has a descriptor (memory-less nodes too:
 * they have empty zones and a zonelist of their nearest nodes). */
extern struct pglist_data *node_data[NUMA_MAX_NODES];
extern uint32_t mm_nr_nodes;

static inline struct pglist_data *NODE_DATA(uint32_t nid)
{
	return node_data[nid];
}

static inline struct zone *page_zone(const struct page *page)
{
	return &node_data[page->node]->node_zones[page->zone];
}

static inline bool zone_populated(const struct zone *z)
{
	return z->present_pages != 0;
}

/* "DMA", "DMA32", "Normal" */
const char *zone_name(uint32_t idx);

/* Zone a pfn falls in by address alone. */
static inline uint8_t zone_of_pfn(pfn_t pfn)
{
	return pfn < ZONE_DMA_END_PFN ? ZONE_DMA : pfn < ZONE_DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL;
}

/*
 * Fill pgdat->fallback[] for node nid: nodes with has_mem[] set, sorted by
 * (m != nid, dist[nid][m], m).  dist is the numa distance matrix.
 */
void node_build_zonelist(struct pglist_data *pgdat, uint32_t nr_nodes,
			 const bool *has_mem, const uint8_t (*dist)[NUMA_MAX_NODES]);

#endif /* MM_NODE_H */
