/*
 * buddy.c - the binary buddy allocator over each zone's free_area[] (see
 * buddy.h).  Free lists are NULL-terminated doubly linked lists threaded
 * through the page descriptors of block heads, so the allocator never
 * touches the memory it manages.
 */
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "mm/buddy.h"

uint32_t buddy_default_node;

/* Push block head p on a free list / unlink it: O(1), links in descriptors. */
static inline void fa_add(struct free_area *fa, struct page *p)
{
	p->prev = NULL;
	p->next = fa->head;
	if (fa->head)
		fa->head->prev = p;
	fa->head = p;
	fa->nr_free++;
}

static inline void fa_del(struct free_area *fa, struct page *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		fa->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	fa->nr_free--;
}

/* Take a block of exactly `order` from zone, splitting a larger one; the
 * upper halves go back on the lower lists.  NULL if the zone has none. */
static struct page *rmqueue(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *fa = &zone->free_area[o];
		struct page *p = fa->head;

		if (!p)
			continue;
		fa_del(fa, p);
		while (o > order) {
			struct page *half;

			o--;
			half = p + (1u << o);   /* same section: blocks never cross one */
			half->flags = PG_buddy;
			half->order = (uint8_t)o;
			fa_add(&zone->free_area[o], half);
		}
		p->flags = PG_head;
		p->order = (uint8_t)order;
		zone->free_pages -= 1ULL << order;
		return p;
	}
	return NULL;
}

struct page *buddy_alloc(unsigned int order, uint32_t nid, enum zone_type highest_zone)
{
	const struct pglist_data *pref;

	if (order >= MAX_ORDER || mm_nr_nodes == 0)
		return NULL;
	if (nid >= mm_nr_nodes)
		nid = buddy_default_node;
	if (highest_zone >= MAX_NR_ZONES)
		highest_zone = ZONE_NORMAL;
	pref = node_data[nid];
	for (uint32_t i = 0; i < pref->nr_fallback; i++) {
		struct pglist_data *pg = node_data[pref->fallback[i]];

		for (int z = (int)highest_zone; z >= 0; z--) {
			struct zone *zone = &pg->node_zones[z];
			struct page *p;

			if (zone->free_pages < (1ULL << order))
				continue;
			p = rmqueue(zone, order);
			if (p)
				return p;
		}
	}
	return NULL;
}

/* Put a block on the free lists, merging with free buddies; no checks. */
static void free_one(struct zone *zone, struct page *page, unsigned int order)
{
	pfn_t pfn = page->pfn;

	zone->free_pages += 1ULL << order;
	while (order < MAX_ORDER - 1) {
		pfn_t bpfn = pfn ^ (1ULL << order);
		struct page *buddy;

		/* Bounds first: only then may the buddy's descriptor be read. */
		if (bpfn < zone->start_pfn || bpfn + (1ULL << order) > zone->end_pfn)
			break;
		buddy = page + ((int64_t)bpfn - (int64_t)pfn);
		if (!(buddy->flags & PG_buddy) || buddy->order != order ||
		    buddy->node != page->node || buddy->zone != page->zone)
			break;
		fa_del(&zone->free_area[order], buddy);
		buddy->flags = 0;
		if (bpfn < pfn) {
			page->flags = 0;
			page = buddy;
			pfn = bpfn;
		}
		order++;
	}
	page->flags = PG_buddy;
	page->order = (uint8_t)order;
	fa_add(&zone->free_area[order], page);
}

