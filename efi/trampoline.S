/*
 * trampoline.S - the loader's last instructions, copied into one page that
 * is identity-mapped both by the firmware's tables and by the boot node's
 * new copy, so execution survives the CR3 switch:
 *
 *   loader_trampoline(handoff_pa = RDI, cr3 = RSI, rsp = RDX, entry = RCX)
 *
 * Position independent (it runs from wherever it was copied).  RDI is
 * passed through untouched: the kernel's entry ABI is RDI = handoff
 * physical address, RSP = direct-map stack top, interrupts off.
 */
	.text
	.code64
	.globl	loader_trampoline_start
	.globl	loader_trampoline_end
loader_trampoline_start:
	movq	%rsi, %cr3
	movq	%rdx, %rsp
	xorl	%ebp, %ebp
	jmpq	*%rcx
loader_trampoline_end:

	.section .note.GNU-stack, "", @progbits
