/*
 * serial.c - polled 16550 driver for the kernel console (COM1).
 *
 * Polled, no interrupts: the kernel runs with interrupts off and a console
 * that needs an IRQ cannot report the fault that broke interrupts.  The
 * transmit wait is bounded; when the line status register never shows an
 * empty holding register (no UART, or it reads 0xff), the port is marked
 * dead and output is dropped instead of hanging the boot.
 */
#include "types.h"
#include "x86.h"
#include "kernel/serial.h"

/* 16550 registers, offsets from the base port. */
#define UART_THR  0   /* transmit holding (DLAB=0) */
#define UART_IER  1   /* interrupt enable (DLAB=0) */
#define UART_DLL  0   /* divisor latch low (DLAB=1) */
#define UART_DLM  1   /* divisor latch high (DLAB=1) */
#define UART_FCR  2   /* FIFO control */
#define UART_LCR  3   /* line control */
#define UART_MCR  4   /* modem control */
#define UART_LSR  5   /* line status */

#define UART_LCR_DLAB  0x80
#define UART_LCR_8N1   0x03
#define UART_FCR_ON    0xc7   /* enable, clear both FIFOs, 14-byte threshold */
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_LSR_THRE  0x20   /* transmit holding register empty */

#define UART_BAUD_BASE 115200
#define UART_BAUD      115200
/* ~1 ms at 115200 baud per byte is far below this many polls. */
#define UART_SPIN_MAX  1000000

static uint16_t serial_port = SERIAL_COM1;
static bool serial_dead;

void serial_init(void)
{
	uint16_t div = UART_BAUD_BASE / UART_BAUD;

	outb(serial_port + UART_IER, 0x00);
	outb(serial_port + UART_LCR, UART_LCR_DLAB);
	outb(serial_port + UART_DLL, div & 0xff);
	outb(serial_port + UART_DLM, div >> 8);
	outb(serial_port + UART_LCR, UART_LCR_8N1);
	outb(serial_port + UART_FCR, UART_FCR_ON);
	outb(serial_port + UART_MCR, UART_MCR_DTR_RTS_OUT2);
	/* A floating bus reads 0xff: no UART here. */
	serial_dead = inb(serial_port + UART_LSR) == 0xff;
}

static void serial_putc(char c)
{
	unsigned spins = 0;

	while (!(inb(serial_port + UART_LSR) & UART_LSR_THRE)) {
		if (++spins == UART_SPIN_MAX) {
			serial_dead = true;
			return;
		}
		cpu_relax();
	}
	outb(serial_port + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && !serial_dead; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
