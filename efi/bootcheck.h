/*
 * bootcheck.h - the loader's last look at the boot CPU's page-table copy
 * before it leaves the firmware: every address the jump and the kernel's
 * first instructions use must be mapped with the right rights in the root
 * that goes into CR3.  Freestanding (host-tested in test/efi/bootcheck_test.c).
 */
#ifndef EFI_BOOTCHECK_H
#define EFI_BOOTCHECK_H

#include "types.h"
#include "mm/pgtable.h"

/* What the trampoline and the kernel's entry touch through the new CR3. */
struct bootcheck_input {
	phys_addr_t root;           /* the CR3 value; 0 = no copy was built */
	phys_addr_t trampoline_pa;  /* must be mapped 1:1, executable */
	virt_addr_t entry_va;       /* kernel entry: executable, not writable */
	virt_addr_t stack_lo;       /* boot stack [lo, hi) in the direct map: writable, NX */
	virt_addr_t stack_hi;
	phys_addr_t stack_pa;       /* where stack_lo must lead */
	virt_addr_t handoff_va;     /* the handoff in the direct map: readable */
	phys_addr_t handoff_pa;
	uint64_t handoff_size;      /* bytes, > 0 */
};

/*
 * Walk in->root through ops.  Returns 0 if everything above holds, else -1
 * with a sentence in why[wlen] naming the first address that does not
 * (the loader prints it and returns to the firmware instead of jumping).
 */
int bootcheck_root(const struct pgtable_ops *ops, const struct bootcheck_input *in,
		   char *why, size_t wlen);

#endif /* EFI_BOOTCHECK_H */
