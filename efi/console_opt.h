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
#include "lib/cmdline.h"

struct console_opts {
	struct handoff_uart uart[HANDOFF_UART_MAX];   /* source CONSOLE_SRC_CMDLINE */
	uint32_t nr_uarts;
	bool screen;            /* console=tty0 */
	bool earlycon_spcr;     /* bare `earlycon` */
	bool given;             /* any console= / earlycon word */
};

/*
 * console= and earlycon[=] (lib/cmdline.h), ctx = struct console_opts,
 * zeroed before the parse.  Each occurrence adds a console, as in Linux; a
 * bad one is refused with the reason and changes nothing.  The loader
 * parses them (efi/fs.c); the kernel knows them as foreign.
 */
extern const struct cmdline_param console_params[];

/*
 * One uart value ("ttyS1,115200", "uart,io,0x2f8", ...) of len bytes into
 * *u.  Returns NULL, or the reason it is not one.
 */
const char *console_opt_uart(const char *v, size_t len, struct handoff_uart *u);

#endif /* EFI_CONSOLE_OPT_H */
