/*
 * serial.c - polled 16550 consoles: the UARTs the loader found and handed
 * over (handoff->uart[], efi/serial.c), over I/O ports or MMIO through the
 * loader's IOMAP window.  Every line goes to every UART.
 *
 * Polled, no interrupts: the kernel runs with interrupts off and a console
 * that needs an IRQ cannot report the fault that broke interrupts.  The
 * transmit wait is bounded; a UART whose holding register never empties
 * (gone, or reading 0xff) is marked dead and dropped instead of hanging the
 * boot.  The divisor the firmware programmed is kept unless the handoff
 * names a baud rate (console=ttyS1,115200, or the SPCR's); a divisor of 0
 * (never programmed) becomes 115200.  No lock here: printk serialises.
 */
#include "types.h"
#include "x86.h"
#include "printk.h"
#include "uart16550.h"
#include "kernel/serial.h"
#include "lib/printf.h"

#define UART_BAUD_DEFAULT  115200
/* ~87 us per byte at 115200 baud is far below this many polls. */
#define UART_SPIN_MAX  1000000

struct serial_port {
	struct handoff_uart u;
	uint32_t baud;          /* as running after init */
	bool reprogrammed;      /* divisor written by us */
	bool dead;
};

static struct serial_port ports[HANDOFF_UART_MAX];
static uint32_t nr_ports;

static uint64_t port_va(const struct serial_port *p)
{
	return p->u.space == UART_SPACE_MMIO ? p->u.va : 0;
}

static uint8_t rd(const struct serial_port *p, unsigned r)
{
	return uart_in(&p->u, port_va(p), r);
}

static void wr(const struct serial_port *p, unsigned r, uint8_t v)
{
	uart_out(&p->u, port_va(p), r, v);
}

/* 8N1, FIFOs on, no interrupts; divisor kept unless a baud rate is asked. */
static void port_init(struct serial_port *p)
{
	uint32_t clock = p->u.clock ? p->u.clock : UART_CLOCK_PC;
	uint32_t div;

	if (rd(p, UART_LSR) == 0xff) {          /* a floating bus: no UART here */
		p->dead = true;
		return;
	}
	wr(p, UART_IER, 0x00);
	wr(p, UART_LCR, UART_LCR_DLAB);
	div = rd(p, UART_DLL) | (uint32_t)rd(p, UART_DLM) << 8;
	if (p->u.baud || div == 0) {
		uint32_t want = p->u.baud ? p->u.baud : UART_BAUD_DEFAULT;

		div = clock / (16 * want);
		if (div == 0 || div > 0xffff)
			div = div ? 0xffff : 1;
		wr(p, UART_DLL, div & 0xff);
		wr(p, UART_DLM, (uint8_t)(div >> 8));
		p->reprogrammed = true;
	}
	p->baud = clock / (16 * div);
	wr(p, UART_LCR, UART_LCR_8N1);
	wr(p, UART_FCR, 0xc7);                  /* enable, clear both FIFOs */
	wr(p, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

void serial_init_fallback(void)
{
	ports[0] = (struct serial_port){ .u = { .space = UART_SPACE_IO, .base = uart_legacy_port(0),
						 .reg_width = 1, .index = 0 } };
	nr_ports = 1;
	port_init(&ports[0]);
}

void serial_init(const struct handoff *h)
{
	nr_ports = 0;
	for (uint32_t i = 0; i < h->nr_uarts && i < HANDOFF_UART_MAX; i++) {
		ports[nr_ports] = (struct serial_port){ .u = h->uart[i] };
		port_init(&ports[nr_ports++]);
	}
}

static const char *source_str(const struct handoff_uart *u, char *buf, size_t len)
{
	switch (u->source) {
	case CONSOLE_SRC_CMDLINE:  return "command line";
	case CONSOLE_SRC_SPCR:     return "SPCR";
	case CONSOLE_SRC_FIRMWARE: return "firmware console";
	case CONSOLE_SRC_PROBE:    return "probed";
	case CONSOLE_SRC_PCI:
		ksnprintf(buf, len, "PCI %04x:%02x:%02x.%u", u->pci >> 16, (u->pci >> 8) & 0xff,
			  (u->pci >> 3) & 31, u->pci & 7);
		return buf;
	default:                   return "fallback";
	}
}

void serial_print_consoles(void)
{
	for (uint32_t i = 0; i < nr_ports; i++) {
		const struct serial_port *p = &ports[i];
		char name[8], src[24];

		if (p->u.index != UART_INDEX_NONE)
			ksnprintf(name, sizeof(name), "ttyS%u", p->u.index);
		else
			ksnprintf(name, sizeof(name), "uart");
		printk(KERN_INFO "console: %s %s 0x%lx %u (%s)%s%s\n", name,
		       p->u.space == UART_SPACE_IO ? "io" : p->u.reg_width == 4 ? "mmio32" : "mmio",
		       p->u.base, p->baud, source_str(&p->u, src, sizeof(src)),
		       p->reprogrammed ? "" : ", firmware divisor kept",
		       p->dead ? ", not answering: dropped" : "");
	}
	if (nr_ports == 0)
		printk(KERN_INFO "console: no serial port\n");
}

uint32_t serial_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nr_ports; i++)
		n += !ports[i].dead;
	return n;
}

static void port_putc(struct serial_port *p, char c)
{
	unsigned spins = 0;

	while (!(rd(p, UART_LSR) & UART_LSR_THRE)) {
		if (++spins == UART_SPIN_MAX) {
			p->dead = true;
			return;
		}
		cpu_relax();
	}
	wr(p, UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (uint32_t i = 0; i < nr_ports; i++) {
		struct serial_port *p = &ports[i];

		for (size_t k = 0; k < n && !p->dead; k++) {
			if (s[k] == '\n')
				port_putc(p, '\r');
			port_putc(p, s[k]);
		}
	}
}
