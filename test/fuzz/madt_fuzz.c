/*
 * madt_fuzz.c - libFuzzer target: the input is a MADT.  madt_walk() must
 * survive any lengths; the CPU list merged into a fake topology must hold
 * no duplicates and never exceed NUMA_MAX_CPUS.
 */
#include "fuzz_common.h"
#include "acpi/madt.h"

static struct numa_topology topo;

static int count_cb(void *ctx, const struct madt_cpu *c, char *reason, size_t rlen)
{
	unsigned *n = ctx;

	FUZZ_CHECK(c->x2apic ? c->apic_id != 0xffffffffu : c->apic_id < 0xff);
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology_tables tabs = { .madt = data, .madt_len = size };
	struct topology_options opt = { .boot_apic_id = 0 };
	char reason[160];
	unsigned n = 0;
	int ret;

	ret = madt_walk(data, size, count_cb, &n, reason, sizeof(reason));
	FUZZ_CHECK(ret == ACPI_OK || (ret == ACPI_EINVAL && reason[0]));
	topology_from_tables(&tabs, fuzz_ram, 2, &opt, &topo);
	FUZZ_CHECK(topo.source == NUMA_SRC_FAKE);
	FUZZ_CHECK(topology_node_of_apic(&topo, 0) == 0);
	fuzz_check_topology(&topo);
	return 0;
}
