/*
 * pgtable.c - freestanding x86-64 4-level page-table builder and walkers
 * (interface and rules in pgtable.h).  Compiled into the loader, the kernel
 * and the host tests; reaches table pages only through struct pgtable_ops.
 */
#include "pgtable.h"
#include "vmlayout.h"

#define PT_INDEX(va, level)  (((va) >> (PAGE_SHIFT + 9 * ((level) - 1))) & 511)
#define LEVEL_SIZE(level)    (1ULL << (PAGE_SHIFT + 9 * ((level) - 1)))
/* Intermediate entries grant everything; the leaves restrict. */
#define PTE_TABLE            (PTE_P | PTE_W)

static const char *const level_name[PGTABLE_LEVELS + 1] = { "?", "PT", "PD", "PDPT", "PML4" };

static uint64_t *table_ptr(const struct pgtable_ops *ops, phys_addr_t pa)
{
	if (pa == 0 || !IS_ALIGNED(pa, PAGE_SIZE))
		return NULL;
	return ops->phys_to_ptr(ops->ctx, pa);
}

/* A new zeroed table page, or 0. */
static phys_addr_t table_alloc(const struct pgtable_ops *ops)
{
	phys_addr_t pa = ops->alloc_table(ops->ctx);
	uint64_t *t;

	if (pa == 0)
		return 0;
	t = table_ptr(ops, pa);
	if (t == NULL) {
		if (ops->free_table)
			ops->free_table(ops->ctx, pa);
		return 0;
	}
	for (int i = 0; i < PGTABLE_ENTRIES; i++)
		t[i] = 0;
	return pa;
}

