/*
 * smp_trampoline.S - the first instructions of an application processor.
 *
 * kernel/smp.c copies [smp_tramp_start, smp_tramp_end) to the page below
 * 1 MiB the loader reserved (handoff smp_trampoline_pa = P), fills the data
 * block at its end, and sends STARTUP with vector P >> 12.  The CPU starts
 * in real mode at CS:IP = (P >> 4):0 and goes
 *
 *   real mode --lgdt, CR0.PE--> 32-bit protected mode
 *     --CR4.PAE|PGE, CR3 = tr_cr3_low, EFER.LME|NXE, CR0.PG|WP--> long mode
 *     --CR3 = tr_cr3 (its node's copy)--> kernel stack, jump to tr_entry
 *
 * tr_cr3_low is the node's copy itself when its root lies below 4 GiB (a
 * 32-bit MOV to CR3 cannot hold more), so the CPU's first page walk is
 * already in its own node's tables; otherwise a page below 4 GiB holding a
 * copy of the root's entries (pointing at the same node-local tables).
 * Both map this page 1:1 (kernel/smp.c maps it in every copy while CPUs
 * start).  Code addresses the data relative to P: %ds = P >> 4 in real
 * mode, %ebx = P in protected mode, RIP-relative in long mode (the page is
 * executed at its physical address).
 */
#define CR0_PE  0x00000001
#define CR0_ET  0x00000010
#define CR0_NE  0x00000020
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080
#define EFER_MSR 0xc0000080
#define EFER_LME 0x00000100
#define EFER_NXE 0x00000800

#define OFF(sym) ((sym) - smp_tramp_start)

	.section .rodata
	.balign 4096
	.globl	smp_tramp_start, smp_tramp_end
	.globl	tr_gdtr, tr_pm_ptr, tr_lm_ptr, tr_cr3_low, tr_alive, tr_cr3, tr_stack, tr_cpu, tr_entry

	.code16
smp_tramp_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movl	$1, OFF(tr_alive)		/* seen by the boot CPU: real mode reached */
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx			/* %ebx = P */
	lgdtl	OFF(tr_gdtr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*OFF(tr_pm_ptr)

	.code32
tr_pm32:
	movl	$0x10, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	OFF(tr_cr3_low)(%ebx), %eax
	movl	%eax, %cr3
	movl	$EFER_MSR, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	/* Caches on (CD and NW clear: INIT leaves them set), write protect. */
	movl	$(CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0
	ljmpl	*OFF(tr_lm_ptr)(%ebx)

	.code64
tr_lm64:
	movq	tr_cr3(%rip), %rax
	movq	%rax, %cr3
	movq	tr_stack(%rip), %rsp
	movq	tr_cpu(%rip), %rdi
	movq	tr_entry(%rip), %rax
	xorl	%ebp, %ebp			/* frame chain ends here */
	pushq	$0				/* as if called: ABI stack alignment */
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff		/* 0x10: data */
	.quad	0x00af9a000000ffff		/* 0x18: 64-bit code */
tr_gdt_end:
	.balign 8
tr_gdtr:	.word	tr_gdt_end - tr_gdt - 1
		.long	0			/* P + OFF(tr_gdt) */
	.balign 8
tr_pm_ptr:	.long	0			/* P + OFF(tr_pm32) */
		.word	0x08
	.balign 8
tr_lm_ptr:	.long	0			/* P + OFF(tr_lm64) */
		.word	0x18
	.balign 8
tr_cr3_low:	.long	0
tr_alive:	.long	0
tr_cr3:		.quad	0
tr_stack:	.quad	0
tr_cpu:		.quad	0
tr_entry:	.quad	0
	.globl	tr_gdt, tr_pm32, tr_lm64
smp_tramp_end:

	.section .note.GNU-stack, "", @progbits
