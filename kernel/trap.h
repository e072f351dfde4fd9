/*
 * trap.h - CPU exceptions: the GDT and TSS (with IST stacks for #DF, NMI
 * and #MC), the IDT for vectors 0..31, and the fatal-exception dump.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "types.h"

#define GDT_KERNEL_CS  0x08
#define GDT_KERNEL_DS  0x10
#define GDT_TSS        0x18

#define IST_DF   1   /* TSS IST slots (1-based, as the IDT gate encodes them) */
#define IST_NMI  2
#define IST_MC   3
#define IST_STACK_SIZE  (16 * 1024)

/* What kernel/trap_entry.S pushes, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;    /* 0 for vectors without one */
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame matches trap_entry.S");

/* Load our GDT (reloading CS and the data segments) and the TSS. */
void gdt_init(void);

/* Install gates for vectors 0..31 and load the IDT. */
void idt_init(void);

/* Called by trap_entry.S; every exception is fatal: dump, then panic. */
void trap_handler(struct trap_frame *f);

/* "#PF Page Fault" etc. for vectors 0..31, "vector N" otherwise. */
const char *trap_name(uint64_t vector);

/* [*lo, *hi) of IST stack i (0 .. IST_STACKS - 1), for the stack-trace
 * bounds check (kernel/stacktrace.c). */
#define IST_STACKS  3
void ist_stack_bounds(unsigned i, uint64_t *lo, uint64_t *hi);

#endif /* KERNEL_TRAP_H */
