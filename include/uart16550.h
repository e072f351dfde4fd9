/*
 * uart16550.h - the 16550 UART as the loader and the kernel drive it:
 * register offsets, the legacy COM port addresses, and polled register
 * access over I/O ports or MMIO (byte or dword registers) for a struct
 * handoff_uart.  The address helpers are pure; the accessors exist only in
 * freestanding builds (x86.h has no port I/O for HOST).
 */
#ifndef UART16550_H
#define UART16550_H

#include "types.h"
#include "handoff.h"
#include "x86.h"

/* Registers (offsets in register units). */
#define UART_RBR   0   /* receive buffer (DLAB=0, read) */
#define UART_THR   0   /* transmit holding (DLAB=0, write) */
#define UART_IER   1   /* interrupt enable (DLAB=0) */
#define UART_DLL   0   /* divisor latch low (DLAB=1) */
#define UART_DLM   1   /* divisor latch high (DLAB=1) */
#define UART_FCR   2   /* FIFO control (write) */
#define UART_LCR   3   /* line control */
#define UART_MCR   4   /* modem control */
#define UART_LSR   5   /* line status */
#define UART_MSR   6   /* modem status */
#define UART_SCR   7   /* scratch */

#define UART_LCR_DLAB   0x80
#define UART_LCR_8N1    0x03
#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10
#define UART_LSR_THRE   0x20   /* transmit holding register empty */
#define UART_LSR_TEMT   0x40   /* transmitter empty (shift register too) */
#define UART_MSR_STATUS 0xf0   /* DCD RI DSR CTS */

#define UART_CLOCK_PC   1843200u   /* the PC's crystal: divisor 1 = 115200 baud */

/* The PC's COM1-COM4 (ttyS0-ttyS3). */
static inline uint16_t uart_legacy_port(unsigned index)
{
	static const uint16_t com[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

	return index < 4 ? com[index] : 0;
}

/* ttyS index of an I/O port base, or UART_INDEX_NONE. */
static inline uint8_t uart_legacy_index(uint64_t io_base)
{
	for (uint8_t i = 0; i < 4; i++)
		if (io_base == uart_legacy_port(i))
			return i;
	return UART_INDEX_NONE;
}

#ifndef HOST
/* Register r of u; `va` is where an MMIO UART can be reached now (the
 * identity map in the loader, the IOMAP window in the kernel). */
static inline uint8_t uart_in(const struct handoff_uart *u, uint64_t va, unsigned r)
{
	if (u->space == UART_SPACE_IO)
		return inb((uint16_t)(u->base + r));
	if (u->reg_width == 4)
		return (uint8_t)*(volatile uint32_t *)(uintptr_t)(va + r * 4);
	return *(volatile uint8_t *)(uintptr_t)(va + r);
}

static inline void uart_out(const struct handoff_uart *u, uint64_t va, unsigned r, uint8_t v)
{
	if (u->space == UART_SPACE_IO)
		outb((uint16_t)(u->base + r), v);
	else if (u->reg_width == 4)
		*(volatile uint32_t *)(uintptr_t)(va + r * 4) = v;
	else
		*(volatile uint8_t *)(uintptr_t)(va + r) = v;
}
#endif

#endif /* UART16550_H */
