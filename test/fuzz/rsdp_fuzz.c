/*
 * rsdp_fuzz.c - libFuzzer target: the input is "physical memory" starting
 * at FUZZ_PHYS_BASE with the RSDP at its first byte.  RSDP checks, the
 * XSDT/RSDT walk and table lookup must never read outside what map()
 * granted, and topology_discover() must always produce a sane result.
 * When bit 1 of the size is set, a memory map is given too (the first half
 * of the input ACPI reclaim, the rest usable): every table found must then
 * lie in table memory.
 */
#include "fuzz_common.h"
#include "acpi/acpi.h"

static struct numa_topology topo;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_mem mem = { data, size };
	struct acpi_access acc = { &mem, fuzz_map, NULL, 0 };
	struct physmap_entry pm[2] = {
		{ FUZZ_PHYS_BASE, FUZZ_PHYS_BASE + size / 2, PHYSMAP_ACPI_RECLAIM, 0 },
		{ FUZZ_PHYS_BASE + size / 2, FUZZ_PHYS_BASE + size + 1, PHYSMAP_USABLE, 0 },
	};
	struct topology_options opt = { .boot_apic_id = 0 };
	static const char *const sigs[] = { "SRAT", "SLIT", "APIC", "FACP" };
	char reason[160];

	if (size & 2) {
		acc.physmap = size / 2 ? pm : pm + 1;
		acc.nr_physmap = size / 2 ? 2 : 1;
	}

	(void)acpi_rsdp_check(&acc, FUZZ_PHYS_BASE, reason, sizeof(reason));
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct acpi_table_ref ref;
		const char *root = NULL;
		int ret = acpi_find_table(&acc, FUZZ_PHYS_BASE, sigs[i], &ref, &root, reason,
					  sizeof(reason));

		FUZZ_CHECK(ret == ACPI_OK || ret == ACPI_ENOTFOUND || ret == ACPI_EINVAL);
		if (ret == ACPI_OK) {
			FUZZ_CHECK(ref.table && ref.length >= 36);
			FUZZ_CHECK(acpi_checksum(ref.table, ref.length) == 0);
			FUZZ_CHECK(!memcmp(ref.table, sigs[i], 4));
			FUZZ_CHECK(root != NULL);
			if (acc.physmap)
				FUZZ_CHECK(acpi_table_memory_check(acc.physmap, acc.nr_physmap, ref.pa,
								   ref.length, reason,
								   sizeof(reason)) == ACPI_OK);
		}
	}
	opt.test_inject = size & 1 ? TOPOLOGY_TEST_SRAT_CHECKSUM : 0;
	topology_discover(&acc, FUZZ_PHYS_BASE, fuzz_ram, 2, &opt, &topo);
	fuzz_check_topology(&topo);
	return 0;
}
