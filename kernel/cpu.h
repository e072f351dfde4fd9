/*
 * cpu.h (kernel) - per-CPU state: one struct cpu per CPU, reached through
 * the GS base (%gs:0 holds the struct's own address, as Linux's
 * this_cpu_ptr), with the CPU's own GDT and TSS (one TSS cannot be loaded
 * by two CPUs: ltr marks it busy) and its own stacks.
 *
 * Layout of an application processor's area, allocated by kernel/smp.c
 * from the CPU's own node's buddy (nearest node with memory for a CPU on a
 * memory-less node) and reached through the direct map:
 *
 *   area + 0                struct cpu (GDT, TSS, cross-CPU mailboxes)
 *   area + CPU_AREA_STACK   kernel stack, CPU_STACK_SIZE, grows down
 *   area + CPU_AREA_IST(i)  IST stack i (0: #DF, 1: NMI, 2: #MC), IST_STACK_SIZE each
 *
 * The boot CPU's struct cpu and IST stacks are in .bss and its stack is the
 * loader's: they exist before any allocator does.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include "types.h"
#include "numa.h"
#include "spinlock.h"
#include "../include/cpu.h"   /* the public half (smp_fn, smp_call_on); not this file */
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

enum cpu_state {
	CPU_OFFLINE  = 0,       /* not started, or did not answer */
	CPU_STARTING = 1,       /* INIT-SIPI-SIPI sent */
	CPU_ONLINE   = 2,       /* running its idle loop on its node's copy */
	CPU_STOPPED  = 3,       /* halted by the panic NMI */
};

#define CPU_STACK_SIZE   (16 * 1024)
#define CPU_AREA_STACK   PAGE_SIZE
#define CPU_AREA_IST(i)  (CPU_AREA_STACK + CPU_STACK_SIZE + (uint64_t)(i) * IST_STACK_SIZE)
#define CPU_AREA_SIZE    CPU_AREA_IST(3)
#define CPU_AREA_ORDER   5       /* 128 KiB >= CPU_AREA_SIZE (68 KiB) */
_Static_assert(CPU_AREA_SIZE <= (PAGE_SIZE << CPU_AREA_ORDER), "per-CPU area fits its block");

struct cpu {
	struct cpu *self;               /* %gs:0 */
	uint32_t id;                    /* dense CPU number, 0 = boot CPU */
	uint32_t apic_id;
	uint32_t numa_idx;              /* its index in the handoff's numa.cpus[] (mm_this_cpu) */
	uint16_t node;                  /* its node (SRAT) */
	uint16_t pgd_node;              /* node whose memory holds its copy */
	uint32_t state;                 /* enum cpu_state, atomic */
	phys_addr_t cr3;                /* its node's copy */
	phys_addr_t area_pa;            /* this struct and the stacks (0: boot CPU) */
	uint32_t area_node;             /* node of area_pa */
	int trap_depth;                 /* exceptions being reported on this CPU */
	uint64_t stack_lo, stack_hi;    /* kernel stack [lo, hi), for the unwinder */
	uint64_t ist_lo[3];             /* IST stacks [lo, lo + IST_STACK_SIZE) */
	/* exception fixup (kernel/trap.c): page faults caught by probe_read */
	uint64_t fixups;
	virt_addr_t fixup_addr;
	/* TLB shootdown (kernel/smp.c): last request generation done here */
	uint64_t tlb_ack;
	/* smp_call_on mailbox: call_req != call_done means call_fn(call_arg) waits */
	spinlock_t call_lock;           /* one caller at a time */
	smp_fn call_fn;
	void *call_arg;
	uint64_t call_req, call_done;
	uint64_t gdt[5] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};
#define CPU_NUMA_IDX_NONE  0xffffffffu   /* boot CPU before smp_init */

_Static_assert(__builtin_offsetof(struct cpu, self) == 0, "%gs:0 is the struct's own address");
_Static_assert(sizeof(struct cpu) <= CPU_AREA_STACK, "struct cpu fits the area's first page");

/* Every CPU the MADT lists, by dense id; NULL past nr_cpus. */
extern struct cpu *cpus[NUMA_MAX_CPUS];
extern uint32_t nr_cpus;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

static inline uint32_t cpu_state(const struct cpu *c)
{
	return __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
}

/* The boot CPU: struct cpu 0 in .bss, GS base, its GDT and TSS.  First
 * thing kmain does, so every exception and panic can use this_cpu(). */
void cpu_boot_init(void);

/* Fill c's GDT and TSS (IST stacks from c->ist_lo), load them, the IDT,
 * and point GS at c.  Runs on the CPU itself. */
void cpu_load(struct cpu *c);

/* APIC id of the running CPU from CPUID (no APIC access): the x2APIC id
 * (leaf 0xB) when the CPU has the leaf, else the 8-bit initial APIC id. */
uint32_t cpu_apic_id(void);

/* Install gates for all 256 vectors in the shared IDT (cpu_boot_init
 * calls it; cpu_load loads it). */
void idt_init(void);

#endif /* KERNEL_CPU_H */
