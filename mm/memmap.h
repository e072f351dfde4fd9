/*
 * memmap.h - page descriptors (struct page), the sparse per-section memmap
 * and the pfn <-> page <-> physical <-> direct-map conversions.
 *
 * Physical space is cut into 16 MiB sections.  A section holding any RAM
 * gets a memmap of 4096 descriptors (128 KiB), allocated from the memory of
 * the node owning the section's first RAM page; a section without RAM has
 * none, so holes (the PCI hole, sparse node layouts) cost only a 16-byte
 * table slot.  Linux x86-64 uses 128 MiB (SECTION_SIZE_BITS = 27), a size
 * its page-flags bits dictate; we have no such limit and take 16 MiB so a
 * node smaller than 128 MiB still gets its descriptors in its own memory.
 * The floor is 4 MiB: a section must hold a whole MAX_ORDER block.
 *
 *   pfn --(section table)--> struct page --(page->pfn)--> pfn
 *   phys = pfn << 12;   virt = mm_direct_map_base + phys
 *
 * The direct-map base is a variable: the kernel runs with DIRECT_MAP_BASE,
 * host tests and the benchmark point it at a mmap'd arena standing in for
 * physical memory (mm_direct_map_base = arena - fake_phys_start).  The
 * allocator never touches a page's contents (free-list links live in the
 * descriptors), so the arena only needs backing where metadata lives.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "types.h"

#define SECTION_SHIFT       24
#define PFN_SECTION_SHIFT   (SECTION_SHIFT - PAGE_SHIFT)
#define PAGES_PER_SECTION   (1ULL << PFN_SECTION_SHIFT)
#define PAGE_SECTION_MASK   (PAGES_PER_SECTION - 1)
_Static_assert(SECTION_SHIFT >= 22, "a section holds at least one 4 MiB MAX_ORDER block");

/* page->flags */
#define PG_buddy     (1u << 0)   /* head of a free block on a free list; order valid */
#define PG_reserved  (1u << 1)   /* never given to the buddy: hole, firmware, kernel, metadata */
#define PG_head      (1u << 2)   /* head of an allocated block; order valid */
#define PG_checked   (1u << 3)   /* scratch for the invariant checker */
#define PG_pcp       (1u << 4)   /* head of a free block on a per-CPU list; order valid */

/*
 * A page descriptor: 32 bytes (Linux's struct page is 64).  next/prev link
 * free blocks (PG_buddy heads on free_area[], PG_pcp heads on a per-CPU
 * list); while a block is allocated they belong to
 * its owner (the self-test chains its blocks through them).
 */
struct page {
	struct page *next;
	struct page *prev;
	pfn_t pfn;
	union {
		struct {
			uint16_t flags;  /* PG_* */
			uint8_t  order;  /* block order when PG_buddy or PG_head */
			uint8_t  zone;   /* enum zone_type */
			uint16_t node;   /* node id */
			uint16_t owner;  /* free for the block's owner */
		};
		uint64_t info;           /* all of the above, for one-store init */
	};
};
_Static_assert(sizeof(struct page) == 32, "struct page must stay 32 bytes");
_Static_assert(__builtin_offsetof(struct page, info) == 24, "info packs the last word");

struct mem_section {
	struct page *map;       /* PAGES_PER_SECTION descriptors, or NULL: no RAM here */
	uint32_t node;          /* node owning the section (memmap lives there) */
	uint32_t present;       /* the section holds RAM */
};
_Static_assert(sizeof(struct mem_section) == 16, "mem_section is 16 bytes");

extern uintptr_t mm_direct_map_base;
extern struct mem_section *mem_sections;
extern uint64_t nr_mem_sections;

static inline void *mm_phys_to_virt(phys_addr_t pa)
{
	return (void *)(mm_direct_map_base + (uintptr_t)pa);
}

static inline phys_addr_t mm_virt_to_phys(const void *va)
{
	return (phys_addr_t)((uintptr_t)va - mm_direct_map_base);
}

/* The descriptor of pfn, or NULL if pfn lies in no section with a memmap. */
static inline struct page *pfn_to_page(pfn_t pfn)
{
	uint64_t sec = pfn >> PFN_SECTION_SHIFT;
	struct page *map;

	if (sec >= nr_mem_sections)
		return NULL;
	map = mem_sections[sec].map;
	return map ? map + (pfn & PAGE_SECTION_MASK) : NULL;
}

static inline pfn_t page_to_pfn(const struct page *page)
{
	return page->pfn;
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page->pfn);
}

static inline struct page *phys_to_page(phys_addr_t pa)
{
	return pfn_to_page(PFN_DOWN(pa));
}

/* Direct-map address of the page's memory (Linux's page_address). */
static inline void *page_address(const struct page *page)
{
	return mm_phys_to_virt(page_to_phys(page));
}

static inline struct page *virt_to_page(const void *va)
{
	return phys_to_page(mm_virt_to_phys(va));
}

/* Fill the descriptors of [start_pfn, end_pfn) where sections have a memmap
 * (other pfns are skipped): pfn, flags, node, and the zone of each pfn. */
void memmap_fill(pfn_t start_pfn, pfn_t end_pfn, uint16_t flags, uint16_t node);

#endif /* MM_MEMMAP_H */
