/*
 * buddy.c - the binary buddy allocator over each zone's free_area[] (see
 * buddy.h), with per-CPU lists in front of it (mm/pcp.h).  Free lists are
 * NULL-terminated doubly linked lists threaded through the page descriptors
 * of block heads, so the allocator never touches the memory it manages.
 *
 * Locking (mm/pcp.h has the rules): free_area[] and free_pages only under
 * zone->lock; a pageset only under its pcp->lock, taken before the zone
 * lock.  Nothing panics while holding a lock (host tests longjmp out of a
 * panic): every check on a caller's arguments runs before the first lock.
 */
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "mm/buddy.h"
#include "mm/pcp.h"

uint32_t buddy_default_node;

/* A racy read of a counter written under a lock elsewhere: a hint only. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

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

/* ---- per-CPU lists.  pcp->lock held by the caller of each helper. */

static inline void pcp_push_hot(struct pcp_list *l, struct page *p)
{
	p->prev = NULL;
	p->next = l->head;
	if (l->head)
		l->head->prev = p;
	else
		l->tail = p;
	l->head = p;
}

static inline void pcp_push_cold(struct pcp_list *l, struct page *p)
{
	p->next = NULL;
	p->prev = l->tail;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
}

static inline struct page *pcp_pop_hot(struct pcp_list *l)
{
	struct page *p = l->head;

	if (p) {
		l->head = p->next;
		if (l->head)
			l->head->prev = NULL;
		else
			l->tail = NULL;
	}
	return p;
}

static inline struct page *pcp_pop_cold(struct pcp_list *l)
{
	struct page *p = l->tail;

	if (p) {
		l->tail = p->prev;
		if (l->tail)
			l->tail->next = NULL;
		else
			l->head = NULL;
	}
	return p;
}

/* The pageset of cpu in zone, or NULL: the zone is not on cpu's home node
 * (or has no pagesets, or cpu is not in the CPU table). */
static inline struct per_cpu_pages *zone_pcp(struct zone *zone, unsigned int cpu)
{
	if (cpu >= mm_nr_cpus || !zone->pcp || zone->node != mm_cpu_home[cpu])
		return NULL;
	return &zone->pcp[mm_cpu_slot[cpu]];
}

/*
 * Give `pages` pages (at least one block) from the cold ends back to the
 * buddy, one block per list in turn starting at list `first`, as Linux's
 * free_pcppages_bulk does round robin.  pcp->lock held; takes zone->lock.
 */
static void pcp_give_back(struct zone *zone, struct per_cpu_pages *pcp, int32_t pages,
			  unsigned int first)
{
	unsigned int o = first, misses = 0;

	spin_lock(&zone->lock);
	do {
		struct page *p = pcp_pop_cold(&pcp->lists[o]);

		if (p) {
			pcp->count -= 1 << o;
			pages -= 1 << o;
			p->flags = 0;
			free_one(zone, p, o);
			misses = 0;
		} else {
			misses++;
		}
		o = (o + 1) % PCP_NR_LISTS;
	} while (pages > 0 && misses < PCP_NR_LISTS);
	spin_unlock(&zone->lock);
}

/* Refill list `order` with up to its batch from the zone (Linux: batch for
 * order 0, max(batch >> order, 2) blocks above), oldest first towards the
 * cold end so the lowest addresses are handed out first.  pcp->lock held. */
static void pcp_refill(struct zone *zone, struct per_cpu_pages *pcp, unsigned int order)
{
	int32_t n = order ? MAX(pcp->batch >> order, 2) : pcp->batch;

	if (READ_ONCE(zone->free_pages) < (1ULL << order))
		return;
	spin_lock(&zone->lock);
	for (int32_t i = 0; i < n; i++) {
		struct page *p = rmqueue(zone, order);

		if (!p)
			break;
		p->flags = PG_pcp;
		pcp_push_cold(&pcp->lists[order], p);
		pcp->count += 1 << order;
	}
	spin_unlock(&zone->lock);
}

/* Empty one pageset into its zone.  Takes pcp->lock, then zone->lock.
 * Returns the pages given back. */
static int32_t pcp_drain(struct zone *zone, struct per_cpu_pages *pcp)
{
	int32_t n;

	spin_lock(&pcp->lock);
	n = pcp->count;
	if (n)
		pcp_give_back(zone, pcp, n, 0);
	spin_unlock(&pcp->lock);
	return n;
}

uint64_t buddy_drain_zone(struct zone *zone)
{
	uint64_t n = 0;

	for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++)
		if (READ_ONCE(zone->pcp[i].count))
			n += (uint64_t)pcp_drain(zone, &zone->pcp[i]);
	return n;
}

