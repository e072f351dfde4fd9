/*
 * maptest_test.c - host tests of efi/maptest.c, the test-only map changes
 * behind efi_test=long-map and efi_test=ram-above-64t: what they add, that
 * the normaliser then needs its scratch (long map) and that the clip drops
 * the fake RAM.  efi/maptest.c is not in libcore.a: included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/maptest.c"
#include "handoff.h"

#define DSIZE 48

static uint8_t buf[(4 + MAPTEST_SPLIT + 1) * DSIZE];
static struct physmap_entry out[HANDOFF_PHYSMAP_MAX];

static void put(size_t i, uint32_t type, uint64_t start, uint64_t pages)
{
	struct efi_memory_descriptor d = { .type = type, .physical_start = start,
					   .number_of_pages = pages, .attribute = EFI_ATTR_WB };

	memcpy(buf + i * DSIZE, &d, sizeof(d));
}

static size_t base_map(void)
{
	memset(buf, 0, sizeof(buf));
	put(0, EFI_CONVENTIONAL_MEMORY, 0, 0x9f);
	put(1, EFI_RESERVED_MEMORY, 0x9f000, 0x61);
	put(2, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x3ff00);  /* [1M, 1G) */
	put(3, EFI_ACPI_NVS, 0x40000000, 0x10);
	return 4 * DSIZE;
}

static void test_maptest_long_map_normalises_the_same(void **state)
{
	size_t size = base_map(), sz;
	void *scratch;
	int n;

	assert_int_equal(maptest_apply(buf, &size, DSIZE, sizeof(buf), MAPTEST_LONG_MAP),
			 MAPTEST_SPLIT);
	assert_int_equal(size / DSIZE, 4 + MAPTEST_SPLIT);
	/* More than the built-in 2048: only a sized scratch takes it. */
	assert_int_equal(physmap_normalize(buf, size, DSIZE, NULL, 0, out, HANDOFF_PHYSMAP_MAX),
			 PHYSMAP_ETOOMANY);
	sz = physmap_scratch_size(size / DSIZE, 0, 0);
	scratch = malloc(sz);
	n = physmap_normalize_scratch(buf, size, DSIZE, NULL, 0, NULL, 0, scratch, sz, out,
				      HANDOFF_PHYSMAP_MAX);
	free(scratch);
	/* The split pieces merge back: [0, 636K) usable, reserved, [1M, 1G), NVS. */
	assert_int_equal(n, 4);
	assert_int_equal(out[2].start, 0x100000);
	assert_int_equal(out[2].end, 0x40000000);
	assert_int_equal(out[2].type, PHYSMAP_USABLE);
}

static void test_maptest_ram_above_64t_is_clipped(void **state)
{
	size_t size = base_map();
	uint64_t ram;
	int n;

	assert_int_equal(maptest_apply(buf, &size, DSIZE, sizeof(buf), MAPTEST_RAM_ABOVE_64T), 1);
	n = physmap_normalize(buf, size, DSIZE, NULL, 0, out, HANDOFF_PHYSMAP_MAX);
	assert_int_equal(n, 5);
	assert_int_equal(out[4].start, DIRECT_MAP_MAX);
	assert_int_equal(physmap_clip(out, (size_t)n, DIRECT_MAP_MAX, &ram), 4);
	assert_int_equal(ram, SZ_1G);
}

static void test_maptest_no_room_changes_nothing(void **state)
{
	size_t size = base_map();

	assert_int_equal(maptest_apply(buf, &size, DSIZE, 5 * DSIZE, MAPTEST_LONG_MAP), 0);
	assert_int_equal(size, 4 * DSIZE);
	assert_int_equal(maptest_apply(buf, &size, DSIZE, sizeof(buf), 0), 0);
	assert_int_equal(size, 4 * DSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maptest_long_map_normalises_the_same),
		cmocka_unit_test(test_maptest_ram_above_64t_is_clipped),
		cmocka_unit_test(test_maptest_no_room_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
