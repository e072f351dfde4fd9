/*
 * peer_bench.c - the allocation patterns of test/bench/mm_bench.c run
 * against a user-space allocator, for side-by-side figures.  `make bench`
 * builds this file once per allocator (build/bench/peer_<name>: glibc alone,
 * or linked with -ljemalloc, -lmimalloc, -ltcmalloc_minimal, which replace
 * malloc and aligned_alloc for the whole process), and mm_bench runs each
 * binary between its own repetitions.  One process per allocator: two
 * replacement mallocs cannot share a process honestly.
 *
 * Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), as in mm_bench.
 * Every block is aligned_alloc(4096, 4 KiB << order), as the page allocator
 * hands out naturally aligned blocks.  Prints "key value" lines (ns per
 * operation) and which shared object provides aligned_alloc, so a link that
 * did not take effect shows.
 *
 *   roundtrip0   aligned_alloc(4096, 4 KiB) + free, one after the other
 *   roundtrip9   the same with 2 MiB
 *   bulk0_alloc  256K blocks of 4 KiB allocated, per allocation (the second
 *                of two runs: the first maps the memory the allocator keeps)
 *   bulk0_free   then freed in a random order (fixed seed), per free
 *   bulk04_*     the same with orders drawn uniformly from 0..4
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../bench_pattern.h"

#define BULK 262144

static double now_ns(void)
{
	struct timespec ts;

	/* CPU time of this thread: the machine is shared, and time spent
	 * preempted is nobody's allocator cost.  Page faults count (sys). */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "peer_bench: aligned_alloc failed\n");
		exit(1);
	}
	return p;
}

static double roundtrip(size_t size, unsigned long rounds)
{
	double t = now_ns();

	for (unsigned long i = 0; i < rounds; i++) {
		void *volatile p = must(aligned_alloc(4096, size));

		free(p);
	}
	return (now_ns() - t) / rounds;
}

static void *blocks[BULK];
static uint32_t perm[BULK];

static void bulk(unsigned max_order, double *alloc_ns, double *free_ns)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	double t;

	bench_shuffle(perm, BULK, &s);
	t = now_ns();
	for (uint32_t i = 0; i < BULK; i++) {
		unsigned o = max_order ? (unsigned)(rnd(&s) % (max_order + 1)) : 0;

		blocks[i] = must(aligned_alloc(4096, (size_t)4096 << o));
	}
	*alloc_ns = (now_ns() - t) / BULK;
	t = now_ns();
	for (uint32_t i = 0; i < BULK; i++)
		free(blocks[perm[i]]);
	*free_ns = (now_ns() - t) / BULK;
}

int main(void)
{
	Dl_info info;
	void *fn = dlsym(RTLD_DEFAULT, "aligned_alloc");
	double a, f;

	printf("provider %s\n", fn && dladdr(fn, &info) && info.dli_fname ? info.dli_fname : "?");
	roundtrip(4096, 100000);                        /* warm up */
	printf("roundtrip0 %.2f\n", roundtrip(4096, 5000000));
	bulk(0, &a, &f);                                /* warm: memory mapped once */
	bulk(0, &a, &f);
	printf("bulk0_alloc %.2f\nbulk0_free %.2f\n", a, f);
	bulk(4, &a, &f);
	bulk(4, &a, &f);
	printf("bulk04_alloc %.2f\nbulk04_free %.2f\n", a, f);
	printf("roundtrip9 %.2f\n", roundtrip(2 << 20, 20000));
	return 0;
}