uint64_t buddy_drain_all(void)
{
	uint64_t n = 0;

	for (uint32_t nid = 0; nid < mm_nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += buddy_drain_zone(&node_data[nid]->node_zones[z]);
	return n;
}

/* One zone, no fallback: the CPU's pageset for small orders on its home
 * node, the buddy under the zone lock otherwise. */
static struct page *zone_alloc(struct zone *zone, unsigned int cpu, unsigned int order)
{
	struct per_cpu_pages *pcp = order <= PCP_MAX_ORDER ? zone_pcp(zone, cpu) : NULL;
	struct page *p;

	if (pcp) {
		spin_lock(&pcp->lock);
		if (!pcp->lists[order].head)
			pcp_refill(zone, pcp, order);
		p = pcp_pop_hot(&pcp->lists[order]);
		if (p) {
			pcp->count -= 1 << order;
			p->flags = PG_head;
			p->order = (uint8_t)order;
		}
		spin_unlock(&pcp->lock);
		return p;
	}
	if (READ_ONCE(zone->free_pages) < (1ULL << order))
		return NULL;
	spin_lock(&zone->lock);
	p = rmqueue(zone, order);
	spin_unlock(&zone->lock);
	return p;
}

struct page *buddy_alloc_cpu(unsigned int cpu, unsigned int order, uint32_t nid,
			     enum zone_type highest_zone)
{
	const struct pglist_data *pref;

	if (order >= MAX_ORDER || mm_nr_nodes == 0)
		return NULL;
	if (nid >= mm_nr_nodes)
		nid = cpu < mm_nr_cpus ? mm_cpu_home[cpu] : buddy_default_node;
	if (highest_zone >= MAX_NR_ZONES)
		highest_zone = ZONE_NORMAL;
	pref = node_data[nid];
	for (uint32_t i = 0; i < pref->nr_fallback; i++) {
		struct pglist_data *pg = node_data[pref->fallback[i]];

		for (int z = (int)highest_zone; z >= 0; z--) {
			struct zone *zone = &pg->node_zones[z];
			struct page *p;

			if (!zone_populated(zone))
				continue;
			p = zone_alloc(zone, cpu, order);
			if (p)
				return p;
			/* The zone is short: what CPUs hold on their lists goes
			 * back (and coalesces) before the next zone or node. */
			if (buddy_drain_zone(zone) && (p = zone_alloc(zone, cpu, order)))
				return p;
		}
	}
	return NULL;
}

struct page *buddy_alloc(unsigned int order, uint32_t nid, enum zone_type highest_zone)
{
	return buddy_alloc_cpu(mm_this_cpu(), order, nid, highest_zone);
}

void buddy_free_cpu(unsigned int cpu, struct page *page, unsigned int order)
{
	struct per_cpu_pages *pcp;
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
	if (page->flags & (PG_buddy | PG_pcp))
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

	pcp = order <= PCP_MAX_ORDER ? zone_pcp(zone, cpu) : NULL;
	if (pcp) {
		spin_lock(&pcp->lock);
		page->flags = PG_pcp;
		pcp_push_hot(&pcp->lists[order], page);
		pcp->count += 1 << order;
		if (pcp->count >= pcp->high)
			pcp_give_back(zone, pcp, MAX(pcp->batch, pcp->count - pcp->high + 1), order);
		spin_unlock(&pcp->lock);
		return;
	}
	/* Another node's page (or a large block): straight home, no list. */
	spin_lock(&zone->lock);
	page->flags = 0;
	free_one(zone, page, order);
	spin_unlock(&zone->lock);
}

void buddy_free(struct page *page, unsigned int order)
{
	buddy_free_cpu(mm_this_cpu(), page, order);
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
		if (!page || (page->flags & (PG_reserved | PG_buddy | PG_head | PG_pcp)))
			panic("buddy_free_range: pfn 0x%llx has no free descriptor",
			      (unsigned long long)pfn);
		zone = page_zone(page);
		/* Per block (up to 4 MiB): CPUs handing over ranges of one zone
		 * in parallel take turns, and allocators may already run. */
		spin_lock(&zone->lock);
		zone->managed_pages += 1ULL << order;
		free_one(zone, page, order);
		spin_unlock(&zone->lock);
		pfn += 1ULL << order;
	}
}

