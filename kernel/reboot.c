/*
 * reboot.c - reset the machine, in Linux's fallback order (reboot_type
 * BOOT_ACPI, then BOOT_KBD, then BOOT_TRIPLE in native_machine_emergency_
 * restart): the FADT's reset register the loader recorded, the keyboard
 * controller's pulse-reset command, and a triple fault (an empty IDT and an
 * exception).  Each method gets 50 ms to take effect and the log says which
 * one is tried, so a machine that comes back tells you how.
 */
#include "types.h"
#include "x86.h"
#include "printk.h"
#include "handoff.h"
#include "acpi/acpi.h"
#include "kernel/boot.h"
#include "kernel/reboot.h"

#define KBD_STATUS        0x64
#define KBD_STATUS_IBF    0x02    /* input buffer full: not ready for a command */
#define KBD_CMD_RESET     0xfe    /* pulse the CPU reset line */
#define PCI_CONF_ADDR     0xcf8
#define PCI_CONF_DATA     0xcfc

void boot_delay_ms(uint64_t ms)
{
	const struct handoff *h = boot_handoff;
	uint64_t khz = h && h->tsc_khz ? h->tsc_khz : 2000000;   /* unknown: assume 2 GHz */
	uint64_t end = rdtsc() + ms * khz;

	while (rdtsc() < end)
		cpu_relax();
}

static const char *method_name(enum reboot_method m)
{
	return m == REBOOT_ACPI ? "acpi" : m == REBOOT_KBD ? "kbd" : "triple";
}

static void reset_acpi(const struct handoff_reset *r)
{
	if (r->space == ACPI_GAS_IO) {
		printk(KERN_EMERG "reboot: ACPI reset register: I/O port 0x%lx <- 0x%x\n", r->address,
		       r->value);
		outb((uint16_t)r->address, r->value);
	} else if (r->space == ACPI_GAS_MEMORY) {
		printk(KERN_EMERG "reboot: ACPI reset register: memory 0x%lx <- 0x%x\n", r->address,
		       r->value);
		*(volatile uint8_t *)(uintptr_t)r->va = r->value;
	} else {
		uint32_t dev = (uint32_t)(r->address >> 32), fn = (uint32_t)(r->address >> 16) & 0xffff;
		uint32_t reg = (uint32_t)r->address & 0xff;

		printk(KERN_EMERG "reboot: ACPI reset register: PCI 00:%02x.%u offset 0x%x <- 0x%x\n",
		       dev, fn, reg, r->value);
		outl(PCI_CONF_ADDR, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
		outb((uint16_t)(PCI_CONF_DATA + (reg & 3)), r->value);
	}
}

static void reset_kbd(void)
{
	printk(KERN_EMERG "reboot: keyboard controller: port 0x64 <- 0xfe\n");
	for (int i = 0; i < 10; i++) {
		for (int spin = 0; spin < 100000 && (inb(KBD_STATUS) & KBD_STATUS_IBF); spin++)
			cpu_relax();
		outb(KBD_STATUS, KBD_CMD_RESET);
		boot_delay_ms(5);
	}
}

static __noreturn void reset_triple(void)
{
	static const struct __attribute__((packed)) { uint16_t limit; uint64_t base; } empty = { 0, 0 };

	printk(KERN_EMERG "reboot: triple fault (empty IDT)\n");
	__asm__ volatile("lidt %0; int3" : : "m"(empty) : "memory");
	for (;;)
		hlt();
}

__noreturn void machine_restart(enum reboot_method first)
{
	const struct handoff *h = boot_handoff;
	const struct handoff_reset *r = h ? &h->reset : NULL;

	cli();
	printk(KERN_EMERG "reboot: restarting system (reboot=%s first)\n", method_name(first));
	if (first == REBOOT_ACPI) {
		if (r && r->valid) {
			reset_acpi(r);
			boot_delay_ms(50);
			printk(KERN_EMERG "reboot: still running 50 ms after the ACPI reset\n");
		} else {
			printk(KERN_EMERG "reboot: no ACPI reset register (see the loader's line)\n");
		}
	}
	if (first != REBOOT_TRIPLE) {
		reset_kbd();
		boot_delay_ms(50);
		printk(KERN_EMERG "reboot: still running 50 ms after the keyboard controller reset\n");
	}
	reset_triple();
}
