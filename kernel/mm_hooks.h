/*
 * mm_hooks.h - the kernel's side of bringing up mm/ on every CPU.
 *
 *   mm_init_boot(h)      boot CPU, before SMP: mm_init_early, the work items,
 *                        each node's lowest section handed over (what SMP
 *                        bring-up allocates from), pageset sizes
 *   mm_init_parallel(h)  after smp_init: every node's other items run by that
 *                        node's CPUs at once (a CPU-less node's by the
 *                        nearest node's CPUs), then mm_init_late's report.
 *                        Prints "mm: node <n> init <pages> pages on <k> CPUs
 *                        in <us> us" and "mm: parallel init: <N> nodes on <M>
 *                        CPUs in <us> us (one CPU: <us> us, speed-up <x.x>)";
 *                        the one-CPU figure is measured in the same boot with
 *                        the test-only option mm_init_compare (the items run
 *                        on the boot CPU first, twice - the first pass warms
 *                        the memmap - each time taken back).
 */
#ifndef KERNEL_MM_HOOKS_H
#define KERNEL_MM_HOOKS_H

#include "handoff.h"

void mm_init_boot(const struct handoff *h);
void mm_init_parallel(const struct handoff *h);

#endif /* KERNEL_MM_HOOKS_H */
