/*
 * vmap.c - kernel mappings changed in every page-table copy, then a TLB
 * shootdown (interface and contract in vmap.h).
 *
 * Why every copy, eagerly.  Linux keeps one master kernel table and, up to
 * 5.7, let a CPU whose top-level table lacked a new vmalloc entry fault and
 * copy it from the master (vmalloc_fault).  That works for Linux because
 * its per-process tables share every level below the top with the master:
 * one top-level entry is all that can be missing.  Here each node's copy
 * has its own tables at every level, in its own memory, so a lazy scheme
 * would have to copy whole subtrees on a fault, from a fault that can hit
 * in any context (NMI, the exception path, with locks held) - the hazards
 * that made Linux drop vmalloc_fault in 5.8 for eager syncing of the top
 * level.  Changes to kernel mappings are rare (vmalloc, ioremap, CPU
 * start-up) and the copies are few (one per node with memory, at most 64),
 * so writing each change N times costs little (`bench` prints it); and
 * because the copies are identical at every moment, the boot-time check
 * (mm/pgtable_check.c) can run again at any time.  Changes and removals
 * need the shootdown anyway; a lazy scheme would only spare new mappings.
 *
 * Ordering argument: when vmap_change or vmap_unmap returns, no CPU can
 * use the old translation.
 *   1. The new entries are written into every copy under vmap_lock, each
 *      with one 64-bit store, before the shootdown starts (program order;
 *      the local INVLPG or CR4 write that follows is serialising).
 *   2. smp_tlb_shootdown publishes the request with a release store of its
 *      generation, then sends the IPIs (x2APIC: after an mfence, since WRMSR
 *      to the ICR is not ordered after earlier stores).
 *   3. Each target loads the generation with acquire order - so it also
 *      sees the entry stores that preceded the release - invalidates (INVLPG
 *      or a CR4.PGE toggle, both serialising, both dropping global entries,
 *      which a CR3 reload would keep), then stores its acknowledgement with
 *      release order.
 *   4. The initiator returns only after an acquire load of every online
 *      CPU's acknowledgement.  After its invalidation a CPU can only get a
 *      translation by walking the tables, and the walk reads the new
 *      entries.  A CPU that is not online holds no translation: CPUs are
 *      started with vmap_lock held (kernel/smp.c), so a start never
 *      overlaps a change, and a CPU leaves INIT with an empty TLB.
 *   5. Table pages are never freed (pgtable_unmap keeps them), so no
 *      paging-structure cache can point at a page reused for something else.
 * New mappings need no shootdown: x86 does not cache not-present entries,
 * and every earlier removal was shot down (4).
 *
 * Lock order: vmap_lock, then the buddy's (table pages are allocated with
 * it held), then printk's.  vmap_lock is taken with interrupts enabled.
 */
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "printk.h"
#include "spinlock.h"
#include "mm/buddy.h"
#include "mm/memmap.h"
#include "mm/pgtable.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"
#include "kernel/vmap.h"

struct vmap_copy {
	phys_addr_t root;
	uint32_t node;                  /* owns the tables (handoff root_node) */
	struct pgtable_ops ops;
};

static struct vmap_copy copies[NUMA_MAX_NODES];
static uint32_t nr_copies;
static phys_addr_t direct_map_end;
spinlock_t vmap_lock = SPINLOCK_INIT;
uint64_t vmap_last_update_cycles;

/* One bit per page of the vmalloc area: set = allocated or guard. */
#define VMAP_PAGES  (VMALLOC_SIZE >> PAGE_SHIFT)
static uint64_t area_bitmap[VMAP_PAGES / 64];
static uint64_t area_hint;             /* first page worth looking at */

static void *dm_ptr(void *ctx, phys_addr_t pa)
{
	(void)ctx;
	return pa < direct_map_end ? phys_to_virt(pa) : NULL;
}

/* A table page for the copy in ctx, from that copy's node and no other. */
static phys_addr_t table_alloc_node(void *ctx)
{
	const struct vmap_copy *c = ctx;
	struct page *p = buddy_alloc(0, c->node, ZONE_NORMAL);

	if (p == NULL)
		return 0;
	if (p->node != c->node) {
		buddy_free(p, 0);
		return 0;
	}
	return page_to_phys(p);
}

