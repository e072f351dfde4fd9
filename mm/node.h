/*
 * node.h - node descriptors (Linux's pglist_data), zones and zonelists.
 *
 * Every node with memory has a struct pglist_data in its own memory; each
 * holds three zones (DMA < 16 MiB, DMA32 < 4 GiB, Normal) with the buddy's
 * free_area[MAX_ORDER].  A zone's span may include other nodes' pages (node
 * ranges interleave); page->node and page->zone say whose a page is.
 *
 * Zonelist ("Fallback order for Node n"): built and printed as Linux 6.1's
 * build_zonelists() does: node n itself first, with or without memory, then
 * each node with memory picked by find_next_best_node() - nearest by SLIT
 * distance, +1 for a node below n, +1 for a node with CPUs, node_load
 * spreading equal nodes round-robin over the lists (node.c).  An allocation
 * walks the nodes in that order (memory-less ones have no populated zone)
 * and, inside each node, the zones from the highest allowed down to DMA.
 */
#ifndef MM_NODE_H
#define MM_NODE_H

#include "types.h"
#include "numa.h"
#include "spinlock.h"
#include "mm/memmap.h"

struct per_cpu_pages;            /* mm/pcp.h */

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
	uint8_t  pad[1];
	spinlock_t lock;            /* free_area[], free_pages, managed_pages (mm/pcp.h) */
	struct per_cpu_pages *pcp;  /* [nr_pcp]: the pagesets of the CPUs whose home this is */
	uint32_t nr_pcp;
	int32_t pcp_high;           /* what every pageset here was given */
	int32_t pcp_batch;
	uint32_t pad2;
	uint64_t wmark_min;         /* watermarks in pages, as Linux computes them */
	uint64_t wmark_low;
	uint64_t wmark_high;
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

/* Linux's PENALTY_FOR_NODE_WITH_CPUS. */
#define NODE_PENALTY_WITH_CPUS  1

/* What a fallback order depends on. */
struct node_fallback_input {
	uint32_t nr_nodes;                      /* node ids 0..nr_nodes-1 (<= NUMA_MAX_NODES) */
	const bool *has_mem;                    /* [nr_nodes]: node has present memory (N_MEMORY) */
	const bool *has_cpus;                   /* [nr_nodes] or NULL: node's cpumask not empty */
	const uint8_t (*dist)[NUMA_MAX_NODES];  /* distance matrix */
};

/*
 * Node nid's fallback order into order[] (room for nr_nodes), Linux's
 * build_zonelists() loop: nid, then find_next_best_node() until no node
 * with memory is left.  node_load[NUMA_MAX_NODES] is shared by the lists of
 * one build (zeroed before the first) and updated.  Returns the count (0
 * for a bad nid).
 */
uint32_t node_fallback_order(uint32_t nid, const struct node_fallback_input *in,
			     uint32_t *node_load, uint16_t *order);

/* Every node_data[n]->fallback[], n = 0..nr_nodes-1, in node-id order with
 * one node_load, as Linux's __build_all_zonelists(). */
void node_build_zonelists(const struct node_fallback_input *in);

#endif /* MM_NODE_H */
