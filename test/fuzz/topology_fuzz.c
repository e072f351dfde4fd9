/*
 * topology_fuzz.c - libFuzzer target for topology_from_tables() with all
 * inputs under the fuzzer's control.  Input layout:
 *   byte 0      options: bit 0 numa=off, bit 1 boot APIC unknown
 *   byte 1      boot APIC id
 *   then three tables, each a little-endian u16 length + that many bytes:
 *               SRAT, SLIT, MADT (length 0: table absent)
 *   the rest    usable-RAM ranges, 16 bytes each: u64 start, u64 size
 */
#include "fuzz_common.h"

static struct numa_topology topo;
static struct physmap_entry map[64];

static const uint8_t *take(const uint8_t **p, size_t *left, size_t *len)
{
	const uint8_t *t;
	size_t n;

	if (*left < 2) {
		*len = 0;
		return NULL;
	}
	n = (size_t)(*p)[0] | (size_t)(*p)[1] << 8;
	*p += 2;
	*left -= 2;
	if (n > *left)
		n = *left;
	t = n ? *p : NULL;
	*p += n;
	*left -= n;
	*len = n;
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology_tables tabs = { 0 };
	struct topology_options opt = { 0 };
	const uint8_t *p = data;
	size_t left = size, nr = 0;

	if (size < 2)
		return 0;
	opt.numa_off = data[0] & 1;
	opt.boot_apic_id = (data[0] & 2) ? TOPOLOGY_NO_BOOT_APIC : data[1];
	p += 2;
	left -= 2;
	tabs.srat = take(&p, &left, &tabs.srat_len);
	tabs.slit = take(&p, &left, &tabs.slit_len);
	tabs.madt = take(&p, &left, &tabs.madt_len);
	while (left >= 16 && nr < sizeof(map) / sizeof(map[0])) {
		uint64_t start, len;

		memcpy(&start, p, 8);
		memcpy(&len, p + 8, 8);
		map[nr].start = start;
		map[nr].end = len > UINT64_MAX - start ? UINT64_MAX : start + len;
		map[nr].type = PHYSMAP_USABLE;
		map[nr].owner = 0;
		nr++;
		p += 16;
		left -= 16;
	}
	topology_from_tables(&tabs, map, nr, &opt, &topo);
	fuzz_check_topology(&topo);
	if (opt.numa_off)
		FUZZ_CHECK(topo.source == NUMA_SRC_FAKE);
	if (opt.boot_apic_id != TOPOLOGY_NO_BOOT_APIC && topo.nr_cpus < NUMA_MAX_CPUS)
		FUZZ_CHECK(topology_node_of_apic(&topo, opt.boot_apic_id) != NUMA_NO_NODE);
	return 0;
}
