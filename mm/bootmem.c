/*
 * bootmem.c - the early, node-aware allocator (see bootmem.h): two sorted
 * region arrays, top-down allocation inside a node, nearest-node fallback,
 * and the hand-over of every free page range to the buddy.
 */
#include "types.h"
#include "printk.h"
#include "mm/bootmem.h"

static struct bootmem_region bm_memory[BOOTMEM_MAX_REGIONS];
static struct bootmem_region bm_reserved[BOOTMEM_MAX_REGIONS];
static size_t bm_nr_memory, bm_nr_reserved;
static uint32_t bm_nr_nodes;
static const uint8_t (*bm_distance)[NUMA_MAX_NODES];
static phys_addr_t bm_limit;
static bool bm_done;

#define BM_REFUSE_IF_DONE(fn)                                                        \
	do {                                                                         \
		if (bm_done)                                                         \
			panic("%s: bootmem used after hand-over to the buddy (caller %p)", \
			      fn, __builtin_return_address(0));                      \
	} while (0)

void bootmem_init(uint32_t nr_nodes, const uint8_t (*distance)[NUMA_MAX_NODES],
		  phys_addr_t limit)
{
	if (nr_nodes > NUMA_MAX_NODES)
		panic("bootmem_init: %u nodes, more than NUMA_MAX_NODES (%u)", nr_nodes,
		      NUMA_MAX_NODES);
	bm_nr_memory = 0;
	bm_nr_reserved = 0;
	bm_nr_nodes = nr_nodes;
	bm_distance = distance;
	bm_limit = limit ? limit : ~0ULL;
	bm_done = false;
}

bool bootmem_handed_over(void)
{
	return bm_done;
}

const struct bootmem_region *bootmem_memory(size_t *nr)
{
	*nr = bm_nr_memory;
	return bm_memory;
}

const struct bootmem_region *bootmem_reserved(size_t *nr)
{
	*nr = bm_nr_reserved;
	return bm_reserved;
}

static void bm_insert(struct bootmem_region *arr, size_t *nr, size_t pos,
		      const struct bootmem_region *r, const char *what)
{
	if (*nr >= BOOTMEM_MAX_REGIONS)
		panic("bootmem: more than %d %s regions", BOOTMEM_MAX_REGIONS, what);
	for (size_t i = *nr; i > pos; i--)
		arr[i] = arr[i - 1];
	arr[pos] = *r;
	(*nr)++;
}

static void bm_remove(struct bootmem_region *arr, size_t *nr, size_t pos)
{
	for (size_t i = pos; i + 1 < *nr; i++)
		arr[i] = arr[i + 1];
	(*nr)--;
}

void bootmem_add_memory(phys_addr_t start, phys_addr_t end, uint32_t nid)
{
	struct bootmem_region r = { start, end, nid, 0, "memory" };
	size_t pos = 0;

	BM_REFUSE_IF_DONE("bootmem_add_memory");
	if (nid >= bm_nr_nodes)
		panic("bootmem_add_memory: node %u of [mem 0x%016llx-0x%016llx] is not below the "
		      "%u nodes given to bootmem_init", nid, (unsigned long long)start,
		      (unsigned long long)end - 1, bm_nr_nodes);
	if (start >= end)
		return;
	while (pos < bm_nr_memory && bm_memory[pos].start < start)
		pos++;
	if ((pos > 0 && bm_memory[pos - 1].end > start) ||
	    (pos < bm_nr_memory && bm_memory[pos].start < end))
		panic("bootmem_add_memory: [mem 0x%016llx-0x%016llx] overlaps known memory",
		      (unsigned long long)start, (unsigned long long)end - 1);
	if (pos > 0 && bm_memory[pos - 1].end == start && bm_memory[pos - 1].node == nid) {
		bm_memory[pos - 1].end = end;
		pos--;
	} else {
		bm_insert(bm_memory, &bm_nr_memory, pos, &r, "memory");
	}
	if (pos + 1 < bm_nr_memory && bm_memory[pos + 1].start == bm_memory[pos].end &&
	    bm_memory[pos + 1].node == nid) {
		bm_memory[pos].end = bm_memory[pos + 1].end;
		bm_remove(bm_memory, &bm_nr_memory, pos + 1);
	}
}

