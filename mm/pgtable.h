/*
 * pgtable.h - freestanding x86-64 4-level page-table builder and walkers.
 *
 * One implementation serves three callers that reach physical memory in
 * different ways, through struct pgtable_ops:
 *   - the loader: page tables in firmware pages, identity mapped
 *     (phys_to_ptr(pa) == pa), one per-node allocator per copy;
 *   - the kernel: the direct map (phys_to_ptr(pa) == DIRECT_MAP_BASE + pa)
 *     for the boot-time verification and the walk helper;
 *   - host tests: fake physical addresses backed by host buffers.
 *
 * Levels are numbered as the hardware walks them:
 *   4 = PML4 (512 GiB per entry), 3 = PDPT (1 GiB), 2 = PD (2 MiB), 1 = PT (4 KiB).
 * Ranges are half-open [start, end).  No printk/panic: errors are returned.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "types.h"
#include "handoff.h"

/* Page-table entry bits (Intel SDM vol. 3A, 4.5). */
#define PTE_P            (1ULL << 0)   /* present */
#define PTE_W            (1ULL << 1)   /* writable */
#define PTE_U            (1ULL << 2)   /* user accessible */
#define PTE_PWT          (1ULL << 3)   /* write-through */
#define PTE_PCD          (1ULL << 4)   /* cache disable */
#define PTE_A            (1ULL << 5)   /* accessed */
#define PTE_D            (1ULL << 6)   /* dirty (leaves only) */
#define PTE_PS           (1ULL << 7)   /* large page (in PDPT and PD entries) */
#define PTE_G            (1ULL << 8)   /* global (leaves only) */
#define PTE_NX           (1ULL << 63)  /* no execute (needs EFER.NXE) */
#define PTE_ADDR_MASK    0x000ffffffffff000ULL  /* table / 4 KiB frame address */
#define PTE_ADDR_MASK_2M 0x000fffffffe00000ULL  /* 2 MiB frame (bit 12 is PAT) */
#define PTE_ADDR_MASK_1G 0x000fffffc0000000ULL  /* 1 GiB frame */
/* Bits a caller may pass as mapping flags; P (and PS) are set by the builder. */
#define PTE_FLAGS_MASK   (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_A | PTE_D | PTE_G | PTE_NX)

#define PGTABLE_ENTRIES  512
#define PGTABLE_LEVELS   4

/* Page sizes, used as "max page size" arguments and reported by walkers. */
#define PGTABLE_4K       (1ULL << 12)
#define PGTABLE_2M       (1ULL << 21)
#define PGTABLE_1G       (1ULL << 30)

/* Errors (negative int). */
#define PGTABLE_ENOMEM   (-1)   /* alloc_table returned 0 */
#define PGTABLE_EINVAL   (-2)   /* unaligned, empty, non-canonical or W+X request */
#define PGTABLE_EEXIST   (-3)   /* part of the range is already mapped */
#define PGTABLE_ENOENT   (-4)   /* part of the range is not mapped by 4 KiB leaves */

/*
 * How the builder gets and reaches table pages.
 *   alloc_table(ctx): one 4 KiB page, page aligned; 0 = out of memory.  The
 *     builder zeroes it itself.
 *   free_table(ctx, pa): give a page back (may be NULL: pages are then left
 *     to the caller, e.g. a bump allocator the caller resets as a whole).
 *   phys_to_ptr(ctx, pa): a pointer through which the page at pa can be read
 *     and written (NULL if pa is not reachable: walkers then stop with an
 *     error instead of faulting).
 */
struct pgtable_ops {
	void *ctx;
	phys_addr_t (*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, phys_addr_t pa);
	void *(*phys_to_ptr)(void *ctx, phys_addr_t pa);
};

/*
 * Allocate and zero a root (PML4).  Returns 0 on success with *root set, or
 * PGTABLE_ENOMEM.
 */
int pgtable_create(const struct pgtable_ops *ops, phys_addr_t *root);

