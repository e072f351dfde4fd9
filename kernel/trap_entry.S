/*
 * trap_entry.S - one stub per IDT vector (0..255).  Each pushes a zero when
 * the CPU pushed no error code, then the vector number, so trap_common
 * always sees the same struct trap_frame (kernel/trap.h).  Vectors 32..255
 * (IPIs, spurious and unexpected interrupts) take the same path and return
 * through iretq when trap_handler returns.
 *
 * Also here: probe_read_u64, the one instruction the exception fixup knows.
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

	.altmacro
	.macro TRAP_STUB_AUTO vec
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	TRAP_STUB \vec, 1
	.else
	TRAP_STUB \vec, 0
	.endif
	.endm

	.set	v, 0
	.rept	256
	TRAP_STUB_AUTO %v
	.set	v, v + 1
	.endr

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

/*
 * int probe_read_u64(const void *va, uint64_t *out): *out = *va and 0, or
 * -1 if the read faulted.  trap_handler resumes a #PF at probe_read_insn
 * at probe_read_fixup (kernel/trap.c): a fault here is expected, counted
 * and reported by the caller, not fatal.
 */
	.globl	probe_read_u64, probe_read_insn, probe_read_fixup
	.type	probe_read_u64, @function
probe_read_u64:
probe_read_insn:
	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	xorl	%eax, %eax
	ret
probe_read_fixup:
	movl	$-1, %eax
	ret
	.size	probe_read_u64, . - probe_read_u64

	/* Stub addresses for idt_init(), indexed by vector. */
	.section .rodata
	.p2align 3
	.globl	trap_stubs
	.macro STUB_ADDR vec
	.quad	trap_stub_\vec
	.endm
trap_stubs:
	.set	v, 0
	.rept	256
	STUB_ADDR %v
	.set	v, v + 1
	.endr

	.section .note.GNU-stack, "", @progbits