static bool is_canonical(virt_addr_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/* Sign-extend a 48-bit address. */
static virt_addr_t canonical(virt_addr_t va)
{
	return (va & (1ULL << 47)) ? (va | 0xffff000000000000ULL) : (va & 0x0000ffffffffffffULL);
}

static uint64_t leaf_addr_mask(int level)
{
	return level == 3 ? PTE_ADDR_MASK_1G : level == 2 ? PTE_ADDR_MASK_2M : PTE_ADDR_MASK;
}

int pgtable_create(const struct pgtable_ops *ops, phys_addr_t *root)
{
	phys_addr_t pa = table_alloc(ops);

	if (pa == 0)
		return PGTABLE_ENOMEM;
	*root = pa;
	return 0;
}

/*
 * Is [va, last] (inclusive: the top page ends at 2^64) free of mappings?
 * Checked before mapping so that an EEXIST leaves the tree as it was.
 */
static bool range_unmapped(const struct pgtable_ops *ops, phys_addr_t table, int level,
			   virt_addr_t va, virt_addr_t last)
{
	uint64_t *t = table_ptr(ops, table);

	if (t == NULL)
		return false;
	for (;;) {
		uint64_t sz = LEVEL_SIZE(level);
		virt_addr_t stop = MIN(ALIGN_DOWN(va, sz) + sz - 1, last);   /* inclusive */
		uint64_t e = t[PT_INDEX(va, level)];

		if (e & PTE_P) {
			if (level == 1 || (e & PTE_PS))
				return false;
			if (!range_unmapped(ops, e & PTE_ADDR_MASK, level - 1, va, stop))
				return false;
		}
		if (stop == last)
			return true;
		va = stop + 1;
	}
}

int pgtable_map(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		phys_addr_t pa, uint64_t size, uint64_t flags, uint64_t max_page)
{
	virt_addr_t last;

	if (size == 0 || !IS_ALIGNED(va | pa | size, PAGE_SIZE))
		return PGTABLE_EINVAL;
	if (max_page != PGTABLE_4K && max_page != PGTABLE_2M && max_page != PGTABLE_1G)
		return PGTABLE_EINVAL;
	if (flags & ~PTE_FLAGS_MASK)
		return PGTABLE_EINVAL;
	last = va + size - 1;
	if (last < va || !is_canonical(va) || !is_canonical(last) || (va >> 47) != (last >> 47))
		return PGTABLE_EINVAL;
	if (pa + size - 1 < pa || ((pa + size - 1) & ~PTE_ADDR_MASK & ~(PAGE_SIZE - 1)))
		return PGTABLE_EINVAL;            /* beyond 52-bit physical space */
	if (table_ptr(ops, root) == NULL)
		return PGTABLE_EINVAL;
	if (!range_unmapped(ops, root, 4, va, last))
		return PGTABLE_EEXIST;

	/* The last leaf table used: consecutive leaves of one size fill it
	 * without walking down from the root again. */
	uint64_t *leaf_t = NULL;
	int leaf_t_level = 0;
	virt_addr_t leaf_t_base = 0;

	while (size) {
		uint64_t page = PGTABLE_4K;
		int leaf_level = 1;
		phys_addr_t table = root;
		uint64_t *t;

		if (max_page >= PGTABLE_1G && IS_ALIGNED(va | pa, PGTABLE_1G) && size >= PGTABLE_1G) {
			page = PGTABLE_1G;
			leaf_level = 3;
		} else if (max_page >= PGTABLE_2M && IS_ALIGNED(va | pa, PGTABLE_2M) &&
			   size >= PGTABLE_2M) {
			page = PGTABLE_2M;
			leaf_level = 2;
		}

		if (leaf_t && leaf_t_level == leaf_level &&
		    ALIGN_DOWN(va, LEVEL_SIZE(leaf_level + 1)) == leaf_t_base) {
			t = leaf_t;
		} else {
			for (int level = 4; level > leaf_level; level--) {
				uint64_t *e;

				t = table_ptr(ops, table);
				if (t == NULL)
					return PGTABLE_EINVAL;
				e = &t[PT_INDEX(va, level)];
				if (!(*e & PTE_P)) {
					phys_addr_t n = table_alloc(ops);

					if (n == 0)
						return PGTABLE_ENOMEM;
					*e = n | PTE_TABLE;
				}
				table = *e & PTE_ADDR_MASK;
			}
			t = table_ptr(ops, table);
			if (t == NULL)
				return PGTABLE_EINVAL;
			leaf_t = t;
			leaf_t_level = leaf_level;
			leaf_t_base = ALIGN_DOWN(va, LEVEL_SIZE(leaf_level + 1));
		}
		t[PT_INDEX(va, leaf_level)] = pa | flags | PTE_P | (leaf_level > 1 ? PTE_PS : 0);

		va += page;
		pa += page;
		size -= page;
	}
	return 0;
}

/* The level-1 entry that maps va through 4 KiB tables, or NULL if a table
 * on the way is missing, unreachable, or va lies in a large page. */
static uint64_t *pte_4k(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va)
{
	phys_addr_t table = root;

	for (int level = 4; level > 1; level--) {
		uint64_t *t = table_ptr(ops, table);
		uint64_t e;

		if (t == NULL)
			return NULL;
		e = t[PT_INDEX(va, level)];
		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		table = e & PTE_ADDR_MASK;
	}
	uint64_t *pt = table_ptr(ops, table);

	return pt ? &pt[PT_INDEX(va, 1)] : NULL;
}

/* Common checks of pgtable_change and pgtable_unmap: the range is valid
 * and every page of it is a present 4 KiB leaf. */
static int range_is_4k_mapped(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
			      uint64_t size)
{
	virt_addr_t last;

	if (size == 0 || !IS_ALIGNED(va | size, PAGE_SIZE))
		return PGTABLE_EINVAL;
	last = va + size - 1;
	if (last < va || !is_canonical(va) || !is_canonical(last) || (va >> 47) != (last >> 47))
		return PGTABLE_EINVAL;
	if (table_ptr(ops, root) == NULL)
		return PGTABLE_EINVAL;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *e = pte_4k(ops, root, va + off);

		if (e == NULL || !(*e & PTE_P))
			return PGTABLE_ENOENT;
	}
	return 0;
}