/*
 * Map [va, va + size) to [pa, pa + size) with `flags` (PTE_FLAGS_MASK bits;
 * P is implied).  va, pa and size must be 4 KiB aligned, size > 0, and the
 * range canonical.  Uses the largest page size <= max_page (PGTABLE_4K, _2M
 * or _1G) that the alignment of va and pa and the remaining size allow at
 * each step.  Intermediate entries are P|W (permissions live in the leaves).
 * Returns 0, or PGTABLE_ENOMEM (tables already linked stay linked: tear the
 * whole tree down with pgtable_destroy), PGTABLE_EINVAL, or PGTABLE_EEXIST
 * if any page of the range is already mapped.
 */
int pgtable_map(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		phys_addr_t pa, uint64_t size, uint64_t flags, uint64_t max_page);

/*
 * Change [va, va + size): every page must already be mapped by a present
 * 4 KiB leaf (large pages are the loader's boot-time maps and are never
 * changed), checked first so that an error changes nothing.  Each leaf
 * becomes pa + offset with flags (P implied), or keeps its frame when pa is
 * PGTABLE_KEEP_PA.  Each entry is written with one 64-bit store.  The
 * caller invalidates TLBs.  Returns 0, PGTABLE_EINVAL or PGTABLE_ENOENT.
 */
#define PGTABLE_KEEP_PA  (~0ULL)
int pgtable_change(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		   phys_addr_t pa, uint64_t size, uint64_t flags);

/*
 * Clear the 4 KiB leaves of [va, va + size), with the same precondition as
 * pgtable_change.  Table pages stay linked even when they become empty:
 * freeing one while another CPU's paging-structure cache may still hold it
 * would need a second shootdown, and the next map of the area reuses it
 * (Linux keeps vmalloc's tables too).  Returns 0, PGTABLE_EINVAL or
 * PGTABLE_ENOENT.
 */
int pgtable_unmap(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va, uint64_t size);

/*
 * Walk va.  On a present leaf, returns true and sets (any may be NULL):
 *   *pa: the physical address of va (not just the frame);
 *   *flags: effective permissions: PTE_W and PTE_U only if set at every
 *     level, PTE_NX if set at any level, plus the leaf's PTE_G/PCD/PWT;
 *   *page_size: PGTABLE_4K, _2M or _1G.
 * False if unmapped (or a table is unreachable).
 */
bool pgtable_translate(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		       phys_addr_t *pa, uint64_t *flags, uint64_t *page_size);

/*
 * The entry where the walk of va stops: its leaf, or the first entry that
 * is not present; *level (may be NULL) is the level of the table holding
 * it (1 = PT ... 4 = PML4).  NULL if va is non-canonical or a table is
 * unreachable.  For tools that edit one entry (the check's test option,
 * host tests); the builder never needs it.
 */
uint64_t *pgtable_entry(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
			int *level);

/*
 * Call cb(arg, table_pa, level) for every table page reachable from root,
 * root included (level 4), parents before children.  A non-zero return from
 * cb stops the walk and is returned; otherwise returns 0.
 */
typedef int (*pgtable_table_cb)(void *arg, phys_addr_t table_pa, int level);
int pgtable_for_each_table(const struct pgtable_ops *ops, phys_addr_t root,
			   pgtable_table_cb cb, void *arg);

/*
 * Call cb(arg, va, pa, size, flags) for every present leaf, in increasing
 * canonical VA order (lower half first).  va is canonical (sign-extended);
 * flags are the effective flags as pgtable_translate reports them.
 * A non-zero return from cb stops the walk and is returned.
 */
typedef int (*pgtable_leaf_cb)(void *arg, virt_addr_t va, phys_addr_t pa, uint64_t size,
			       uint64_t flags);
int pgtable_for_each_leaf(const struct pgtable_ops *ops, phys_addr_t root,
			  pgtable_leaf_cb cb, void *arg);

/* Number of table pages reachable from root (root included). */
uint32_t pgtable_count_tables(const struct pgtable_ops *ops, phys_addr_t root);

/*
 * Free every table page reachable from root (root included) through
 * ops->free_table; no-op if free_table is NULL.  Mapped frames are not
 * touched.
 */
void pgtable_destroy(const struct pgtable_ops *ops, phys_addr_t root);