uint64_t buddy_take_back_range(pfn_t start_pfn, pfn_t end_pfn)
{
	uint64_t taken = 0;

	/* Everything first: all free on free_area (no lists, no owners). */
	for (pfn_t pfn = start_pfn; pfn < end_pfn; ) {
		struct page *p = pfn_to_page(pfn);

		if (p && (p->flags & PG_buddy)) {
			if (pfn + (1ULL << p->order) > end_pfn)
				return UINT64_MAX;
			pfn += 1ULL << p->order;
		} else if (!p || (p->flags & PG_reserved)) {
			pfn++;
		} else {
			return UINT64_MAX;      /* allocated, or on a per-CPU list */
		}
	}
	for (pfn_t pfn = start_pfn; pfn < end_pfn; ) {
		struct page *p = pfn_to_page(pfn);

		if (p && (p->flags & PG_buddy)) {
			struct zone *zone = page_zone(p);
			unsigned int o = p->order;

			spin_lock(&zone->lock);
			fa_del(&zone->free_area[o], p);
			p->flags = 0;
			zone->free_pages -= 1ULL << o;
			zone->managed_pages -= 1ULL << o;
			spin_unlock(&zone->lock);
			taken += 1ULL << o;
			pfn += 1ULL << o;
		} else {
			pfn++;
		}
	}
	return taken;
}

/* Pages on the zone's pagesets now (racy sum: a snapshot for reports). */
static uint64_t zone_pcp_pages(const struct zone *zone)
{
	uint64_t n = 0;

	for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++)
		n += (uint64_t)READ_ONCE(zone->pcp[i].count);
	return n;
}

uint64_t buddy_free_pages_node(uint32_t nid)
{
	uint64_t n = 0;

	if (nid >= mm_nr_nodes || !node_data[nid])
		return 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &node_data[nid]->node_zones[z];

		n += READ_ONCE(zone->free_pages) + zone_pcp_pages(zone);
	}
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
static spinlock_t check_lock = SPINLOCK_INIT;   /* one checker at a time: check_msg */

#define CHECK_FAIL(...) do { ksnprintf(check_msg, sizeof(check_msg), __VA_ARGS__); goto out; } while (0)

/* Is free block p (order o, head of a list of zone nid/z) sound?  Marks it
 * PG_checked.  Returns false with check_msg filled. */
static bool check_block(struct page *p, unsigned int o, uint32_t nid, int z,
			const struct zone *zone, uint16_t want_flag, bool deep)
{
	pfn_t pfn = p->pfn;

	if (pfn_to_page(pfn) != p)
		CHECK_FAIL("free block %p is not a memmap descriptor", (void *)p);
	if (p->flags & PG_checked)
		CHECK_FAIL("page in two lists: pfn 0x%llx", (unsigned long long)pfn);
	p->flags |= PG_checked;
	if (!(p->flags & want_flag) || p->order != o)
		CHECK_FAIL("pfn 0x%llx on %s order-%u list without %s/order %u (flags 0x%x order %u)",
			   (unsigned long long)pfn, want_flag == PG_pcp ? "a per-CPU" : "an",
			   o, want_flag == PG_pcp ? "PG_pcp" : "PG_buddy", o, p->flags, p->order);
	if (p->node != nid || p->zone != z)
		CHECK_FAIL("pfn 0x%llx of node %u zone %u on node %u zone %s list",
			   (unsigned long long)pfn, p->node, p->zone, nid, zone_name((uint32_t)z));
	if (pfn & ((1ULL << o) - 1))
		CHECK_FAIL("misaligned free block: pfn 0x%llx order %u", (unsigned long long)pfn, o);
	if (pfn < zone->start_pfn || pfn + (1ULL << o) > zone->end_pfn)
		CHECK_FAIL("free block pfn 0x%llx order %u outside its zone", (unsigned long long)pfn, o);
	if (want_flag == PG_buddy && o < MAX_ORDER - 1) {
		pfn_t b = pfn ^ (1ULL << o);

		if (b >= zone->start_pfn && b + (1ULL << o) <= zone->end_pfn) {
			struct page *bp = p + ((int64_t)b - (int64_t)pfn);

			if ((bp->flags & PG_buddy) && bp->order == o && bp->node == nid && bp->zone == z)
				CHECK_FAIL("uncoalesced buddies at pfn 0x%llx order %u",
					   (unsigned long long)pfn, o);
		}
	}
	if (deep) {
		for (uint64_t i = 1; i < (1ULL << o); i++) {
			if (p[i].flags & (PG_buddy | PG_head | PG_reserved | PG_pcp))
				CHECK_FAIL("page in two lists: pfn 0x%llx inside free block 0x%llx order %u has flags 0x%x",
					   (unsigned long long)pfn + i, (unsigned long long)pfn, o, p[i].flags);
			if (p[i].node != nid || p[i].zone != z)
				CHECK_FAIL("pfn 0x%llx inside a free block of node %u is of node %u",
					   (unsigned long long)pfn + i, nid, p[i].node);
		}
	}
	return true;
out:
	return false;
}

