/*
 * apic.h - the local APIC: x2APIC through MSRs when the firmware enabled it
 * or some APIC id does not fit xAPIC's 8 bits, else xAPIC through its MMIO
 * page (mapped with ioremap, kernel/vmap.c).  Every CPU uses the mode the
 * boot CPU chose.  IPIs: fixed vectors, INIT, STARTUP, NMI to all others.
 */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include "types.h"

#define APIC_SPURIOUS_VECTOR  0xff

/*
 * Boot CPU, once: mask the legacy 8259 PICs, pick the mode (x2APIC if the
 * firmware enabled it or need_x2apic, which requires CPUID x2APIC support;
 * want_x2apic, the test option, takes x2APIC when the CPU has it),
 * map the xAPIC page, then apic_init_cpu().  Returns a sentence naming why
 * the APIC cannot be used (no APIC, x2APIC needed but absent, the MMIO page
 * cannot be mapped), or NULL.
 */
const char *apic_init_boot(bool need_x2apic, bool want_x2apic);

/* "x2APIC (enabled by the firmware)" etc., for the boot log. */
const char *apic_mode_reason(void);

/* Every CPU: same mode as the boot CPU, software-enabled with the spurious
 * vector, timer, LINT0, error and performance-counter LVTs masked, TPR 0. */
void apic_init_cpu(void);

bool apic_is_x2apic(void);

/* This CPU's id as its APIC reports it (CPUID's before set-up). */
uint32_t apic_id(void);
void apic_eoi(void);

/* Send an IPI; false if an xAPIC never showed the previous one delivered
 * (bounded wait). */
bool apic_send_fixed(uint32_t dest, uint8_t vector);
bool apic_send_init(uint32_t dest);
bool apic_send_startup(uint32_t dest, uint8_t page);    /* page = start address >> 12 */
bool apic_send_nmi_all_but_self(void);

#endif /* KERNEL_APIC_H */
