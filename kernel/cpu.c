/*
 * gdt.c - the kernel's GDT, TSS and IDT for the boot CPU.
 *
 * The firmware's GDT lives in boot-services memory the kernel will reuse,
 * so the kernel loads its own at once.  Long mode ignores segment bases and
 * limits; what matters is a 64-bit code descriptor, a data descriptor for
 * SS, and a TSS whose IST slots give #DF, NMI and #MC a known-good stack
 * (a kernel stack overflow faults while pushing the #PF frame; only a
 * switch to an IST stack lets the #DF handler report it).
 */
#include "types.h"
#include "x86.h"
#include "kernel/trap.h"

/* 64-bit TSS (SDM Vol. 3, 8.7). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];        /* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");
_Static_assert(__builtin_offsetof(struct tss64, ist) == 36, "IST1 at offset 36");

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
#define IDT_VECTORS    32

/* null, kernel code (0x08: L=1, P, DPL0, exec/read), kernel data (0x10),
 * TSS (0x18, two slots). */
static uint64_t gdt[5] __attribute__((aligned(16))) = {
	0,
	0x00af9a000000ffffULL,
	0x00cf92000000ffffULL,
	0, 0,
};

static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

static uint8_t ist_stacks[IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(16)));

void ist_stack_bounds(unsigned i, uint64_t *lo, uint64_t *hi)
{
	*lo = (uint64_t)(uintptr_t)ist_stacks[i % IST_STACKS];
	*hi = *lo + IST_STACK_SIZE;
}

extern const uint64_t trap_stubs[IDT_VECTORS];   /* kernel/trap_entry.S */

void gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { .limit = sizeof(gdt) - 1, .base = (uint64_t)(uintptr_t)gdt };

	tss.ist[IST_DF - 1]  = (uint64_t)(uintptr_t)&ist_stacks[0][IST_STACK_SIZE];
	tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)&ist_stacks[1][IST_STACK_SIZE];
	tss.ist[IST_MC - 1]  = (uint64_t)(uintptr_t)&ist_stacks[2][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);       /* no I/O permission bitmap */

	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 ((uint64_t)TSS_TYPE_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

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
		"ltr %w3"
		:
		: "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"(GDT_TSS)
		: "rax", "memory");
}

void idt_init(void)
{
	struct desc_ptr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)(uintptr_t)idt };

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
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}
