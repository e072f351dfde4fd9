/*
 * srat_fuzz.c - libFuzzer target: the input is an SRAT.  srat_walk() must
 * stop on every broken length without reading out of bounds, and the
 * topology built from it must satisfy fuzz_check_topology().
 */
#include "fuzz_common.h"
#include "acpi/srat.h"

static int count_cb(void *ctx, const struct srat_entry *e, char *reason, size_t rlen)
{
	unsigned *n = ctx;

	FUZZ_CHECK(e->type <= SRAT_TYPE_X2APIC || e->type == SRAT_TYPE_GI || !e->enabled);
	if (e->type == SRAT_TYPE_MEMORY && e->enabled)
		FUZZ_CHECK(e->base + e->length >= e->base);
	(*n)++;
	return 0;
}

static struct numa_topology topo;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology_tables tabs = { .srat = data, .srat_len = size };
	struct topology_options opt = { .boot_apic_id = 0 };
	char reason[160];
	unsigned n = 0;
	int ret;

	ret = srat_walk(data, size, count_cb, &n, reason, sizeof(reason));
	FUZZ_CHECK(ret == ACPI_OK || ret == ACPI_EINVAL);
	if (ret != ACPI_OK)
		FUZZ_CHECK(reason[0] != '\0');
	topology_from_tables(&tabs, fuzz_ram, 2, &opt, &topo);
	fuzz_check_topology(&topo);
	return 0;
}
