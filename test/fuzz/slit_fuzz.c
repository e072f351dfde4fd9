/*
 * slit_fuzz.c - libFuzzer target: the input is a SLIT, checked alone and
 * applied to a fixed valid 2-node SRAT (distances must stay sane).
 */
#include "fuzz_common.h"
#include "acpi/slit.h"
#include "acpi/srat.h"

static struct numa_topology topo;

/* A valid SRAT revision 1: PXM 0 [0, 1G) + APIC 0, PXM 1 [1G, 2G) + APIC 1. */
static uint8_t srat[48 + 2 * 16 + 2 * 40];

static void build_srat(void)
{
	uint8_t *p = srat;
	uint8_t sum = 0;

	memset(srat, 0, sizeof(srat));
	memcpy(p, "SRAT", 4);
	p[4] = sizeof(srat);
	p[8] = 1;
	p[36] = 1;
	p = srat + 48;
	for (int i = 0; i < 2; i++, p += 16) {
		p[0] = 0; p[1] = 16; p[2] = (uint8_t)i; p[3] = (uint8_t)i; p[4] = 1;
	}
	for (int i = 0; i < 2; i++, p += 40) {
		uint64_t base = (uint64_t)i << 30, len = 1ull << 30;

		p[0] = 1; p[1] = 40; p[2] = (uint8_t)i;
		memcpy(p + 8, &base, 8);
		memcpy(p + 16, &len, 8);
		p[28] = 1;
	}
	for (size_t i = 0; i < sizeof(srat); i++)
		sum = (uint8_t)(sum + srat[i]);
	srat[9] = (uint8_t)(0x100 - sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology_tables tabs = { .slit = data, .slit_len = size };
	char reason[160];
	int n;

	if (!srat[0])
		build_srat();
	n = slit_check(data, size, reason, sizeof(reason));
	if (n > 0) {
		for (uint32_t i = 0; i < (uint32_t)n; i++)
			for (uint32_t j = 0; j < (uint32_t)n; j++)
				FUZZ_CHECK((i == j) == (slit_distance(data, (uint32_t)n, i, j) == 10));
	} else {
		FUZZ_CHECK(n == ACPI_EINVAL && reason[0]);
	}
	tabs.srat = srat;
	tabs.srat_len = sizeof(srat);
	topology_from_tables(&tabs, fuzz_ram, 2, NULL, &topo);
	FUZZ_CHECK(topo.source == NUMA_SRC_SRAT && topo.nr_nodes == 2);
	fuzz_check_topology(&topo);
	return 0;
}
