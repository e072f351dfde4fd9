/*
 * console_opt.c - console= and earlycon= words (see console_opt.h).
 */
#include "efi/console_opt.h"
#include "uart16550.h"

static bool eq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len && lit[i]; i++)
		if (s[i] != lit[i])
			return false;
	return i == len && lit[i] == '\0';
}

/* Next comma-separated field of [*p, end): sets *f, *flen, advances *p. */
static bool field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char *s = *p;

	if (s > end)
		return false;
	*f = s;
	while (s < end && *s != ',')
		s++;
	*flen = (size_t)(s - *f);
	*p = s + 1;                    /* past the comma (or past end: no more fields) */
	return true;
}

/* Number with 0x (hex) or decimal digits, all of [s, s + len). */
static bool number(const char *s, size_t len, uint64_t *out)
{
	uint64_t n = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return false;
		if (n > (~0ULL - d) / base)
			return false;
		n = n * base + d;
	}
	*out = n;
	return true;
}

/* "<baud>[<parity><bits>[<flow>]]": only the baud is used (8N1 always). */
static const char *baud_field(const char *s, size_t len, uint32_t *baud)
{
	size_t digits = 0;
	uint64_t b;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (digits == 0 || !number(s, digits, &b) || b < 50 || b > 4000000)
		return "baud rate must be a number from 50 to 4000000";
	if (digits < len && !(s[digits] == 'n' && (digits + 1 == len || s[digits + 1] == '8')))
		return "only no parity, 8 bits (n8) is supported";
	*baud = (uint32_t)b;
	return NULL;
}

const char *console_opt_uart(const char *v, size_t len, struct handoff_uart *u)
{
	const char *p = v, *end = v + len, *f;
	size_t flen;
	uint64_t addr;

	*u = (struct handoff_uart){ .source = CONSOLE_SRC_CMDLINE, .index = UART_INDEX_NONE,
				    .reg_width = 1 };
	if (!field(&p, end, &f, &flen))
		return "empty value";
	if (flen == 5 && eq(f, 4, "ttyS") && f[4] >= '0' && f[4] <= '9') {
		unsigned n = (unsigned)(f[4] - '0');

		if (n > 3)
			return "ttyS4 and up have no legacy address: use console=uart,io,<port>";
		u->space = UART_SPACE_IO;
		u->base = uart_legacy_port(n);
		u->index = (uint8_t)n;
	} else if (eq(f, flen, "uart") || eq(f, flen, "uart8250")) {
		if (!field(&p, end, &f, &flen) || flen == 0)
			return "uart needs io,<port> or mmio,<address>";
		if (eq(f, flen, "io")) {
			u->space = UART_SPACE_IO;
		} else if (eq(f, flen, "mmio")) {
			u->space = UART_SPACE_MMIO;
		} else if (eq(f, flen, "mmio32")) {
			u->space = UART_SPACE_MMIO;
			u->reg_width = 4;
		} else {
			u->space = UART_SPACE_MMIO;   /* a bare address is MMIO, as in Linux */
			p = f;
		}
		if (!field(&p, end, &f, &flen) || !number(f, flen, &addr) || addr == 0)
			return "the address must be a non-zero number (0x... for hex)";
		if (u->space == UART_SPACE_IO && addr > 0xfff8)
			return "an I/O port must be below 0xfff8";
		if (u->space == UART_SPACE_MMIO && (addr & (u->reg_width - 1)))
			return "an mmio32 address must be 4-byte aligned";
		u->base = addr;
		if (u->space == UART_SPACE_IO)
			u->index = uart_legacy_index(addr);
	} else {
		return "not a serial console (ttyS<n> or uart,io|mmio|mmio32,<address>)";
	}
	if (p <= end && field(&p, end, &f, &flen)) {
		const char *why = baud_field(f, flen, &u->baud);

		if (why)
			return why;
		if (p <= end)
			return "unexpected text after the baud rate";
	}
	return NULL;
}

/* One console=/earlycon= value: tty0 is the screen, anything else a UART
 * (Linux uses every console= given, so each occurrence adds one). */
static const char *console_add(struct console_opts *o, const char *val)
{
	struct handoff_uart u;
	const char *why;
	size_t len = 0;

	while (val[len])
		len++;
	o->given = true;
	if (eq(val, len, "tty0")) {
		o->screen = true;
		return NULL;
	}
	why = console_opt_uart(val, len, &u);
	if (!why && o->nr_uarts == HANDOFF_UART_MAX)
		why = "more than 4 serial consoles";
	for (uint32_t i = 0; !why && i < o->nr_uarts; i++)
		if (o->uart[i].base == u.base && o->uart[i].space == u.space)
			why = "this UART is already a console";
	if (!why)
		o->uart[o->nr_uarts++] = u;
	return why;
}

static const char *console_set(void *ctx, const char *val)
{
	return console_add(ctx, val);
}

static const char *earlycon_set(void *ctx, const char *val)
{
	struct console_opts *o = ctx;

	if (val)
		return console_add(o, val);
	o->earlycon_spcr = true;
	o->given = true;
	return NULL;
}

const struct cmdline_param console_params[] = {
	{ "console",  CMDLINE_VALUE,         console_set },
	{ "earlycon", CMDLINE_FLAG_OR_VALUE, earlycon_set },
	CMDLINE_END
};
