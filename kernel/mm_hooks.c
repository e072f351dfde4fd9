/*
 * mm_hooks.c - what mm/ asks of the kernel without knowing how the kernel
 * does it.
 *
 * mm_this_cpu() (mm/pcp.h): the running CPU's index in the handoff's
 * numa.cpus[].  Until application processors run, that is always the boot
 * CPU; SMP bring-up replaces this with a read of the per-CPU area via GS.
 */
#include "types.h"
#include "mm/pcp.h"

unsigned int mm_this_cpu(void)
{
	return mm_boot_cpu;
}
