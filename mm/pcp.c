/*
 * pcp.c - per-CPU pagesets: the CPU table, where each pageset lives, how
 * large high and batch are, and the /proc/zoneinfo report (see pcp.h).
 * The list operations themselves are in buddy.c, beside the free lists.
 */
#include "types.h"
#include "printk.h"
#include "mm/pcp.h"
#include "mm/node.h"
#include "mm/bootmem.h"
#include "mm/buddy.h"

uint32_t mm_nr_cpus;
uint32_t mm_boot_cpu;
uint16_t mm_cpu_node[NUMA_MAX_CPUS];
uint16_t mm_cpu_home[NUMA_MAX_CPUS];
uint16_t mm_cpu_slot[NUMA_MAX_CPUS];

#define P(x) ((unsigned long long)(x))

static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

uint64_t pcp_min_free_kbytes(uint64_t lowmem_pages)
{
	uint64_t kb = isqrt(lowmem_pages * (PAGE_SIZE >> 10) * 16);

	return MIN(MAX(kb, 128), 262144);
}

int32_t pcp_batchsize(uint64_t managed_pages)
{
	uint64_t batch = MIN(managed_pages >> 10, SZ_1M / PAGE_SIZE) / 4;

	if (batch < 1)
		batch = 1;
	/* 2^n - 1 rather than 2^n: power-of-two strides alias in caches. */
	batch = (1ULL << (63 - __builtin_clzll(batch + batch / 2))) - 1;
	return (int32_t)MAX(batch, 1);
}

int32_t pcp_highsize(uint64_t low_wmark, int32_t batch, uint32_t nr_cpus)
{
	uint64_t high = low_wmark / (nr_cpus ? nr_cpus : 1);

	return (int32_t)MAX(high, (uint64_t)batch << 2);
}

void pcp_setup_cpus(const struct numa_topology *t, uint32_t boot_nid)
{
	uint32_t nr = MIN(t->nr_cpus, (uint32_t)NUMA_MAX_CPUS);

	mm_boot_cpu = 0;
	if (nr == 0) {
		/* A machine runs at least the CPU executing this. */
		mm_nr_cpus = 1;
		mm_cpu_node[0] = (uint16_t)boot_nid;
	} else {
		mm_nr_cpus = nr;
		for (uint32_t c = 0; c < nr; c++) {
			uint32_t n = t->cpus[c].node;

			mm_cpu_node[c] = (uint16_t)(n < mm_nr_nodes ? n : boot_nid);
			if (t->cpus[c].flags & NUMA_CPU_BOOT)
				mm_boot_cpu = c;
		}
	}
	/* Home: the node itself, or the first node with memory in its
	 * zonelist, as Linux's numa_mem_id() for memory-less nodes. */
	for (uint32_t c = 0; c < mm_nr_cpus; c++) {
		const struct pglist_data *pg = node_data[mm_cpu_node[c]];

		mm_cpu_home[c] = (uint16_t)boot_nid;
		for (uint32_t i = 0; i < pg->nr_fallback; i++) {
			if (node_data[pg->fallback[i]]->node_present_pages) {
				mm_cpu_home[c] = pg->fallback[i];
				break;
			}
		}
	}
}

void pcp_alloc_pagesets(void)
{
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		struct pglist_data *pg = node_data[n];
		uint32_t nr = 0;

		for (uint32_t c = 0; c < mm_nr_cpus; c++)
			if (mm_cpu_home[c] == n)
				mm_cpu_slot[c] = (uint16_t)nr++;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pg->node_zones[z];
			phys_addr_t pa;

			spin_init(&zone->lock);
			zone->pcp = NULL;
			zone->nr_pcp = 0;
			if (!zone_populated(zone) || nr == 0)
				continue;
			pa = bootmem_alloc_node(nr * sizeof(struct per_cpu_pages), 64, n);
			if (!pa)
				panic("mm: no memory for node %u zone %s's %u per-CPU pagesets", n,
				      zone_name((uint32_t)z), nr);
			zone->pcp = mm_phys_to_virt(pa);
			__builtin_memset(zone->pcp, 0, nr * sizeof(struct per_cpu_pages));
			for (uint32_t c = 0; c < mm_nr_cpus; c++) {
				if (mm_cpu_home[c] != n)
					continue;
				spin_init(&zone->pcp[mm_cpu_slot[c]].lock);
				zone->pcp[mm_cpu_slot[c]].cpu = c;
			}
			zone->nr_pcp = nr;
		}
	}
}

void pcp_setup_sizes(void)
{
	uint64_t lowmem = 0, pages_min;

	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			lowmem += node_data[n]->node_zones[z].managed_pages;
	pages_min = pcp_min_free_kbytes(lowmem) >> (PAGE_SHIFT - 10);
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &node_data[n]->node_zones[z];
			uint64_t managed = zone->managed_pages, step;

			zone->wmark_min = lowmem ? pages_min * managed / lowmem : 0;
			step = MAX(zone->wmark_min / 4, managed * 10 / 10000);
			zone->wmark_low = zone->wmark_min + step;
			zone->wmark_high = zone->wmark_low + step;
			zone->pcp_batch = pcp_batchsize(managed);
			zone->pcp_high = pcp_highsize(zone->wmark_low, zone->pcp_batch, zone->nr_pcp);
			for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++) {
				spin_lock(&zone->pcp[i].lock);
				zone->pcp[i].high = zone->pcp_high;
				zone->pcp[i].batch = zone->pcp_batch;
				spin_unlock(&zone->pcp[i].lock);
			}
		}
	}
}

void pcp_print_zoneinfo(void)
{
	for (uint32_t n = 0; n < mm_nr_nodes; n++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct zone *zone = &node_data[n]->node_zones[z];

			if (!zone_populated(zone))
				continue;
			printk(KERN_INFO "Node %u, zone %8s\n", n, zone_name((uint32_t)z));
			printk(KERN_INFO "  pages free     %llu\n", P(zone->free_pages));
			printk(KERN_INFO "        min      %llu\n", P(zone->wmark_min));
			printk(KERN_INFO "        low      %llu\n", P(zone->wmark_low));
			printk(KERN_INFO "        high     %llu\n", P(zone->wmark_high));
			printk(KERN_INFO "        spanned  %llu\n", P(zone->end_pfn - zone->start_pfn));
			printk(KERN_INFO "        present  %llu\n", P(zone->present_pages));
			printk(KERN_INFO "        managed  %llu\n", P(zone->managed_pages));
			printk(KERN_INFO "  pagesets\n");
			for (uint32_t i = 0; zone->pcp && i < zone->nr_pcp; i++) {
				const struct per_cpu_pages *pcp = &zone->pcp[i];

				printk(KERN_INFO "    cpu: %u\n", pcp->cpu);
				printk(KERN_INFO "              count: %d\n", pcp->count);
				printk(KERN_INFO "              high:  %d\n", pcp->high);
				printk(KERN_INFO "              batch: %d\n", pcp->batch);
			}
			printk(KERN_INFO "  start_pfn:           %llu\n", P(zone->start_pfn));
		}
	}
}