void buddy_free(struct page *page, unsigned int order)
{
	struct zone *zone;
	pfn_t pfn;

	if (!page)
		panic("buddy_free: NULL page (caller %p)", __builtin_return_address(0));
	if (order >= MAX_ORDER)
		panic("buddy_free: wrong order: %u >= MAX_ORDER (caller %p)", order,
		      __builtin_return_address(0));
	pfn = page->pfn;
	if (pfn_to_page(pfn) != page)
		panic("buddy_free: page not in any zone: %p is not a memmap descriptor "
		      "(caller %p)", (void *)page, __builtin_return_address(0));
	if (page->flags & PG_buddy)
		panic("buddy_free: double free of pfn 0x%llx order %u (caller %p)",
		      (unsigned long long)pfn, order, __builtin_return_address(0));
	if ((page->flags & PG_reserved) || page->node >= mm_nr_nodes ||
	    page->zone >= MAX_NR_ZONES)
		panic("buddy_free: page not in any zone: pfn 0x%llx is reserved memory "
		      "(caller %p)", (unsigned long long)pfn, __builtin_return_address(0));
	zone = page_zone(page);
	if (pfn < zone->start_pfn || pfn + (1ULL << order) > zone->end_pfn)
		panic("buddy_free: page not in any zone: pfn 0x%llx order %u outside node %u "
		      "zone %s (caller %p)", (unsigned long long)pfn, order, page->node,
		      zone_name(page->zone), __builtin_return_address(0));
	if (pfn & ((1ULL << order) - 1))
		panic("buddy_free: misaligned free block: pfn 0x%llx order %u (caller %p)",
		      (unsigned long long)pfn, order, __builtin_return_address(0));
	if (!(page->flags & PG_head))
		panic("buddy_free: double free of pfn 0x%llx order %u: not the head of an "
		      "allocated block (caller %p)", (unsigned long long)pfn, order,
		      __builtin_return_address(0));
	if (page->order != order)
		panic("buddy_free: wrong order: pfn 0x%llx allocated as order %u, freed as "
		      "order %u (caller %p)", (unsigned long long)pfn, page->order, order,
		      __builtin_return_address(0));
	page->flags = 0;
	free_one(zone, page, order);
}

void buddy_free_range(pfn_t start_pfn, pfn_t end_pfn)
{
	pfn_t pfn = start_pfn;

	while (pfn < end_pfn) {
		unsigned int order = pfn ? (unsigned int)__builtin_ctzll(pfn) : MAX_ORDER - 1;
		unsigned int fit = 63 - (unsigned int)__builtin_clzll(end_pfn - pfn);
		struct page *page = pfn_to_page(pfn);
		struct zone *zone;

		order = MIN(MIN(order, fit), MAX_ORDER - 1);
		if (!page || (page->flags & (PG_reserved | PG_buddy | PG_head)))
			panic("buddy_free_range: pfn 0x%llx has no free descriptor",
			      (unsigned long long)pfn);
		zone = page_zone(page);
		zone->managed_pages += 1ULL << order;
		free_one(zone, page, order);
		pfn += 1ULL << order;
	}
}

uint64_t buddy_free_pages_node(uint32_t nid)
{
	uint64_t n = 0;

	if (nid >= mm_nr_nodes || !node_data[nid])
		return 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += node_data[nid]->node_zones[z].free_pages;
	return n;
}

uint64_t buddy_free_pages_total(void)
{
	uint64_t n = 0;

	for (uint32_t nid = 0; nid < mm_nr_nodes; nid++)
		n += buddy_free_pages_node(nid);
	return n;
}

static char check_msg[192];

#define CHECK_FAIL(...) do { ksnprintf(check_msg, sizeof(check_msg), __VA_ARGS__); goto out; } while (0)

