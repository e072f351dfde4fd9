/*
 * maptest.h - test-only changes to a raw EFI memory map, for firmware
 * conditions QEMU+OVMF never produce (issue 8): efi_test=long-map splits
 * free memory into MAPTEST_SPLIT one-page descriptors (a map longer than
 * the normaliser's built-in 2048), efi_test=ram-above-64t adds 1 GiB of
 * "RAM" above the direct map's reach.  Nothing is ever allocated there:
 * the loader must clip it.  Freestanding, host-tested.
 */
#ifndef EFI_MAPTEST_H
#define EFI_MAPTEST_H

#include "types.h"

#define MAPTEST_LONG_MAP      (1u << 0)
#define MAPTEST_RAM_ABOVE_64T (1u << 1)
#define MAPTEST_SPLIT         3000u

/* Descriptors maptest_apply() may add, for sizing the buffer. */
static inline size_t maptest_extra(uint32_t what)
{
	return ((what & MAPTEST_LONG_MAP) ? MAPTEST_SPLIT : 0) +
	       ((what & MAPTEST_RAM_ABOVE_64T) ? 1 : 0);
}

/*
 * Apply `what` to the map of *size bytes (descriptors of dsize bytes) in a
 * buffer of cap bytes: the split takes the first conventional descriptor
 * of more than MAPTEST_SPLIT pages and re-lists its first MAPTEST_SPLIT
 * pages one page per descriptor (appended; the normaliser sorts).  Returns
 * how many descriptors were added (0 if nothing fits or applies).
 */
size_t maptest_apply(void *map, size_t *size, size_t dsize, size_t cap, uint32_t what);

#endif /* EFI_MAPTEST_H */
