/*
 * topology.c - SRAT + SLIT + MADT -> struct numa_topology, validated the
 * way Linux validates them (drivers/acpi/numa/srat.c, arch/x86/mm/srat.c,
 * mm/numa_memblks.c, arch/x86/mm/numa.c), with Linux's fallback of one
 * faked node (dummy_numa_init).  See acpi/README.md for the rules and the
 * printed formats.
 */
#include "acpi/topology.h"
#include "acpi/acpi.h"
#include "acpi/madt.h"
#include "acpi/slit.h"
#include "acpi/srat.h"
#include "lib/printf.h"

#define REASON_LEN  ((size_t)sizeof(((struct numa_topology *)0)->reason))
#define SLIT_REASON_LEN  ((size_t)sizeof(((struct numa_topology *)0)->slit_reason))
#define LINUX_REASON_LEN ((size_t)sizeof(((struct numa_topology *)0)->linux_reason))

/* Uncovered RAM of this much or more rejects the SRAT: Linux's
 * numa_meminfo_cover_memory() allows strictly less than 1 MiB of slack. */
#define COVER_SLACK  SZ_1M

struct build {
	struct numa_topology *t;
	const struct topology_options *opt;
	uint64_t ram_hi;            /* end of usable RAM */
	char linux_why[LINUX_REASON_LEN];   /* Linux's line for a rejection ("" if none) */
};

/* ------------------------------------------------------------------ helpers */

