/*
 * entry.S - the kernel's first instructions.
 *
 * The loader jumps here (handoff->kernel_entry) with:
 *   RDI = physical address of struct handoff
 *   RSP = direct-map address of the top of a 64 KiB boot stack
 *   interrupts off, CR3 = a page-table copy mapping this image (W^X), the
 *   direct map at DIRECT_MAP_BASE and the loader's one-page trampoline.
 * We clear BSS (the loader zero-fills it too; doing it here means the
 * kernel does not depend on that), note the stack top for the stack-trace
 * bounds check, end the frame-pointer chain so traces stop here, and call
 * kmain(handoff_pa), which never returns.
 */
	.section .text.entry, "ax"
	.code64
	.globl	_start
	.type	_start, @function
_start:
	cli
	cld
	movq	%rdi, %r12			/* handoff_pa survives the clear */

	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	movq	%rsp, boot_stack_top(%rip)	/* bounds for stack traces */
	movq	%r12, %rdi
	andq	$-16, %rsp			/* SysV: 16-byte aligned at the call */
	xorl	%ebp, %ebp			/* frame chain ends here */
	call	kmain

	/* kmain is noreturn; if it ever does return, stop visibly. */
1:	cli
	hlt
	jmp	1b
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
