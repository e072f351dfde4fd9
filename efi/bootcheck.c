/*
 * bootcheck.c - check the boot CPU's root before the jump (bootcheck.h).
 * A missing or wrong mapping here would be a triple fault right after
 * ExitBootServices, with nothing printed: on a real machine, a reboot loop.
 */
#include "efi/bootcheck.h"
#include "lib/printf.h"

/* va must translate to pa (when want_pa) with all of `need` and none of
 * `forbid` among its effective flags.  0 or -1 + why. */
static int expect_map(const struct pgtable_ops *ops, phys_addr_t root, const char *what,
		      virt_addr_t va, bool want_pa, phys_addr_t pa, uint64_t need, uint64_t forbid,
		      char *why, size_t wlen)
{
	phys_addr_t got;
	uint64_t flags;

	if (!pgtable_translate(ops, root, va, &got, &flags, NULL)) {
		ksnprintf(why, wlen, "the boot CPU's page tables (root 0x%llx) do not map the %s "
			  "at 0x%llx", (unsigned long long)root, what, (unsigned long long)va);
		return -1;
	}
	if (want_pa && got != pa) {
		ksnprintf(why, wlen, "the boot CPU's page tables (root 0x%llx) map the %s at 0x%llx "
			  "to 0x%llx, not 0x%llx", (unsigned long long)root, what,
			  (unsigned long long)va, (unsigned long long)got, (unsigned long long)pa);
		return -1;
	}
	if ((flags & need) != need || (flags & forbid)) {
		ksnprintf(why, wlen, "the boot CPU's page tables (root 0x%llx) map the %s at 0x%llx "
			  "%s%s%s", (unsigned long long)root, what, (unsigned long long)va,
			  (need & PTE_W) && !(flags & PTE_W) ? "read-only" : "",
			  (forbid & PTE_NX) && (flags & PTE_NX) ? "no-execute" : "",
			  (forbid & PTE_W) && (flags & PTE_W) ? "writable" :
			  ((need & PTE_NX) && !(flags & PTE_NX) ? "executable" : ""));
		return -1;
	}
	return 0;
}

int bootcheck_root(const struct pgtable_ops *ops, const struct bootcheck_input *in,
		   char *why, size_t wlen)
{
	phys_addr_t r = in->root;

	if (r == 0 || (r & (PAGE_SIZE - 1))) {
		ksnprintf(why, wlen, "no page-table copy was built for the boot CPU (root 0x%llx)",
			  (unsigned long long)r);
		return -1;
	}
	if (expect_map(ops, r, "trampoline page", in->trampoline_pa, true, in->trampoline_pa, 0,
		       PTE_NX, why, wlen) ||
	    expect_map(ops, r, "kernel entry", in->entry_va, false, 0, 0, PTE_NX | PTE_W, why,
		       wlen) ||
	    expect_map(ops, r, "boot stack", in->stack_lo, true, in->stack_pa, PTE_W | PTE_NX, 0,
		       why, wlen) ||
	    expect_map(ops, r, "top of the boot stack", in->stack_hi - 8, true,
		       in->stack_pa + (in->stack_hi - 8 - in->stack_lo), PTE_W | PTE_NX, 0, why,
		       wlen) ||
	    expect_map(ops, r, "handoff", in->handoff_va, true, in->handoff_pa, 0, 0, why, wlen) ||
	    expect_map(ops, r, "end of the handoff", in->handoff_va + in->handoff_size - 1, true,
		       in->handoff_pa + in->handoff_size - 1, 0, 0, why, wlen))
		return -1;
	return 0;
}
