/*
 * memmap.c - the sparse section table and descriptor initialisation (see
 * memmap.h).  memmap_fill is the one pass over every descriptor at boot,
 * so it writes each one with four 8-byte stores and nothing else.
 */
#include "types.h"
#include "vmlayout.h"
#include "mm/memmap.h"
#include "mm/node.h"

#ifdef KERNEL
uintptr_t mm_direct_map_base = DIRECT_MAP_BASE;
#else
uintptr_t mm_direct_map_base;   /* host: set to (arena - fake physical start) */
#endif
struct mem_section *mem_sections;
uint64_t nr_mem_sections;

#if defined(__x86_64__)
static inline void store_nt(void *dst, uint64_t v)
{
	__asm__ volatile("movnti %1, %0" : "=m"(*(uint64_t *)dst) : "r"(v));
}

static inline void store_fence(void)
{
	__asm__ volatile("sfence" ::: "memory");
}
#else
static inline void store_nt(void *dst, uint64_t v)
{
	*(volatile uint64_t *)dst = v;
}

static inline void store_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

static void memmap_fill_run(struct page *p, pfn_t pfn, pfn_t end, uint64_t info)
{
	for (; pfn < end; pfn++, p++) {
		store_nt(&p->next, 0);
		store_nt(&p->prev, 0);
		store_nt(&p->pfn, pfn);
		store_nt(&p->info, info);
	}
}

static uint64_t memmap_info(uint16_t flags, uint8_t zone, uint16_t node)
{
	struct page tmp = { .flags = flags, .order = 0, .zone = zone, .node = node, .owner = 0 };

	return tmp.info;
}

void memmap_fill(pfn_t start_pfn, pfn_t end_pfn, uint16_t flags, uint16_t node)
{
	pfn_t pfn = start_pfn;

	end_pfn = MIN(end_pfn, nr_mem_sections << PFN_SECTION_SHIFT);
	while (pfn < end_pfn) {
		uint64_t sec = pfn >> PFN_SECTION_SHIFT;
		pfn_t sec_end = MIN(end_pfn, (sec + 1) << PFN_SECTION_SHIFT);
		struct mem_section *ms = &mem_sections[sec];

		if (!ms->map) {
			pfn = sec_end;
			continue;
		}
		while (pfn < sec_end) {
			uint8_t z = zone_of_pfn(pfn);
			pfn_t zend = z == ZONE_DMA ? ZONE_DMA_END_PFN :
				     z == ZONE_DMA32 ? ZONE_DMA32_END_PFN : sec_end;
			pfn_t run_end = MIN(sec_end, zend);
			uint16_t nid = node == NUMA_NO_NODE ? (uint16_t)ms->node : node;

			memmap_fill_run(ms->map + (pfn & PAGE_SECTION_MASK), pfn, run_end,
					memmap_info(flags, z, nid));
			pfn = run_end;
		}
	}
	store_fence();
}
