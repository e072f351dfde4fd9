/*
 * topology.h - NUMA topology from ACPI (SRAT, SLIT, MADT) into the handoff's
 * struct numa_topology, with Linux's validation and its fallback to one
 * faked node.  Freestanding: tables are read through acpi_access, so the
 * loader (identity-mapped firmware memory), the kernel (direct map), the
 * host tool and the tests (buffers) all use the same code.
 */
#ifndef ACPI_TOPOLOGY_H
#define ACPI_TOPOLOGY_H

#include "types.h"
#include "numa.h"
#include "handoff.h"

/* How the parsers reach physical memory: map(ctx, pa, len) returns a
 * pointer to len readable bytes at pa, or NULL if that range is not there. */
struct acpi_access {
	void *ctx;
	const void *(*map)(void *ctx, phys_addr_t pa, size_t len);
};

/* topology_discover() options */
struct topology_options {
	bool numa_off;              /* "numa=off" on the command line */
	uint32_t boot_apic_id;      /* flagged NUMA_CPU_BOOT in the result */
};

/*
 * Fill *out from the ACPI tables under rsdp_pa (0: no ACPI), checked against
 * the usable RAM of map[0..nr_map).  Never fails: on any rejection it fakes
 * one node over all of RAM and states the reason in out->reason.
 */
void topology_discover(const struct acpi_access *acc, phys_addr_t rsdp_pa,
		       const struct physmap_entry *map, size_t nr_map,
		       const struct topology_options *opt, struct numa_topology *out);

/* Print the SRAT:/ACPI: SRAT:/NUMA: lines (README "Serial report formats"),
 * exactly as the kernel prints them and build/host/numatopo reproduces. */
void topology_print(const struct numa_topology *t, printf_fn out);

/* Node of a CPU by APIC id; NUMA_NO_NODE if the CPU is unknown. */
uint16_t topology_node_of_apic(const struct numa_topology *t, uint32_t apic_id);

/* True if the node has present (non-hotplug) memory. */
bool topology_node_has_memory(const struct numa_topology *t, uint16_t node);

/* The node itself if it has memory, else the nearest node with memory by
 * distance, ties to the lowest node id. */
uint16_t topology_nearest_with_memory(const struct numa_topology *t, uint16_t node);

#endif /* ACPI_TOPOLOGY_H */
