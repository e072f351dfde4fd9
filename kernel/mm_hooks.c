/*
 * mm_hooks.c - what mm/ asks of the kernel without knowing how the kernel
 * does it.
 *
 * mm_this_cpu() (mm/pcp.h): the running CPU's index in the handoff's
 * numa.cpus[], read from its struct cpu through GS (kernel/cpu.h).  The boot
 * CPU's index is mm's own mm_boot_cpu until smp_init records it.
 */
#include "types.h"
#include "x86.h"
#include "printk.h"
#include "cpu.h"
#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/pcp.h"
#include "kernel/cpu.h"
#include "kernel/mm_hooks.h"

unsigned int mm_this_cpu(void)
{
	uint32_t i = this_cpu()->numa_idx;

	return i == CPU_NUMA_IDX_NONE ? mm_boot_cpu : i;
}

/* ---- parallel init: each node's descriptors by that node's own CPUs */

static struct mm_init_work pinit_items[4096];
static uint32_t pinit_nr;

/* Deferred items grouped by node: pinit_order[pinit_first[n] ..
 * pinit_first[n] + pinit_count[n]) index pinit_items. */
static uint16_t pinit_order[ARRAY_SIZE(pinit_items)];
static uint32_t pinit_first[NUMA_MAX_NODES], pinit_count[NUMA_MAX_NODES];
static uint32_t pinit_taken[NUMA_MAX_NODES];          /* next item to take */
static uint32_t pinit_cpus[NUMA_MAX_NODES];           /* CPUs that worked on it */
static uint64_t pinit_done[NUMA_MAX_NODES];           /* TSC when its last item ended */
static uint16_t pinit_server[NUMA_MAX_NODES];         /* node whose CPUs do it */
static uint64_t pinit_t0;

