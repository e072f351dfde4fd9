/*
 * pgtable.h (kernel) - the boot CPU's move onto its own node's copy of the
 * kernel page tables, and the walk helper for gdb and the boot log.
 */
#ifndef KERNEL_PGTABLE_H
#define KERNEL_PGTABLE_H

#include "types.h"
#include "handoff.h"

/*
 * APIC id -> node -> switch CR3 to that node's copy, drop the loader's
 * identity mapping from every copy, print the PGD lines, verify all copies
 * (mm/pgtable_check.c).  Panics naming the rule on any failure.
 * test_break (test only, pgtable_test=): a rule to break once in one copy
 * before the check (pgcheck_break), or NULL/"".
 */
void pgtable_boot(const struct handoff *h, const char *test_break);

/* Run mm/pgtable_check.c's rules over every copy (at boot, and again after
 * changes: SMP start-up, self-tests); prints the "pgtable: N copies
 * verified" line with `when` appended (NULL: boot), or the broken rule at
 * KERN_ERR and returns false. */
bool pgtable_verify(const char *when);

/* Print the entries va goes through at each level in node's copy (callable
 * from gdb: `call pgtable_walk(0xffffffff80200000, 1)`). */
void pgtable_walk(virt_addr_t va, uint32_t node);

#endif /* KERNEL_PGTABLE_H */
