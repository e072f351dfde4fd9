/*
 * trap.c - the fatal-exception path: name the exception, dump the CPU state
 * in Linux's oops layout, print the Call Trace (kernel/stacktrace.c), then
 * panic.
 *
 * Every exception is fatal in this kernel (nothing is demand-paged), with
 * three exceptions that return through trap_entry.S's iretq path:
 *   - vectors 32..255 are interrupts: IPIs and spurious ones (kernel/smp.c);
 *   - an NMI while another CPU panics stops this CPU (kernel/panic.c);
 *   - a #PF at probe_read_insn resumes at probe_read_fixup: the only
 *     exception fixup, for reads that are expected to fault (self-tests).
 */
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "printk.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "kernel/stacktrace.h"
#include "kernel/trap.h"

extern const char probe_read_insn[], probe_read_fixup[];   /* kernel/trap_entry.S */

static const char *const trap_names[32] = {
	[0]  = "#DE Divide Error",
	[1]  = "#DB Debug",
	[2]  = "NMI Non-Maskable Interrupt",
	[3]  = "#BP Breakpoint",
	[4]  = "#OF Overflow",
	[5]  = "#BR BOUND Range Exceeded",
	[6]  = "#UD Invalid Opcode",
	[7]  = "#NM Device Not Available",
	[8]  = "#DF Double Fault",
	[9]  = "Coprocessor Segment Overrun",
	[10] = "#TS Invalid TSS",
	[11] = "#NP Segment Not Present",
	[12] = "#SS Stack-Segment Fault",
	[13] = "#GP General Protection",
	[14] = "#PF Page Fault",
	[15] = "Reserved (15)",
	[16] = "#MF x87 Floating-Point Error",
	[17] = "#AC Alignment Check",
	[18] = "#MC Machine Check",
	[19] = "#XM SIMD Floating-Point",
	[20] = "#VE Virtualization Exception",
	[21] = "#CP Control Protection",
	[22] = "Reserved (22)",
	[23] = "Reserved (23)",
	[24] = "Reserved (24)",
	[25] = "Reserved (25)",
	[26] = "Reserved (26)",
	[27] = "Reserved (27)",
	[28] = "#HV Hypervisor Injection",
	[29] = "#VC VMM Communication",
	[30] = "#SX Security",
	[31] = "Reserved (31)",
};

const char *trap_name(uint64_t vector)
{
	return vector < 32 ? trap_names[vector] : "unknown vector";
}

/* Linux's wording for the #PF error code (arch/x86/mm/fault.c show_fault_oops). */
static void pf_explain(uint64_t err, uint64_t cr2)
{
	const char *access = (err & (1u << 4)) ? "instruction fetch" :
			     (err & (1u << 1)) ? "write access" : "read access";
	const char *why = (err & (1u << 3)) ? "reserved bit violation" :
			  (err & (1u << 0)) ? "permissions violation" : "not-present page";

	printk(KERN_EMERG "BUG: unable to handle page fault for address: %016lx\n", cr2);
	printk(KERN_EMERG "#PF: %s %s in %s mode\n", (err & (1u << 2)) ? "user" : "supervisor",
	       access, (err & (1u << 2)) ? "user" : "kernel");
	printk(KERN_EMERG "#PF: error_code(0x%04lx) - %s\n", err, why);
}

void trap_handler(struct trap_frame *f)
{
	struct cpu *me = this_cpu();
	uint64_t cr0, cr2, cr3, cr4;
	char sym[96];

	if (f->vector >= 32) {
		smp_interrupt(f->vector);
		return;
	}
	if (f->vector == 2 && panic_in_progress())
		panic_stop_this_cpu();
	cr0 = read_cr0();
	cr2 = read_cr2();
	cr3 = read_cr3();
	cr4 = read_cr4();
	if (f->vector == 14 && f->rip == (uint64_t)(uintptr_t)probe_read_insn) {
		me->fixups++;
		me->fixup_addr = cr2;
		f->rip = (uint64_t)(uintptr_t)probe_read_fixup;
		return;
	}

	/* An exception while dumping one, or while panicking: the dump code
	 * itself is suspect, so keep it to one line (panic's nesting guard
	 * then stops the machine). */
	if (me->trap_depth++ || panic_in_progress())
		panic_from_trap("%s (vector %lu) at RIP %016lx, CR2 %016lx, inside the exception/panic path",
				trap_name(f->vector), f->vector, f->rip, cr2);

	console_verbose();
	printk(KERN_EMERG "\n");
	printk(KERN_EMERG "traps: %s (vector %lu), error code 0x%lx\n",
	       trap_name(f->vector), f->vector, f->error_code);
	if (nr_cpus > 1)
		printk(KERN_EMERG "CPU: %u apic 0x%x node %u\n", me->id, me->apic_id, me->node);
	if (f->vector == 14)
		pf_explain(f->error_code, cr2);
	else if (f->error_code && (f->vector == 10 || f->vector == 11 ||
				   f->vector == 12 || f->vector == 13))
		printk(KERN_EMERG "traps: selector index 0x%lx%s%s\n", (f->error_code >> 3) & 0x1fff,
		       (f->error_code & 2) ? " (IDT)" : (f->error_code & 4) ? " (LDT)" : " (GDT)",
		       (f->error_code & 1) ? " external" : "");
	/* Linux's show_ip() and show_iret_regs(): RIP as %pS (the bare
	 * address when no symbol covers it), EFLAGS beside RSP. */
	if (ksyms_format(&kernel_ksyms, f->rip, false, sym, sizeof(sym)))
		printk(KERN_EMERG "RIP: %04lx:%s\n", f->cs, sym);
	else
		printk(KERN_EMERG "RIP: %04lx:0x%016lx\n", f->cs, f->rip);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n", f->ss, f->rsp, f->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n", f->rax, f->rbx, f->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n", f->rdx, f->rsi, f->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n", f->rbp, f->r8, f->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n", f->r10, f->r11, f->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n", f->r13, f->r14, f->r15);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n", cr0, cr2, cr3, cr4);
	printk(KERN_EMERG "Call Trace:\n");
	stack_trace_print_addr(f->rip, false, " (faulting instruction)");
	stack_trace_print(f->rbp);
	if (f->vector == 14)
		panic_from_trap("Fatal exception: %s at RIP %016lx, address %016lx",
				trap_name(f->vector), f->rip, cr2);
	panic_from_trap("Fatal exception: %s at RIP %016lx", trap_name(f->vector), f->rip);
}
