/*
 * serial.h - the kernel's 16550 serial consoles: the UARTs in the handoff
 * (I/O or MMIO), or COM1 alone when the handoff itself cannot be trusted.
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "types.h"
#include "handoff.h"

/* COM1 at 0x3f8 only: for reporting a handoff that failed its check. */
void serial_init_fallback(void);

/* The handoff's UARTs (checked handoff); replaces the fallback. */
void serial_init(const struct handoff *h);

/* One "console: ttyS1 io 0x2f8 115200 (SPCR)" line per UART, or
 * "console: no serial port". */
void serial_print_consoles(void);

/* UARTs still answering. */
uint32_t serial_count(void);

/* Write n bytes to every UART; "\n" goes out as "\r\n".  Never blocks
 * forever: a UART that does not drain is given up on. */
void serial_write(const char *s, size_t n);

#endif /* KERNEL_SERIAL_H */
