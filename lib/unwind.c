/*
 * unwind.c - the frame-pointer walk (contract in unwind.h).
 */
#include "lib/unwind.h"

unsigned unwind_frames(uint64_t rbp, uint64_t lo, uint64_t hi, uint64_t *out, unsigned max,
		       enum unwind_end *end, uint64_t *bad_rbp)
{
	unsigned n = 0;

	if (bad_rbp)
		*bad_rbp = 0;
	for (;;) {
		const uint64_t *frame;
		uint64_t next, ret;

		if (rbp == 0) {
			*end = UNWIND_END_CHAIN;
			return n;
		}
		if ((rbp & 7) || rbp < lo || hi < 16 || rbp > hi - 16) {
			*end = UNWIND_END_OUTSIDE;
			if (bad_rbp)
				*bad_rbp = rbp;
			return n;
		}
		frame = (const uint64_t *)(uintptr_t)rbp;
		next = frame[0];
		ret = frame[1];
		if (ret == 0) {
			*end = UNWIND_END_CHAIN;
			return n;
		}
		if (n == max) {
			*end = UNWIND_END_MAX;
			return n;
		}
		out[n++] = ret;
		if (next != 0 && next <= rbp) {
			*end = UNWIND_END_DOWN;
			if (bad_rbp)
				*bad_rbp = next;
			return n;
		}
		rbp = next;
	}
}