static bool bm_same_owner(const struct bootmem_region *a, const struct bootmem_region *b)
{
	return a->kind == b->kind && a->why == b->why;
}

/* Reserve without the hand-over check (used by the allocator itself). */
static void bm_reserve(phys_addr_t start, phys_addr_t end, enum bootmem_kind kind,
		       const char *why)
{
	struct bootmem_region r = { 0, 0, 0, kind, why };
	phys_addr_t cur = start;
	size_t i = 0;

	if (start >= end)
		return;
	/* Insert the pieces of [start, end) that no region covers yet. */
	while (i < bm_nr_reserved && bm_reserved[i].end <= cur)
		i++;
	while (cur < end) {
		if (i < bm_nr_reserved && bm_reserved[i].start <= cur) {
			cur = bm_reserved[i].end;
			i++;
			continue;
		}
		r.start = cur;
		r.end = i < bm_nr_reserved ? MIN(end, bm_reserved[i].start) : end;
		bm_insert(bm_reserved, &bm_nr_reserved, i, &r, "reserved");
		cur = r.end;
		i++;
	}
	/* Merge touching neighbours with the same owner. */
	for (size_t j = 1; j < bm_nr_reserved;) {
		if (bm_reserved[j - 1].end == bm_reserved[j].start &&
		    bm_same_owner(&bm_reserved[j - 1], &bm_reserved[j])) {
			bm_reserved[j - 1].end = bm_reserved[j].end;
			bm_remove(bm_reserved, &bm_nr_reserved, j);
		} else {
			j++;
		}
	}
}

void bootmem_reserve(phys_addr_t start, phys_addr_t end, enum bootmem_kind kind,
		     const char *why)
{
	BM_REFUSE_IF_DONE("bootmem_reserve");
	bm_reserve(start, end, kind, why);
}

