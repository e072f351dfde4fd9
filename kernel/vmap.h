/*
 * vmap.h - the one way to change a kernel mapping after boot: map, change
 * or unmap a range of kernel virtual addresses in every distinct page-table
 * copy at once, under one lock, followed by a TLB shootdown of every online
 * CPU (why eagerly, and the ordering argument: kernel/vmap.c).
 *
 * Users: the vmalloc area (vmalloc_node / vfree), ioremap (the xAPIC page)
 * and the SMP start-up page's identity mapping (kernel/smp.c).
 *
 * Contract for every call below: interrupts enabled whenever another CPU
 * is online (the caller waits for the others' acknowledgements, and a CPU
 * spinning with interrupts off could be the one it waits for), and no
 * spinlock held that an interrupt-disabled path takes.  Violations panic.
 * Ranges are 4 KiB-aligned [va, va + size), in the vmalloc area or the
 * lower half (the start-up page only); kernel-half mappings must be NX and
 * are made global.
 */
#ifndef KERNEL_VMAP_H
#define KERNEL_VMAP_H

#include "types.h"
#include "handoff.h"

/* The distinct copies (roots) and the node that owns each, from the
 * handoff; set up the table-page allocator of each copy.  After mm_init. */
void vmap_init(const struct handoff *h);

/*
 * Map [va, va + size) -> [pa, ...) with flags (PTE_W, PTE_NX, PTE_PCD,
 * PTE_PWT) in every copy.  Table pages a copy needs come from the buddy of
 * the node that owns that copy (never another node: that copy's map fails
 * with PGTABLE_ENOMEM and every copy is rolled back).  The range must be
 * unmapped (PGTABLE_EEXIST).  Returns 0 or a PGTABLE_E* error.
 */
int vmap_map(virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags);

/* Change a mapped range's frames (pa, or PGTABLE_KEEP_PA) and flags in
 * every copy, then shoot down.  Returns 0 or a PGTABLE_E* error. */
int vmap_change(virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags);

/* Remove a mapped range from every copy, then shoot down. */
int vmap_unmap(virt_addr_t va, uint64_t size);

/* Virtual space in the vmalloc area, size rounded up to pages, with one
 * unmapped guard page after it.  0 when the area is full. */
virt_addr_t vmap_area_alloc(uint64_t size);
void vmap_area_free(virt_addr_t va, uint64_t size);

/* size bytes (rounded up to pages) of node nid's pages (buddy, nearest
 * node when nid has none), mapped RW+NX in the vmalloc area; NULL on
 * failure (nothing leaks).  vfree takes the same size. */
void *vmalloc_node(uint64_t size, uint32_t nid);
void vfree(void *va, uint64_t size);

/* Map [pa, pa + size) uncached (PCD|PWT), RW+NX, in the vmalloc area. */
void *ioremap(phys_addr_t pa, uint64_t size);

/* Copies known to vmap, and the node each one's tables live on. */
uint32_t vmap_nr_copies(void);
phys_addr_t vmap_copy_root(uint32_t i);

/* Cycles spent writing the last change into all copies (bench). */
extern uint64_t vmap_last_update_cycles;

#endif /* KERNEL_VMAP_H */
