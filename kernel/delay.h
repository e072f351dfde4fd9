/*
 * delay.h - TSC-based waits.  Every wait in the kernel that depends on
 * another CPU or a device has a deadline from here; the rate is the one the
 * loader measured with Stall() (handoff tsc_khz), or an assumed 3 GHz when
 * it is unknown, which makes a deadline too long rather than too short on
 * anything slower.
 */
#ifndef KERNEL_DELAY_H
#define KERNEL_DELAY_H

#include "types.h"
#include "x86.h"

#define DELAY_TSC_KHZ_UNKNOWN  3000000ULL

extern uint64_t delay_tsc_khz;          /* set by kmain from the handoff */

/* The TSC value us microseconds from now. */
static inline uint64_t tsc_deadline_us(uint64_t us)
{
	return rdtsc() + us * delay_tsc_khz / 1000;
}

static inline bool tsc_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

static inline void udelay(uint64_t us)
{
	uint64_t end = tsc_deadline_us(us);

	while (!tsc_passed(end))
		cpu_relax();
}

static inline uint64_t delay_cycles_to_us(uint64_t cycles)
{
	return cycles * 1000 / delay_tsc_khz;
}

#endif /* KERNEL_DELAY_H */
