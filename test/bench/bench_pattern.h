/*
 * bench_pattern.h - the random pattern mm_bench and the peer allocators'
 * benchmark (peer/peer_bench.c) both replay, so that every allocator sees
 * the same orders and frees its blocks in the same order.
 */
#ifndef TEST_BENCH_PATTERN_H
#define TEST_BENCH_PATTERN_H

#include <stdint.h>

/* xorshift64*: cheap, and the same sequence in every binary. */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* perm := a random permutation of 0..n-1 (Fisher-Yates), the free order. */
static inline void bench_shuffle(uint32_t *perm, uint32_t n, uint64_t *s)
{
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd(s) % (i + 1)), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
}

#endif /* TEST_BENCH_PATTERN_H */