static void table_free_node(void *ctx, phys_addr_t pa)
{
	(void)ctx;
	buddy_free(phys_to_page(pa), 0);
}

void vmap_init(const struct handoff *h)
{
	direct_map_end = h->direct_map_end;
	for (uint32_t n = 0; n < h->nr_pgd && n < NUMA_MAX_NODES; n++) {
		bool seen = false;

		for (uint32_t i = 0; i < nr_copies; i++)
			seen |= copies[i].root == h->pgd[n].root_pa;
		if (seen)
			continue;
		copies[nr_copies] = (struct vmap_copy){ .root = h->pgd[n].root_pa,
							.node = h->pgd[n].root_node };
		copies[nr_copies].ops = (struct pgtable_ops){ .ctx = &copies[nr_copies],
			.alloc_table = table_alloc_node, .free_table = table_free_node,
			.phys_to_ptr = dm_ptr };
		nr_copies++;
	}
}

uint32_t vmap_nr_copies(void)
{
	return nr_copies;
}

phys_addr_t vmap_copy_root(uint32_t i)
{
	return i < nr_copies ? copies[i].root : 0;
}

static bool range_ok(virt_addr_t va, uint64_t size, uint64_t flags)
{
	if (size == 0 || !IS_ALIGNED(va | size, PAGE_SIZE))
		return false;
	if (va >= VMALLOC_START && va < VMALLOC_END && size <= VMALLOC_END - va)
		return (flags & PTE_NX) != 0;
	return va + size > va && va + size <= 0x0000800000000000ULL && !(flags & PTE_W);
}

static void vmap_lock_take(const char *who)
{
	if (smp_online() > 1 && !(read_rflags() & X86_RFLAGS_IF))
		panic("%s: called with interrupts off while other CPUs run (the TLB shootdown "
		      "would wait for a CPU that may be waiting for this one)", who);
	spin_lock(&vmap_lock);
}

static uint64_t kernel_flags(virt_addr_t va, uint64_t flags)
{
	return va >= VMALLOC_START ? flags | PTE_G : flags;
}

int vmap_map(virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	int r = 0;
	uint32_t i;
	uint64_t t0;

	if (!range_ok(va, size, flags))
		return PGTABLE_EINVAL;
	flags = kernel_flags(va, flags);
	vmap_lock_take("vmap_map");
	t0 = rdtsc();
	for (i = 0; i < nr_copies; i++) {
		r = pgtable_map(&copies[i].ops, copies[i].root, va, pa, size, flags, PGTABLE_4K);
		if (r)
			break;
	}
	vmap_last_update_cycles = rdtsc() - t0;
	if (r) {
		/* Roll back the copies that took it, then shoot down: a CPU may
		 * have walked the new entries speculatively. */
		while (i--)
			BUG_ON(pgtable_unmap(&copies[i].ops, copies[i].root, va, size),
			       "vmap_map: rollback found a copy without the mapping it just made");
		smp_tlb_shootdown(va, size >> PAGE_SHIFT);
	}
	spin_unlock(&vmap_lock);
	return r;
}

int vmap_change(virt_addr_t va, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	int r;
	uint64_t t0;

	if (!range_ok(va, size, flags))
		return PGTABLE_EINVAL;
	flags = kernel_flags(va, flags);
	vmap_lock_take("vmap_change");
	t0 = rdtsc();
	r = pgtable_change(&copies[0].ops, copies[0].root, va, pa, size, flags);
	for (uint32_t i = 1; i < nr_copies && r == 0; i++)
		BUG_ON(pgtable_change(&copies[i].ops, copies[i].root, va, pa, size, flags),
		       "vmap_change: copies differ (a range mapped in the first copy is not in another)");
	vmap_last_update_cycles = rdtsc() - t0;
	if (r == 0)
		smp_tlb_shootdown(va, size >> PAGE_SHIFT);
	spin_unlock(&vmap_lock);
	return r;
}