const char *buddy_check(bool deep)
{
	const char *ret = NULL;
	uint32_t nid;
	int z;
	unsigned int o;

	for (nid = 0; nid < mm_nr_nodes; nid++) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &node_data[nid]->node_zones[z];
			uint64_t pages = 0;

			for (o = 0; o < MAX_ORDER; o++) {
				struct free_area *fa = &zone->free_area[o];
				uint64_t count = 0;
				struct page *prev = NULL;

				for (struct page *p = fa->head; p; prev = p, p = p->next) {
					pfn_t pfn = p->pfn;

					if (++count > fa->nr_free)
						CHECK_FAIL("node %u zone %s order %u: list longer than nr_free %llu",
							   nid, zone_name(z), o, (unsigned long long)fa->nr_free);
					if (p->prev != prev)
						CHECK_FAIL("node %u zone %s order %u: broken prev link at pfn 0x%llx",
							   nid, zone_name(z), o, (unsigned long long)pfn);
					if (pfn_to_page(pfn) != p)
						CHECK_FAIL("free block %p is not a memmap descriptor", (void *)p);
					if (p->flags & PG_checked)
						CHECK_FAIL("page in two lists: pfn 0x%llx", (unsigned long long)pfn);
					p->flags |= PG_checked;
					if (!(p->flags & PG_buddy) || p->order != o)
						CHECK_FAIL("pfn 0x%llx on order-%u list without PG_buddy/order %u",
							   (unsigned long long)pfn, o, p->order);
					if (p->node != nid || p->zone != z)
						CHECK_FAIL("pfn 0x%llx of node %u zone %u on node %u zone %s list",
							   (unsigned long long)pfn, p->node, p->zone, nid, zone_name(z));
					if (pfn & ((1ULL << o) - 1))
						CHECK_FAIL("misaligned free block: pfn 0x%llx order %u",
							   (unsigned long long)pfn, o);
					if (pfn < zone->start_pfn || pfn + (1ULL << o) > zone->end_pfn)
						CHECK_FAIL("free block pfn 0x%llx order %u outside its zone",
							   (unsigned long long)pfn, o);
					if (o < MAX_ORDER - 1) {
						pfn_t b = pfn ^ (1ULL << o);

						if (b >= zone->start_pfn && b + (1ULL << o) <= zone->end_pfn) {
							struct page *bp = p + ((int64_t)b - (int64_t)pfn);

							if ((bp->flags & PG_buddy) && bp->order == o &&
							    bp->node == nid && bp->zone == z)
								CHECK_FAIL("uncoalesced buddies at pfn 0x%llx order %u",
									   (unsigned long long)pfn, o);
						}
					}
					if (deep) {
						for (uint64_t i = 1; i < (1ULL << o); i++) {
							if (p[i].flags & (PG_buddy | PG_head | PG_reserved))
								CHECK_FAIL("page in two lists: pfn 0x%llx inside free block 0x%llx order %u has flags 0x%x",
									   (unsigned long long)pfn + i, (unsigned long long)pfn, o, p[i].flags);
							if (p[i].node != nid || p[i].zone != z)
								CHECK_FAIL("pfn 0x%llx inside a free block of node %u is of node %u",
									   (unsigned long long)pfn + i, nid, p[i].node);
						}
					}
				}
				if (count != fa->nr_free)
					CHECK_FAIL("node %u zone %s order %u: %llu blocks listed, nr_free %llu",
						   nid, zone_name(z), o, (unsigned long long)count,
						   (unsigned long long)fa->nr_free);
				pages += count << o;
			}
			if (pages != zone->free_pages)
				CHECK_FAIL("node %u zone %s: %llu pages listed, free_pages %llu", nid,
					   zone_name(z), (unsigned long long)pages,
					   (unsigned long long)zone->free_pages);
			if (zone->free_pages > zone->managed_pages)
				CHECK_FAIL("node %u zone %s: free %llu > managed %llu", nid, zone_name(z),
					   (unsigned long long)zone->free_pages,
					   (unsigned long long)zone->managed_pages);
		}
	}
	goto clear;
out:
	ret = check_msg;
clear:
	/* Clear the marks, however far the walk got (bounded by nr_free). */
	for (nid = 0; nid < mm_nr_nodes; nid++)
		for (z = 0; z < MAX_NR_ZONES; z++)
			for (o = 0; o < MAX_ORDER; o++) {
				struct free_area *fa = &node_data[nid]->node_zones[z].free_area[o];
				uint64_t n = 0;

				for (struct page *p = fa->head; p && n <= fa->nr_free; p = p->next, n++)
					p->flags &= (uint16_t)~PG_checked;
			}
	return ret;
}

void buddy_print_info(void)
{
	for (uint32_t nid = 0; nid < mm_nr_nodes; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct zone *zone = &node_data[nid]->node_zones[z];
			char line[160];
			int len;

			if (!zone_populated(zone))
				continue;
			len = ksnprintf(line, sizeof(line), "Node %u, zone %8s", nid, zone_name(z));
			for (unsigned int o = 0; o < MAX_ORDER && len < (int)sizeof(line); o++)
				len += ksnprintf(line + len, sizeof(line) - (size_t)len, " %6llu",
						 (unsigned long long)zone->free_area[o].nr_free);
			printk(KERN_INFO "%s\n", line);
		}
	}
}
