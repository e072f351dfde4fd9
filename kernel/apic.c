/*
 * apic.c - local APIC access for IPIs (interface in apic.h).
 *
 * Register numbers are the xAPIC MMIO offsets; in x2APIC mode register r is
 * MSR 0x800 + r / 16 and the ICR is one 64-bit MSR (destination in the high
 * half, no delivery-status bit: a WRMSR to it is the send).
 */
#include "types.h"
#include "x86.h"
#include "printk.h"
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/delay.h"
#include "kernel/vmap.h"

#define MSR_APIC_BASE        0x1bu
#define APIC_BASE_ENABLE     (1ULL << 11)
#define APIC_BASE_X2APIC     (1ULL << 10)
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ULL

#define APIC_REG_ID      0x020
#define APIC_REG_TPR     0x080
#define APIC_REG_EOI     0x0b0
#define APIC_REG_SVR     0x0f0
#define APIC_REG_ESR     0x280
#define APIC_REG_ICR_LO  0x300
#define APIC_REG_ICR_HI  0x310
#define APIC_REG_LVT_TIMER  0x320
#define APIC_REG_LVT_PERF   0x340
#define APIC_REG_LVT_LINT0  0x350
#define APIC_REG_LVT_ERROR  0x370

#define APIC_SVR_ENABLE      (1u << 8)
#define APIC_LVT_MASKED      (1u << 16)
#define APIC_ICR_BUSY        (1u << 12)    /* xAPIC delivery status: send pending */
#define APIC_ICR_ASSERT      (1u << 14)
#define APIC_ICR_LEVEL       (1u << 15)
#define APIC_DM_FIXED        0x000u
#define APIC_DM_NMI          0x400u
#define APIC_DM_INIT         0x500u
#define APIC_DM_STARTUP      0x600u
#define APIC_DEST_ALL_BUT_SELF (3u << 18)

#define CPUID1_ECX_X2APIC    (1u << 21)
#define CPUID1_EDX_APIC      (1u << 9)

#define ICR_IDLE_WAIT_US     10000    /* SDM: delivery takes microseconds */

static bool x2apic;
static volatile uint32_t *xapic;     /* ioremap'd page (xAPIC mode) */
static const char *mode_reason = "not set up";

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return xapic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

const char *apic_mode_reason(void)
{
	return mode_reason;
}

bool apic_is_x2apic(void)
{
	return x2apic;
}

const char *apic_init_boot(bool need_x2apic, bool want_x2apic)
{
	struct cpuid_regs r = cpuid(1);
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(r.edx & CPUID1_EDX_APIC))
		return "CPUID says there is no local APIC";
	/* The 8259 pair may still deliver the firmware's timer (virtual-wire
	 * mode through LINT0): mask every line. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	if (!(base & APIC_BASE_X2APIC) && !need_x2apic && want_x2apic &&
	    !(r.ecx & CPUID1_ECX_X2APIC))
		printk(KERN_WARNING "smp: x2apic: this CPU has no x2APIC; xAPIC mode\n");
	else if (want_x2apic)
		need_x2apic = true;
	if ((base & APIC_BASE_X2APIC) || need_x2apic) {
		if (!(r.ecx & CPUID1_ECX_X2APIC))
			return "an APIC id above 254 needs x2APIC, which this CPU lacks";
		x2apic = true;
		mode_reason = (base & APIC_BASE_X2APIC) ? "x2APIC (enabled by the firmware)" :
			      want_x2apic ? "x2APIC (x2apic option)" : "x2APIC (an APIC id above 254)";
	} else {
		mode_reason = "xAPIC (MMIO)";
		void *p = ioremap(base & APIC_BASE_ADDR_MASK, PAGE_SIZE);

		if (p == NULL)
			return "cannot map the xAPIC MMIO page";
		xapic = p;
	}
	apic_init_cpu();
	return NULL;
}

void apic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (x2apic && !(base & APIC_BASE_X2APIC)) {
		/* xAPIC -> x2APIC needs the enable bit first (SDM 10.12.5). */
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	} else if (!(base & APIC_BASE_ENABLE)) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	}
	apic_write(APIC_REG_TPR, 0);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_REG_LVT_PERF, APIC_LVT_MASKED);
	apic_write(APIC_REG_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_REG_LVT_ERROR, APIC_LVT_MASKED);
	apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	if (!x2apic)
		apic_write(APIC_REG_ESR, 0);
}

uint32_t apic_id(void)
{
	if (!x2apic && !xapic)
		return cpu_apic_id();           /* not set up (or unusable) */
	if (x2apic)
		return apic_read(APIC_REG_ID);
	return apic_read(APIC_REG_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_REG_EOI, 0);
}

/* Send one ICR command.  x2APIC: a fence first, because WRMSR to the ICR
 * is not ordered after earlier stores (SDM 10.12.3), and the receiver must
 * see what the sender wrote before the IPI (shootdown requests, call
 * mailboxes).  xAPIC: wait until the previous command left. */
static bool apic_icr(uint32_t dest, uint32_t low)
{
	if (x2apic) {
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(0x830, ((uint64_t)dest << 32) | low);
		return true;
	}

	uint64_t end = tsc_deadline_us(ICR_IDLE_WAIT_US);

	while (apic_read(APIC_REG_ICR_LO) & APIC_ICR_BUSY) {
		if (tsc_passed(end))
			return false;
		cpu_relax();
	}
	apic_write(APIC_REG_ICR_HI, dest << 24);
	apic_write(APIC_REG_ICR_LO, low);
	while (apic_read(APIC_REG_ICR_LO) & APIC_ICR_BUSY) {
		if (tsc_passed(end))
			return false;
		cpu_relax();
	}
	return true;
}

bool apic_send_fixed(uint32_t dest, uint8_t vector)
{
	return apic_icr(dest, APIC_DM_FIXED | APIC_ICR_ASSERT | vector);
}

bool apic_send_init(uint32_t dest)
{
	return apic_icr(dest, APIC_DM_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
}

bool apic_send_startup(uint32_t dest, uint8_t page)
{
	return apic_icr(dest, APIC_DM_STARTUP | APIC_ICR_ASSERT | page);
}

bool apic_send_nmi_all_but_self(void)
{
	return apic_icr(0, APIC_DM_NMI | APIC_ICR_ASSERT | APIC_DEST_ALL_BUT_SELF);
}
