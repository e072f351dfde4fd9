/*
 * cpu.h - what code outside kernel/ may ask about CPUs, and how it runs a
 * function on another CPU.  Implemented by kernel/smp.c; host builds that
 * need it link a stand-in (one CPU, calls run inline).
 *
 * CPU numbers are dense: 0 is the boot CPU, the others follow in APIC-id
 * order of the MADT's usable entries (enabled or online-capable).
 */
#ifndef CPU_H
#define CPU_H

#include "types.h"

typedef void (*smp_fn)(void *arg);

/* The running CPU's number. */
uint32_t smp_processor_id(void);

/* CPUs the MADT lists (started or not), and how many are online now. */
uint32_t smp_nr_cpus(void);
uint32_t smp_online(void);
bool smp_cpu_online(uint32_t cpu);

/* Node of CPU cpu (its SRAT node; NUMA_NO_NODE past smp_nr_cpus). */
uint32_t smp_cpu_node(uint32_t cpu);

/*
 * Run fn(arg) on CPU cpu and wait until it returned (inline when cpu is the
 * caller).  The target runs it from its idle loop with interrupts enabled,
 * so fn may take locks and change kernel mappings.  The caller must have
 * interrupts enabled (it may be asked for a TLB shootdown while it waits).
 * Returns 0, or -1 if cpu is not online.
 */
int smp_call_on(uint32_t cpu, smp_fn fn, void *arg);

/* Run fn(arg) on every online CPU of node nid (on all online CPUs with
 * nid == NUMA_NO_NODE), in parallel, the caller's own CPU included when it
 * belongs; wait for all.  Returns how many CPUs ran it. */
uint32_t smp_call_on_node(uint32_t nid, smp_fn fn, void *arg);

#endif /* CPU_H */