int pgtable_change(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		   phys_addr_t pa, uint64_t size, uint64_t flags)
{
	int r;

	if (flags & ~PTE_FLAGS_MASK)
		return PGTABLE_EINVAL;
	if (pa != PGTABLE_KEEP_PA && (!IS_ALIGNED(pa, PAGE_SIZE) ||
				      ((pa + size - 1) & ~PTE_ADDR_MASK & ~(PAGE_SIZE - 1))))
		return PGTABLE_EINVAL;
	r = range_is_4k_mapped(ops, root, va, size);
	if (r)
		return r;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t *e = pte_4k(ops, root, va + off);
		phys_addr_t frame = pa == PGTABLE_KEEP_PA ? (*e & PTE_ADDR_MASK) : pa + off;

		/* One aligned 64-bit store: a concurrent hardware walk sees the old
		 * entry or the new one, never a mix. */
		__atomic_store_n(e, frame | flags | PTE_P, __ATOMIC_RELAXED);
	}
	return 0;
}

int pgtable_unmap(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va, uint64_t size)
{
	int r = range_is_4k_mapped(ops, root, va, size);

	if (r)
		return r;
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		__atomic_store_n(pte_4k(ops, root, va + off), 0, __ATOMIC_RELAXED);
	return 0;
}

bool pgtable_translate(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		       phys_addr_t *pa, uint64_t *flags, uint64_t *page_size)
{
	phys_addr_t table = root;
	uint64_t eff = PTE_W | PTE_U;

	if (!is_canonical(va))
		return false;
	for (int level = 4; level >= 1; level--) {
		uint64_t *t = table_ptr(ops, table);
		uint64_t e;

		if (t == NULL)
			return false;
		e = t[PT_INDEX(va, level)];
		if (!(e & PTE_P))
			return false;
		eff &= e | ~(PTE_W | PTE_U);
		eff |= e & PTE_NX;
		if (level == 1 || (e & PTE_PS)) {
			uint64_t sz = LEVEL_SIZE(level);

			if (level == 4)
				return false;     /* PS in a PML4 entry is reserved */
			if (pa)
				*pa = (e & leaf_addr_mask(level)) + (va & (sz - 1));
			if (flags)
				*flags = eff | (e & (PTE_P | PTE_G | PTE_PCD | PTE_PWT));
			if (page_size)
				*page_size = sz;
			return true;
		}
		table = e & PTE_ADDR_MASK;
	}
	return false;
}

uint64_t *pgtable_entry(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
			int *level_out)
{
	phys_addr_t table = root;

	if (!is_canonical(va))
		return NULL;
	for (int level = 4; level >= 1; level--) {
		uint64_t *t = table_ptr(ops, table);
		uint64_t *e;

		if (t == NULL)
			return NULL;
		e = &t[PT_INDEX(va, level)];
		if (level == 1 || !(*e & PTE_P) || ((*e & PTE_PS) && level < 4)) {
			if (level_out)
				*level_out = level;
			return e;
		}
		table = *e & PTE_ADDR_MASK;
	}
	return NULL;
}

static int walk_tables(const struct pgtable_ops *ops, phys_addr_t table, int level,
		       pgtable_table_cb cb, void *arg)
{
	uint64_t *t = table_ptr(ops, table);
	int r = cb(arg, table, level);

	if (r || level == 1 || t == NULL)
		return r;
	for (int i = 0; i < PGTABLE_ENTRIES; i++) {
		uint64_t e = t[i];

		if (!(e & PTE_P) || (e & PTE_PS))
			continue;
		r = walk_tables(ops, e & PTE_ADDR_MASK, level - 1, cb, arg);
		if (r)
			return r;
	}
	return 0;
}

int pgtable_for_each_table(const struct pgtable_ops *ops, phys_addr_t root,
			   pgtable_table_cb cb, void *arg)
{
	return walk_tables(ops, root, 4, cb, arg);
}

