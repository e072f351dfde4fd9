/*
 * stacktrace.h - the kernel's Call Trace: the frame-pointer walk
 * (lib/unwind.c) over the stack that holds the frame, each return address
 * printed with its function as Linux's %pB does, from the symbol table
 * linked into kernel.elf (lib/ksyms.h, tools/mkksyms.py).
 *
 * Used by panic() and by the exception dump; depends on neither, so
 * kernel/panic.c and kernel/trap.c both call it without a cycle.
 */
#ifndef KERNEL_STACKTRACE_H
#define KERNEL_STACKTRACE_H

#include "types.h"
#include "lib/ksyms.h"

#define STACK_TRACE_MAX  64    /* frames printed; the walk is bounded by the stack anyway */

/* Generated from the first link (build/gen/ksyms.c). */
extern const struct ksyms_table kernel_ksyms;

/*
 * One line per frame from rbp up to the end of the chain (entry.S starts it
 * with rbp = 0): " [<ffffffff80201234>] kmain+0x1a4/0x3c0".  A frame outside
 * the running CPU's kernel and IST stacks, or a chain that goes down, ends
 * the trace with a line saying so.
 */
void stack_trace_print(uint64_t rbp);

/* " [<addr>] name+0xoff/0xsize<suffix>" for one address; ret_addr: a
 * return address (looked up at addr - 1, %pB), else an exact one (%pS). */
void stack_trace_print_addr(uint64_t addr, bool ret_addr, const char *suffix);

/* "name+0xoff/0xsize", or "?" outside every function, into buf[len]. */
const char *stack_trace_symbol(uint64_t addr, bool ret_addr, char *buf, size_t len);

#endif /* KERNEL_STACKTRACE_H */
