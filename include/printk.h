/*
 * printk.h - the kernel's log and stop primitives, as Linux names them.
 *
 * The kernel (kernel/printk.c, kernel/panic.c) implements them; host tests
 * link test/support/ stand-ins where panic() becomes a test failure.  Code
 * that the loader also links (acpi/, mm/physmap.c, mm/pgtable.c) must not
 * call these: it returns errors and reasons instead.
 */
#ifndef PRINTK_H
#define PRINTK_H

#include "types.h"

/* Log levels, as a "<N>" prefix on the format (Linux's KERN_*). */
#define KERN_EMERG   "<0>"
#define KERN_ALERT   "<1>"
#define KERN_CRIT    "<2>"
#define KERN_ERR     "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE  "<5>"
#define KERN_INFO    "<6>"
#define KERN_DEBUG   "<7>"

int printk(const char *fmt, ...) __printf(1, 2);

/* Stop the machine: prints "Kernel panic - not syncing: <msg>", where it
 * was called from, and halts (or exits QEMU with the failure code when the
 * command line says qemu_exit).  Safe to call while panicking. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* BUG: a broken invariant, stop.  WARN: report and carry on. */
#define BUG_ON(cond, rule) \
	do { if (cond) panic("%s:%d: %s", __FILE__, __LINE__, (rule)); } while (0)
#define WARN_ON(cond, rule) \
	((cond) ? (printk(KERN_WARNING "WARNING: %s:%d: %s\n", __FILE__, __LINE__, (rule)), 1) : 0)

#endif /* PRINTK_H */
