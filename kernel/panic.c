/*
 * panic.c - stopping the machine: panic(), halt, and the isa-debug-exit
 * door out of QEMU.
 *
 * panic prints Linux's "Kernel panic - not syncing: <why>", the caller's
 * return address and a stack trace, then "---[ end Kernel panic ... ]---",
 * and halts (or exits QEMU with QEMU_EXIT_FAILURE under `qemu_exit`).
 * Nesting guard, as Limine's: a panic while panicking prints one short
 * line and stops; a third level stops without printing.
 *
 * SMP: the first CPU to panic claims the machine with one compare-and-swap;
 * any other CPU that panics afterwards stops silently.  The owner sends an
 * NMI to every other CPU (they stop in panic_stop_this_cpu), waits briefly,
 * and only then prints, with printk's lock out of the way.
 */
#include <stdarg.h>
#include "types.h"
#include "x86.h"
#include "printk.h"
#include "lib/printf.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/reboot.h"
#include "kernel/serial.h"
#include "kernel/smp.h"
#include "kernel/stacktrace.h"
#include "kernel/trap.h"

#define PANIC_MSG_MAX    256

static int panic_cpu = -1;           /* the CPU that owns the panic, atomic */
static volatile int panic_depth;     /* written by the owner only */

void qemu_exit(uint8_t code)
{
	if (boot_opts.qemu_exit)
		outb(QEMU_EXIT_PORT, code);
	/* Only reached without qemu_exit, or without the device: caller halts. */
}

__noreturn void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

bool panic_in_progress(void)
{
	return __atomic_load_n(&panic_cpu, __ATOMIC_ACQUIRE) != -1;
}

__noreturn void panic_stop_this_cpu(void)
{
	__atomic_store_n(&this_cpu()->state, CPU_STOPPED, __ATOMIC_RELEASE);
	halt_forever();
}

static __noreturn void panic_finish(void)
{
	if (boot_opts.qemu_exit) {
		printk(KERN_EMERG "panic: exiting QEMU (isa-debug-exit 0x%x, status %d)\n",
		       QEMU_EXIT_FAILURE, (QEMU_EXIT_FAILURE << 1) | 1);
		qemu_exit(QEMU_EXIT_FAILURE);
		printk(KERN_EMERG "panic: isa-debug-exit did not stop QEMU\n");
	}
	if (boot_opts.panic_reboot && boot_opts.panic_timeout != 0) {
		/* Linux's panic=N: N > 0 waits N seconds, N < 0 resets at once. */
		if (boot_opts.panic_timeout > 0) {
			printk(KERN_EMERG "Rebooting in %ld seconds..\n", boot_opts.panic_timeout);
			boot_delay_ms((uint64_t)boot_opts.panic_timeout * 1000);
		}
		machine_restart(REBOOT_ACPI);
	}
	printk(KERN_EMERG "panic: halting (interrupts off)\n");
	halt_forever();
}

/*
 * Common body.  Returns only for the first panic, after printing the
 * message; nested panics stop here.
 */
static void panic_begin(const char *fmt, va_list ap, char *msg, size_t len)
{
	int depth, me = (int)this_cpu()->id, owner = -1;
	uint32_t stopped = 0, others = 0;

	cli();
	if (!__atomic_compare_exchange_n(&panic_cpu, &owner, me, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE) && owner != me)
		panic_stop_this_cpu();          /* another CPU is reporting its panic */
	depth = ++panic_depth;
	if (depth > 2)
		halt_forever();
	if (depth == 1) {
		stopped = smp_stop_others(&others);
		printk_bust_lock();
	}
	kvsnprintf(msg, len, fmt, ap);
	if (depth == 2) {
		/* The panic path itself broke: say so in one line, stop. */
		static const char nested[] = "\nKernel panic - nested panic: ";

		console_write(nested, sizeof(nested) - 1);
		for (size_t i = 0; msg[i] && i < len; i++)
			console_write(&msg[i], 1);
		console_write("\n", 1);
		qemu_exit(QEMU_EXIT_FAILURE);
		halt_forever();
	}
	console_verbose();
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", msg);
	if (others)
		printk(KERN_EMERG "panic: cpu %d stopped %u of %u other CPUs (NMI)\n", me, stopped, others);
}

__noreturn void panic(const char *fmt, ...)
{
	static char msg[PANIC_MSG_MAX];
	uint64_t caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
	char sym[96];
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap, msg, sizeof(msg));
	va_end(ap);

	printk(KERN_EMERG "panic: called from [<%016lx>] %s\n", caller,
	       stack_trace_symbol(caller, true, sym, sizeof(sym)));
	printk(KERN_EMERG "Call Trace:\n");
	stack_trace_print((uint64_t)(uintptr_t)__builtin_frame_address(0));
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", msg);
	panic_finish();
}

__noreturn void panic_from_trap(const char *fmt, ...)
{
	static char msg[PANIC_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap, msg, sizeof(msg));
	va_end(ap);

	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", msg);
	panic_finish();
}