int vmap_unmap(virt_addr_t va, uint64_t size)
{
	int r;
	uint64_t t0;

	if (!range_ok(va, size, va >= VMALLOC_START ? PTE_NX : 0))
		return PGTABLE_EINVAL;
	vmap_lock_take("vmap_unmap");
	t0 = rdtsc();
	r = pgtable_unmap(&copies[0].ops, copies[0].root, va, size);
	for (uint32_t i = 1; i < nr_copies && r == 0; i++)
		BUG_ON(pgtable_unmap(&copies[i].ops, copies[i].root, va, size),
		       "vmap_unmap: copies differ (a range mapped in the first copy is not in another)");
	vmap_last_update_cycles = rdtsc() - t0;
	if (r == 0)
		smp_tlb_shootdown(va, size >> PAGE_SHIFT);
	spin_unlock(&vmap_lock);
	return r;
}

/* ---- the vmalloc area --------------------------------------------------- */

static bool area_test(uint64_t i)
{
	return area_bitmap[i / 64] & (1ULL << (i % 64));
}

static void area_set(uint64_t first, uint64_t n, bool on)
{
	for (uint64_t i = first; i < first + n; i++) {
		if (on)
			area_bitmap[i / 64] |= 1ULL << (i % 64);
		else
			area_bitmap[i / 64] &= ~(1ULL << (i % 64));
	}
}

virt_addr_t vmap_area_alloc(uint64_t size)
{
	uint64_t n = PFN_UP(size) + 1;          /* + the guard page */
	virt_addr_t va = 0;

	if (size == 0 || n > VMAP_PAGES)
		return 0;
	vmap_lock_take("vmap_area_alloc");
	for (uint64_t i = area_hint, run = 0; i < VMAP_PAGES; i++) {
		run = area_test(i) ? 0 : run + 1;
		if (run == n) {
			area_set(i + 1 - n, n, true);
			va = VMALLOC_START + PFN_PHYS(i + 1 - n);
			if (i + 1 - n == area_hint)
				area_hint = i + 1;
			break;
		}
	}
	spin_unlock(&vmap_lock);
	return va;
}

void vmap_area_free(virt_addr_t va, uint64_t size)
{
	uint64_t first = PFN_DOWN(va - VMALLOC_START);

	vmap_lock_take("vmap_area_free");
	area_set(first, PFN_UP(size) + 1, false);
	if (first < area_hint)
		area_hint = first;
	spin_unlock(&vmap_lock);
}

/* Unmap and free the first `pages` pages of a vmalloc'd range. */
static void vunmap_pages(virt_addr_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		phys_addr_t pa;
		virt_addr_t v = va + PFN_PHYS(i);

		BUG_ON(!pgtable_translate(&copies[0].ops, copies[0].root, v, &pa, NULL, NULL),
		       "vfree: page not mapped");
		BUG_ON(vmap_unmap(v, PAGE_SIZE), "vfree: unmap failed");
		buddy_free(phys_to_page(pa), 0);
	}
}

void *vmalloc_node(uint64_t size, uint32_t nid)
{
	uint64_t pages = PFN_UP(size);
	virt_addr_t va = vmap_area_alloc(size);
	uint64_t done = 0;

	if (va == 0)
		return NULL;
	for (; done < pages; done++) {
		struct page *p = buddy_alloc(0, nid, ZONE_NORMAL);

		if (p == NULL)
			break;
		if (vmap_map(va + PFN_PHYS(done), page_to_phys(p), PAGE_SIZE, PTE_W | PTE_NX)) {
			buddy_free(p, 0);
			break;
		}
	}
	if (done < pages) {
		vunmap_pages(va, done);
		vmap_area_free(va, size);
		return NULL;
	}
	return (void *)(uintptr_t)va;
}

void vfree(void *addr, uint64_t size)
{
	virt_addr_t va = (virt_addr_t)(uintptr_t)addr;

	if (size == 0)
		return;
	vunmap_pages(va, PFN_UP(size));
	vmap_area_free(va, size);
}

void *ioremap(phys_addr_t pa, uint64_t size)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t len = ALIGN_UP(pa + size, PAGE_SIZE) - base;
	virt_addr_t va = vmap_area_alloc(len);

	if (va == 0)
		return NULL;
	if (vmap_map(va, base, len, PTE_W | PTE_NX | PTE_PCD | PTE_PWT)) {
		vmap_area_free(va, len);
		return NULL;
	}
	return (void *)(uintptr_t)(va + (pa - base));
}
