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
#include "lib/cmdline.h"

/* How the parsers reach physical memory: map(ctx, pa, len) returns a
 * pointer to len readable bytes at pa, or NULL if that range is not there.
 * physmap (optional, may be NULL): the normalised EFI map; when given,
 * acpi.c maps a range only if acpi_table_memory_check() accepts it, so a
 * firmware pointer into RAM, MMIO or nowhere is reported, never read. */
struct acpi_access {
	void *ctx;
	const void *(*map)(void *ctx, phys_addr_t pa, size_t len);
	const struct physmap_entry *physmap;
	size_t nr_physmap;
};

/* topology_discover() options */
struct topology_options {
	bool numa_off;              /* "numa=off" on the command line */
	uint32_t boot_apic_id;      /* flagged NUMA_CPU_BOOT in the result
				     * (TOPOLOGY_NO_BOOT_APIC: unknown) */
	uint32_t test_inject;       /* TOPOLOGY_TEST_*: test-only corruption */
	printf_fn warn;             /* optional: problems that do not change
				     * the result (a broken MADT); NULL: silent */
};

#define TOPOLOGY_NO_BOOT_APIC  0xffffffffu

/* test_inject: corrupt a private copy of a table before parsing it, for
 * boot tests that QEMU cannot express (QEMU and OVMF both recompute the
 * checksum of a table given with -acpitable).  Command line:
 * acpi_test=srat-checksum. */
#define TOPOLOGY_TEST_SRAT_CHECKSUM  (1u << 0)
#define TOPOLOGY_TEST_SRAT_OUTSIDE   (1u << 1)  /* root entries for the SRAT point into RAM */

/*
 * Fill *out from the ACPI tables under rsdp_pa (0: no ACPI), checked against
 * the usable RAM of map[0..nr_map).  Never fails: on any rejection it fakes
 * one node over all of RAM and states the reason in out->reason.
 */
void topology_discover(const struct acpi_access *acc, phys_addr_t rsdp_pa,
		       const struct physmap_entry *map, size_t nr_map,
		       const struct topology_options *opt, struct numa_topology *out);

/* Tables already in memory (host tool, tests, fuzzers).  Each may be
 * NULL; *_error, when set, says why a table could not be used at all
 * (e.g. acpi_find_table() failed on it) and becomes the reason printed. */
struct topology_tables {
	const void *srat;
	size_t srat_len;
	const void *slit;
	size_t slit_len;
	const void *madt;
	size_t madt_len;
	const char *acpi_error;     /* the ACPI root itself is unusable */
	const char *srat_error;
	const char *slit_error;
	const char *madt_error;
};

/*
 * topology_discover() minus the table lookup: validate the given tables
 * (header, length, checksum, every entry) and build *out.  Never fails: on
 * any rejection it fakes one node, as topology_discover() does.
 */
void topology_from_tables(const struct topology_tables *tabs,
			  const struct physmap_entry *map, size_t nr_map,
			  const struct topology_options *opt, struct numa_topology *out);

/* Command-line options (lib/cmdline.h), ctx = struct topology_options:
 * numa=off|on, acpi_test=srat-checksum|srat-outside (test only).  The loader acts on
 * them; the kernel knows them as foreign. */
extern const struct cmdline_param topology_params[];

/* Print the SRAT:/ACPI: SRAT:/NUMA: lines (README "Serial report formats"),
 * exactly as the kernel prints them and build/host/numatopo reproduces. */
void topology_print(const struct numa_topology *t, printf_fn out);

/* Node of a CPU by APIC id; NUMA_NO_NODE if the CPU is unknown. */
uint16_t topology_node_of_apic(const struct numa_topology *t, uint32_t apic_id);

/* True if present RAM lies inside one of the node's ranges, hot-pluggable
 * or not (numa_node_has_memory). */
bool topology_node_has_memory(const struct numa_topology *t, uint16_t node);

/* The node itself if it has memory, else the nearest node with memory by
 * distance, ties to the lowest node id. */
uint16_t topology_nearest_with_memory(const struct numa_topology *t, uint16_t node);

#endif /* ACPI_TOPOLOGY_H */
