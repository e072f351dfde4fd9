/*
 * smp.h (kernel) - bring-up of the application processors, IPIs, TLB
 * shootdown, and the SMP self-test and benchmark.  The cross-CPU calls
 * other modules use are in include/cpu.h.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "types.h"
#include "handoff.h"
#include "kernel/cpu.h"

#define SMP_IPI_VECTOR  0xf0   /* shootdown request, or "look at your mailbox" */

struct smp_options {
	int64_t skip_sipi;     /* test only: CPU number that gets INIT but no STARTUP; -1: none */
	bool x2apic;           /* test only: x2APIC even when xAPIC would do */
};

/*
 * Start every CPU the MADT lists (enabled or online-capable) on its own
 * node's copy: APIC set-up, INIT-SIPI-SIPI through the loader's page below
 * 1 MiB (mapped 1:1 in every copy meanwhile, then unmapped with a
 * shootdown), each CPU with its own stacks and struct cpu from its node.
 * Prints one "smp: cpu ..." line per CPU and "smp: k of K CPUs online".
 * A CPU that does not answer in time is reported by number and skipped.
 * Leaves interrupts enabled on the boot CPU.  After mm_init and vmap_init.
 */
void smp_init(const struct handoff *h, const struct smp_options *opt);

/* Interrupt vectors 32..255 (kernel/trap.c). */
void smp_interrupt(uint64_t vector);

/*
 * Invalidate [va, va + pages pages) in this CPU's TLB and every other
 * online CPU's (IPI, then wait for each acknowledgement); above
 * SMP_FLUSH_ALL_PAGES pages a full flush, global entries included.  Caller
 * holds vmap_lock (kernel/vmap.c: the ordering argument).  Panics naming a
 * CPU that does not acknowledge in time.
 */
#define SMP_FLUSH_ALL_PAGES  32
void smp_tlb_shootdown(virt_addr_t va, uint64_t pages);

/* Panic: NMI every other CPU and wait (bounded) until they stopped.
 * Returns how many did, *others how many were running. */
uint32_t smp_stop_others(uint32_t *others);

/* fault=smp-panic (test only): the highest-numbered online CPU panics
 * while the others run; its panic must stop them by NMI. */
__noreturn void smp_fault_panic(void);

/* selftest: KTAP, returns the number of failed points.  bench: cycles.
 * (kernel/smp_test.c) */
#define SMP_SELFTEST_ITERATIONS  64
int smp_selftest(unsigned long iterations);
void smp_bench(void);

/* Cycles of the last shootdown and how many CPUs it waited for (bench). */
extern uint64_t smp_last_shootdown_cycles;
extern uint32_t smp_last_shootdown_targets;

#endif /* KERNEL_SMP_H */
