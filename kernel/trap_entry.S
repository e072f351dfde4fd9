/*
 * trap_entry.S - one stub per exception vector (0..31).  Each pushes a
 * zero when the CPU pushed no error code, then the vector number, so
 * trap_common always sees the same struct trap_frame (kernel/trap.h).
 */
	.code64
	.section .text

/* err = 1 where the CPU pushes an error code itself (SDM Vol. 3, 6.13):
 * vectors 8, 10-14, 17, 21, 29, 30. */
	.macro TRAP_STUB vec, err
	.p2align 4
trap_stub_\vec:
	.if \err == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
	.endm

	TRAP_STUB 0, 0
	TRAP_STUB 1, 0
	TRAP_STUB 2, 0
	TRAP_STUB 3, 0
	TRAP_STUB 4, 0
	TRAP_STUB 5, 0
	TRAP_STUB 6, 0
	TRAP_STUB 7, 0
	TRAP_STUB 8, 1
	TRAP_STUB 9, 0
	TRAP_STUB 10, 1
	TRAP_STUB 11, 1
	TRAP_STUB 12, 1
	TRAP_STUB 13, 1
	TRAP_STUB 14, 1
	TRAP_STUB 15, 0
	TRAP_STUB 16, 0
	TRAP_STUB 17, 1
	TRAP_STUB 18, 0
	TRAP_STUB 19, 0
	TRAP_STUB 20, 0
	TRAP_STUB 21, 1
	TRAP_STUB 22, 0
	TRAP_STUB 23, 0
	TRAP_STUB 24, 0
	TRAP_STUB 25, 0
	TRAP_STUB 26, 0
	TRAP_STUB 27, 0
	TRAP_STUB 28, 0
	TRAP_STUB 29, 1
	TRAP_STUB 30, 1
	TRAP_STUB 31, 0

	.p2align 4
	.type	trap_common, @function
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi		/* struct trap_frame * */
	movq	%rsp, %rbx		/* callee-saved: restore after the call */
	andq	$-16, %rsp
	call	trap_handler
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector, error code */
	iretq
	.size	trap_common, . - trap_common

	/* Stub addresses for idt_init(), indexed by vector. */
	.section .rodata
	.p2align 3
	.globl	trap_stubs
trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
