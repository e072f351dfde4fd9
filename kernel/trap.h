/*
 * trap.h - CPU exceptions and interrupts: segment selectors and IST slots
 * (the tables themselves are per CPU, kernel/cpu.c), the trap frame, and
 * the fatal-exception dump.
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

/* Called by trap_entry.S for every vector: interrupts (32..255) go to
 * smp_interrupt; exceptions are fatal (dump, then panic) except the panic
 * NMI and the probe_read fixup (kernel/trap.c). */
void trap_handler(struct trap_frame *f);

/* *out = *va and 0, or -1 if the read faulted (the fault is counted in
 * this_cpu()->fixups, its address in fixup_addr).  kernel/trap_entry.S. */
int probe_read_u64(const void *va, uint64_t *out);

/* "#PF Page Fault" etc. for vectors 0..31, "vector N" otherwise. */
const char *trap_name(uint64_t vector);

#endif /* KERNEL_TRAP_H */
