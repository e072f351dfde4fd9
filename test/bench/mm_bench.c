/*
 * mm_bench.c - `make bench`: host figures for the mm code, the same sources
 * the kernel runs, built with -O2 and no sanitizers.
 *
 *   - memmap init + hand-over, ns per 4 KiB page of RAM, for 1, 16 and 64 GiB
 *     of synthetic RAM on two nodes (1 GiB: no hole; larger: RAM below 2 GiB
 *     and from 4 GiB up, as on a PC).  "Physical memory" is a MAP_NORESERVE
 *     mapping: the allocator keeps its free-list links in the descriptors and
 *     never touches the pages it manages, so only the metadata (32 bytes a
 *     page: 512 MiB for 64 GiB) is ever backed.  mm_init runs twice per size
 *     and the second run is timed: the first one takes the host's page
 *     faults on the metadata, which a kernel's direct map does not have.
 *   - order-0 and order-9 alloc+free round trips, ns, beside glibc's
 *     aligned_alloc(4096, 4 KiB / 2 MiB) + free in the same run;
 *   - the self-test's random stress with 1M operations per node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "test_support.h"
#include "fake_machine.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t calibrate_tsc_khz(void)
{
	double t0 = now_ns();
	uint64_t c0 = mm_rdtsc();

	while (now_ns() - t0 < 200e6)
		;
	return (uint64_t)((mm_rdtsc() - c0) / ((now_ns() - t0) / 1e6));
}

/* Two nodes, total_gib of RAM; above 2 GiB the rest starts at 4 GiB. */
static void build_machine(struct fake_machine *fm, uint64_t total_gib, uint64_t tsc_khz)
{
	uint64_t total = total_gib << 30, low = MIN(total, 2ULL << 30);
	uint64_t half = total / 2;

	fm_init(fm, 2);
	fm->h->tsc_khz = tsc_khz;
	if (low >= half + SZ_1M) {
		fm_ram(fm, SZ_1M, half, 0);
		fm_ram(fm, half, low, 1);
		if (total > low)
			fm_ram(fm, 4ULL << 30, (4ULL << 30) + total - low, 1);
	} else {
		uint64_t split = (4ULL << 30) + (half - low);

		fm_ram(fm, SZ_1M, low, 0);
		fm_ram(fm, 4ULL << 30, split, 0);
		fm_ram(fm, split, (4ULL << 30) + total - low, 1);
	}
	fm_entry(fm, 0x1000000, 0x1400000, PHYSMAP_LOADER, OWNER_KERNEL);
	if (fm_finish(fm)) {
		fprintf(stderr, "mm_bench: cannot map %llu GiB of fake physical space\n",
			(unsigned long long)total_gib);
		exit(1);
	}
}

#define INIT_RUNS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and best of INIT_RUNS timed runs after one warm-up run. */
static void bench_init(uint64_t gib, uint64_t tsc_khz)
{
	struct fake_machine fm;
	double per_page[INIT_RUNS], memmap[INIT_RUNS], handover[INIT_RUNS], wall[INIT_RUNS];

	build_machine(&fm, gib, tsc_khz);
	mm_init(fm.h);                          /* warm: fault the metadata in */
	for (int r = 0; r < INIT_RUNS; r++) {
		double t = now_ns();

		test_log_reset();
		mm_init(fm.h);
		wall[r] = (now_ns() - t) / 1e6;
		memmap[r] = mm_stats.cycles_memmap * 1e6 / tsc_khz / mm_stats.pages_present;
		handover[r] = mm_stats.cycles_handover * 1e6 / tsc_khz / mm_stats.pages_present;
		per_page[r] = memmap[r] + handover[r];
	}
	test_log_reset();
	qsort(per_page, INIT_RUNS, sizeof(double), cmp_double);
	qsort(memmap, INIT_RUNS, sizeof(double), cmp_double);
	qsort(handover, INIT_RUNS, sizeof(double), cmp_double);
	qsort(wall, INIT_RUNS, sizeof(double), cmp_double);
	printf("%4llu GiB  %9llu pages  memmap %6.1f MiB  init+hand-over median %.2f ns/page "
	       "(best %.2f; init %.2f + hand-over %.3f)  whole mm_init %.1f ms\n",
	       (unsigned long long)gib, (unsigned long long)mm_stats.pages_present,
	       mm_stats.memmap_bytes / 1048576.0, per_page[INIT_RUNS / 2], per_page[0],
	       memmap[INIT_RUNS / 2], handover[INIT_RUNS / 2], wall[INIT_RUNS / 2]);
	fm_destroy(&fm);
}

static double bench_buddy(unsigned order, unsigned long rounds)
{
	double t = now_ns();

	for (unsigned long i = 0; i < rounds; i++) {
		struct page *p = buddy_alloc(order, 0, ZONE_NORMAL);

		if (!p) {
			fprintf(stderr, "mm_bench: order-%u allocation failed\n", order);
			exit(1);
		}
		buddy_free(p, order);
	}
	return (now_ns() - t) / rounds;
}

static double bench_glibc(size_t size, unsigned long rounds)
{
	double t = now_ns();

	for (unsigned long i = 0; i < rounds; i++) {
		void *volatile p = aligned_alloc(4096, size);

		if (!p) {
			fprintf(stderr, "mm_bench: aligned_alloc failed\n");
			exit(1);
		}
		free(p);
	}
	return (now_ns() - t) / rounds;
}

int main(void)
{
	uint64_t tsc_khz = calibrate_tsc_khz();
	struct fake_machine fm;
	double t;
	int failed;

	printf("mm_bench: struct page %zu bytes, TSC %llu kHz\n", sizeof(struct page),
	       (unsigned long long)tsc_khz);
	printf("-- memmap init + hand-over (goal <= 3 ns/page; Linux ~17)\n");
	bench_init(1, tsc_khz);
	bench_init(16, tsc_khz);
	bench_init(64, tsc_khz);

	build_machine(&fm, 1, tsc_khz);
	mm_init(fm.h);
	test_log_reset();
	/* warm both allocators up once */
	bench_buddy(0, 1000);
	bench_glibc(4096, 1000);
	printf("-- alloc+free round trip (goal <= 50 ns order-0; Linux ~66)\n");
	printf("order-0: buddy %6.1f ns   glibc aligned_alloc(4096, 4 KiB)+free %6.1f ns\n",
	       bench_buddy(0, 10000000), bench_glibc(4096, 10000000));
	printf("order-9: buddy %6.1f ns   glibc aligned_alloc(4096, 2 MiB)+free %6.1f ns\n",
	       bench_buddy(9, 1000000), bench_glibc(2 << 20, 1000000));

	printf("-- self-test stress, 1M ops per node, 2 nodes, 1 GiB\n");
	t = now_ns();
	failed = mm_selftest(1000000);
	t = now_ns() - t;
	printf("mm_selftest(1000000): %s, %.1f ms (%.1f ns per op incl. checks)\n",
	       failed ? "FAILED" : "all ok", t / 1e6, t / 2e6);
	if (failed)
		fputs(test_log(), stdout);
	fm_destroy(&fm);
	return failed ? 1 : 0;
}
