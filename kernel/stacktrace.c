/*
 * stacktrace.c - Call Trace lines for panic() and the exception dump
 * (stacktrace.h).
 */
#include "types.h"
#include "vmlayout.h"
#include "printk.h"
#include "lib/unwind.h"
#include "kernel/cpu.h"
#include "kernel/stacktrace.h"
#include "kernel/trap.h"

/* The stack of the running CPU that holds addr: its kernel stack or one of
 * its IST stacks (kernel/cpu.h). */
static bool stack_bounds(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	const struct cpu *c = this_cpu();

	if (c->stack_hi && addr >= c->stack_lo && addr < c->stack_hi) {
		*lo = c->stack_lo;
		*hi = c->stack_hi;
		return true;
	}
	for (unsigned i = 0; i < 3; i++) {
		*lo = c->ist_lo[i];
		*hi = *lo + IST_STACK_SIZE;
		if (*lo && addr >= *lo && addr < *hi)
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
