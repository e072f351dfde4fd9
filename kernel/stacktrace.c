/*
 * stacktrace.c - Call Trace lines for panic() and the exception dump
 * (stacktrace.h).
 */
#include "types.h"
#include "vmlayout.h"
#include "printk.h"
#include "lib/unwind.h"
#include "kernel/boot.h"
#include "kernel/stacktrace.h"
#include "kernel/trap.h"

/* The known stack that holds [addr, addr + 16): the boot stack or an IST stack. */
static bool stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	if (boot_stack_top && addr >= boot_stack_top - boot_stack_size && addr < boot_stack_top) {
		*lo = boot_stack_top - boot_stack_size;
		*hi = boot_stack_top;
		return true;
	}
	for (unsigned i = 0; i < IST_STACKS; i++) {
		ist_stack_bounds(i, lo, hi);
		if (addr >= *lo && addr < *hi)
			return true;
	}
	return false;
}

const char *stack_trace_symbol(uint64_t addr, bool ret_addr, char *buf, size_t len)
{
	if (!ksyms_format(&kernel_ksyms, addr, ret_addr, buf, len))
		return addr >= KERNEL_LINK_ADDR ? "?" : "? (not kernel text)";
	return buf;
}

void stack_trace_print_addr(uint64_t addr, bool ret_addr, const char *suffix)
{
	char sym[96];

	printk(KERN_EMERG " [<%016lx>] %s%s\n", addr, stack_trace_symbol(addr, ret_addr, sym, sizeof(sym)),
	       suffix);
}

void stack_trace_print(uint64_t rbp)
{
	uint64_t ret[STACK_TRACE_MAX], lo = 0, hi = 0, bad;
	enum unwind_end end = UNWIND_END_OUTSIDE;
	unsigned n = 0;

	if (rbp == 0)
		return;
	if (stack_bounds(rbp, &lo, &hi))
		n = unwind_frames(rbp, lo, hi, ret, STACK_TRACE_MAX, &end, &bad);
	else
		bad = rbp;
	for (unsigned i = 0; i < n; i++)
		stack_trace_print_addr(ret[i], true, "");
	if (end == UNWIND_END_OUTSIDE)
		printk(KERN_EMERG " <frame pointer %016lx outside the known stacks: trace ends>\n", bad);
	else if (end == UNWIND_END_DOWN)
		printk(KERN_EMERG " <frame chain goes down the stack at %016lx: trace ends>\n", bad);
	else if (end == UNWIND_END_MAX)
		printk(KERN_EMERG " <trace cut at %u frames>\n", STACK_TRACE_MAX);
}
