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
 *   - at 16 GiB, memmap init + hand-over (the init work items) as a ratio to
 *     a memset and to a streaming-store (non-temporal) fill of as many bytes
 *     as the memmap, interleaved, thread CPU time, medians of REPS;
 *   - allocator figures, interleaved with the same patterns run by each peer
 *     allocator in its own process (test/bench/peer/peer_bench.c: glibc,
 *     jemalloc, mimalloc, tcmalloc, aligned_alloc(4096, 4 KiB << order)),
 *     medians of REPS, ns of thread CPU time per operation: order-0
 *     alloc+free through the per-CPU list, 256K order-0 blocks allocated then
 *     freed in random order, the same with orders 0-4, order-9 alloc+free;
 *   - the self-test's random stress with 1M operations per node.
 */
#include <emmintrin.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/pcp.h"
#include "test_support.h"
#include "fake_machine.h"
#include "bench_pattern.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* This thread's CPU time: on a shared machine, preemption is not cost. */
static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

#define REPS 5
#define BULK 262144

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

static struct page *must(struct page *p, unsigned order)
{
	if (!p) {
		fprintf(stderr, "mm_bench: order-%u allocation failed\n", order);
		exit(1);
	}
	return p;
}

static double bench_round_trip(unsigned order, unsigned long rounds)
{
	double t = cpu_ns();

	for (unsigned long i = 0; i < rounds; i++) {
		struct page *p = must(buddy_alloc(order, 0, ZONE_NORMAL), order);

		buddy_free(p, order);
	}
	return (cpu_ns() - t) / rounds;
}

static struct page *blocks[BULK];
static uint32_t perm[BULK];

static void bench_bulk(unsigned max_order, double *alloc_ns, double *free_ns)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	double t;

	bench_shuffle(perm, BULK, &s);
	t = cpu_ns();
	for (uint32_t i = 0; i < BULK; i++) {
		unsigned o = max_order ? (unsigned)(rnd(&s) % (max_order + 1)) : 0;

		blocks[i] = must(buddy_alloc(o, 0, ZONE_NORMAL), o);
	}
	*alloc_ns = (cpu_ns() - t) / BULK;
	t = cpu_ns();
	for (uint32_t i = 0; i < BULK; i++) {
		struct page *p = blocks[perm[i]];

		buddy_free(p, p->order);
	}
	*free_ns = (cpu_ns() - t) / BULK;
}

/* ---- the figures, one column per allocator */
enum { F_RT0, F_B0A, F_B0F, F_B4A, F_B4F, F_RT9, NR_FIG };
static const char *const fig_key[NR_FIG] = {
	"roundtrip0", "bulk0_alloc", "bulk0_free", "bulk04_alloc", "bulk04_free", "roundtrip9",
};
static const char *const fig_name[NR_FIG] = {
	"order-0 alloc+free round trip",
	"256K order-0: alloc, per block",
	"256K order-0: free in random order",
	"256K orders 0-4: alloc, per block",
	"256K orders 0-4: free in random order",
	"order-9 alloc+free round trip",
};
#define NR_PEERS 4
static const char *const peer_name[NR_PEERS] = { "glibc", "jemalloc", "mimalloc", "tcmalloc" };
static double fig[1 + NR_PEERS][NR_FIG][REPS];
static bool peer_ok[NR_PEERS];
static char peer_provider[NR_PEERS][160];

static void run_mm_patterns(int rep)
{
	bench_round_trip(0, 100000);                        /* warm */
	fig[0][F_RT0][rep] = bench_round_trip(0, 5000000);
	/* each bulk pattern twice, the second timed, as peer_bench does */
	bench_bulk(0, &fig[0][F_B0A][rep], &fig[0][F_B0F][rep]);
	bench_bulk(0, &fig[0][F_B0A][rep], &fig[0][F_B0F][rep]);
	bench_bulk(4, &fig[0][F_B4A][rep], &fig[0][F_B4F][rep]);
	bench_bulk(4, &fig[0][F_B4A][rep], &fig[0][F_B4F][rep]);
	fig[0][F_RT9][rep] = bench_round_trip(9, 20000);
}

/* Run build/bench/peer_<name> and read its "key value" lines. */
static void run_peer(const char *dir, int k, int rep)
{
	char cmd[512], line[256];
	FILE *f;
	int got = 0;

	snprintf(cmd, sizeof(cmd), "%s/peer_%s", dir, peer_name[k]);
	f = popen(cmd, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char key[32];
		double v;

		if (sscanf(line, "provider %159s", peer_provider[k]) == 1)
			continue;
		if (sscanf(line, "%31s %lf", key, &v) != 2)
			continue;
		for (int i = 0; i < NR_FIG; i++)
			if (!strcmp(key, fig_key[i])) {
				fig[1 + k][i][rep] = v;
				got++;
			}
	}
	if (pclose(f) == 0 && got == NR_FIG)
		peer_ok[k] = true;
}

