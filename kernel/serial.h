/*
 * serial.h - the 16550 UART console on COM1 (I/O port 0x3f8), 115200 8N1.
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "types.h"

#define SERIAL_COM1  0x3f8

/* Program the UART (kmain does it first, before anything can print). */
void serial_init(void);

/* Write n bytes; "\n" goes out as "\r\n".  Never blocks forever: a UART that
 * does not drain (absent, as on many servers) is given up on. */
void serial_write(const char *s, size_t n);

#endif /* KERNEL_SERIAL_H */
