/*
 * cpu.c - per-CPU descriptor tables and the GS base (interface in
 * kernel/cpu.h), and the IDT every CPU shares.
 *
 * The firmware's GDT lives in boot-services memory the kernel will reuse,
 * so the kernel loads its own at once.  Long mode ignores segment bases and
 * limits; what matters is a 64-bit code descriptor, a data descriptor for
 * SS, and a TSS whose IST slots give #DF, NMI and #MC a known-good stack
 * (a kernel stack overflow faults while pushing the #PF frame; only a
 * switch to an IST stack lets the #DF handler report it).  Each CPU has its
 * own GDT and TSS inside its struct cpu.
 */
#include "types.h"
#include "x86.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/trap.h"

/* 64-bit interrupt gate (SDM Vol. 3, 6.14.1). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t  ist;           /* bits 0-2 */
	uint8_t  type_attr;     /* P, DPL, type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct desc_ptr) == 10, "lgdt/lidt operand is 10 bytes");

#define IDT_TYPE_INTR  0x8e     /* present, DPL 0, 64-bit interrupt gate */
#define TSS_TYPE_AVAIL 0x89     /* present, 64-bit TSS (available) */
#define IDT_VECTORS    256
#define MSR_GS_BASE    0xc0000101u

struct cpu *cpus[NUMA_MAX_CPUS];
uint32_t nr_cpus = 1;

/* The boot CPU's state: no allocator exists when it is needed. */
static struct cpu cpu0 __attribute__((aligned(64)));
static uint8_t cpu0_ist[3][IST_STACK_SIZE] __attribute__((aligned(16)));
uint64_t boot_stack_top;                 /* written by entry.S */

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

extern const uint64_t trap_stubs[IDT_VECTORS];   /* kernel/trap_entry.S */

void cpu_load(struct cpu *c)
{
	uint64_t base = (uint64_t)(uintptr_t)&c->tss;
	uint64_t limit = sizeof(c->tss) - 1;
	struct desc_ptr gdtr = { .limit = sizeof(c->gdt) - 1, .base = (uint64_t)(uintptr_t)c->gdt };
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt };

	c->self = c;
	/* null, kernel code (0x08: L=1, P, DPL0, exec/read), kernel data
	 * (0x10), TSS (0x18, two slots). */
	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffULL;
	c->gdt[2] = 0x00cf92000000ffffULL;
	c->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		    ((uint64_t)TSS_TYPE_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
		    (((base >> 24) & 0xff) << 56);
	c->gdt[4] = base >> 32;
	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = c->ist_lo[i] + IST_STACK_SIZE;
	c->tss.iomap_base = sizeof(c->tss);       /* no I/O permission bitmap */

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movw %%ax, %%fs\n\t"
		"movw %%ax, %%gs\n\t"
		"ltr %w3\n\t"
		"lidt %4"
		:
		: "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"(GDT_TSS), "m"(idtr)
		: "rax", "memory");
	/* After the GS selector load: writing the selector may reset the base. */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

void cpu_boot_init(void)
{
	struct cpu *c = &cpu0;

	idt_init();
	c->id = 0;
	c->numa_idx = CPU_NUMA_IDX_NONE;
	c->state = CPU_ONLINE;
	c->stack_hi = boot_stack_top;
	c->stack_lo = boot_stack_top - BOOT_STACK_SIZE_DEFAULT;   /* kmain refines it */
	for (int i = 0; i < 3; i++)
		c->ist_lo[i] = (uint64_t)(uintptr_t)cpu0_ist[i];
	cpus[0] = c;
	cpu_load(c);
}

uint32_t cpu_apic_id(void)
{
	struct cpuid_regs r = cpuid(0);

	if (r.eax >= 0xb) {
		struct cpuid_regs x = cpuid_count(0xb, 0);

		if (x.ebx != 0)                 /* leaf 0xB implemented */
			return x.edx;
	}
	return cpuid(1).ebx >> 24;
}

void idt_init(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t off = trap_stubs[v];

		idt[v] = (struct idt_gate){
			.offset_low = off & 0xffff,
			.selector = GDT_KERNEL_CS,
			.ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MC : 0,
			.type_attr = IDT_TYPE_INTR,
			.offset_mid = (off >> 16) & 0xffff,
			.offset_high = off >> 32,
		};
	}
}