static int walk_leaves(const struct pgtable_ops *ops, phys_addr_t table, int level,
		       virt_addr_t base, uint64_t eff, pgtable_leaf_cb cb, void *arg)
{
	uint64_t *t = table_ptr(ops, table);

	if (t == NULL)
		return 0;
	for (int i = 0; i < PGTABLE_ENTRIES; i++) {
		uint64_t e = t[i];
		virt_addr_t va = base + (uint64_t)i * LEVEL_SIZE(level);
		uint64_t f;
		int r;

		if (!(e & PTE_P))
			continue;
		f = (eff & (e | ~(PTE_W | PTE_U))) | (e & PTE_NX);
		if (level == 1 || ((e & PTE_PS) && level < 4)) {
			r = cb(arg, canonical(va), e & leaf_addr_mask(level), LEVEL_SIZE(level),
			       f | (e & (PTE_P | PTE_G | PTE_PCD | PTE_PWT)));
		} else if (e & PTE_PS) {
			continue;                 /* reserved at level 4: not a mapping */
		} else {
			r = walk_leaves(ops, e & PTE_ADDR_MASK, level - 1, va, f, cb, arg);
		}
		if (r)
			return r;
	}
	return 0;
}

int pgtable_for_each_leaf(const struct pgtable_ops *ops, phys_addr_t root,
			  pgtable_leaf_cb cb, void *arg)
{
	return walk_leaves(ops, root, 4, 0, PTE_W | PTE_U, cb, arg);
}

static int count_cb(void *arg, phys_addr_t table_pa, int level)
{
	(*(uint32_t *)arg)++;
	return 0;
}

uint32_t pgtable_count_tables(const struct pgtable_ops *ops, phys_addr_t root)
{
	uint32_t n = 0;

	pgtable_for_each_table(ops, root, count_cb, &n);
	return n;
}

/* Children first, so a table is freed only after everything below it. */
static void destroy_level(const struct pgtable_ops *ops, phys_addr_t table, int level)
{
	uint64_t *t = table_ptr(ops, table);

	if (t != NULL && level > 1) {
		for (int i = 0; i < PGTABLE_ENTRIES; i++) {
			uint64_t e = t[i];

			if ((e & PTE_P) && !(e & PTE_PS))
				destroy_level(ops, e & PTE_ADDR_MASK, level - 1);
		}
	}
	ops->free_table(ops->ctx, table);
}

void pgtable_destroy(const struct pgtable_ops *ops, phys_addr_t root)
{
	if (ops->free_table && root)
		destroy_level(ops, root, 4);
}

const char *pgtable_flags_str(uint64_t flags, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" },
		{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" },
		{ PTE_G, "G" }, { PTE_NX, "NX" },
	};
	size_t o = 0;

	if (len == 0)
		return buf;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *s = names[i].name;

		if (!(flags & names[i].bit))
			continue;
		if (o && o + 1 < len)
			buf[o++] = ' ';
		while (*s && o + 1 < len)
			buf[o++] = *s++;
	}
	buf[o] = '\0';
	return buf;
}

void pgtable_dump_walk(const struct pgtable_ops *ops, phys_addr_t root, virt_addr_t va,
		       printf_fn out)
{
	phys_addr_t table = root;
	char fl[48];

	out("pgtable: walk va 0x%llx root 0x%llx\n", (unsigned long long)va,
	    (unsigned long long)root);
	if (!is_canonical(va)) {
		out("  non-canonical address\n");
		return;
	}
	for (int level = 4; level >= 1; level--) {
		uint64_t *t = table_ptr(ops, table);
		unsigned idx = PT_INDEX(va, level);
		uint64_t e;

		if (t == NULL) {
			out("  %s table 0x%llx unreachable\n", level_name[level],
			    (unsigned long long)table);
			return;
		}
		e = t[idx];
		if (!(e & PTE_P)) {
			out("  %s[%u] @0x%llx = 0x%016llx not present\n", level_name[level], idx,
			    (unsigned long long)(table + idx * 8), (unsigned long long)e);
			return;
		}
		if (level == 1 || (e & PTE_PS)) {
			uint64_t sz = LEVEL_SIZE(level);

			out("  %s[%u] @0x%llx = 0x%016llx %s -> pa 0x%llx (%s)\n", level_name[level],
			    idx, (unsigned long long)(table + idx * 8), (unsigned long long)e,
			    pgtable_flags_str(e, fl, sizeof(fl)),
			    (unsigned long long)((e & leaf_addr_mask(level)) + (va & (sz - 1))),
			    level == 3 ? "1G" : level == 2 ? "2M" : "4K");
			return;
		}
		out("  %s[%u] @0x%llx = 0x%016llx %s\n", level_name[level], idx,
		    (unsigned long long)(table + idx * 8), (unsigned long long)e,
		    pgtable_flags_str(e, fl, sizeof(fl)));
		table = e & PTE_ADDR_MASK;
	}
}

