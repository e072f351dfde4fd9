/*
 * bench.c - mm_bench(): the `bench` command-line option.  Prints, in TSC
 * cycles (and ns when the loader measured the TSC), what test/bench prints
 * on the host in ns: memmap init + hand-over per page of this boot, and
 * order-0 / order-9 alloc+free round trips; then a 1M-operation-per-node
 * stress through the self-test's checker.
 */
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "mm/buddy.h"

#define BENCH_ROUNDS 100000

/* cycles*100/n as "x.yy" */
static void bench_print_ratio(const char *what, uint64_t cycles, uint64_t n)
{
	uint64_t c100 = n ? cycles * 100 / n : 0;

	if (mm_stats.tsc_khz) {
		uint64_t ns100 = n ? cycles * 100000000ULL / mm_stats.tsc_khz / n : 0;

		printk(KERN_INFO "mm_bench: %s: %llu.%02llu cycles (%llu.%02llu ns)\n", what,
		       (unsigned long long)(c100 / 100), (unsigned long long)(c100 % 100),
		       (unsigned long long)(ns100 / 100), (unsigned long long)(ns100 % 100));
	} else {
		printk(KERN_INFO "mm_bench: %s: %llu.%02llu cycles\n", what,
		       (unsigned long long)(c100 / 100), (unsigned long long)(c100 % 100));
	}
}

/* Cycles per alloc+free round trip of one order on the default node;
 * 0 if the allocation fails. */
static uint64_t bench_round_trip(unsigned int order, unsigned long rounds)
{
	uint64_t t0 = mm_rdtsc();

	for (unsigned long i = 0; i < rounds; i++) {
		struct page *p = buddy_alloc(order, NUMA_NO_NODE, ZONE_NORMAL);

		if (!p)
			return 0;
		buddy_free(p, order);
	}
	return mm_rdtsc() - t0;
}

/* One order's round-trip figure, or that there is none (not "0.00"). */
static void bench_print_round_trip(unsigned int order)
{
	uint64_t c = bench_round_trip(order, BENCH_ROUNDS);
	char what[48];

	if (!c) {
		printk(KERN_INFO "mm_bench: order-%u alloc+free round trip: allocation failed\n",
		       order);
		return;
	}
	ksnprintf(what, sizeof(what), "order-%u alloc+free round trip", order);
	bench_print_ratio(what, c, BENCH_ROUNDS);
}

void mm_bench(void)
{
	uint64_t c;

	if (mm_nr_nodes == 0) {
		printk(KERN_INFO "mm_bench: mm_init has not run\n");
		return;
	}
	printk(KERN_INFO "mm_bench: %llu pages present, %llu descriptors initialised, "
	       "struct page %zu bytes, tsc %llu kHz\n",
	       (unsigned long long)mm_stats.pages_present, (unsigned long long)mm_stats.descriptors,
	       sizeof(struct page), (unsigned long long)mm_stats.tsc_khz);
	bench_print_ratio("memmap init per page", mm_stats.cycles_memmap, mm_stats.pages_present);
	bench_print_ratio("hand-over per page", mm_stats.cycles_handover, mm_stats.pages_present);
	bench_print_ratio("memmap init + hand-over per page",
			  mm_stats.cycles_memmap + mm_stats.cycles_handover, mm_stats.pages_present);
	bench_print_round_trip(0);
	bench_print_round_trip(9);
	c = mm_rdtsc();
	if (mm_selftest(1000000) == 0)
		printk(KERN_INFO "mm_bench: stress of 1000000 ops per node passed\n");
	else
		printk(KERN_INFO "mm_bench: stress of 1000000 ops per node FAILED\n");
	bench_print_ratio("self-test with 1M ops per node, per op", mm_rdtsc() - c,
			  1000000ULL * (mm_stats.nodes_with_memory ? mm_stats.nodes_with_memory : 1));
}
