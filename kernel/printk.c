/*
 * printk.c - the kernel log: Linux's printk with "<N>" level prefixes
 * (include/printk.h), formatted by lib/printf.c, written to the serial
 * consoles (kernel/serial.c, kernel/fbcon.c).
 *
 * Level handling follows Linux: a message of level L reaches the console
 * when L < console_loglevel (default 7: everything but KERN_DEBUG;
 * `loglevel=N` on the command line).  A printk without a prefix has the
 * default message level 4, except that it continues an unterminated line,
 * whose level it then shares (Linux's KERN_CONT, implicitly).  The "<N>"
 * prefix itself is not printed.
 *
 * One lock serialises every message from formatting to the last byte on
 * the console, so lines from different CPUs never interleave (a line built
 * from several printk calls can still be split by another CPU's message:
 * print a line in one call).  It is taken with interrupts off, so the IPI
 * handler may print; it is the innermost lock.  Two ways past it, both on
 * a CPU that cannot wait: the CPU that already holds it (an exception
 * while printing), and the panicking CPU once it has stopped the others
 * (printk_bust_lock: a stopped CPU may have died holding it).
 */
#include <stdarg.h>
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "spinlock.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/serial.h"
#include "kernel/fbcon.h"

#define PRINTK_LINE_MAX  512

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

static spinlock_t printk_lock = SPINLOCK_INIT;
static int printk_owner = -1;  /* CPU holding printk_lock, -1: none */
static bool printk_busted;     /* panic: the lock is ignored from now on */

static bool line_open;        /* last message did not end in '\n' */
static int  line_level;       /* level of the open line */

void console_write(const char *s, size_t n)
{
	serial_write(s, n);
	fbcon_write(s, n);
}

void console_verbose(void)
{
	console_loglevel = 15;
}

/* "<N>" at the start of s: returns N (0..7) and skips it, else -1. */
static int printk_level(const char **s)
{
	const char *p = *s;

	if (p[0] == '<' && p[1] >= '0' && p[1] <= '7' && p[2] == '>') {
		*s = p + 3;
		return p[1] - '0';
	}
	return -1;
}

void printk_bust_lock(void)
{
	__atomic_store_n(&printk_busted, true, __ATOMIC_RELEASE);
}

static int vprintk_locked(int default_level, const char *fmt, va_list ap);

/* vprintk with the level an unprefixed, non-continuation message gets. */
static int vprintk_default(int default_level, const char *fmt, va_list ap)
{
	int me = (int)this_cpu()->id, n;
	uint64_t flags;

	if (__atomic_load_n(&printk_busted, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&printk_owner, __ATOMIC_RELAXED) == me)
		return vprintk_locked(default_level, fmt, ap);
	flags = spin_lock_irqsave(&printk_lock);
	__atomic_store_n(&printk_owner, me, __ATOMIC_RELAXED);
	n = vprintk_locked(default_level, fmt, ap);
	__atomic_store_n(&printk_owner, -1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

static int vprintk_locked(int default_level, const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX];
	int level = printk_level(&fmt);
	int n;
	size_t len;

	if (level < 0)
		level = line_open ? line_level : default_level;
	else if (line_open && level < console_loglevel && line_level < console_loglevel)
		console_write("\n", 1);          /* a new leveled message ends the open line */

	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	if (len == 0)
		return 0;

	if (level < console_loglevel) {
		console_write(buf, len);
		if ((size_t)n > len)
			console_write(" [truncated]\n", 13);
	}
	line_open = (size_t)n == len && buf[len - 1] != '\n';
	line_level = level;
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	return vprintk_default(MESSAGE_LOGLEVEL_DEFAULT, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void printk_sink(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_default(SINK_LOGLEVEL_DEFAULT, fmt, ap);
	va_end(ap);
}
