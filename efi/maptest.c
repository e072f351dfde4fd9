/*
 * maptest.c - test-only raw-map changes (maptest.h).
 */
#include "efi/maptest.h"
#include "mm/physmap.h"
#include "vmlayout.h"

size_t maptest_apply(void *map, size_t *size, size_t dsize, size_t cap, uint32_t what)
{
	uint8_t *p = map;
	size_t n = *size / dsize, added = 0;
	struct efi_memory_descriptor d;

	if (dsize < sizeof(d) || cap / dsize < n + maptest_extra(what))
		return 0;
	if (what & MAPTEST_LONG_MAP) {
		for (size_t i = 0; i < n; i++) {
			__builtin_memcpy(&d, p + i * dsize, sizeof(d));
			if (d.type != EFI_CONVENTIONAL_MEMORY || d.number_of_pages <= MAPTEST_SPLIT)
				continue;
			/* [start, +SPLIT pages) becomes SPLIT descriptors at the end. */
			for (uint32_t k = 0; k < MAPTEST_SPLIT; k++) {
				struct efi_memory_descriptor e = d;

				e.physical_start = d.physical_start + (uint64_t)k * PAGE_SIZE;
				e.number_of_pages = 1;
				__builtin_memcpy(p + (n + added++) * dsize, &e, sizeof(e));
			}
			d.physical_start += (uint64_t)MAPTEST_SPLIT * PAGE_SIZE;
			d.number_of_pages -= MAPTEST_SPLIT;
			__builtin_memcpy(p + i * dsize, &d, sizeof(d));
			break;
		}
	}
	if (what & MAPTEST_RAM_ABOVE_64T) {
		__builtin_memset(&d, 0, sizeof(d));
		d.type = EFI_CONVENTIONAL_MEMORY;
		d.physical_start = DIRECT_MAP_MAX;
		d.number_of_pages = SZ_1G >> PAGE_SHIFT;
		d.attribute = EFI_ATTR_WB;
		__builtin_memset(p + (n + added) * dsize, 0, dsize);
		__builtin_memcpy(p + (n + added++) * dsize, &d, sizeof(d));
	}
	*size = (n + added) * dsize;
	return added;
}
