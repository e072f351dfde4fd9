/*
 * console.h - kernel-internal side of printk (kernel/printk.c): the console
 * log level and the unfiltered output panic and the exception dump use.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include "types.h"

/* Linux's semantics: a message of level L is printed when L < loglevel. */
#define CONSOLE_LOGLEVEL_DEFAULT  7    /* everything but KERN_DEBUG */
#define MESSAGE_LOGLEVEL_DEFAULT  4    /* a printk without "<N>" is a warning */
#define SINK_LOGLEVEL_DEFAULT     6    /* printk_sink without "<N>": informational */

extern int console_loglevel;

int vprintk(const char *fmt, va_list ap);

/* Every console: the serial ports and the framebuffer, unfiltered. */
void console_write(const char *s, size_t n);

/* Panic only, after the other CPUs were stopped: printk stops taking its
 * lock (a stopped CPU may hold it forever). */
void printk_bust_lock(void);

/* Print everything from now on (panic, exception dumps: Linux's console_verbose). */
void console_verbose(void);

/* printf_fn-compatible sink for freestanding modules (topology_print,
 * pgtable_dump_walk, ...): their unprefixed lines are KERN_INFO. */
void printk_sink(const char *fmt, ...) __printf(1, 2);

#endif /* KERNEL_CONSOLE_H */
