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

/*
 * The next node for nid's list, as Linux's find_next_best_node() picks it:
 * the lowest (distance + 1 if below nid + 1 if it has CPUs), scaled so that
 * node_load only breaks ties, then + node_load; on equal values the lowest
 * id (the scan keeps the first minimum).  node_load stays below nr_nodes
 * (each list raises a node's load at most once), so scaling by
 * NUMA_MAX_NODES keeps it a tie-breaker as Linux's MAX_NUMNODES does.
 */
static uint32_t next_best_node(uint32_t nid, const struct node_fallback_input *in,
			       const bool *used, const uint32_t *node_load)
{
	uint32_t best = NUMA_NO_NODE, min_val = UINT32_MAX;

	for (uint32_t m = 0; m < in->nr_nodes; m++) {
		uint32_t val;

		if (used[m] || !in->has_mem[m])
			continue;
		val = in->dist[nid][m];
		val += m < nid;
		val += in->has_cpus && in->has_cpus[m] ? NODE_PENALTY_WITH_CPUS : 0;
		val = val * NUMA_MAX_NODES + node_load[m];
		if (val < min_val) {
			min_val = val;
			best = m;
		}
	}
	return best;
}

uint32_t node_fallback_order(uint32_t nid, const struct node_fallback_input *in,
			     uint32_t *node_load, uint16_t *order)
{
	bool used[NUMA_MAX_NODES] = { false };
	uint32_t n = 0, prev = nid, node;

	if (nid >= in->nr_nodes || in->nr_nodes > NUMA_MAX_NODES)
		return 0;
	/* The local node comes first whether or not it has memory. */
	used[nid] = true;
	order[n++] = (uint16_t)nid;
	while ((node = next_best_node(nid, in, used, node_load)) != NUMA_NO_NODE) {
		used[node] = true;
		/* The first node of each new distance group gets a load, so the
		 * next local node that sees the same group prefers another. */
		if (in->dist[nid][node] != in->dist[nid][prev])
			node_load[node]++;
		order[n++] = (uint16_t)node;
		prev = node;
	}
	return n;
}

void node_build_zonelists(const struct node_fallback_input *in)
{
	uint32_t node_load[NUMA_MAX_NODES] = { 0 };

	/* One node_load for all lists, in node-id order, as Linux's
	 * __build_all_zonelists() resets it once and then builds each. */
	for (uint32_t nid = 0; nid < in->nr_nodes && nid < NUMA_MAX_NODES; nid++) {
		struct pglist_data *pg = node_data[nid];

		if (pg)
			pg->nr_fallback = node_fallback_order(nid, in, node_load, pg->fallback);
	}
}
