/*
 * mm.h - what the kernel calls to bring up memory management.
 *
 *   mm_init()      bootmem from the handoff -> node descriptors and memmap
 *                  in node-local memory -> zones -> buddy on every node;
 *                  prints the "Zone ranges:" ... "mm: buddy online" lines.
 *   mm_selftest()  the `selftest` command-line option: KTAP on the console.
 *   mm_bench()     the `bench` option: TSC-cycle figures on the console.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "types.h"
#include "handoff.h"
#include "lib/cmdline.h"

/* mm's command-line options: mm_params (lib/cmdline.h) fills them, with
 * ctx = &mm_options; mm_init reads them. */
struct mm_options {
	bool memblock_debug;         /* memblock=debug: dump bootmem's regions */
	bool zoneinfo;               /* zoneinfo: /proc/zoneinfo-style report after mm_init */
};
extern struct mm_options mm_options;
extern const struct cmdline_param mm_params[];

void mm_init(const struct handoff *h);

/* What mm_init measured (TSC cycles), for mm_bench and the host bench. */
struct mm_stats {
	uint64_t tsc_khz;            /* from the handoff; 0: unknown */
	uint64_t cycles_total;       /* all of mm_init */
	uint64_t cycles_memmap;      /* descriptor initialisation */
	uint64_t cycles_handover;    /* bootmem -> buddy */
	uint64_t pages_present;      /* RAM pages in all nodes */
	uint64_t pages_managed;      /* handed to the buddy */
	uint64_t descriptors;        /* struct pages initialised (whole sections) */
	uint64_t memmap_bytes;
	uint64_t loader_freed_bytes; /* loader memory no longer needed, freed */
	uint32_t nodes_with_memory;
};
extern struct mm_stats mm_stats;

/* TSC read, the same instruction in the kernel and on the host. */
static inline uint64_t mm_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Returns the number of failed KTAP test points (0: all ok). */
int mm_selftest(unsigned long ops_per_node);

void mm_bench(void);

#endif /* MM_MM_H */
