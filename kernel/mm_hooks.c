/*
 * mm_hooks.c - what mm/ asks of the kernel without knowing how the kernel
 * does it.
 *
 * mm_this_cpu() (mm/pcp.h): the running CPU's index in the handoff's
 * numa.cpus[], read from its struct cpu through GS (kernel/cpu.h).  The boot
 * CPU's index is mm's own mm_boot_cpu until smp_init records it.
 */
#include "types.h"
#include "mm/pcp.h"
#include "kernel/cpu.h"

unsigned int mm_this_cpu(void)
{
	uint32_t i = this_cpu()->numa_idx;

	return i == CPU_NUMA_IDX_NONE ? mm_boot_cpu : i;
}
