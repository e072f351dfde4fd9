/*
 * reboot.h - resetting the machine (`reboot`, `reboot=<method>`, `panic=N`).
 */
#ifndef KERNEL_REBOOT_H
#define KERNEL_REBOOT_H

#include "types.h"

/* Where the fallback chain starts: acpi -> kbd -> triple. */
enum reboot_method {
	REBOOT_ACPI = 0,
	REBOOT_KBD = 1,
	REBOOT_TRIPLE = 2,
};

/* Interrupts off, then each method from `first` on, each logged; never returns. */
__noreturn void machine_restart(enum reboot_method first);

/* Busy-wait ms milliseconds on the TSC (the loader's calibration). */
void boot_delay_ms(uint64_t ms);

#endif /* KERNEL_REBOOT_H */
