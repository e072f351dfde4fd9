/*
 * node.c - node descriptors and zonelists (see node.h).
 */
#include "types.h"
#include "mm/node.h"

struct pglist_data *node_data[NUMA_MAX_NODES];
uint32_t mm_nr_nodes;

const char *zone_name(uint32_t idx)
{
	static const char *const names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };

	return idx < MAX_NR_ZONES ? names[idx] : "?";
}

/* Sort key for node m in node nid's zonelist: (not self, distance, id). */
static uint32_t zonelist_key(uint32_t nid, uint32_t m, const uint8_t (*dist)[NUMA_MAX_NODES])
{
	return ((uint32_t)(m != nid) << 16) | ((uint32_t)dist[nid][m] << 8) | m;
}

void node_build_zonelist(struct pglist_data *pgdat, uint32_t nr_nodes,
			 const bool *has_mem, const uint8_t (*dist)[NUMA_MAX_NODES])
{
	uint32_t nid = pgdat->node_id, n = 0;

	for (uint32_t m = 0; m < nr_nodes; m++) {
		uint32_t key, i;

		if (!has_mem[m])
			continue;
		/* insertion sort: at most 64 nodes */
		key = zonelist_key(nid, m, dist);
		for (i = n; i > 0 && zonelist_key(nid, pgdat->fallback[i - 1], dist) > key; i--)
			pgdat->fallback[i] = pgdat->fallback[i - 1];
		pgdat->fallback[i] = (uint16_t)m;
		n++;
	}
	pgdat->nr_fallback = n;
}
