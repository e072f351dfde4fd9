/*
 * console_opt.h - the console words of the command line, in Linux's syntax,
 * turned into the UARTs the loader hands over.  Freestanding (string
 * handling only), so test/efi/console_opt_test.c runs the same code.
 *
 *   console=ttyS<n>[,<baud>[<parity><bits>]]   legacy COM<n+1>, n = 0..3
 *   console=uart[8250],io,<port>[,<baud>...]    16550 at an I/O port
 *   console=uart[8250],mmio,<addr>[,...]        MMIO, byte registers
 *   console=uart[8250],mmio32,<addr>[,...]      MMIO, dword registers
 *   console=uart[8250],<addr>[,...]             as mmio (Linux's rule)
 *   console=tty0                                the screen only
 *   earlycon=<same uart forms>                  as console=
 *   earlycon                                    the SPCR's UART
 *
 * No baud: keep the divisor the firmware programmed.
 */
#ifndef EFI_CONSOLE_OPT_H
#define EFI_CONSOLE_OPT_H

#include "types.h"
#include "handoff.h"

struct console_opts {
	struct handoff_uart uart[HANDOFF_UART_MAX];   /* source CONSOLE_SRC_CMDLINE */
	uint32_t nr_uarts;
	bool screen;            /* console=tty0 */
	bool earlycon_spcr;     /* bare `earlycon` */
	bool given;             /* any console= / earlycon word */
};

/*
 * Parse every console word of cmdline into *out (zeroed first).  A bad
 * word is reported through warn(ctx, word, len, why) and skipped; returns
 * the number of bad words.  warn may be NULL.
 */
int console_opts_parse(const char *cmdline, struct console_opts *out,
		       void (*warn)(void *ctx, const char *word, size_t len, const char *why),
		       void *ctx);

/*
 * One uart value ("ttyS1,115200", "uart,io,0x2f8", ...) of len bytes into
 * *u.  Returns NULL, or the reason it is not one.
 */
const char *console_opt_uart(const char *v, size_t len, struct handoff_uart *u);

#endif /* EFI_CONSOLE_OPT_H */
