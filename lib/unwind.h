/*
 * unwind.h - the frame-pointer unwinder, shared by panic() and the
 * exception dump (kernel/stacktrace.c prints what it finds).
 *
 * The kernel keeps frame pointers (-fno-omit-frame-pointer): each frame
 * holds [saved rbp, return address] at rbp, and entry.S starts the chain
 * with rbp = 0.  Freestanding and pure: it reads memory only inside the
 * stack bounds it is given, so host tests run it over fake stacks.
 */
#ifndef LIB_UNWIND_H
#define LIB_UNWIND_H

#include "types.h"

/* Why the walk stopped. */
enum unwind_end {
	UNWIND_END_CHAIN,       /* rbp 0 or a zero return address: the whole stack was walked */
	UNWIND_END_MAX,         /* out[] is full; frames remain */
	UNWIND_END_OUTSIDE,     /* rbp misaligned or outside the stack: corrupt chain */
	UNWIND_END_DOWN,        /* the next frame is not above this one: corrupt chain */
};

/*
 * Follow the chain from rbp within the stack [lo, hi) that holds rbp,
 * storing return addresses in out[0..max).  Every frame is checked before
 * it is read: 8-byte aligned, [rbp, rbp + 16) inside [lo, hi), and each
 * next frame strictly above the last, so a corrupt chain ends the walk
 * (within (hi - lo) / 16 steps) instead of faulting or looping.  *bad_rbp
 * (may be NULL) gets the offending value for the two corrupt ends.
 * Returns the number of addresses stored.
 */
unsigned unwind_frames(uint64_t rbp, uint64_t lo, uint64_t hi, uint64_t *out, unsigned max,
		       enum unwind_end *end, uint64_t *bad_rbp);

#endif /* LIB_UNWIND_H */