/* strlcpy: copy src (NULL: "") into dst[cap], always NUL-terminated. */
static void str_copy(char *dst, size_t cap, const char *src)
{
	size_t i = 0;

	if (!cap)
		return;
	for (; src && src[i] && i + 1 < cap; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

/* True if s begins with prefix. */
static bool str_starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/* RAM for coverage and the faked node: usable and loader-owned memory. */
static bool is_ram(uint32_t type)
{
	return type == PHYSMAP_USABLE || type == PHYSMAP_LOADER;
}

/*
 * Lookups by APIC id and by proximity domain go through two small hash
 * indexes (open addressing, at most half full), so building the topology
 * stays linear in CPUs and domains (a machine with 4096 CPUs would take
 * 16M comparisons with a scan per entry).  They index t->cpus[] and
 * t->node_pxm[] and are checked against them on every hit, so a stale slot
 * (after fake_node() or an evicted CPU) is never believed.  Not reentrant:
 * one topology is built at a time (loader, host tool, tests, fuzzers).
 */
#define CPU_HASH_SLOTS  (2 * NUMA_MAX_CPUS)
#define PXM_HASH_SLOTS  (2 * NUMA_MAX_NODES)
_Static_assert((CPU_HASH_SLOTS & (CPU_HASH_SLOTS - 1)) == 0, "power of two");
_Static_assert((PXM_HASH_SLOTS & (PXM_HASH_SLOTS - 1)) == 0, "power of two");
_Static_assert(NUMA_MAX_CPUS < 0xffff && NUMA_MAX_NODES < 0xffff, "slots hold index + 1");
static uint16_t cpu_hash[CPU_HASH_SLOTS];      /* cpus[] index + 1; 0 = empty */
static uint16_t pxm_hash[PXM_HASH_SLOTS];      /* node id + 1; 0 = empty */

static uint32_t hash32(uint32_t x)
{
	x *= 0x9e3779b1u;
	return x ^ (x >> 15);
}

static void hash_reset(void)
{
	__builtin_memset(cpu_hash, 0, sizeof(cpu_hash));
	__builtin_memset(pxm_hash, 0, sizeof(pxm_hash));
}

/* Node of a proximity domain, creating it (dense ids in order of first
 * appearance, Linux's acpi_map_pxm_to_node()); NUMA_NO_NODE when full. */
static uint16_t pxm_to_node(struct numa_topology *t, uint32_t pxm, bool create)
{
	uint32_t i = hash32(pxm) & (PXM_HASH_SLOTS - 1);

	for (; pxm_hash[i]; i = (i + 1) & (PXM_HASH_SLOTS - 1)) {
		uint32_t n = pxm_hash[i] - 1u;

		if (n < t->nr_nodes && t->node_pxm[n] == pxm)
			return (uint16_t)n;
	}
	if (!create || t->nr_nodes >= NUMA_MAX_NODES)
		return NUMA_NO_NODE;
	t->node_pxm[t->nr_nodes] = pxm;
	pxm_hash[i] = (uint16_t)(t->nr_nodes + 1);
	return (uint16_t)t->nr_nodes++;
}

/* The CPU with this APIC id, or NULL; *slot (if set) gets the free hash
 * slot where it would go. */
static struct numa_cpu *find_cpu_slot(struct numa_topology *t, uint32_t apic_id, uint32_t *slot)
{
	uint32_t i = hash32(apic_id) & (CPU_HASH_SLOTS - 1);

	for (; cpu_hash[i]; i = (i + 1) & (CPU_HASH_SLOTS - 1)) {
		uint32_t k = cpu_hash[i] - 1u;

		if (k < t->nr_cpus && t->cpus[k].apic_id == apic_id)
			return &t->cpus[k];
	}
	if (slot)
		*slot = i;
	return NULL;
}

static struct numa_cpu *find_cpu(struct numa_topology *t, uint32_t apic_id)
{
	return find_cpu_slot(t, apic_id, NULL);
}

/* Count a CPU that does not fit (Linux: "NR_CPUS limit ... reached.
 * Processor ... ignored"); topology_print() reports the count. */
static void clip_cpu(struct numa_topology *t, uint32_t apic_id)
{
	if (t->nr_cpus_clipped++ == 0)
		t->first_clipped_apic = apic_id;
}

/*
 * Append a CPU (the caller checked it is not there yet).  When
 * NUMA_MAX_CPUS are already there the CPU is clipped and NULL returned,
 * except the boot CPU (`boot`), which takes the last slot and clips the CPU
 * that held it: the CPU the kernel runs on is always in the list.
 */
static struct numa_cpu *add_cpu(struct numa_topology *t, uint32_t apic_id, uint16_t node,
				uint32_t pxm, uint16_t flags, bool boot)
{
	struct numa_cpu *c;
	uint32_t slot;

	if (find_cpu_slot(t, apic_id, &slot))
		return NULL;                    /* callers look it up first */
	if (t->nr_cpus >= NUMA_MAX_CPUS) {
		if (!boot) {
			clip_cpu(t, apic_id);
			return NULL;
		}
		c = &t->cpus[NUMA_MAX_CPUS - 1];
		clip_cpu(t, c->apic_id);        /* its hash slot goes stale: checked on use */
		cpu_hash[slot] = NUMA_MAX_CPUS;
	} else {
		c = &t->cpus[t->nr_cpus++];
		cpu_hash[slot] = (uint16_t)t->nr_cpus;
	}
	c->apic_id = apic_id;
	c->node = node;
	c->pxm = pxm;
	c->flags = flags;
	return c;
}

/* ------------------------------------------------------------------ SRAT */

/* The node of an SRAT entry's proximity domain, given a new id on first
 * sight; NUMA_NO_NODE with the reason set when there are too many domains. */
static uint16_t srat_entry_node(struct numa_topology *t, const struct srat_entry *e,
				char *reason, size_t rlen)
{
	uint16_t node = pxm_to_node(t, e->pxm, true);

	if (node == NUMA_NO_NODE)
		ksnprintf(reason, rlen, "more than %u proximity domains (PXM %u at offset 0x%x)",
			  NUMA_MAX_NODES, e->pxm, e->offset);
	return node;
}

/* A subtable of a type we do not use: kept (up to NUMA_MAX_SRAT_SKIPPED)
 * for the debug line, counted beyond. */
static void note_skipped(struct numa_topology *t, const struct srat_entry *e)
{
	if (t->nr_srat_skipped < NUMA_MAX_SRAT_SKIPPED) {
		struct numa_srat_skipped *k = &t->srat_skipped[t->nr_srat_skipped];

		k->offset = e->offset;
		k->type = e->type;
		k->length = e->sub_len;
	}
	t->nr_srat_skipped++;
}

/* A Generic Initiator entry: an enabled one gives its domain a node, in
 * table order with the CPU entries (Linux's acpi_parse_gi_affinity); every
 * one is kept for the log. */
static int srat_gi(struct numa_topology *t, const struct srat_entry *e, char *reason, size_t rlen)
{
	uint16_t node = NUMA_NO_NODE;

	if (e->enabled) {
		node = srat_entry_node(t, e, reason, rlen);
		if (node == NUMA_NO_NODE)
			return ACPI_EINVAL;
	}
	if (t->nr_gi < NUMA_MAX_GI) {
		struct numa_gi *g = &t->gi[t->nr_gi];

		g->pxm = e->pxm;
		g->cpus_before = t->nr_cpus;
		g->node = node;
		g->handle_type = e->handle_type;
		g->flags = (uint8_t)e->flags;
		__builtin_memcpy(g->handle, e->handle, sizeof(g->handle));
	}
	t->nr_gi++;
	return 0;
}

/* Pass 1: CPU entries (types 0 and 2) and Generic Initiator entries
 * (type 5) in table order, as Linux's acpi_numa_init() hands types 0, 2,
 * 3 and 5 to acpi_table_parse_entries_array() in one walk before it parses
 * any memory affinity; other types are noted as skipped. */
static int srat_cpu_cb(void *ctx, const struct srat_entry *e, char *reason, size_t rlen)
{
	struct build *b = ctx;
	struct numa_topology *t = b->t;
	struct numa_cpu *c;
	uint16_t node;

	if (e->type == SRAT_TYPE_GI)
		return srat_gi(t, e, reason, rlen);
	if (e->type != SRAT_TYPE_CPU && e->type != SRAT_TYPE_X2APIC) {
		if (e->type != SRAT_TYPE_MEMORY)
			note_skipped(t, e);
		return 0;
	}
	if (!e->enabled)
		return 0;
	if (e->type == SRAT_TYPE_X2APIC && e->apic_id == 0xffffffffu)
		return 0;
	node = srat_entry_node(t, e, reason, rlen);
	if (node == NUMA_NO_NODE)
		return ACPI_EINVAL;
	c = find_cpu(t, e->apic_id);
	if (c) {
		if (c->pxm != e->pxm) {
			ksnprintf(reason, rlen, "APIC 0x%x is in PXM %u and again in PXM %u "
				  "(offset 0x%x)", e->apic_id, c->pxm, e->pxm, e->offset);
			return ACPI_EINVAL;
		}
		return 0;       /* the same CPU listed twice in one domain */
	}
	/* Past NUMA_MAX_CPUS the CPU is clipped (counted), not a reason to
	 * drop the SRAT: its domain has its node already. */
	add_cpu(t, e->apic_id, node, e->pxm,
		NUMA_CPU_IN_SRAT | (e->type == SRAT_TYPE_X2APIC ? NUMA_CPU_X2APIC : 0),
		e->apic_id == b->opt->boot_apic_id);
	return 0;
}

/* Pass 2: enabled memory entries.  A zero-length entry describes nothing
 * and creates no node. */
static int srat_mem_cb(void *ctx, const struct srat_entry *e, char *reason, size_t rlen)
{
	struct build *b = ctx;
	struct numa_topology *t = b->t;
	struct numa_srat_mem *m;
	uint16_t node;

	if (e->type != SRAT_TYPE_MEMORY || !e->enabled || e->length == 0)
		return 0;
	node = srat_entry_node(t, e, reason, rlen);
	if (node == NUMA_NO_NODE)
		return ACPI_EINVAL;
	if (t->nr_srat_mem >= NUMA_MAX_SRAT_MEM) {
		ksnprintf(reason, rlen, "more than %u memory affinity entries (offset 0x%x)",
			  NUMA_MAX_SRAT_MEM, e->offset);
		return ACPI_EINVAL;
	}
	m = &t->srat_mem[t->nr_srat_mem++];
	m->start = e->base;
	m->end = e->base + e->length;   /* srat_walk() checked it does not wrap */
	m->pxm = e->pxm;
	m->node = node;
	m->flags = ((e->flags & SRAT_MEM_HOT_PLUGGABLE) ? NUMA_MEM_HOTPLUG : 0) |
		   ((e->flags & SRAT_MEM_NON_VOLATILE) ? NUMA_MEM_NONVOLATILE : 0);
	return 0;
}

/* Ranges of different nodes must not overlap (Linux: numa_cleanup_meminfo
 * "node %d [mem] overlaps with node %d [mem]", b->linux_why).  Returns 0
 * or -1 + reason. */
static int check_overlap(struct build *b, char *reason, size_t rlen)
{
	struct numa_topology *t = b->t;

	for (uint32_t i = 0; i < t->nr_srat_mem; i++) {
		const struct numa_srat_mem *a = &t->srat_mem[i];

		for (uint32_t j = i + 1; j < t->nr_srat_mem; j++) {
			const struct numa_srat_mem *c = &t->srat_mem[j];

			if (a->node == c->node || a->end <= c->start || c->end <= a->start)
				continue;
			ksnprintf(reason, rlen, "node %u [mem 0x%08llx-0x%08llx] overlaps node %u "
				  "[mem 0x%08llx-0x%08llx]", a->node,
				  (unsigned long long)a->start, (unsigned long long)a->end - 1,
				  c->node, (unsigned long long)c->start,
				  (unsigned long long)c->end - 1);
			ksnprintf(b->linux_why, sizeof(b->linux_why), "node %u [mem 0x%08llx-0x%08llx] "
				  "overlaps with node %u [mem 0x%08llx-0x%08llx]", a->node,
				  (unsigned long long)a->start, (unsigned long long)a->end - 1,
				  c->node, (unsigned long long)c->start,
				  (unsigned long long)c->end - 1);
			return -1;
		}
	}
	return 0;
}

/* srat_mem -> memblks: hot-pluggable ranges are clipped to [0, end of RAM)
 * as Linux clips to max_pfn (QEMU's hotplug window lies above RAM and
 * disappears; firmware that marks boot RAM hot-pluggable keeps it, and it
 * is that node's memory, flagged), then
 * sorted by start, and touching or overlapping ranges of one node merged. */
static void build_memblks(struct build *b)
{
	struct numa_topology *t = b->t;
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->nr_srat_mem; i++) {
		const struct numa_srat_mem *m = &t->srat_mem[i];
		uint64_t s = m->start, e = m->end;

		if (m->flags & NUMA_MEM_HOTPLUG)
			e = MIN(e, b->ram_hi);
		if (s >= e)
			continue;
		t->memblks[n].start = s;
		t->memblks[n].end = e;
		t->memblks[n].node = m->node;
		t->memblks[n].flags = m->flags;
		n++;
	}
	/* Insertion sort: at most NUMA_MAX_SRAT_MEM entries. */
	for (uint32_t i = 1; i < n; i++) {
		struct numa_memblk key = t->memblks[i];
		uint32_t j = i;

		while (j > 0 && (t->memblks[j - 1].start > key.start ||
				 (t->memblks[j - 1].start == key.start &&
				  t->memblks[j - 1].end > key.end))) {
			t->memblks[j] = t->memblks[j - 1];
			j--;
		}
		t->memblks[j] = key;
	}
	/* Merge.  Different nodes never overlap here (check_overlap), so only
	 * neighbours in start order can touch. */
	uint32_t out = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct numa_memblk *prev = out ? &t->memblks[out - 1] : NULL;
		const struct numa_memblk *cur = &t->memblks[i];

		if (prev && prev->node == cur->node && cur->start <= prev->end) {
			prev->end = MAX(prev->end, cur->end);
			prev->flags &= cur->flags;
			continue;
		}
		t->memblks[out++] = *cur;
	}
	t->nr_memblks = out;
}