/* ---- the kernel address space ------------------------------------------ */

/*
 * What the direct map covers (issue 8, item 2): RAM, and the ACPI tables
 * the kernel may have to read, nothing else.
 *   usable, loader-owned   RAM (write-back: the normaliser types conventional
 *                          memory without EFI_MEMORY_WB as reserved);
 *   ACPI reclaim, ACPI NVS the tables (and FACS) live there, write-back as
 *                          their EFI attributes say (physmap_classify types a
 *                          descriptor without WB as reserved);
 *   reserved, unusable     never: device windows (q35's PCIe ECAM), SMRAM,
 *                          stolen memory, the VGA window; a write-back mapping
 *                          invites speculative reads, and a large page that
 *                          spans two memory types is undefined (SDM 3, 11.11.9);
 *   persistent             not RAM (Linux maps pmem through its driver, not
 *                          the boot-time direct map);
 *   soft reserved          belongs to its driver (Linux maps it only when
 *                          dax/kmem onlines it);
 *   unaccepted             must not be touched at all.
 */
bool pgtable_dm_type(uint32_t type)
{
	return type == PHYSMAP_USABLE || type == PHYSMAP_LOADER ||
	       type == PHYSMAP_ACPI_RECLAIM || type == PHYSMAP_ACPI_NVS;
}

