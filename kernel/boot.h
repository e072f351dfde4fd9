/*
 * boot.h - kernel-wide boot state: the parsed command line, the handoff,
 * the boot stack's top as entry.S found it (per-CPU stack bounds live in
 * struct cpu, kernel/cpu.h), and the two ways the kernel stops (halt, or exit
 * QEMU through isa-debug-exit when `qemu_exit` was given).
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include "types.h"
#include "handoff.h"
#include "kernel/cmdline.h"

/*
 * isa-debug-exit (QEMU -device isa-debug-exit,iobase=0xf4,iosize=0x04):
 * writing v makes QEMU exit with status (v << 1) | 1.
 */
#define QEMU_EXIT_PORT     0xf4
#define QEMU_EXIT_SUCCESS  0x10   /* QEMU exit status 33 */
#define QEMU_EXIT_FAILURE  0x11   /* QEMU exit status 35 */

#define BOOT_STACK_SIZE_DEFAULT  (64 * 1024)

extern struct boot_options boot_opts;      /* valid once the handoff passed its check */
extern const struct handoff *boot_handoff; /* NULL until then */
extern uint64_t boot_stack_top;            /* RSP at _start (entry.S; kernel/cpu.c) */

/* Exit QEMU with `code` if the command line said qemu_exit; else return. */
void qemu_exit(uint8_t code);

/* Interrupts off, hlt forever (an NMI wakes hlt: loop). */
__noreturn void halt_forever(void);

__noreturn void kmain(phys_addr_t handoff_pa);

#endif /* KERNEL_BOOT_H */
