/*
 * bootmem.h - the early allocator: memory and reserved regions seeded from
 * the handoff, node-aware, used until the buddy takes over (Linux's
 * memblock, reduced to what boot needs).
 *
 *   bootmem_init -> bootmem_add_memory / bootmem_reserve -> bootmem_alloc_node
 *   -> bootmem_for_each_free (memmap init) -> bootmem_handover (buddy) -> done
 *
 * Regions are half-open [start, end), kept sorted in two bounded arrays;
 * reserved regions never overlap each other (a new reservation takes only
 * what is not reserved yet).  Allocation is top-down inside the node, so low
 * (DMA) memory is taken last.  After bootmem_handover() every allocating or
 * reserving call panics naming its caller.
 */
#ifndef MM_BOOTMEM_H
#define MM_BOOTMEM_H

#include "types.h"
#include "numa.h"

#define BOOTMEM_MAX_REGIONS  2048

/* What a reservation is for (Memory: line buckets); bootmem_reserve's
 * `why` names it for the dump. */
enum bootmem_kind {
	BOOTMEM_FIRMWARE = 0,   /* page 0, RSDP, trampolines */
	BOOTMEM_KERNEL   = 1,   /* the kernel image */
	BOOTMEM_LOADER   = 2,   /* loader-owned ranges the kernel keeps */
	BOOTMEM_MM       = 3,   /* bootmem allocations: mm metadata */
	BOOTMEM_NR_KINDS
};

struct bootmem_region {
	phys_addr_t start;
	phys_addr_t end;
	uint32_t node;          /* memory: its node; reserved: unused */
	uint32_t kind;          /* reserved: enum bootmem_kind */
	const char *why;        /* reserved: static string for the dump */
};

/* Forget everything; distances (NUMA_MAX_NODES-wide rows) pick fallback
 * nodes; allocations stay below limit (the direct map's end; 0: none).
 * More than NUMA_MAX_NODES nodes panics. */
void bootmem_init(uint32_t nr_nodes, const uint8_t (*distance)[NUMA_MAX_NODES],
		  phys_addr_t limit);

/* Add RAM of node nid; adjacent regions of the same node merge.  Overlap
 * with existing memory, or nid not below bootmem_init's nr_nodes, panics
 * (the physmap is non-overlapping). */
void bootmem_add_memory(phys_addr_t start, phys_addr_t end, uint32_t nid);

/* Reserve [start, end); parts already reserved keep their first owner. */
void bootmem_reserve(phys_addr_t start, phys_addr_t end, enum bootmem_kind kind,
		     const char *why);

/*
 * Allocate size bytes (rounded up to pages) aligned to align (at least a
 * page) from node nid's memory, else from the nearest node by distance
 * (ties to the lower id), logging the fallback.  Not zeroed.  Returns the
 * physical address, or 0 if no node has room (page 0 is never handed out;
 * a size that rounds up past 2^64 has no room anywhere).
 */
phys_addr_t bootmem_alloc_node(size_t size, size_t align, uint32_t nid);

/* Node of physical address pa by the memory regions; NUMA_NO_NODE if none. */
uint32_t bootmem_node_of(phys_addr_t pa);

/*
 * Call fn for each maximal range of whole free pages (memory minus
 * reserved), ascending, never crossing a node: [start_pfn, end_pfn).
 */
typedef void (*bootmem_free_fn)(void *ctx, pfn_t start_pfn, pfn_t end_pfn, uint32_t nid);
void bootmem_for_each_free(bootmem_free_fn fn, void *ctx);

/* Give every free range to fn (the buddy), then refuse further use. */
void bootmem_handover(bootmem_free_fn fn, void *ctx);

/* Refuse further use without handing anything over: the caller gives the
 * free ranges (bootmem_for_each_free) to the buddy itself, in pieces. */
void bootmem_seal(void);

bool bootmem_handed_over(void);

/* Read-only views for mm_init's reports and the tests. */
const struct bootmem_region *bootmem_memory(size_t *nr);
const struct bootmem_region *bootmem_reserved(size_t *nr);

/* Bytes reserved of a kind, counted only where they overlap memory. */
uint64_t bootmem_reserved_bytes(enum bootmem_kind kind);

/* "bootmem: memory ..." / "bootmem: reserved ..." lines via printk. */
void bootmem_dump(void);

#endif /* MM_BOOTMEM_H */