static void pinit_node_done(uint32_t n, uint64_t t)
{
	uint64_t old = __atomic_load_n(&pinit_done[n], __ATOMIC_RELAXED);

	while (old < t && !__atomic_compare_exchange_n(&pinit_done[n], &old, t, false,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void pinit_worker(void *arg)
{
	uint32_t me = smp_cpu_node(smp_processor_id());
	uint32_t nr_nodes = *(const uint32_t *)arg;

	for (uint32_t n = 0; n < nr_nodes; n++) {
		bool counted = false;
		uint32_t i;

		if (pinit_server[n] != me)
			continue;
		while ((i = __atomic_fetch_add(&pinit_taken[n], 1, __ATOMIC_RELAXED)) < pinit_count[n]) {
			if (!counted) {
				__atomic_fetch_add(&pinit_cpus[n], 1, __ATOMIC_RELAXED);
				counted = true;
			}
			mm_init_run(&pinit_items[pinit_order[pinit_first[n] + i]]);
			pinit_node_done(n, rdtsc());
		}
	}
}

void mm_init_boot(const struct handoff *h)
{
	mm_init_early(h);
	pinit_nr = mm_init_split(pinit_items, ARRAY_SIZE(pinit_items));
	for (uint32_t i = 0; i < pinit_nr; i++)
		if (pinit_items[i].early)
			mm_init_run(&pinit_items[i]);
	/* The allocator works from here, on each node's lowest section. */
	pcp_setup_sizes();
}

static uint64_t pinit_us(const struct handoff *h, uint64_t cycles)
{
	return h->tsc_khz ? cycles * 1000 / h->tsc_khz : 0;
}

/* The deferred items on the boot CPU, then taken back out of the buddy so
 * the parallel pass starts from the same state.  Returns the TSC cycles. */
static uint64_t pinit_one_cpu_pass(void)
{
	uint64_t t0 = rdtsc(), t;

	for (uint32_t i = 0; i < pinit_nr; i++)
		if (!pinit_items[i].early)
			mm_init_run(&pinit_items[i]);
	t = rdtsc() - t0;
	for (uint32_t i = 0; i < pinit_nr; i++)
		if (!pinit_items[i].early &&
		    buddy_take_back_range(pinit_items[i].start_pfn, pinit_items[i].end_pfn) == UINT64_MAX)
			panic("mm: parallel init: pfns 0x%llx-0x%llx changed while timing the one-CPU pass",
			      (unsigned long long)pinit_items[i].start_pfn,
			      (unsigned long long)pinit_items[i].end_pfn - 1);
	return t;
}

/* Twice, the second timed: the first touch of the memmap costs what the
 * parallel pass (which comes after) no longer pays - host page faults on
 * guest RAM under QEMU, cold TLBs - and would flatter the speed-up. */
static uint64_t pinit_one_cpu(void)
{
	pinit_one_cpu_pass();
	return pinit_one_cpu_pass();
}

void mm_init_parallel(const struct handoff *h)
{
	uint32_t nr_nodes = mm_nr_nodes, k = 0, ran, busy_nodes = 0;
	bool has_cpus[NUMA_MAX_NODES] = { false };
	uint64_t one = 0, total;

	if (mm_options.init_compare)
		one = pinit_one_cpu();
	for (uint32_t c = 0; c < smp_nr_cpus(); c++)
		if (smp_cpu_online(c) && smp_cpu_node(c) < nr_nodes)
			has_cpus[smp_cpu_node(c)] = true;
	/* A CPU-less node is done by the nearest node with CPUs (lower id on a tie). */
	for (uint32_t n = 0; n < nr_nodes; n++) {
		uint32_t best = n;

		if (!has_cpus[n]) {
			best = NUMA_NO_NODE;
			for (uint32_t m = 0; m < nr_nodes; m++)
				if (has_cpus[m] && (best == NUMA_NO_NODE ||
				    h->numa.distance[n][m] < h->numa.distance[n][best]))
					best = m;
		}
		pinit_server[n] = (uint16_t)(best == NUMA_NO_NODE ? smp_cpu_node(0) : best);
		pinit_first[n] = k;
		pinit_count[n] = 0;
		pinit_taken[n] = 0;
		pinit_cpus[n] = 0;
		pinit_done[n] = 0;
		for (uint32_t i = 0; i < pinit_nr; i++)
			if (!pinit_items[i].early && pinit_items[i].node == n)
				pinit_order[k++] = (uint16_t)i, pinit_count[n]++;
		busy_nodes += pinit_count[n] != 0;
	}
	pinit_t0 = rdtsc();
	ran = smp_call_on_node(NUMA_NO_NODE, pinit_worker, &nr_nodes);
	total = rdtsc() - pinit_t0;
	for (uint32_t n = 0; n < nr_nodes; n++) {
		uint64_t pages = 0;

		for (uint32_t i = 0; i < pinit_count[n]; i++) {
			const struct mm_init_work *w = &pinit_items[pinit_order[pinit_first[n] + i]];

			pages += w->end_pfn - w->start_pfn;
		}
		if (pinit_count[n])
			printk(KERN_INFO "mm: node %u init %llu pages on %u CPUs in %llu us\n", n,
			       (unsigned long long)pages, pinit_cpus[n],
			       (unsigned long long)pinit_us(h, pinit_done[n] - pinit_t0));
	}
	if (one)
		printk(KERN_INFO "mm: parallel init: %u nodes on %u CPUs in %llu us (one CPU: %llu us, "
		       "speed-up %llu.%llu)\n", busy_nodes, ran, (unsigned long long)pinit_us(h, total),
		       (unsigned long long)pinit_us(h, one), (unsigned long long)(one / total),
		       (unsigned long long)(one * 10 / total % 10));
	else
		printk(KERN_INFO "mm: parallel init: %u nodes on %u CPUs in %llu us (one CPU: not "
		       "measured, mm_init_compare measures it)\n", busy_nodes, ran,
		       (unsigned long long)pinit_us(h, total));
	mm_init_late(pinit_items, pinit_nr);
}