/* True if map has a RAM byte in [start, end).  map is sorted and
 * non-overlapping (mm/physmap.c): a binary search finds the first entry
 * that may touch the range, so the cost is O(log map + touched entries). */
static bool range_has_ram(const struct physmap_entry *map, size_t nr_map,
			  uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = nr_map;

	while (lo < hi) {               /* first entry with end > start */
		size_t mid = lo + (hi - lo) / 2;

		if (map[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t j = lo; j < nr_map && map[j].start < end; j++)
		if (is_ram(map[j].type) && map[j].end > map[j].start && map[j].end > start)
			return true;
	return false;
}

/* Flag NUMA_MEM_NO_RAM on every memblk and SRAT range without a byte of
 * RAM in map: a node has memory where present RAM lies inside its ranges,
 * hot-pluggable or not (Linux assigns memblock.memory to nodes; the SRAT
 * alone does not make memory).  On SRAT ranges the flag is Linux's
 * numa_cleanup_meminfo test (a range overlapping no memblock.memory is set
 * aside, merged with nothing), which topology_print replays. */
static void mark_ram(struct numa_topology *t, const struct physmap_entry *map, size_t nr_map)
{
	for (uint32_t i = 0; i < t->nr_memblks; i++) {
		struct numa_memblk *mb = &t->memblks[i];

		if (range_has_ram(map, nr_map, mb->start, mb->end))
			mb->flags &= ~NUMA_MEM_NO_RAM;
		else
			mb->flags |= NUMA_MEM_NO_RAM;
	}
	for (uint32_t i = 0; i < t->nr_srat_mem && i < NUMA_MAX_SRAT_MEM; i++) {
		struct numa_srat_mem *m = &t->srat_mem[i];

		if (range_has_ram(map, nr_map, m->start, m->end))
			m->flags &= (uint16_t)~NUMA_MEM_NO_RAM;
		else
			m->flags |= NUMA_MEM_NO_RAM;
	}
}

/* Bytes of usable RAM in map that no memblk covers; *total gets all of it. */
static uint64_t uncovered_ram(const struct numa_topology *t, const struct physmap_entry *map,
			      size_t nr_map, uint64_t *total, uint64_t *first_hole)
{
	uint64_t ram = 0, covered = 0;

	*first_hole = UINT64_MAX;
	for (size_t i = 0; i < nr_map; i++) {
		uint64_t s = map[i].start, e = map[i].end, here = 0;

		if (!is_ram(map[i].type) || e <= s)
			continue;
		ram += e - s;
		for (uint32_t j = 0; j < t->nr_memblks; j++) {
			uint64_t cs = MAX(s, t->memblks[j].start);
			uint64_t ce = MIN(e, t->memblks[j].end);

			if (cs < ce)
				here += ce - cs;
		}
		if (here > e - s)       /* map entries overlapping each other */
			here = e - s;
		if (here < e - s && *first_hole == UINT64_MAX)
			*first_hole = s;
		covered += here;
	}
	*total = ram;
	return ram - covered;
}

/* ------------------------------------------------------------------ SLIT */

/* 10 on the diagonal, 20 elsewhere, and why ("" when a SLIT follows). */
static void default_distances(struct numa_topology *t, const char *why)
{
	for (uint32_t i = 0; i < NUMA_MAX_NODES; i++)
		for (uint32_t j = 0; j < NUMA_MAX_NODES; j++)
			t->distance[i][j] = i == j ? NUMA_LOCAL_DISTANCE : NUMA_REMOTE_DISTANCE;
	t->slit_source = NUMA_SLIT_DEFAULT;
	str_copy(t->slit_reason, SLIT_REASON_LEN, why);
}

/* The SLIT is indexed by proximity domain: it must have a row for every
 * node's PXM (more rows are allowed and ignored, as Linux ignores rows of
 * domains without a node). */
static void apply_slit(struct numa_topology *t, const struct topology_tables *tabs)
{
	char why[SLIT_REASON_LEN];
	uint32_t max_pxm = 0;
	int n;

	if (!tabs->slit) {
		default_distances(t, tabs->slit_error ? tabs->slit_error : "no SLIT");
		return;
	}
	if (acpi_table_check(tabs->slit, tabs->slit_len, "SLIT", why, sizeof(why)) != ACPI_OK) {
		default_distances(t, why);
		return;
	}
	n = slit_check(tabs->slit, tabs->slit_len, why, sizeof(why));
	if (n < 0) {
		default_distances(t, why);
		return;
	}
	for (uint32_t i = 0; i < t->nr_nodes; i++)
		max_pxm = MAX(max_pxm, t->node_pxm[i]);
	if (max_pxm >= (uint32_t)n) {
		ksnprintf(why, sizeof(why), "SLIT: %d localities, but the SRAT has PXM %u", n,
			  max_pxm);
		default_distances(t, why);
		return;
	}
	default_distances(t, "");
	for (uint32_t i = 0; i < t->nr_nodes; i++)
		for (uint32_t j = 0; j < t->nr_nodes; j++)
			t->distance[i][j] = slit_distance(tabs->slit, (uint32_t)n,
							  t->node_pxm[i], t->node_pxm[j]);
	t->slit_source = NUMA_SLIT_TABLE;
	t->slit_reason[0] = '\0';
}

/* ------------------------------------------------------------------ MADT */

/* MADT CPUs: enabled, or online-capable (MADT revision >= 5), as Linux's
 * acpi_is_processor_usable().  A CPU the SRAT did not place goes to
 * node 0 (see README: Linux leaves such a CPU without a node, and later
 * code falls back to node 0 / the first online node). */
static int madt_cb(void *ctx, const struct madt_cpu *m, char *reason, size_t rlen)
{
	struct build *b = ctx;
	struct numa_cpu *c;

	if (!m->enabled && !m->online_capable)
		return 0;
	c = find_cpu(b->t, m->apic_id);
	if (!c)
		c = add_cpu(b->t, m->apic_id, 0, 0, m->x2apic ? NUMA_CPU_X2APIC : 0,
			    m->apic_id == b->opt->boot_apic_id);
	if (!c)
		return 0;               /* past NUMA_MAX_CPUS: counted in add_cpu() */
	c->flags |= NUMA_CPU_IN_MADT | (m->enabled ? 0 : NUMA_CPU_ONLINE_CAPABLE);
	return 0;
}

/* Merge the MADT's CPUs into b->t (see madt_cb); problems go to opt->warn. */
static void add_madt_cpus(struct build *b, const struct topology_tables *tabs)
{
	char why[REASON_LEN];
	printf_fn warn = b->opt ? b->opt->warn : NULL;

	if (!tabs->madt) {
		if (tabs->madt_error && warn)
			warn("ACPI: MADT not used: %s\n", tabs->madt_error);
		return;
	}
	if (acpi_table_check(tabs->madt, tabs->madt_len, "APIC", why, sizeof(why)) != ACPI_OK ||
	    madt_walk(tabs->madt, tabs->madt_len, madt_cb, b, why, sizeof(why)) != ACPI_OK) {
		/* CPUs found before the bad entry stay: the MADT lists CPUs
		 * first on every machine we know. */
		if (warn)
			warn("ACPI: MADT: %s\n", why);
	}
}

/* ------------------------------------------------------------------ result */

/* Linux's dummy_numa_init(): one node 0 over [fake_start, fake_end), all
 * CPUs on it, with the reason printed first.  keep_srat: the SRAT was
 * parsed and rejected - its CPU and memory entries stay in cpus[] (flag
 * NUMA_CPU_IN_SRAT, pxm) and srat_mem[] for the log, as Linux has printed
 * them by the time it rejects. */
static void fake_node(struct build *b, const char *reason, bool keep_srat)
{
	struct numa_topology *t = b->t;

	t->source = NUMA_SRC_FAKE;
	str_copy(t->reason, REASON_LEN, reason);
	t->nr_nodes = 1;
	t->node_pxm[0] = 0;
	if (!keep_srat) {
		t->nr_srat_mem = 0;
		t->nr_gi = 0;
		t->nr_srat_skipped = 0;
	}
	for (uint32_t i = 0; i < t->nr_cpus; i++)
		t->cpus[i].node = 0;
	t->nr_memblks = 0;
	if (t->fake_end > t->fake_start) {
		t->memblks[0].start = t->fake_start;
		t->memblks[0].end = t->fake_end;
		t->memblks[0].node = 0;
		t->memblks[0].flags = 0;
		t->nr_memblks = 1;
	}
	default_distances(t, "");
	t->linux_reason[0] = '\0';
}

/* "SRAT: rejected: <why>", without a doubled "SRAT: " from the parsers;
 * Linux's own line for it (b->linux_why) goes along.  parsed: the SRAT's
 * entries were read (see fake_node). */
static void reject(struct build *b, const char *why, bool parsed)
{
	char r[REASON_LEN];

	if (str_starts(why, "SRAT: "))
		why += 6;
	ksnprintf(r, sizeof(r), "SRAT: rejected: %s", why);
	fake_node(b, r, parsed);
	str_copy(b->t->linux_reason, LINUX_REASON_LEN, b->linux_why);
}

/* Parse and validate the SRAT into b->t.  Returns NULL on success, else
 * the reason (in why[]) it was rejected. */
static const char *use_srat(struct build *b, const struct topology_tables *tabs,
			    const struct physmap_entry *map, size_t nr_map,
			    char *why, size_t wlen)
{
	struct numa_topology *t = b->t;
	uint64_t total, hole, lost;

	if (acpi_table_check(tabs->srat, tabs->srat_len, "SRAT", why, wlen) != ACPI_OK)
		return why;
	t->srat_revision = srat_revision(tabs->srat, tabs->srat_len);
	if (srat_walk(tabs->srat, tabs->srat_len, srat_cpu_cb, b, why, wlen) != ACPI_OK)
		return why;
	if (srat_walk(tabs->srat, tabs->srat_len, srat_mem_cb, b, why, wlen) != ACPI_OK)
		return why;
	if (t->nr_srat_mem == 0) {
		str_copy(why, wlen, "no enabled memory affinity entries");
		return why;
	}
	if (check_overlap(b, why, wlen))
		return why;
	build_memblks(b);
	lost = uncovered_ram(t, map, nr_map, &total, &hole);
	if (lost >= COVER_SLACK) {
		ksnprintf(why, wlen, "nodes cover only %llu MiB of %llu MiB usable RAM "
			  "(first gap in the RAM range at 0x%llx)",
			  (unsigned long long)((total - lost) >> 20),
			  (unsigned long long)(total >> 20), (unsigned long long)hole);
		/* numa_meminfo_cover_memory(), in its units */
		ksnprintf(b->linux_why, sizeof(b->linux_why), "NUMA: nodes only cover %lluMB of "
			  "your %lluMB e820 RAM. Not used.",
			  (unsigned long long)((total - lost) >> 20),
			  (unsigned long long)(total >> 20));
		return why;
	}
	return NULL;
}

void topology_from_tables(const struct topology_tables *tabs,
			  const struct physmap_entry *map, size_t nr_map,
			  const struct topology_options *opt, struct numa_topology *out)
{
	static const struct topology_options no_opt = { .boot_apic_id = TOPOLOGY_NO_BOOT_APIC };
	struct build b = { .t = out, .opt = opt ? opt : &no_opt };
	char why[REASON_LEN];

	__builtin_memset(out, 0, sizeof(*out));
	hash_reset();
	for (size_t i = 0; i < nr_map; i++) {
		if (!is_ram(map[i].type) || map[i].end <= map[i].start)
			continue;
		b.ram_hi = MAX(b.ram_hi, map[i].end);
	}
	/* Linux fakes [0, max_pfn). */
	out->fake_start = 0;
	out->fake_end = b.ram_hi;

	if (b.opt->numa_off) {
		fake_node(&b, "NUMA turned off", false);
	} else if (!tabs->srat) {
		if (tabs->srat_error) {
			reject(&b, tabs->srat_error, false);
		} else if (tabs->acpi_error) {
			ksnprintf(why, sizeof(why), "No NUMA configuration found (ACPI: %s)",
				  tabs->acpi_error);
			fake_node(&b, why, false);
		} else {
			fake_node(&b, "No NUMA configuration found", false);
		}
	} else {
		const char *bad = use_srat(&b, tabs, map, nr_map, why, sizeof(why));

		if (bad) {
			reject(&b, bad, true);
		} else {
			out->source = NUMA_SRC_SRAT;
			apply_slit(out, tabs);
		}
	}

	mark_ram(out, map, nr_map);
	add_madt_cpus(&b, tabs);

	if (b.opt->boot_apic_id != TOPOLOGY_NO_BOOT_APIC) {
		struct numa_cpu *c = find_cpu(out, b.opt->boot_apic_id);

		if (!c)
			c = add_cpu(out, b.opt->boot_apic_id, 0, 0, 0, true);
		if (c)
			c->flags |= NUMA_CPU_BOOT;
	}
}

/* ------------------------------------------------------------------ discover */

/* Test-only: a private copy of the SRAT with its checksum byte changed. */
static uint8_t test_srat_copy[16384];

struct found {
	const void *table;
	size_t len;
	const char *error;
};

/* Find table sig through the RSDP: *f gets it, or f->error (table broken)
 * or *acpi_error (root broken) point at buf with the reason. */
static void lookup(const struct acpi_access *acc, phys_addr_t rsdp_pa, const char *sig,
		   struct found *f, char *buf, size_t blen, const char **acpi_error)
{
	struct acpi_table_ref ref;
	int ret;

	f->table = NULL;
	f->len = 0;
	f->error = NULL;
	ret = acpi_find_table(acc, rsdp_pa, sig, &ref, NULL, buf, blen);
	if (ret == ACPI_OK) {
		f->table = ref.table;
		f->len = ref.length;
	} else if (ret == ACPI_EINVAL) {
		if (ref.pa)
			f->error = buf;     /* the table is there but broken */
		else
			*acpi_error = buf;  /* RSDP or root table broken */
	} else if (buf[0] && !*acpi_error) {
		*acpi_error = buf;          /* not found, but a root entry was skipped */
	}
}

/*
 * Test-only (acpi_test=srat-outside): the loader is given a copy of the
 * root table (XSDT or RSDT) in which every SRAT entry points at
 * TOPOLOGY_TEST_BAD_PA, ordinary RAM on every PC, as a firmware with a
 * stale pointer would.  QEMU cannot produce such a table.
 */
#define TOPOLOGY_TEST_BAD_PA  0x100000u
static uint8_t test_root_copy[4096];
static struct acpi_access test_inner;

static const void *test_outside_map(void *ctx, phys_addr_t pa, size_t len)
{
	const uint8_t *p = test_inner.map(test_inner.ctx, pa, len);
	const struct acpi_table_header *h = (const void *)p;
	size_t esize;

	if (!p || len < sizeof(*h) || len > sizeof(test_root_copy) || h->length != len)
		return p;
	if (str_starts(h->signature, "XSDT"))
		esize = 8;
	else if (str_starts(h->signature, "RSDT"))
		esize = 4;
	else
		return p;
	__builtin_memcpy(test_root_copy, p, len);
	for (size_t off = sizeof(*h); off + esize <= len; off += esize) {
		const struct acpi_table_header *t;
		uint64_t tpa = 0;

		__builtin_memcpy(&tpa, test_root_copy + off, esize);
		t = tpa ? test_inner.map(test_inner.ctx, tpa, sizeof(*t)) : NULL;
		if (t && str_starts(t->signature, "SRAT")) {
			tpa = TOPOLOGY_TEST_BAD_PA;
			__builtin_memcpy(test_root_copy + off, &tpa, esize);
		}
	}
	test_root_copy[__builtin_offsetof(struct acpi_table_header, checksum)] -=
		acpi_checksum(test_root_copy, len);
	return test_root_copy;
}

void topology_discover(const struct acpi_access *acc, phys_addr_t rsdp_pa,
		       const struct physmap_entry *map, size_t nr_map,
		       const struct topology_options *opt, struct numa_topology *out)
{
	struct topology_tables tabs = { 0 };
	struct found srat, slit, madt;
	char e_srat[REASON_LEN], e_slit[SLIT_REASON_LEN], e_madt[REASON_LEN];
	const char *acpi_error = NULL;
	struct acpi_access test_acc;

	if (opt && (opt->test_inject & TOPOLOGY_TEST_SRAT_OUTSIDE) && acc && acc->map) {
		test_inner = *acc;
		test_acc = *acc;
		test_acc.ctx = NULL;
		test_acc.map = test_outside_map;
		acc = &test_acc;
	}
	if (rsdp_pa && acc && acc->map) {
		lookup(acc, rsdp_pa, "SRAT", &srat, e_srat, sizeof(e_srat), &acpi_error);
		lookup(acc, rsdp_pa, "SLIT", &slit, e_slit, sizeof(e_slit), &acpi_error);
		lookup(acc, rsdp_pa, "APIC", &madt, e_madt, sizeof(e_madt), &acpi_error);
		tabs.srat = srat.table;
		tabs.srat_len = srat.len;
		tabs.srat_error = srat.error;
		tabs.slit = slit.table;
		tabs.slit_len = slit.len;
		tabs.slit_error = slit.error;
		tabs.madt = madt.table;
		tabs.madt_len = madt.len;
		tabs.madt_error = madt.error;
		tabs.acpi_error = acpi_error;
	} else {
		tabs.acpi_error = "no RSDP";
	}
	/* A broken SRAT is passed on with its error, so the reason printed is
	 * the parser's; the table pointer is dropped so it is not parsed. */
	if (tabs.srat_error)
		tabs.srat = NULL;
	if (tabs.slit_error)
		tabs.slit = NULL;
	if (tabs.madt_error)
		tabs.madt = NULL;

	if (opt && (opt->test_inject & TOPOLOGY_TEST_SRAT_CHECKSUM) && tabs.srat &&
	    tabs.srat_len <= sizeof(test_srat_copy)) {
		__builtin_memcpy(test_srat_copy, tabs.srat, tabs.srat_len);
		test_srat_copy[__builtin_offsetof(struct acpi_table_header, checksum)] += 0x5a;
		tabs.srat = test_srat_copy;
	}
	topology_from_tables(&tabs, map, nr_map, opt, out);
}

/* ------------------------------------------------------------------ options */

static const char *topology_set_numa(void *ctx, const char *val)
{
	if (cmdline_val_is(val, "off"))
		((struct topology_options *)ctx)->numa_off = true;
	else if (cmdline_val_is(val, "on"))
		((struct topology_options *)ctx)->numa_off = false;
	else
		return "takes on or off";
	return NULL;
}

/* Test only; each acpi_test= word adds its corruption (they combine). */
static const char *topology_set_acpi_test(void *ctx, const char *val)
{
	struct topology_options *o = ctx;

	if (cmdline_val_is(val, "srat-checksum"))
		o->test_inject |= TOPOLOGY_TEST_SRAT_CHECKSUM;
	else if (cmdline_val_is(val, "srat-outside"))
		o->test_inject |= TOPOLOGY_TEST_SRAT_OUTSIDE;
	else
		return "takes srat-checksum or srat-outside";
	return NULL;
}

const struct cmdline_param topology_params[] = {
	{ "numa",      CMDLINE_VALUE, topology_set_numa },
	{ "acpi_test", CMDLINE_VALUE, topology_set_acpi_test },
	CMDLINE_END
};

/* ------------------------------------------------------------------ queries */

uint16_t topology_node_of_apic(const struct numa_topology *t, uint32_t apic_id)
{
	uint32_t n = MIN(t->nr_cpus, (uint32_t)NUMA_MAX_CPUS);

	for (uint32_t i = 0; i < n; i++)
		if (t->cpus[i].apic_id == apic_id)
			return t->cpus[i].node;
	return NUMA_NO_NODE;
}

bool topology_node_has_memory(const struct numa_topology *t, uint16_t node)
{
	return numa_node_has_memory(t, node);
}

uint16_t topology_nearest_with_memory(const struct numa_topology *t, uint16_t node)
{
	uint32_t nodes = MIN(t->nr_nodes, (uint32_t)NUMA_MAX_NODES);
	uint16_t best = NUMA_NO_NODE;

	if (node >= nodes || topology_node_has_memory(t, node))
		return node;
	for (uint32_t n = 0; n < nodes; n++) {
		if (!topology_node_has_memory(t, (uint16_t)n))
			continue;
		if (best == NUMA_NO_NODE || t->distance[node][n] < t->distance[node][best])
			best = (uint16_t)n;
	}
	return best == NUMA_NO_NODE ? node : best;
}

/* ------------------------------------------------------------------ print */

/* The SRAT's lines as Linux prints them while parsing: CPU entries, then
 * memory entries.  After a rejection cpus[].node is 0 (the faked node), so
 * a CPU's SRAT node is found again the way pxm_to_node() gave it: dense ids
 * in order of first appearance, CPU entries before memory entries. */
/* Linux's debug level prefix (include/printk.h's KERN_DEBUG; acpi/ does
 * not include printk.h, which is the kernel's). */
#define KERN_DEBUG_PREFIX "<7>"

/* Copy up to n bytes of a device handle as text, stopping at NUL. */
static void handle_text(char *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[i] = '\0';
}

/* One Generic Initiator in Linux's words (acpi_table_print_srat_entry, a
 * debug line).  The handle is decoded by its type as the spec defines it
 * (1 = PCI segment + BDF, 0 = ACPI _HID + _UID); Linux's own test reads
 * type 0 as PCI. */
static void print_gi(const struct numa_gi *g, printf_fn out)
{
	const char *state = (g->flags & 1) ? "enabled" : "disabled";

	if (g->handle_type == 1) {
		out(KERN_DEBUG_PREFIX "SRAT Generic Initiator(Seg:%u BDF:%u) in proximity domain %d %s\n",
		    (unsigned)(g->handle[0] | g->handle[1] << 8),
		    (unsigned)(g->handle[2] | g->handle[3] << 8), (int)g->pxm, state);
	} else {
		char hid[9], uid[5];

		handle_text(hid, g->handle, 8);
		handle_text(uid, g->handle + 8, 4);
		out(KERN_DEBUG_PREFIX "SRAT Generic Initiator(HID=%s UID=%s) in proximity domain %d %s\n",
		    hid, uid, (int)g->pxm, state);
	}
}

static void print_srat_entries(const struct numa_topology *t, printf_fn out)
{
	uint32_t ncpus = MIN(t->nr_cpus, (uint32_t)NUMA_MAX_CPUS);
	uint32_t nmem = MIN(t->nr_srat_mem, (uint32_t)NUMA_MAX_SRAT_MEM);
	uint32_t pxms[NUMA_MAX_NODES], npxm = 0;
	uint32_t ngi = MIN(t->nr_gi, (uint32_t)NUMA_MAX_GI), gi = 0;

	for (uint32_t i = 0; i < ncpus; i++) {
		const struct numa_cpu *c = &t->cpus[i];
		uint32_t node = c->node;

		for (; gi < ngi && t->gi[gi].cpus_before <= i; gi++)
			print_gi(&t->gi[gi], out);

		if (!(c->flags & NUMA_CPU_IN_SRAT))
			continue;
		if (t->source != NUMA_SRC_SRAT) {
			for (node = 0; node < npxm && pxms[node] != c->pxm; node++)
				;
			if (node == npxm && npxm < NUMA_MAX_NODES)
				pxms[npxm++] = c->pxm;
		}
		if (c->flags & NUMA_CPU_X2APIC)
			out("SRAT: PXM %u -> APIC 0x%04x -> Node %u\n", c->pxm, c->apic_id, node);
		else
			out("SRAT: PXM %u -> APIC 0x%02x -> Node %u\n", c->pxm, c->apic_id, node);
	}
	for (; gi < ngi; gi++)
		print_gi(&t->gi[gi], out);
	if (t->nr_gi > ngi)
		out(KERN_DEBUG_PREFIX "SRAT: %u more Generic Initiator entries not listed\n",
		    t->nr_gi - ngi);
	for (uint32_t i = 0; i < nmem; i++) {
		const struct numa_srat_mem *m = &t->srat_mem[i];

		out("ACPI: SRAT: Node %u PXM %u [mem 0x%08llx-0x%08llx]%s%s\n", m->node,
		    m->pxm, (unsigned long long)m->start, (unsigned long long)m->end - 1,
		    (m->flags & NUMA_MEM_HOTPLUG) ? " hotplug" : "",
		    (m->flags & NUMA_MEM_NONVOLATILE) ? " non-volatile" : "");
	}
	for (uint32_t i = 0; i < MIN(t->nr_srat_skipped, (uint32_t)NUMA_MAX_SRAT_SKIPPED); i++)
		out(KERN_DEBUG_PREFIX "SRAT: skipped subtable at offset 0x%x (type %u, length %u):"
		    " not used on x86\n", t->srat_skipped[i].offset, t->srat_skipped[i].type,
		    t->srat_skipped[i].length);
	if (t->nr_srat_skipped > NUMA_MAX_SRAT_SKIPPED)
		out(KERN_DEBUG_PREFIX "SRAT: skipped %u more subtables\n",
		    t->nr_srat_skipped - NUMA_MAX_SRAT_SKIPPED);
}

/* Linux's numa_cleanup_meminfo lines, replayed on the SRAT ranges in SRAT
 * order by its rules: a range with no RAM is set aside, the rest clipped to
 * [0, end of RAM); ranges of one node that overlap get "Warning: node n
 * [mem] overlaps with itself [mem]", and two ranges of one node are joined,
 * hole and all, unless a range of another node overlaps the joined span:
 * "NUMA: Node n [mem a-b] + [mem c-d] -> [mem a-d]" (a-b the first range as
 * grown by earlier joins).  Lines only: the memblks are build_memblks'.
 * Cost O(n^2) pairs, O(n) more per same-node pair, n <= NUMA_MAX_SRAT_MEM. */
static void print_linux_merges(const struct numa_topology *t, printf_fn out)
{
	static struct numa_srat_mem mi[NUMA_MAX_SRAT_MEM];
	uint32_t nr = MIN(t->nr_srat_mem, (uint32_t)NUMA_MAX_SRAT_MEM), n = 0;

	for (uint32_t i = 0; i < nr; i++) {
		const struct numa_srat_mem *m = &t->srat_mem[i];
		uint64_t e = MIN(m->end, t->fake_end);     /* fake_end: end of RAM */

		if ((m->flags & NUMA_MEM_NO_RAM) || m->start >= e)
			continue;
		mi[n] = *m;
		mi[n++].end = e;
	}
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = i + 1; j < n; j++) {
			struct numa_srat_mem *a = &mi[i], *c = &mi[j];
			uint64_t s, e;
			uint32_t k;

			if (a->node != c->node)
				continue;
			if (a->end > c->start && a->start < c->end)
				out("Warning: node %u [mem 0x%08llx-0x%08llx] overlaps with itself "
				    "[mem 0x%08llx-0x%08llx]\n", a->node,
				    (unsigned long long)a->start, (unsigned long long)a->end - 1,
				    (unsigned long long)c->start, (unsigned long long)c->end - 1);
			s = MIN(a->start, c->start);
			e = MAX(a->end, c->end);
			for (k = 0; k < n; k++)
				if (mi[k].node != a->node && s < mi[k].end && e > mi[k].start)
					break;
			if (k < n)
				continue;
			out("NUMA: Node %u [mem 0x%08llx-0x%08llx] + [mem 0x%08llx-0x%08llx] -> "
			    "[mem 0x%08llx-0x%08llx]\n", a->node,
			    (unsigned long long)a->start, (unsigned long long)a->end - 1,
			    (unsigned long long)c->start, (unsigned long long)c->end - 1,
			    (unsigned long long)s, (unsigned long long)e - 1);
			a->start = s;
			a->end = e;
			for (k = j; k + 1 < n; k++)
				mi[k] = mi[k + 1];
			n--;
			j--;
		}
}

void topology_print(const struct numa_topology *t, printf_fn out)
{
	uint32_t nodes = MIN(t->nr_nodes, (uint32_t)NUMA_MAX_NODES);
	uint32_t ncpus = MIN(t->nr_cpus, (uint32_t)NUMA_MAX_CPUS);
	uint32_t nblks = MIN(t->nr_memblks, (uint32_t)NUMA_MAX_MEMBLKS);

	print_srat_entries(t, out);
	if (t->source != NUMA_SRC_SRAT) {
		/* Linux's order: its reason for dropping the SRAT (if it has
		 * one), then dummy_numa_init()'s two lines.  Ours, more
		 * precise, comes right after Linux's. */
		bool rejected = str_starts(t->reason, "SRAT: rejected: ");

		if (rejected && t->linux_reason[0])
			out("%s\n", t->linux_reason);
		if (rejected) {
			out("%s\n", t->reason);
			out("No NUMA configuration found\n");
		} else {
			out("%s\n", t->reason[0] ? t->reason : "No NUMA configuration found");
		}
		if (t->fake_end > t->fake_start)
			out("Faking a node at [mem 0x%016llx-0x%016llx]\n",
			    (unsigned long long)t->fake_start, (unsigned long long)t->fake_end - 1);
		else
			out("Faking a node at [mem empty]\n");
	}

	if (t->source == NUMA_SRC_SRAT)
		print_linux_merges(t, out);
	for (uint32_t n = 0; n < nodes; n++)
		for (uint32_t i = 0; i < nblks; i++) {
			const struct numa_memblk *m = &t->memblks[i];

			if (m->node != n || m->end <= m->start)
				continue;
			out("NUMA: Node %u [mem 0x%08llx-0x%08llx]%s\n", n,
			    (unsigned long long)m->start, (unsigned long long)m->end - 1,
			    (m->flags & NUMA_MEM_HOTPLUG) ? " hotplug" : "");
		}

	/* CPUs grouped by node with a counting sort, so the lines cost
	 * O(CPUs + nodes), not O(CPUs x nodes). */
	{
		static uint32_t start[NUMA_MAX_NODES + 1];
		static uint16_t order[NUMA_MAX_CPUS];

		__builtin_memset(start, 0, sizeof(start));
		for (uint32_t i = 0; i < ncpus; i++)
			if (t->cpus[i].node < nodes)
				start[t->cpus[i].node + 1]++;
		for (uint32_t n = 0; n < nodes; n++)
			start[n + 1] += start[n];
		for (uint32_t i = 0; i < ncpus; i++)
			if (t->cpus[i].node < nodes)
				order[start[t->cpus[i].node]++] = (uint16_t)i;
		/* start[n] is now the end of node n's run; node n begins at
		 * the end of node n - 1's. */
		for (uint32_t n = 0; n < nodes; n++) {
			char line[512];
			size_t len = (size_t)ksnprintf(line, sizeof(line), "NUMA: Node %u cpus:", n);

			/* One line per node; long lists continue on further
			 * lines with the same prefix, so every line stays
			 * parseable. */
			for (uint32_t k = n ? start[n - 1] : 0; k < start[n]; k++) {
				if (len + 12 >= sizeof(line)) {
					out("%s\n", line);
					len = (size_t)ksnprintf(line, sizeof(line), "NUMA: Node %u cpus:",
								n);
				}
				len += (size_t)ksnprintf(line + len, sizeof(line) - len, " 0x%02x",
							 t->cpus[order[k]].apic_id);
			}
			out("%s\n", line);
		}
	}
	if (t->nr_cpus_clipped)
		out("NUMA: %u CPU(s) past the limit of %u not recorded (NR_CPUS), the first APIC "
		    "0x%x\n", t->nr_cpus_clipped, NUMA_MAX_CPUS, t->first_clipped_apic);

	if (t->source == NUMA_SRC_SRAT && t->slit_source == NUMA_SLIT_DEFAULT)
		out("NUMA: default distances (10 local, 20 remote): %s\n",
		    t->slit_reason[0] ? t->slit_reason : "no SLIT");

	/* A row per node; beyond 64 nodes it continues on lines that say from
	 * which node (a kernel log line holds 512 bytes). */
	for (uint32_t n = 0; n < nodes; n++) {
		for (uint32_t from = 0; from < nodes; from += 64) {
			char line[64 + 4 * 64];
			size_t len = from ? (size_t)ksnprintf(line, sizeof(line),
							      "NUMA: Node %u distances (from node %u):",
							      n, from)
					  : (size_t)ksnprintf(line, sizeof(line),
							      "NUMA: Node %u distances:", n);

			for (uint32_t m = from; m < nodes && m < from + 64; m++)
				len += (size_t)ksnprintf(line + len, sizeof(line) - len, " %u",
							 t->distance[n][m]);
			out("%s\n", line);
		}
	}
}
