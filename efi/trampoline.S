/*
 * trampoline.S - the loader's last instructions, copied (with paging.c's
 * patches) into one page below 4 GiB that is identity-mapped both by the
 * firmware's tables and by the boot node's new copy:
 *
 *   loader_trampoline(handoff_pa = RDI, cr3 = RSI, rsp = RDX, entry = RCX)
 *	switch to the kernel's tables, set CR0.WP (once, on our own tables),
 *	jump to the kernel.  RDI is passed through untouched: the kernel's
 *	entry ABI is RDI = handoff physical address, RSP = direct-map stack
 *	top, interrupts off.
 *
 *   loader_la57_toggle(new_top_pa = RDI, below 4 GiB)
 *	flip CR4.LA57, which only works with paging off, hence in 32-bit
 *	compatibility mode: load our GDT, far-return to 32-bit code, paging
 *	off, CR3 = new_top_pa, LA57 flipped, paging on (EFER.LME is still set,
 *	so long mode comes back), far jump to 64-bit code, return.  The
 *	stack is not touched in 32-bit mode (it may live above 4 GiB); the top
 *	half of RSP is kept in EBX.  Callers: after ExitBootServices, with
 *	interrupts off; both the old and the new tables map the page, the
 *	caller's code and stack 1:1.
 *
 * Position independent except for the ljmp target and the GDTR base,
 * which paging_trampoline_install() writes.
 */
#include "efi/paging.h"

	.text
	.code64
	.globl	loader_trampoline_start
	.globl	loader_trampoline_end
	.globl	loader_la57_toggle
	.globl	loader_la57_ljmp
	.globl	loader_la57_ret64
	.globl	loader_trampoline_gdt
	.globl	loader_trampoline_gdtr
loader_trampoline_start:
	movq	%rsi, %cr3
	movq	%cr0, %rax
	btsq	$16, %rax		/* CR0.WP */
	movq	%rax, %cr0
	movq	%rdx, %rsp
	xorl	%ebp, %ebp
	jmpq	*%rcx

loader_la57_toggle:
	pushq	%rbp
	pushq	%rbx
	movq	%rsp, %rbx
	shrq	$32, %rbx
	movq	%cr4, %rax
	btrq	$17, %rax		/* CR4.PCIDE: paging cannot go off with it set */
	movq	%rax, %cr4
	lgdt	loader_trampoline_gdtr(%rip)
	movl	$PAGING_GDT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	pushq	$PAGING_GDT_CS32
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
	.code32
1:	movl	%cr0, %eax
	btrl	$31, %eax		/* CR0.PG off: long mode inactive */
	movl	%eax, %cr0
	movl	%edi, %cr3
	movl	%cr4, %eax
	btcl	$12, %eax		/* CR4.LA57 */
	movl	%eax, %cr4
	movl	%cr0, %eax
	btsl	$31, %eax		/* CR0.PG on: IA-32e again (EFER.LME) */
	movl	%eax, %cr0
loader_la57_ljmp:
	ljmpl	$PAGING_GDT_CS64, $0	/* target patched to loader_la57_ret64 */
	.code64
loader_la57_ret64:
	movl	%esp, %esp		/* zero the undefined top half ... */
	shlq	$32, %rbx
	orq	%rbx, %rsp		/* ... and put the saved one back */
	popq	%rbx
	popq	%rbp
	ret

	.balign	8
loader_trampoline_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf9a000000ffff	/* 0x10: 32-bit code, 4 GiB flat */
	.quad	0x00cf92000000ffff	/* 0x18: data, 4 GiB flat */
loader_trampoline_gdtr:
	.word	0
	.quad	0
loader_trampoline_end:

	.section .note.GNU-stack, "", @progbits