/*
 * The walk helper: print the entry va uses at each level, e.g.
 *   pgtable: walk va 0xffffffff80201000 root 0x7e5f000
 *     PML4[511] @0x7e5fff8 = 0x0000000007e60003 P W
 *     PDPT[510] @0x7e60ff0 = 0x0000000007e61003 P W
 *     PD[1]     @0x7e61008 = 0x0000000007e62003 P W
 *     PT[1]     @0x7e62008 = 0x0000000001201103 P W G -> pa 0x1201000 (4K)
 * stopping at the leaf or at the first non-present entry ("not present").
 */
void pgtable_dump_walk(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		       printf_fn out);

/* Decode flag bits into "P W U NX G ..." (buf of >= 40 bytes). */
const char *pgtable_flags_str(uint64_t flags, char *buf, size_t len);

/* ---- the whole kernel address space (include/vmlayout.h) ------------ */

#define PGTABLE_MAX_SEGS 8

/* A physical range [start, end). */
struct pgtable_range {
	phys_addr_t start;
	phys_addr_t end;
};

/* One kernel mapping: [va, va + size) -> [pa, ...) with flags (PTE_*). */
struct pgtable_seg {
	virt_addr_t va;
	phys_addr_t pa;
	uint64_t size;
	uint64_t flags;         /* e.g. text: 0 (RX), rodata: PTE_NX, data: PTE_W|PTE_NX */
};

/*
 * Everything one copy maps.  The loader fills one per node: segs[] text and
 * rodata pa point at that node's copy (or the original with ktext=off), the
 * data/bss seg at the shared original.
 */
struct kernel_space_desc {
	const struct physmap_entry *physmap;  /* direct map: the pgtable_dm_type() ranges, */
	size_t nr_physmap;                    /* merged, then shrunk inward to whole pages  */
	bool gbpages;                         /* 1 GiB pages allowed (CPUID 0x80000001 EDX[26]) */
	bool global;                          /* set PTE_G on kernel-half mappings */
	struct pgtable_seg segs[PGTABLE_MAX_SEGS];  /* kernel image; va/pa/size 4 KiB aligned */
	uint32_t nr_segs;
	phys_addr_t trampoline_pa;            /* identity map this one page RX; 0 = none */
	/* Read-only in the direct map: the frames of every copy's text+rodata,
	 * so W^X holds for physical pages too (Linux's rule).  Every copy
	 * must get the same list, or the copies' direct maps differ. */
	const struct pgtable_range *dm_ro;
	uint32_t nr_dm_ro;
};

/*
 * Which physmap types the direct map covers: usable, loader, ACPI reclaim,
 * ACPI NVS (the reasons are in pgtable.c).  The one definition the builder,
 * the boot-time check and the host tests' fake machine share.
 */
bool pgtable_dm_type(uint32_t type);

/*
 * Does every byte of [pa, pa + size) lie in pgtable_dm_type() entries of
 * map?  map must be sorted and non-overlapping (the handoff's is).
 */
bool pgtable_dm_covers(const struct physmap_entry *map, size_t n, phys_addr_t pa,
		       uint64_t size);

/*
 * Build one complete copy: a fresh root, the direct map at DIRECT_MAP_BASE
 * (NX; RW, or R over dm_ro), each kernel seg (rejects W without NX: W^X),
 * the optional trampoline page (RX, identity).  The direct map follows
 * Linux: 1 GiB pages only for gigabytes entirely covered (and gbpages),
 * 2 MiB pages only for 2 MiB blocks entirely covered, 4 KiB pages at the
 * edges, so no leaf covers a byte that is not RAM or ACPI.  Physmap ranges
 * may be unsorted or overlap.  Nothing is user-accessible.
 * Returns the number of table pages used (> 0) with *root set, or a
 * PGTABLE_E* error after freeing every page it took (via free_table).
 */
int pgtable_build_kernel(const struct pgtable_ops *ops, const struct kernel_space_desc *d,
			 phys_addr_t *root);

/*
 * The table pages pgtable_build_kernel(d) will use, computed without
 * touching a table (exact when the segs are in increasing VA order, an
 * upper bound otherwise): what a caller claims from a node before building.
 */
uint32_t pgtable_estimate_pages(const struct kernel_space_desc *d);

/* Physical end (exclusive) of the direct map the desc produces: the end of
 * the highest direct-mapped page. */
phys_addr_t pgtable_direct_map_end(const struct kernel_space_desc *d);

#endif /* MM_PGTABLE_H */
