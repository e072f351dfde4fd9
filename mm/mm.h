/*
 * mm.h - what the kernel calls to bring up memory management.
 *
 *   mm_init()      bootmem from the handoff -> node descriptors and memmap
 *                  in node-local memory -> zones -> buddy on every node;
 *                  prints the "Zone ranges:" ... "mm: buddy online" lines.
 *   mm_selftest()  the `selftest` command-line option: KTAP on the console.
 *   mm_bench()     the `bench` option: TSC-cycle figures on the console.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "types.h"
#include "handoff.h"

void mm_init(const struct handoff *h);

/* Returns the number of failed KTAP test points (0: all ok). */
int mm_selftest(unsigned long ops_per_node);

void mm_bench(void);

#endif /* MM_MM_H */