/* One zone, its lock and all its pagesets' locks held. */
static const char *check_zone(uint32_t nid, int z, struct zone *zone, bool deep)
{
	const char *ret = NULL;
	uint64_t pages = 0, on_lists = 0;
	unsigned int o;

	for (o = 0; o < MAX_ORDER; o++) {
		struct free_area *fa = &zone->free_area[o];
		uint64_t count = 0;
		struct page *prev = NULL;

		for (struct page *p = fa->head; p; prev = p, p = p->next) {
			if (++count > fa->nr_free)
				CHECK_FAIL("node %u zone %s order %u: list longer than nr_free %llu",
					   nid, zone_name((uint32_t)z), o, (unsigned long long)fa->nr_free);
			if (p->prev != prev)
				CHECK_FAIL("node %u zone %s order %u: broken prev link at pfn 0x%llx",
					   nid, zone_name((uint32_t)z), o, (unsigned long long)p->pfn);
			if (!check_block(p, o, nid, z, zone, PG_buddy, deep))
				goto out;
		}
		if (count != fa->nr_free)
			CHECK_FAIL("node %u zone %s order %u: %llu blocks listed, nr_free %llu",
				   nid, zone_name((uint32_t)z), o, (unsigned long long)count,
				   (unsigned long long)fa->nr_free);
		pages += count << o;
	}
	if (pages != zone->free_pages)
		CHECK_FAIL("node %u zone %s: %llu pages listed, free_pages %llu", nid,
			   zone_name((uint32_t)z), (unsigned long long)pages,
			   (unsigned long long)zone->free_pages);
	for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++) {
		struct per_cpu_pages *pcp = &zone->pcp[i];
		int64_t listed = 0;

		for (o = 0; o < PCP_NR_LISTS; o++) {
			struct page *prev = NULL;

			for (struct page *p = pcp->lists[o].head; p; prev = p, p = p->next) {
				if (listed >= pcp->count)
					CHECK_FAIL("node %u zone %s cpu %u: lists hold more than count %d",
						   nid, zone_name((uint32_t)z), pcp->cpu, pcp->count);
				if (p->prev != prev)
					CHECK_FAIL("node %u zone %s cpu %u order %u: broken prev link at pfn 0x%llx",
						   nid, zone_name((uint32_t)z), pcp->cpu, o,
						   (unsigned long long)p->pfn);
				if (!check_block(p, o, nid, z, zone, PG_pcp, deep))
					goto out;
				listed += 1 << o;
			}
			if (pcp->lists[o].tail != prev)
				CHECK_FAIL("node %u zone %s cpu %u order %u: tail is not the last block",
					   nid, zone_name((uint32_t)z), pcp->cpu, o);
		}
		if (listed != pcp->count)
			CHECK_FAIL("node %u zone %s cpu %u: %lld pages listed, count %d", nid,
				   zone_name((uint32_t)z), pcp->cpu, (long long)listed, pcp->count);
		on_lists += (uint64_t)listed;
	}
	if (zone->free_pages + on_lists > zone->managed_pages)
		CHECK_FAIL("node %u zone %s: free %llu + per-CPU %llu > managed %llu", nid,
			   zone_name((uint32_t)z), (unsigned long long)zone->free_pages,
			   (unsigned long long)on_lists, (unsigned long long)zone->managed_pages);
	goto clear;
out:
	ret = check_msg;
clear:
	/* Clear the marks, however far the walk got (bounded by the counts). */
	for (o = 0; o < MAX_ORDER; o++) {
		uint64_t n = 0;

		for (struct page *p = zone->free_area[o].head; p && n <= zone->free_area[o].nr_free;
		     p = p->next, n++)
			p->flags &= (uint16_t)~PG_checked;
	}
	for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++)
		for (o = 0; o < PCP_NR_LISTS; o++) {
			int64_t n = 0;

			for (struct page *p = zone->pcp[i].lists[o].head; p && n <= zone->pcp[i].count;
			     p = p->next, n++)
				p->flags &= (uint16_t)~PG_checked;
		}
	return ret;
}

const char *buddy_check(bool deep)
{
	const char *ret = NULL;

	spin_lock(&check_lock);
	for (uint32_t nid = 0; nid < mm_nr_nodes && !ret; nid++) {
		for (int z = 0; z < MAX_NR_ZONES && !ret; z++) {
			struct zone *zone = &node_data[nid]->node_zones[z];

			/* Lock order: pagesets in slot order, then the zone. */
			for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++)
				spin_lock(&zone->pcp[i].lock);
			spin_lock(&zone->lock);
			ret = check_zone(nid, z, zone, deep);
			spin_unlock(&zone->lock);
			for (uint32_t i = zone->pcp ? zone->nr_pcp : 0; i > 0; i--)
				spin_unlock(&zone->pcp[i - 1].lock);
		}
	}
	spin_unlock(&check_lock);
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
