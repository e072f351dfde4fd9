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
	bool init_compare;         /* mm_init_compare: also time the init on one CPU (test only) */
};
extern struct mm_options mm_options;
extern const struct cmdline_param mm_params[];

void mm_init(const struct handoff *h);

/*
 * mm_init in three steps, so that the middle one - writing every page
 * descriptor and handing free memory to the buddy, most of the time on a
 * large machine - can run on many CPUs at once:
 *
 *   mm_init_early(h)        one CPU: bootmem, nodes, zones, memmap and
 *                           pageset allocation; bootmem is sealed after it
 *   mm_init_split(items, n) cut the memmap into work items: runs of whole
 *                           sections of one node (<= 128 MiB unless more than
 *                           n items would be needed; each node's lowest
 *                           section alone, marked early); returns how many
 *   mm_init_run(item)       any CPU, items concurrently (each item's
 *                           descriptors are its own; the hand-over takes the
 *                           zone locks); best on a CPU of item->node, whose
 *                           memory holds the item's descriptors
 *   mm_init_late(items, n)  one CPU, after every item ran: watermarks,
 *                           pageset sizes, the report lines
 *
 * mm_init(h) is all of it on the calling CPU.
 */
struct mm_init_work {
	pfn_t start_pfn;            /* [start_pfn, end_pfn): whole sections */
	pfn_t end_pfn;
	uint32_t node;              /* node owning these sections (and their memmap) */
	uint32_t early;             /* 1: the node's lowest section, alone: run it before
				     * starting other CPUs (they need memory of their
				     * node); the rest may wait (deferred init) */
	uint64_t pages;             /* out: pages handed to the buddy */
	uint64_t cycles_fill;       /* out: TSC cycles writing descriptors */
	uint64_t cycles_handover;   /* out: TSC cycles handing over */
};

void mm_init_early(const struct handoff *h);
uint32_t mm_init_split(struct mm_init_work *items, uint32_t max_items);
void mm_init_run(struct mm_init_work *item);
void mm_init_late(const struct mm_init_work *items, uint32_t nr);

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

/*
 * Every CPU at once (mm/smp_stress.c).  run_all(fn, arg) runs fn(arg) on
 * every online CPU concurrently, the caller's included, waits for all and
 * returns how many ran it: the kernel's SMP layer, or threads on the host.
 *
 * mm_smp_stress: each CPU allocates and frees ops_per_cpu times (random
 * orders 0-6, a quarter on a random node), passing blocks to other CPUs to
 * free; returns NULL if every block was sound and the allocator is
 * consistent afterwards (deep check), else the first broken rule; *cpus:
 * how many CPUs ran.
 *
 * mm_smp_bench: the first `cpus` CPUs to arrive each run ops order-0
 * alloc+free pairs in batches of 32, all starting together, from their home
 * node (remote: from the next node with memory, so every free goes to that
 * node's buddy under its zone lock).  Returns 0 and the figures, or -1.
 */
typedef uint32_t (*mm_run_all_fn)(void (*fn)(void *arg), void *arg);

struct mm_smp_bench_result {
	uint32_t cpus;
	uint64_t cycles_per_op;          /* mean over the CPUs */
	uint64_t ops_per_sec_per_cpu;    /* 0 when tsc_khz is unknown */
	uint64_t slowest_cycles;
};

const char *mm_smp_stress(mm_run_all_fn run_all, unsigned long ops_per_cpu, uint32_t *cpus);
int mm_smp_bench(mm_run_all_fn run_all, uint32_t cpus, bool remote, unsigned long ops,
		 struct mm_smp_bench_result *res);

/* The kernel's `selftest` (a KTAP document of its own: ok 1 -
 * mm_smp_stress_all_cpus; returns the failures) and `bench` lines
 * ("mm_bench: order-0 alloc+free on <k> CPU(s) at once, local|remote frees:
 * <c> cycles per pair, <n> pairs/s per CPU") for 1, 2 and all online CPUs. */
int mm_selftest_smp(mm_run_all_fn run_all, unsigned long ops_per_cpu);
void mm_bench_smp(mm_run_all_fn run_all, uint32_t online, unsigned long ops);

#endif /* MM_MM_H */