bool pgtable_dm_covers(const struct physmap_entry *map, size_t n, phys_addr_t pa, uint64_t size)
{
	phys_addr_t cur = pa, end = pa + size;
	size_t lo = 0, hi = n;

	if (end < pa)
		return false;
	/* Last entry starting at or below pa. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (map[mid].start <= pa)
			lo = mid;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && cur < end; i++) {
		if (map[i].start > cur || map[i].end <= cur)
			continue;
		if (!pgtable_dm_type(map[i].type))
			return false;
		cur = map[i].end;
	}
	return cur >= end;
}

static bool dm_range(const struct physmap_entry *e, phys_addr_t *s, phys_addr_t *end)
{
	if (!pgtable_dm_type(e->type) || e->end <= e->start)
		return false;
	*s = e->start;
	*end = e->end;
	return true;
}

/*
 * Next merged run of direct-mapped ranges at or above `cursor`: the lowest
 * start, extended while ranges touch or overlap it.  Returns the raw run
 * (not rounded).  Linear for a sorted map (the normaliser's output),
 * quadratic at worst.
 */
static bool dm_next_run(const struct kernel_space_desc *d, phys_addr_t cursor,
			phys_addr_t *run_start, phys_addr_t *run_end)
{
	phys_addr_t best = ~0ULL, end = 0, s, e;
	bool grew;

	for (size_t i = 0; i < d->nr_physmap; i++) {
		if (!dm_range(&d->physmap[i], &s, &e) || e <= cursor)
			continue;
		if (s < cursor)
			s = cursor;
		if (s < best) {
			best = s;
			end = e;
		} else if (s == best && e > end) {
			end = e;
		}
	}
	if (best == ~0ULL)
		return false;
	do {
		grew = false;
		for (size_t i = 0; i < d->nr_physmap; i++) {
			if (dm_range(&d->physmap[i], &s, &e) && s <= end && e > end) {
				end = e;
				grew = true;
			}
		}
	} while (grew);
	*run_start = best;
	*run_end = end;
	return true;
}

/* Is the page at pa inside one of the read-only ranges (rounded out to pages)? */
static bool dm_in_ro(const struct kernel_space_desc *d, phys_addr_t pa)
{
	for (uint32_t i = 0; i < d->nr_dm_ro; i++) {
		if (pa >= ALIGN_DOWN(d->dm_ro[i].start, PAGE_SIZE) &&
		    pa < ALIGN_UP(d->dm_ro[i].end, PAGE_SIZE))
			return true;
	}
	return false;
}

/* The first read-only range boundary above pa, or limit. */
static phys_addr_t dm_ro_boundary(const struct kernel_space_desc *d, phys_addr_t pa,
				  phys_addr_t limit)
{
	phys_addr_t b = limit;

	for (uint32_t i = 0; i < d->nr_dm_ro; i++) {
		phys_addr_t s = ALIGN_DOWN(d->dm_ro[i].start, PAGE_SIZE);
		phys_addr_t e = ALIGN_UP(d->dm_ro[i].end, PAGE_SIZE);

		if (s > pa && s < b)
			b = s;
		if (e > pa && e < b)
			b = e;
	}
	return b;
}

/*
 * Call cb(arg, start, end, ro) for each piece of the direct map in address
 * order: a merged run of direct-mapped ranges, shrunk inward to whole pages
 * (a leaf never covers a byte of another type), cut where the read-only
 * ranges begin and end.  A non-zero return stops the walk and is returned.
 */
typedef int (*dm_seg_cb)(void *arg, phys_addr_t start, phys_addr_t end, bool ro);

static int dm_walk(const struct kernel_space_desc *d, dm_seg_cb cb, void *arg)
{
	phys_addr_t cursor = 0, rs, raw_end;

	while (dm_next_run(d, cursor, &rs, &raw_end)) {
		phys_addr_t re = ALIGN_DOWN(raw_end, PAGE_SIZE);

		cursor = raw_end;
		rs = ALIGN_UP(rs, PAGE_SIZE);
		while (rs < re) {
			bool ro = dm_in_ro(d, rs);
			phys_addr_t e = rs;
			int r;

			do
				e = dm_ro_boundary(d, e, re);
			while (e < re && dm_in_ro(d, e) == ro);
			r = cb(arg, rs, e, ro);
			if (r)
				return r;
			rs = e;
		}
	}
	return 0;
}

static int dm_end_cb(void *arg, phys_addr_t start, phys_addr_t end, bool ro)
{
	*(phys_addr_t *)arg = end;
	return 0;
}

phys_addr_t pgtable_direct_map_end(const struct kernel_space_desc *d)
{
	phys_addr_t top = 0;

	dm_walk(d, dm_end_cb, &top);
	return top;
}

/*
 * The exact table count, by replaying the builder's choice of leaves
 * without touching memory.  last[level] is the index of the last table of
 * that level counted; leaves come in increasing VA order (direct map, then
 * kernel segments, which sit above it), so a table is counted once.
 */
struct est {
	uint64_t n;
	uint64_t last[PGTABLE_LEVELS];   /* by table level 1..3; ~0 = none yet */
	uint64_t dm_max_page;
};

/* [va, end) is covered by leaves of level `leaf` (1 = 4K, 2 = 2M, 3 = 1G). */
static void est_span(struct est *e, virt_addr_t va, virt_addr_t end, int leaf)
{
	for (int level = 3; level >= leaf; level--) {
		int shift = PAGE_SHIFT + 9 * level;     /* a level-L table spans 2^shift */
		uint64_t a = va >> shift, b = (end - 1) >> shift;

		e->n += b - a + 1 - (e->last[level] == a);
		e->last[level] = b;
	}
}

/* pgtable_map's largest-page-first choice, in batches that cannot change it. */
static void est_map(struct est *e, virt_addr_t va, phys_addr_t pa, uint64_t size,
		    uint64_t max_page)
{
	while (size) {
		uint64_t span;
		int leaf;

		if (max_page >= PGTABLE_1G && IS_ALIGNED(va | pa, PGTABLE_1G) && size >= PGTABLE_1G) {
			leaf = 3;
			span = ALIGN_DOWN(size, PGTABLE_1G);
		} else if (max_page >= PGTABLE_2M && IS_ALIGNED(va | pa, PGTABLE_2M) &&
			   size >= PGTABLE_2M) {
			leaf = 2;
			span = MIN(ALIGN_DOWN(size, PGTABLE_2M), ALIGN_DOWN(va, PGTABLE_1G) + PGTABLE_1G - va);
		} else {
			leaf = 1;
			span = MIN(size, ALIGN_DOWN(va, PGTABLE_2M) + PGTABLE_2M - va);
		}
		est_span(e, va, va + span, leaf);
		va += span;
		pa += span;
		size -= span;
	}
}

static int est_dm_cb(void *arg, phys_addr_t start, phys_addr_t end, bool ro)
{
	struct est *e = arg;

	est_map(e, DIRECT_MAP_BASE + start, start, end - start, e->dm_max_page);
	return 0;
}

uint32_t pgtable_estimate_pages(const struct kernel_space_desc *d)
{
	struct est e = { .n = 1, .dm_max_page = d->gbpages ? PGTABLE_1G : PGTABLE_2M };

	for (int i = 1; i < PGTABLE_LEVELS; i++)
		e.last[i] = ~0ULL;
	dm_walk(d, est_dm_cb, &e);
	for (uint32_t i = 0; i < d->nr_segs && i < PGTABLE_MAX_SEGS; i++) {
		if (d->segs[i].size)
			est_map(&e, d->segs[i].va, d->segs[i].pa, d->segs[i].size, PGTABLE_2M);
	}
	if (d->trampoline_pa) {
		for (int i = 1; i < PGTABLE_LEVELS; i++)
			e.last[i] = ~0ULL;             /* the lower half shares no table */
		est_map(&e, d->trampoline_pa, d->trampoline_pa, PAGE_SIZE, PGTABLE_4K);
	}
	return e.n > UINT32_MAX ? UINT32_MAX : (uint32_t)e.n;
}

struct build_ctx {
	const struct pgtable_ops *ops;
	phys_addr_t root;
	uint64_t g;
	uint64_t max_page;
};

static int build_dm_cb(void *arg, phys_addr_t start, phys_addr_t end, bool ro)
{
	struct build_ctx *b = arg;

	return pgtable_map(b->ops, b->root, DIRECT_MAP_BASE + start, start, end - start,
			   (ro ? 0 : PTE_W) | PTE_NX | b->g, b->max_page);
}

int pgtable_build_kernel(const struct pgtable_ops *ops, const struct kernel_space_desc *d,
			 phys_addr_t *root_out)
{
	uint64_t g = d->global ? PTE_G : 0;
	struct build_ctx b;
	phys_addr_t root;
	int r;

	if (d->nr_segs > PGTABLE_MAX_SEGS)
		return PGTABLE_EINVAL;
	for (uint32_t i = 0; i < d->nr_segs; i++) {
		const struct pgtable_seg *sg = &d->segs[i];

		if ((sg->flags & PTE_W) && !(sg->flags & PTE_NX))
			return PGTABLE_EINVAL;    /* W^X */
		if (sg->flags & (PTE_U | ~PTE_FLAGS_MASK))
			return PGTABLE_EINVAL;
	}
	if (pgtable_direct_map_end(d) > DIRECT_MAP_MAX)
		return PGTABLE_EINVAL;

	r = pgtable_create(ops, &root);
	if (r)
		return r;

	b = (struct build_ctx){ ops, root, g, d->gbpages ? PGTABLE_1G : PGTABLE_2M };
	r = dm_walk(d, build_dm_cb, &b);
	if (r)
		goto fail;
	for (uint32_t i = 0; i < d->nr_segs; i++) {
		const struct pgtable_seg *sg = &d->segs[i];

		r = pgtable_map(ops, root, sg->va, sg->pa, sg->size, sg->flags | g, PGTABLE_2M);
		if (r)
			goto fail;
	}
	if (d->trampoline_pa) {
		r = pgtable_map(ops, root, d->trampoline_pa, d->trampoline_pa, PAGE_SIZE, 0,
				PGTABLE_4K);
		if (r)
			goto fail;
	}
	*root_out = root;
	return (int)pgtable_count_tables(ops, root);

fail:
	pgtable_destroy(ops, root);
	return r;
}
