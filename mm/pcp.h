/*
 * pcp.h - per-CPU page lists ("pagesets", Linux's per_cpu_pages) in front
 * of each zone's buddy, the CPU hook, and their sizing.
 *
 * A CPU has a pageset in each populated zone of its home node (its own node,
 * or the nearest node with memory when its own has none).  Blocks of order
 * 0..PCP_MAX_ORDER (Linux 5.14+ also keeps small orders there) that the CPU
 * frees into its home node go on its list for that order, hot end first;
 * it allocates from the hot end, refills `batch` blocks at a time from the
 * zone under the zone lock, and gives `batch` pages back from the cold end
 * once `count` reaches `high`.  Blocks of other nodes bypass the lists: a
 * page freed on a CPU of another node goes straight back to its own node's
 * buddy, and an allocation that falls back to another node takes from that
 * node's buddy; so no node's memory is stranded on a list of a CPU that
 * never allocates there.
 *
 * Locks (also in mm/README.md):
 *   pcp->lock  one pageset's lists and count.  Its CPU takes it on every
 *              operation (uncontended); any CPU may take it to drain it.
 *   zone->lock the zone's free_area[], free_pages and managed_pages.
 * Order: pcp->lock, then zone->lock of the same zone.  Several pcp locks of
 * one zone are taken in ascending slot order (the checker).  Never two zone
 * locks at once, never a pcp lock while holding a zone lock.
 */
#ifndef MM_PCP_H
#define MM_PCP_H

#include "types.h"
#include "numa.h"
#include "spinlock.h"

struct page;
struct zone;

#define PCP_MAX_ORDER   3               /* Linux's PAGE_ALLOC_COSTLY_ORDER */
#define PCP_NR_LISTS    (PCP_MAX_ORDER + 1)

/* One order's list: head is the hot end (last freed), tail the cold end. */
struct pcp_list {
	struct page *head;
	struct page *tail;
};

struct per_cpu_pages {
	spinlock_t lock;
	int32_t count;                  /* pages on the lists (an order-n block counts 2^n) */
	int32_t high;                   /* give back when count reaches this */
	int32_t batch;                  /* pages moved per refill or give-back */
	uint32_t cpu;                   /* owner, for the report */
	uint32_t pad[3];
	struct pcp_list lists[PCP_NR_LISTS];
} __attribute__((aligned(64)));         /* one CPU's pageset never shares a line */
_Static_assert(sizeof(struct per_cpu_pages) == 128, "per_cpu_pages is two cache lines");

/*
 * The CPU the caller runs on, as an index into the handoff's numa.cpus[]
 * (0..mm_nr_cpus-1).  The mm does not know how to find it: the kernel
 * implements this (the boot CPU until SMP is up, then per-CPU data through
 * GS), host test support returns what the calling thread was told to be.
 * An index >= mm_nr_cpus is allowed and means "no pageset": every
 * operation then goes to the buddy under the zone lock.
 */
unsigned int mm_this_cpu(void);

/* CPU table, filled by mm_init from the handoff (one CPU on the boot node
 * when the handoff lists none). */
extern uint32_t mm_nr_cpus;
extern uint32_t mm_boot_cpu;                      /* NUMA_CPU_BOOT's index, else 0 */
extern uint16_t mm_cpu_node[NUMA_MAX_CPUS];       /* the CPU's node */
extern uint16_t mm_cpu_home[NUMA_MAX_CPUS];       /* node with memory its pagesets are in */
extern uint16_t mm_cpu_slot[NUMA_MAX_CPUS];       /* its index in zone->pcp[] of its home */

/*
 * Sizing as Linux 6.1 does it (mm/page_alloc.c), from a zone's managed pages:
 *   batch = min(managed / 1024, 256 pages = 1 MiB) / 4, at least 1, rounded
 *           to 2^n - 1 below 1.5x (2^n strides alias in caches), at least 1;
 *   high  = the zone's low watermark split over the CPUs whose home it is,
 *           at least 4 * batch.
 * Watermarks: min_free_kbytes = sqrt(16 * lowmem KiB) clamped to
 * [128, 262144]; a zone's min is its managed share of that; low and high add
 * max(min / 4, managed * 10 / 10000) once and twice (watermark_scale_factor 10).
 */
int32_t pcp_batchsize(uint64_t managed_pages);
int32_t pcp_highsize(uint64_t low_wmark, int32_t batch, uint32_t nr_cpus);
uint64_t pcp_min_free_kbytes(uint64_t lowmem_pages);

/* mm_init's steps: the CPU table (after zonelists), pagesets (before the
 * hand-over; from bootmem, node-local), then watermarks, high and batch
 * (after it, when managed pages are known). */
void pcp_setup_cpus(const struct numa_topology *t, uint32_t boot_nid);
void pcp_alloc_pagesets(void);
void pcp_setup_sizes(void);

/* /proc/zoneinfo lines for every populated zone: pages free, min, low,
 * high, spanned, present, managed, then "  pagesets" and per CPU
 * "    cpu: c" / "              count: n" / "high:  h" / "batch: b". */
void pcp_print_zoneinfo(void);

#endif /* MM_PCP_H */
