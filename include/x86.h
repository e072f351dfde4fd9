/*
 * x86.h - inline wrappers for the x86-64 instructions the kernel (and the
 * loader, after ExitBootServices) needs: port I/O, MSRs, TSC, CPUID,
 * control registers, TLB invalidation, halt.
 *
 * Privileged instructions are only defined for freestanding builds; a host
 * build (-DHOST) sees cpuid and rdtsc only, which user space may execute.
 */
#ifndef X86_H
#define X86_H

#include "types.h"

/* CR0 / CR4 / EFER bits we check or set. */
#define X86_CR0_PE        (1ULL << 0)
#define X86_CR0_WP        (1ULL << 16)
#define X86_CR0_PG        (1ULL << 31)
#define X86_CR4_PAE       (1ULL << 5)
#define X86_CR4_PGE       (1ULL << 7)
#define X86_CR4_LA57      (1ULL << 12)
#define MSR_EFER          0xc0000080u
#define X86_EFER_LME      (1ULL << 8)
#define X86_EFER_NXE      (1ULL << 11)
#define X86_RFLAGS_IF     (1ULL << 9)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* CPUID leaf/subleaf. */
static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#ifndef HOST

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define X86_DEFINE_CR(n)						\
	static inline uint64_t read_cr##n(void)				\
	{								\
		uint64_t v;						\
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));	\
		return v;						\
	}								\
	static inline void write_cr##n(uint64_t v)			\
	{								\
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
X86_DEFINE_CR(0)
X86_DEFINE_CR(2)
X86_DEFINE_CR(3)
X86_DEFINE_CR(4)
#undef X86_DEFINE_CR

static inline void invlpg(virt_addr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

#endif /* !HOST */

#endif /* X86_H */
