/*
 * vmlayout.h - the kernel's virtual address space, fixed by contract between
 * the loader (which builds the page tables) and the kernel (which uses them).
 *
 *   0x0000000000000000 +-------------------------------+
 *                      | identity map of the loader's  |  one page of trampoline code,
 *                      | CR3-switch trampoline only    |  boot node's copy only; the
 *                      |                               |  kernel removes it at once;
 *                      | (later: the SMP start-up page,|  mapped 1:1 in every copy
 *                      |  while application processors |  while CPUs start, then
 *                      |  start)                       |  removed again
 *   0x00007fffffffffff +-------------------------------+
 *                      |       (non-canonical)         |
 *   0xffff888000000000 +-------------------------------+  DIRECT_MAP_BASE (Linux's
 *                      | direct map of RAM and ACPI    |  __PAGE_OFFSET): phys P is
 *                      | only: 1G/2M pages where whole,|  at DIRECT_MAP_BASE + P,
 *                      | 4K at edges; RW (text R), NX  |  up to DIRECT_MAP_MAX
 *   0xffffc88000000000 +-------------------------------+
 *                      |       (unused)                |
 *   0xffffc90000000000 +-------------------------------+  IOMAP_BASE (Linux's vmalloc
 *                      | device windows the loader     |  start): MMIO UART, framebuffer;
 *                      | maps in every copy: RW, NX,   |  each at a 2 MiB-aligned va
 *                      | uncached or write-through     |  recorded in the handoff
 *   0xffffc90100000000 +-------------------------------+  IOMAP_BASE + IOMAP_SIZE = VMALLOC_START
 *                      | vmalloc area: vmalloc_node,   |  4 KiB pages, mapped in every
 *                      | ioremap (kernel/vmap.c)       |  copy at once after boot; a
 *                      |                               |  guard page after each area
 *   0xffffc90140000000 +-------------------------------+  VMALLOC_END
 *                      |       (unused)                |
 *   0xffffffff80000000 +-------------------------------+  KERNEL_VIRT_BASE (top 2 GiB,
 *                      | kernel image: text RX,        |  -mcmodel=kernel); image
 *                      | rodata R+NX, data/bss RW+NX   |  linked at KERNEL_LINK_ADDR
 *   0xffffffffffffffff +-------------------------------+
 */
#ifndef VMLAYOUT_H
#define VMLAYOUT_H

#define DIRECT_MAP_BASE   0xffff888000000000ULL
#define DIRECT_MAP_MAX    (64ULL << 40)          /* 64 TiB of physical space */
#define IOMAP_BASE        0xffffc90000000000ULL
#define IOMAP_SIZE        (4ULL << 30)
#define VMALLOC_START     (IOMAP_BASE + IOMAP_SIZE)
#define VMALLOC_SIZE      (1ULL << 30)           /* 1 GiB: a 32 KiB bitmap of pages */
#define VMALLOC_END       (VMALLOC_START + VMALLOC_SIZE)
#define KERNEL_VIRT_BASE  0xffffffff80000000ULL
#define KERNEL_LINK_ADDR  0xffffffff80200000ULL  /* 2 MiB above the base, as Linux */

#ifndef __ASSEMBLER__
#define phys_to_virt(pa)  ((void *)(uintptr_t)((uint64_t)(pa) + DIRECT_MAP_BASE))
#define virt_to_phys(va)  ((uint64_t)(uintptr_t)(va) - DIRECT_MAP_BASE)
#endif

#endif /* VMLAYOUT_H */
