/*
 * fuzz_common.h - shared pieces of the acpi/ and mm/physmap fuzzers: an
 * acpi_access over the fuzz input, a printf_fn sink that checks every line,
 * and the invariants every struct numa_topology must satisfy whatever the
 * input.  A broken invariant is a crash (__builtin_trap) so libFuzzer keeps
 * the input.
 */
#ifndef TEST_FUZZ_COMMON_H
#define TEST_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* libFuzzer's entry point, defined by each <name>_fuzz.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "acpi/topology.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
	__builtin_trap(); } } while (0)

/* "Physical memory" = the input, starting at FUZZ_PHYS_BASE. */
#define FUZZ_PHYS_BASE 0x1000u

struct fuzz_mem {
	const uint8_t *data;
	size_t size;
};

static inline const void *fuzz_map(void *ctx, phys_addr_t pa, size_t len)
{
	struct fuzz_mem *m = ctx;

	if (pa < FUZZ_PHYS_BASE)
		return NULL;
	pa -= FUZZ_PHYS_BASE;
	if (pa > m->size || len > m->size - pa)
		return NULL;
	return m->data + pa;
}

/* Sink for topology_print: every call must be one whole line. */
static char fuzz_line[4096];

__attribute__((format(printf, 1, 2), unused))
static void fuzz_out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fuzz_line, sizeof(fuzz_line), fmt, ap);
	va_end(ap);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(fuzz_line));
	FUZZ_CHECK(fuzz_line[n - 1] == '\n');
	FUZZ_CHECK(memchr(fuzz_line, '\n', (size_t)n - 1) == NULL);
}

/* Invariants of any topology_from_tables()/topology_discover() result. */
static inline void fuzz_check_topology(const struct numa_topology *t)
{
	FUZZ_CHECK(t->source == NUMA_SRC_SRAT || t->source == NUMA_SRC_FAKE);
	FUZZ_CHECK(t->nr_nodes >= 1 && t->nr_nodes <= NUMA_MAX_NODES);
	FUZZ_CHECK(t->nr_cpus <= NUMA_MAX_CPUS);
	FUZZ_CHECK(t->nr_memblks <= NUMA_MAX_MEMBLKS);
	FUZZ_CHECK(t->nr_srat_mem <= NUMA_MAX_SRAT_MEM);
	FUZZ_CHECK(memchr(t->reason, 0, sizeof(t->reason)) != NULL);
	FUZZ_CHECK(memchr(t->slit_reason, 0, sizeof(t->slit_reason)) != NULL);
	FUZZ_CHECK((t->source == NUMA_SRC_FAKE) == (t->reason[0] != 0));
	if (t->source == NUMA_SRC_FAKE) {
		/* a rejected SRAT's entries stay for the log (srat_mem[], and
		 * cpus[] with their PXM); anything else has none */
		FUZZ_CHECK(t->nr_nodes == 1 && t->nr_memblks <= 1);
		FUZZ_CHECK(memchr(t->linux_reason, 0, sizeof(t->linux_reason)) != NULL);
		if (strncmp(t->reason, "SRAT: rejected: ", 16) != 0)
			FUZZ_CHECK(t->nr_srat_mem == 0 && t->linux_reason[0] == 0);
	}
	for (uint32_t i = 0; i < t->nr_memblks; i++) {
		const struct numa_memblk *m = &t->memblks[i];

		FUZZ_CHECK(m->start < m->end);
		FUZZ_CHECK(m->node < t->nr_nodes);
		if (i)
			FUZZ_CHECK(t->memblks[i - 1].end <= m->start);
	}
	for (uint32_t i = 0; i < t->nr_srat_mem; i++)
		FUZZ_CHECK(t->srat_mem[i].node < (t->source == NUMA_SRC_FAKE ? NUMA_MAX_NODES : t->nr_nodes) &&
			   t->srat_mem[i].start < t->srat_mem[i].end);
	for (uint32_t i = 0; i < t->nr_cpus; i++) {
		FUZZ_CHECK(t->cpus[i].node < t->nr_nodes);
		for (uint32_t j = 0; j < i; j++)
			FUZZ_CHECK(t->cpus[j].apic_id != t->cpus[i].apic_id);
	}
	for (uint32_t n = 0; n < t->nr_nodes; n++) {
		/* pxm -> node is one-to-one */
		for (uint32_t m = 0; m < n; m++)
			FUZZ_CHECK(t->node_pxm[m] != t->node_pxm[n]);
		for (uint32_t m = 0; m < t->nr_nodes; m++) {
			if (m == n)
				FUZZ_CHECK(t->distance[n][m] == NUMA_LOCAL_DISTANCE);
			else
				FUZZ_CHECK(t->distance[n][m] > NUMA_LOCAL_DISTANCE);
		}
		FUZZ_CHECK(topology_nearest_with_memory(t, (uint16_t)n) < t->nr_nodes);
	}
	for (uint32_t i = 0; i < t->nr_cpus; i++)
		FUZZ_CHECK(topology_node_of_apic(t, t->cpus[i].apic_id) == t->cpus[i].node);
	topology_print(t, fuzz_out);
}

/* Usable RAM [0, 640K) + [1M, 2G), as in a 2 GiB QEMU guest, for the table fuzzers. */
static const struct physmap_entry fuzz_ram[] = {
	{ 0x0, 0xa0000, PHYSMAP_USABLE, 0 },
	{ 0x100000, 0x80000000ull, PHYSMAP_USABLE, 0 },
};

#endif /* TEST_FUZZ_COMMON_H */