/* The highest reserved region overlapping [start, end), or NULL. */
static const struct bootmem_region *bm_reserved_overlap(phys_addr_t start, phys_addr_t end)
{
	size_t lo = 0, hi = bm_nr_reserved;

	/* First region with start >= end; the one before it is the candidate. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bm_reserved[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || bm_reserved[lo - 1].end <= start)
		return NULL;
	return &bm_reserved[lo - 1];
}

/* Top-down search of node nid's memory; 0 if it has no room. */
static phys_addr_t bm_alloc_in_node(uint64_t size, uint64_t align, uint32_t nid)
{
	for (size_t i = bm_nr_memory; i-- > 0;) {
		const struct bootmem_region *m = &bm_memory[i];
		phys_addr_t hi = MIN(m->end, bm_limit);

		if (m->node != nid)
			continue;
		while (hi > m->start && hi - m->start >= size) {
			phys_addr_t cand = ALIGN_DOWN(hi - size, align);
			const struct bootmem_region *r;

			if (cand < m->start || cand == 0)
				break;
			r = bm_reserved_overlap(cand, cand + size);
			if (!r) {
				bm_reserve(cand, cand + size, BOOTMEM_MM, "mm metadata");
				return cand;
			}
			hi = r->start;
		}
	}
	return 0;
}

static bool bm_node_has_memory(uint32_t nid)
{
	for (size_t i = 0; i < bm_nr_memory; i++)
		if (bm_memory[i].node == nid)
			return true;
	return false;
}

phys_addr_t bootmem_alloc_node(size_t size, size_t align, uint32_t nid)
{
	uint64_t sz = ALIGN_UP((uint64_t)size, PAGE_SIZE);
	uint64_t al = MAX((uint64_t)align, PAGE_SIZE);
	bool tried[NUMA_MAX_NODES] = { false };
	phys_addr_t pa;

	BM_REFUSE_IF_DONE("bootmem_alloc_node");
	if (size == 0 || (al & (al - 1)))
		panic("bootmem_alloc_node: size 0 or alignment %llu not a power of two (caller %p)",
		      (unsigned long long)align, __builtin_return_address(0));
	if (sz < size)          /* rounding up wrapped: larger than any memory */
		return 0;
	if (nid < bm_nr_nodes) {
		pa = bm_alloc_in_node(sz, al, nid);
		if (pa)
			return pa;
		tried[nid] = true;
	}
	/* Fall back: the nearest remaining node, ties to the lower id. */
	for (;;) {
		uint32_t best = NUMA_NO_NODE, bestd = ~0u;

		for (uint32_t m = 0; m < bm_nr_nodes; m++) {
			uint32_t d = (nid < bm_nr_nodes && bm_distance) ? bm_distance[nid][m] : 0;

			if (!tried[m] && d < bestd) {
				best = m;
				bestd = d;
			}
		}
		if (best == NUMA_NO_NODE)
			return 0;
		tried[best] = true;
		pa = bm_alloc_in_node(sz, al, best);
		if (pa) {
			if (nid < bm_nr_nodes)
				printk(KERN_INFO "bootmem: node %u has no %s for %llu bytes, "
				       "allocated on node %u (distance %u)\n", nid,
				       bm_node_has_memory(nid) ? "room" : "memory",
				       (unsigned long long)sz, best, bestd);
			return pa;
		}
	}
}

uint32_t bootmem_node_of(phys_addr_t pa)
{
	size_t lo = 0, hi = bm_nr_memory;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bm_memory[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < bm_nr_memory && bm_memory[lo].start <= pa)
		return bm_memory[lo].node;
	return NUMA_NO_NODE;
}

static void bm_emit(bootmem_free_fn fn, void *ctx, phys_addr_t s, phys_addr_t e, uint32_t nid)
{
	pfn_t sp = PFN_UP(s), ep = PFN_DOWN(e);

	if (s < e && sp < ep)
		fn(ctx, sp, ep, nid);
}

void bootmem_for_each_free(bootmem_free_fn fn, void *ctx)
{
	size_t j = 0;

	for (size_t i = 0; i < bm_nr_memory; i++) {
		const struct bootmem_region *m = &bm_memory[i];
		phys_addr_t cur = m->start;

		while (j < bm_nr_reserved && bm_reserved[j].end <= m->start)
			j++;
		for (size_t k = j; k < bm_nr_reserved && bm_reserved[k].start < m->end; k++) {
			if (bm_reserved[k].start > cur)
				bm_emit(fn, ctx, cur, bm_reserved[k].start, m->node);
			cur = MAX(cur, bm_reserved[k].end);
		}
		if (cur < m->end)
			bm_emit(fn, ctx, cur, m->end, m->node);
	}
}

void bootmem_handover(bootmem_free_fn fn, void *ctx)
{
	BM_REFUSE_IF_DONE("bootmem_handover");
	bootmem_for_each_free(fn, ctx);
	bm_done = true;
}

void bootmem_seal(void)
{
	BM_REFUSE_IF_DONE("bootmem_seal");
	bm_done = true;
}

uint64_t bootmem_reserved_bytes(enum bootmem_kind kind)
{
	uint64_t total = 0;
	size_t j = 0;

	for (size_t i = 0; i < bm_nr_memory; i++) {
		const struct bootmem_region *m = &bm_memory[i];

		while (j < bm_nr_reserved && bm_reserved[j].end <= m->start)
			j++;
		for (size_t k = j; k < bm_nr_reserved && bm_reserved[k].start < m->end; k++) {
			if (bm_reserved[k].kind != (uint32_t)kind)
				continue;
			total += MIN(m->end, bm_reserved[k].end) - MAX(m->start, bm_reserved[k].start);
		}
	}
	return total;
}

void bootmem_dump(void)
{
	for (size_t i = 0; i < bm_nr_memory; i++)
		printk(KERN_INFO "bootmem: memory   [mem 0x%016llx-0x%016llx] node %u\n",
		       (unsigned long long)bm_memory[i].start,
		       (unsigned long long)bm_memory[i].end - 1, bm_memory[i].node);
	for (size_t i = 0; i < bm_nr_reserved; i++)
		printk(KERN_INFO "bootmem: reserved [mem 0x%016llx-0x%016llx] %s\n",
		       (unsigned long long)bm_reserved[i].start,
		       (unsigned long long)bm_reserved[i].end - 1, bm_reserved[i].why);
}