static void bench_allocators(const char *dir, uint64_t tsc_khz)
{
	struct fake_machine fm;
	double med[1 + NR_PEERS][NR_FIG];

	for (int k = 0; k < NR_PEERS; k++)
		peer_ok[k] = false;
	build_machine(&fm, 16, tsc_khz);
	mm_init(fm.h);
	test_log_reset();
	for (int rep = 0; rep < REPS; rep++) {
		run_mm_patterns(rep);
		for (int k = 0; k < NR_PEERS; k++)
			run_peer(dir, k, rep);
	}
	buddy_drain_all();
	if (buddy_check(true)) {
		fprintf(stderr, "mm_bench: allocator inconsistent after the patterns: %s\n", buddy_check(true));
		exit(1);
	}
	fm_destroy(&fm);
	printf("-- allocators: ns of thread CPU time per operation, median of %d interleaved runs;\n"
	       "   mm: buddy_alloc/buddy_free on CPU 0 (per-CPU lists, orders 0-3), 16 GiB on 2 nodes;\n"
	       "   peers: aligned_alloc(4096, 4 KiB << order) + free, each in its own process\n", REPS);
	printf("%-38s %9s", "", "mm");
	for (int k = 0; k < NR_PEERS; k++)
		printf(" %9s", peer_name[k]);
	printf("\n");
	for (int i = 0; i < NR_FIG; i++) {
		printf("%-38s", fig_name[i]);
		for (int c = 0; c <= NR_PEERS; c++) {
			if (c && !peer_ok[c - 1]) {
				printf(" %9s", "n/a");
				continue;
			}
			med[c][i] = median(fig[c][i], REPS);
			printf(" %9.1f", med[c][i]);
		}
		printf("\n");
	}
	for (int k = 0; k < NR_PEERS; k++)
		printf("   %s: %s\n", peer_name[k],
		       peer_ok[k] ? peer_provider[k] : "not run (peer binary missing or failed)");
}

/* ---- memmap init + hand-over against memset and streaming stores */
static void stream_fill(void *buf, size_t bytes)
{
	__m128i z = _mm_setzero_si128();
	__m128i *p = buf, *end = (__m128i *)((char *)buf + bytes);

	for (; p < end; p += 4) {
		_mm_stream_si128(p, z);
		_mm_stream_si128(p + 1, z);
		_mm_stream_si128(p + 2, z);
		_mm_stream_si128(p + 3, z);
	}
	_mm_sfence();
}

static void bench_init_ratio(uint64_t tsc_khz)
{
	static struct mm_init_work items[4096];
	struct fake_machine fm;
	double init[REPS], set[REPS], stream[REPS];
	size_t bytes;
	void *buf;

	build_machine(&fm, 16, tsc_khz);
	mm_init(fm.h);
	bytes = mm_stats.memmap_bytes;
	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mm_bench: mmap");
		exit(1);
	}
	madvise(buf, bytes, MADV_HUGEPAGE);
	memset(buf, 1, bytes);                          /* fault it in */
	for (int r = 0; r < REPS; r++) {
		uint32_t nr;
		double t;

		/* the init work items alone (what parallel init spreads), in
		 * this thread's CPU time like the two fills */
		test_log_reset();
		mm_init_early(fm.h);
		nr = mm_init_split(items, ARRAY_SIZE(items));
		t = cpu_ns();
		for (uint32_t i = 0; i < nr; i++)
			mm_init_run(&items[i]);
		init[r] = cpu_ns() - t;
		mm_init_late(items, nr);
		t = cpu_ns();
		memset(buf, r, bytes);
		__asm__ volatile("" : : "r"(buf) : "memory");
		set[r] = cpu_ns() - t;
		t = cpu_ns();
		stream_fill(buf, bytes);
		stream[r] = cpu_ns() - t;
	}
	test_log_reset();
	printf("-- memmap init + hand-over at 16 GiB vs writing as many bytes (%.0f MiB), thread CPU time, "
	       "median of %d:\n", bytes / 1048576.0, REPS);
	{
		double i = median(init, REPS), m = median(set, REPS), s = median(stream, REPS);

		printf("init + hand-over %.1f ms, memset %.1f ms, streaming-store fill %.1f ms: "
		       "%.2fx memset, %.2fx streaming fill (goal <= 1.5x)\n",
		       i / 1e6, m / 1e6, s / 1e6, i / m, i / s);
	}
	munmap(buf, bytes);
	fm_destroy(&fm);
}

int main(int argc, char **argv)
{
	uint64_t tsc_khz = calibrate_tsc_khz();
	struct fake_machine fm;
	char self[512];
	double t;
	int failed;

	snprintf(self, sizeof(self), "%s", argc > 0 ? argv[0] : ".");
	printf("mm_bench: struct page %zu bytes, TSC %llu kHz\n", sizeof(struct page),
	       (unsigned long long)tsc_khz);
	printf("-- memmap init + hand-over (goal <= 3 ns/page; Linux ~17)\n");
	bench_init(1, tsc_khz);
	bench_init(16, tsc_khz);
	bench_init(64, tsc_khz);
	bench_init_ratio(tsc_khz);
	bench_allocators(dirname(self), tsc_khz);

	build_machine(&fm, 1, tsc_khz);
	mm_init(fm.h);
	test_log_reset();
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
