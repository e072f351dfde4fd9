/*
 * panic.h - kernel-internal entry to panic for the exception path, which
 * has printed its own register dump and stack trace already.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "types.h"

/* True once panic() or panic_from_trap() has been entered. */
bool panic_in_progress(void);

__noreturn void panic_from_trap(const char *fmt, ...) __printf(1, 2);

/* This CPU was told to stop (the panic NMI, or it panicked while another
 * CPU owns the panic): mark it stopped and halt. */
__noreturn void panic_stop_this_cpu(void);

#endif /* KERNEL_PANIC_H */
