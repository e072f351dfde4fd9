/*
 * unwind_test.c - host tests of lib/unwind.c over fake stacks: a whole
 * chain to rbp 0, and each corruption a real crash can leave (misaligned,
 * outside the stack, straddling its top, pointing down, a loop), each of
 * which must end the walk with its reason instead of faulting or looping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/unwind.h"

#define WORDS 512
static uint64_t stack[WORDS];
static uint64_t lo, hi;

/* A frame at word w: [saved rbp, return address]. */
static uint64_t frame(unsigned w, uint64_t next, uint64_t ret)
{
	stack[w] = next;
	stack[w + 1] = ret;
	return (uint64_t)(uintptr_t)&stack[w];
}

static int setup(void **state)
{
	memset(stack, 0, sizeof(stack));
	lo = (uint64_t)(uintptr_t)stack;
	hi = lo + sizeof(stack);
	return 0;
}

static void test_unwind_whole_chain(void **state)
{
	uint64_t out[8], bad = 1;
	enum unwind_end end;
	uint64_t f3 = frame(500, 0, 0x3333);            /* outermost: _start's caller frame */
	uint64_t f2 = frame(300, f3, 0x2222);
	uint64_t f1 = frame(10, f2, 0x1111);

	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, &bad), 3);
	assert_int_equal(end, UNWIND_END_CHAIN);
	assert_int_equal(out[0], 0x1111);
	assert_int_equal(out[1], 0x2222);
	assert_int_equal(out[2], 0x3333);
	assert_int_equal(bad, 0);
	assert_int_equal(unwind_frames(0, lo, hi, out, 8, &end, NULL), 0);
	assert_int_equal(end, UNWIND_END_CHAIN);
}

static void test_unwind_zero_return_ends(void **state)
{
	uint64_t out[8];
	enum unwind_end end;
	uint64_t f2 = frame(40, 0xdead0000, 0);
	uint64_t f1 = frame(20, f2, 0x1111);

	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, NULL), 1);
	assert_int_equal(end, UNWIND_END_CHAIN);
}

static void test_unwind_cut_at_max(void **state)
{
	uint64_t out[2];
	enum unwind_end end;
	uint64_t f3 = frame(60, 0, 3), f2 = frame(40, f3, 2), f1 = frame(20, f2, 1);

	assert_int_equal(unwind_frames(f1, lo, hi, out, 2, &end, NULL), 2);
	assert_int_equal(end, UNWIND_END_MAX);
	assert_int_equal(unwind_frames(f1, lo, hi, out, 0, &end, NULL), 0);
	assert_int_equal(end, UNWIND_END_MAX);
}

static void test_unwind_corrupt_chains_end(void **state)
{
	uint64_t out[8], bad;
	enum unwind_end end;
	uint64_t f1;

	/* Next frame outside the stack. */
	f1 = frame(20, 0x1000, 0x1111);
	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, &bad), 1);
	assert_int_equal(end, UNWIND_END_DOWN);              /* below: caught as going down */
	f1 = frame(20, hi + 0x100, 0x1111);
	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, &bad), 1);
	assert_int_equal(end, UNWIND_END_OUTSIDE);
	assert_int_equal(bad, hi + 0x100);
	/* Misaligned. */
	f1 = frame(20, lo + 8 * 30 + 4, 0x1111);
	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, &bad), 1);
	assert_int_equal(end, UNWIND_END_OUTSIDE);
	/* A frame whose return address would lie past the top. */
	assert_int_equal(unwind_frames(hi - 8, lo, hi, out, 8, &end, &bad), 0);
	assert_int_equal(end, UNWIND_END_OUTSIDE);
	assert_int_equal(bad, hi - 8);
	/* A loop (next == this) and a chain going down. */
	f1 = (uint64_t)(uintptr_t)&stack[20];
	frame(20, f1, 0x1111);
	assert_int_equal(unwind_frames(f1, lo, hi, out, 8, &end, &bad), 1);
	assert_int_equal(end, UNWIND_END_DOWN);
	assert_int_equal(bad, f1);
	frame(40, (uint64_t)(uintptr_t)&stack[30], 0x2222);
	assert_int_equal(unwind_frames((uint64_t)(uintptr_t)&stack[40], lo, hi, out, 8, &end, &bad), 1);
	assert_int_equal(end, UNWIND_END_DOWN);
	/* The start itself outside. */
	assert_int_equal(unwind_frames(lo - 16, lo, hi, out, 8, &end, &bad), 0);
	assert_int_equal(end, UNWIND_END_OUTSIDE);
	/* Degenerate bounds. */
	assert_int_equal(unwind_frames(8, 0, 8, out, 8, &end, &bad), 0);
	assert_int_equal(end, UNWIND_END_OUTSIDE);
}

/* Random words: whatever the stack holds, the walk ends, within the
 * stack's frame count, and never reads outside it (ASan would say). */
static void test_unwind_random_stacks_terminate(void **state)
{
	uint64_t out[WORDS];
	enum unwind_end end;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int round = 0; round < 2000; round++) {
		for (unsigned w = 0; w < WORDS; w++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly plausible in-stack pointers, some junk. */
			stack[w] = (x & 3) ? lo + ((x >> 8) % sizeof(stack)) : x;
		}
		unsigned n = unwind_frames(lo + 8 * (x % WORDS), lo, hi, out, WORDS, &end, NULL);

		assert_true(n <= WORDS / 2);
		assert_true(end != UNWIND_END_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unwind_whole_chain, setup),
		cmocka_unit_test_setup(test_unwind_zero_return_ends, setup),
		cmocka_unit_test_setup(test_unwind_cut_at_max, setup),
		cmocka_unit_test_setup(test_unwind_corrupt_chains_end, setup),
		cmocka_unit_test_setup(test_unwind_random_stacks_terminate, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
