/*
 * physmap_fuzz.c - libFuzzer target for mm/physmap.c physmap_normalize().
 * Input layout:
 *   byte 0      descriptor size: 40 + (byte % 24), or (byte % 40) when
 *               byte >= 0xf0 (too small: must be refused)
 *   byte 1      bits 0-1: number of kept ranges (0..3); bits 2-7: output
 *               capacity = 1 + value * 20 (tests ENOSPC)
 *   then        kept ranges, 16 bytes each (u64 start, u64 size; owner from
 *               the low bits of start)
 *   then        (byte 0 / 24) % 3 efi_fake_mem ranges, 16 bytes each (u64
 *               start, u64 size; bit 0 of start: set SP, else clear WB)
 *   the rest    the raw EFI memory map, walked by the descriptor size
 * Checks the header's contract on every successful result: count <= cap,
 * sorted, non-overlapping, non-empty, known types, owner only on loader
 * ranges, usable ranges page aligned, adjacent equal entries merged.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "mm/physmap.h"

static struct physmap_entry out[1 + 63 * 20];
static struct physmap_entry keep[3];
static struct physmap_fake fake[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t desc_size, nr_keep, nr_fake, cap;
	int ret;

	if (size < 2)
		return 0;
	desc_size = data[0] >= 0xf0 ? (size_t)(data[0] % 40) : 40 + (size_t)(data[0] % 24);
	nr_keep = data[1] & 3;
	nr_fake = (size_t)(data[0] / 24) % 3;
	cap = 1 + (size_t)(data[1] >> 2) * 20;
	data += 2;
	size -= 2;
	if (size < nr_keep * 16)
		nr_keep = size / 16;
	for (size_t i = 0; i < nr_keep; i++) {
		uint64_t start, len;

		memcpy(&start, data, 8);
		memcpy(&len, data + 8, 8);
		keep[i].start = start & ~0xfffull;
		keep[i].end = len > UINT64_MAX - keep[i].start ? UINT64_MAX
							       : keep[i].start + len;
		keep[i].type = PHYSMAP_LOADER;
		keep[i].owner = 1 + (uint32_t)(start % (OWNER_MAX - 1));
		data += 16;
		size -= 16;
	}

	if (size < nr_fake * 16)
		nr_fake = size / 16;
	for (size_t i = 0; i < nr_fake; i++) {
		uint64_t start, len;

		memcpy(&start, data, 8);
		memcpy(&len, data + 8, 8);
		fake[i].start = start;
		fake[i].end = len > UINT64_MAX - start ? UINT64_MAX : start + len;
		fake[i].set = (start & 1) ? EFI_ATTR_SP : 0;
		fake[i].clear = (start & 1) ? 0 : EFI_ATTR_WB;
		data += 16;
		size -= 16;
	}

	ret = physmap_normalize_fake(size ? data : NULL, size, desc_size, nr_keep ? keep : NULL,
				     nr_keep, nr_fake ? fake : NULL, nr_fake, out, cap);
	if (desc_size < sizeof(struct efi_memory_descriptor) && size >= desc_size && desc_size)
		FUZZ_CHECK(ret == PHYSMAP_EBADDESC);
	if (ret < 0) {
		FUZZ_CHECK(ret == PHYSMAP_EBADDESC || ret == PHYSMAP_ENOSPC ||
			   ret == PHYSMAP_ETOOMANY);
		return 0;
	}
	FUZZ_CHECK((size_t)ret <= cap);
	for (int i = 0; i < ret; i++) {
		const struct physmap_entry *e = &out[i];

		FUZZ_CHECK(e->start < e->end);
		FUZZ_CHECK(e->type >= PHYSMAP_USABLE && e->type <= PHYSMAP_TYPE_MAX);
		FUZZ_CHECK(e->type == PHYSMAP_LOADER ? e->owner < OWNER_MAX : e->owner == 0);
		if (e->type == PHYSMAP_USABLE)
			FUZZ_CHECK(IS_ALIGNED(e->start, PAGE_SIZE) &&
				   (IS_ALIGNED(e->end, PAGE_SIZE) || e->end == UINT64_MAX));
		if (i) {
			const struct physmap_entry *p = &out[i - 1];

			FUZZ_CHECK(p->end <= e->start);
			FUZZ_CHECK(!(p->end == e->start && p->type == e->type &&
				     p->owner == e->owner));
		}
		FUZZ_CHECK(physmap_type_name(e->type) != NULL);
	}
	return 0;
}
