/*
 * physmap_test.c - host tests of mm/physmap.c: the EFI memory map
 * normaliser the loader runs before ExitBootServices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/physmap.h"
#include "test_support.h"

#define MAXD 4096

/* A raw map under construction, with a chosen descriptor size. */
struct rawmap {
	uint8_t buf[MAXD * 64];
	size_t desc_size;
	size_t n;
};

static void raw_init(struct rawmap *m, size_t desc_size)
{
	memset(m->buf, 0xa5, sizeof(m->buf));   /* padding must be ignored */
	m->desc_size = desc_size;
	m->n = 0;
}

static void raw_add_attr(struct rawmap *m, uint32_t type, uint64_t start, uint64_t pages,
			 uint64_t attr)
{
	struct efi_memory_descriptor d = {
		.type = type, .physical_start = start, .virtual_start = 0,
		.number_of_pages = pages, .attribute = attr,
	};

	assert_true(m->n < MAXD);
	memcpy(m->buf + m->n * m->desc_size, &d, sizeof(d));
	m->n++;
}

/* UC|WC|WT|WB: what OVMF reports for RAM. */
static void raw_add(struct rawmap *m, uint32_t type, uint64_t start, uint64_t pages)
{
	raw_add_attr(m, type, start, pages, 0xf);
}

static int raw_norm(struct rawmap *m, const struct physmap_entry *keep, size_t nk,
		    struct physmap_entry *out, size_t cap)
{
	return physmap_normalize(m->buf, m->n * m->desc_size, m->desc_size, keep, nk, out, cap);
}

static struct rawmap map;
static struct physmap_entry out[HANDOFF_PHYSMAP_MAX];

static void check_entry(const struct physmap_entry *e, uint64_t start, uint64_t end,
			uint32_t type, uint32_t owner)
{
	assert_int_equal(e->start, start);
	assert_int_equal(e->end, end);
	assert_int_equal(e->type, type);
	assert_int_equal(e->owner, owner);
}

static void test_physmap_normalize_unsorted(void **state)
{
	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100);
	raw_add(&map, EFI_RESERVED_MEMORY, 0xa0000, 0x60);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0xa0);
	raw_add(&map, EFI_ACPI_RECLAIM, 0x300000, 0x10);
	raw_add(&map, EFI_BOOT_SERVICES_DATA, 0x200000, 0x100);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 4);
	check_entry(&out[0], 0x0, 0xa0000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0xa0000, 0x100000, PHYSMAP_RESERVED, 0);
	/* conventional + boot-services data are both usable: merged */
	check_entry(&out[2], 0x100000, 0x300000, PHYSMAP_USABLE, 0);
	check_entry(&out[3], 0x300000, 0x310000, PHYSMAP_ACPI_RECLAIM, 0);
}

static void test_physmap_normalize_overlap_restrictive_wins(void **state)
{
	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0x1000);        /* 0 - 16M */
	raw_add(&map, EFI_ACPI_NVS, 0x200000, 0x10);
	raw_add(&map, EFI_UNUSABLE_MEMORY, 0x208000, 0x4);           /* inside the NVS */
	raw_add(&map, EFI_RUNTIME_DATA, 0x400000, 0x200);            /* 4M - 6M */
	raw_add(&map, EFI_ACPI_RECLAIM, 0x500000, 0x200);            /* 5M - 7M, half under runtime */
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 8);
	check_entry(&out[0], 0x0, 0x200000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x200000, 0x208000, PHYSMAP_ACPI_NVS, 0);
	check_entry(&out[2], 0x208000, 0x20c000, PHYSMAP_UNUSABLE, 0);
	check_entry(&out[3], 0x20c000, 0x210000, PHYSMAP_ACPI_NVS, 0);
	check_entry(&out[4], 0x210000, 0x400000, PHYSMAP_USABLE, 0);
	check_entry(&out[5], 0x400000, 0x600000, PHYSMAP_RESERVED, 0);
	check_entry(&out[6], 0x600000, 0x700000, PHYSMAP_ACPI_RECLAIM, 0);
	check_entry(&out[7], 0x700000, 0x1000000, PHYSMAP_USABLE, 0);
}

static void test_physmap_normalize_zero_length_and_mmio(void **state)
{
	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x1000, 0);
	raw_add(&map, EFI_RESERVED_MEMORY, 0x0, 0);
	raw_add(&map, EFI_MMIO, 0xfec00000, 1);
	raw_add(&map, EFI_MMIO_PORT_SPACE, 0xfed00000, 1);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x100000, 1);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 1);
	check_entry(&out[0], 0x100000, 0x101000, PHYSMAP_USABLE, 0);

	raw_init(&map, 40);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 0);
	assert_int_equal(physmap_normalize(NULL, 0, 40, NULL, 0, out, 4), 0);
}

static void test_physmap_normalize_many_entries(void **state)
{
	/* 1500 alternating descriptors in reverse order: 750 usable pages
	 * separated by reserved pages; none merge. */
	raw_init(&map, 48);
	for (int i = 1499; i >= 0; i--)
		raw_add(&map, (i & 1) ? EFI_RUNTIME_CODE : EFI_CONVENTIONAL_MEMORY,
			0x100000 + (uint64_t)i * 0x2000, 2);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), PHYSMAP_ENOSPC);

	raw_init(&map, 48);
	for (int i = 999; i >= 0; i--)
		raw_add(&map, (i & 1) ? EFI_RUNTIME_CODE : EFI_CONVENTIONAL_MEMORY,
			0x100000 + (uint64_t)i * 0x2000, 2);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 1000);
	for (int i = 0; i < 1000; i++)
		check_entry(&out[i], 0x100000 + (uint64_t)i * 0x2000, 0x102000 + (uint64_t)i * 0x2000,
			    (i & 1) ? PHYSMAP_RESERVED : PHYSMAP_USABLE, 0);

	/* 600 contiguous conventional descriptors collapse into one entry. */
	raw_init(&map, 40);
	for (int i = 0; i < 600; i++)
		raw_add(&map, EFI_CONVENTIONAL_MEMORY, (uint64_t)((i * 7) % 600) * 0x1000, 1);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 1);
	check_entry(&out[0], 0, 600 * 0x1000, PHYSMAP_USABLE, 0);
}

static void test_physmap_normalize_unaligned_usable(void **state)
{
	/* Hostile firmware: usable memory not page aligned is shrunk inward;
	 * the reserved neighbour keeps its exact bounds. */
	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x10800, 4);        /* 0x10800-0x14800 */
	raw_add(&map, EFI_RESERVED_MEMORY, 0x14800, 1);             /* 0x14800-0x15800 */
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x15800, 1);         /* no whole page: dropped */
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 2);
	check_entry(&out[0], 0x11000, 0x14000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x14800, 0x15800, PHYSMAP_RESERVED, 0);

	/* A kept range with an odd end cuts a usable range: the rest of that
	 * page is not usable. */
	struct physmap_entry keep = { 0x20000, 0x20100, PHYSMAP_LOADER, OWNER_HANDOFF };

	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x20000, 4);
	assert_int_equal(raw_norm(&map, &keep, 1, out, HANDOFF_PHYSMAP_MAX), 2);
	check_entry(&out[0], 0x20000, 0x20100, PHYSMAP_LOADER, OWNER_HANDOFF);
	check_entry(&out[1], 0x21000, 0x24000, PHYSMAP_USABLE, 0);
}

static void test_physmap_normalize_desc_size_48(void **state)
{
	raw_init(&map, 48);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0x9f);
	raw_add(&map, EFI_LOADER_CODE, 0x100000, 0x10);
	raw_add(&map, EFI_PERSISTENT_MEMORY, 0x100000000ULL, 0x40000);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 3);
	check_entry(&out[0], 0x0, 0x9f000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x100000, 0x110000, PHYSMAP_USABLE, 0);
	check_entry(&out[2], 0x100000000ULL, 0x140000000ULL, PHYSMAP_PERSISTENT, 0);
	/* A trailing partial descriptor is ignored. */
	assert_int_equal(physmap_normalize(map.buf, 3 * 48 - 1, 48, NULL, 0, out, 16), 2);
}

static void test_physmap_normalize_bad_desc_size(void **state)
{
	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 1);
	assert_int_equal(physmap_normalize(map.buf, 40, 39, NULL, 0, out, 4), PHYSMAP_EBADDESC);
	assert_int_equal(physmap_normalize(map.buf, 40, 0, NULL, 0, out, 4), PHYSMAP_EBADDESC);
	assert_int_equal(physmap_normalize(NULL, 40, 40, NULL, 0, out, 4), PHYSMAP_EBADDESC);
}

static void test_physmap_normalize_loader_keeps_override(void **state)
{
	struct physmap_entry keep[] = {
		{ 0x1200000, 0x1400000, PHYSMAP_LOADER, OWNER_KERNEL },
		{ 0x1400000, 0x1401000, PHYSMAP_LOADER, OWNER_HANDOFF },
		{ 0x1401000, 0x1403000, PHYSMAP_LOADER, OWNER_HANDOFF },   /* merges */
		{ 0x7000, 0x8000, PHYSMAP_LOADER, OWNER_SMP_TRAMP },
		{ 0xa0000, 0xa1000, PHYSMAP_LOADER, OWNER_STACK },          /* over reserved: loses */
	};

	raw_init(&map, 48);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0xa0);
	raw_add(&map, EFI_RESERVED_MEMORY, 0xa0000, 0x60);
	raw_add(&map, EFI_LOADER_DATA, 0x1000000, 0x800);           /* 16M - 24M */
	assert_int_equal(raw_norm(&map, keep, ARRAY_SIZE(keep), out, HANDOFF_PHYSMAP_MAX), 8);
	check_entry(&out[0], 0x0, 0x7000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x7000, 0x8000, PHYSMAP_LOADER, OWNER_SMP_TRAMP);
	check_entry(&out[2], 0x8000, 0xa0000, PHYSMAP_USABLE, 0);
	check_entry(&out[3], 0xa0000, 0x100000, PHYSMAP_RESERVED, 0);
	check_entry(&out[4], 0x1000000, 0x1200000, PHYSMAP_USABLE, 0);
	check_entry(&out[5], 0x1200000, 0x1400000, PHYSMAP_LOADER, OWNER_KERNEL);
	check_entry(&out[6], 0x1400000, 0x1403000, PHYSMAP_LOADER, OWNER_HANDOFF);
	check_entry(&out[7], 0x1403000, 0x1800000, PHYSMAP_USABLE, 0);
}

static void test_physmap_normalize_enospc(void **state)
{
	raw_init(&map, 40);
	for (int i = 0; i < 10; i++)
		raw_add(&map, (i & 1) ? EFI_ACPI_NVS : EFI_CONVENTIONAL_MEMORY, (uint64_t)i << 12, 1);
	assert_int_equal(raw_norm(&map, NULL, 0, out, 10), 10);
	assert_int_equal(raw_norm(&map, NULL, 0, out, 9), PHYSMAP_ENOSPC);
	assert_int_equal(raw_norm(&map, NULL, 0, out, 0), PHYSMAP_ENOSPC);
}

static void test_physmap_normalize_too_many(void **state)
{
	static struct physmap_entry keep[2];

	raw_init(&map, 40);
	for (int i = 0; i < PHYSMAP_MAX_INPUT; i++)
		raw_add(&map, EFI_CONVENTIONAL_MEMORY, (uint64_t)i << 12, 1);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 1);
	keep[0] = (struct physmap_entry){ 0, 0x1000, PHYSMAP_LOADER, OWNER_KERNEL };
	assert_int_equal(raw_norm(&map, keep, 1, out, HANDOFF_PHYSMAP_MAX), PHYSMAP_ETOOMANY);
}

/* Issue 8: a map longer than PHYSMAP_MAX_INPUT normalises through a
 * scratch buffer sized from its real length (the loader's way). */
static void test_physmap_normalize_scratch_long_map(void **state)
{
	static struct physmap_entry keep[2];
	size_t nd = PHYSMAP_MAX_INPUT + 1000, sz;
	void *scratch;

	raw_init(&map, 48);
	for (size_t i = 0; i < nd; i++)     /* alternating types: nothing merges */
		raw_add(&map, (i & 1) ? EFI_RESERVED_MEMORY : EFI_CONVENTIONAL_MEMORY,
			(uint64_t)i << 12, 1);
	keep[0] = (struct physmap_entry){ 0, 0x1000, PHYSMAP_LOADER, OWNER_KERNEL };
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), PHYSMAP_ETOOMANY);
	sz = physmap_scratch_size(nd, 1, 0);
	scratch = malloc(sz);
	assert_non_null(scratch);
	/* The handoff's 1024 entries are too few for 3048 distinct ranges ... */
	assert_int_equal(physmap_normalize_scratch(map.buf, nd * 48, 48, keep, 1, NULL, 0, scratch,
						   sz, out, HANDOFF_PHYSMAP_MAX), PHYSMAP_ENOSPC);
	/* ... and a scratch one event short is refused, not overrun. */
	assert_int_equal(physmap_normalize_scratch(map.buf, nd * 48, 48, keep, 1, NULL, 0, scratch,
						   sz - 16, out, HANDOFF_PHYSMAP_MAX), PHYSMAP_ETOOMANY);
	/* Typical long maps merge: 3048 descriptors of one type are one range. */
	raw_init(&map, 48);
	for (size_t i = 0; i < nd; i++)
		raw_add(&map, (i & 1) ? EFI_BOOT_SERVICES_DATA : EFI_CONVENTIONAL_MEMORY,
			(uint64_t)i << 12, 1);
	assert_int_equal(physmap_normalize_scratch(map.buf, nd * 48, 48, keep, 1, NULL, 0, scratch,
						   sz, out, HANDOFF_PHYSMAP_MAX), 2);
	check_entry(&out[0], 0, 0x1000, PHYSMAP_LOADER, OWNER_KERNEL);
	check_entry(&out[1], 0x1000, (uint64_t)nd << 12, PHYSMAP_USABLE, 0);
	free(scratch);
	assert_true(physmap_scratch_size(SIZE_MAX / 2, 0, 0) == SIZE_MAX);
}

/* Issue 8: what lies beyond the direct map is dropped, RAM counted. */
static void test_physmap_clip_above_limit(void **state)
{
	struct physmap_entry m[4] = {
		{ 0, 0x1000000, PHYSMAP_USABLE, 0 },
		{ 0x3000000, 0x5000000, PHYSMAP_USABLE, 0 },        /* straddles 0x4000000 */
		{ 0x5000000, 0x6000000, PHYSMAP_RESERVED, 0 },
		{ 0x6000000, 0x7000000, PHYSMAP_LOADER, OWNER_PGTABLE },
	};
	uint64_t ram;

	assert_int_equal(physmap_clip(m, 4, 0x4000000, &ram), 2);
	assert_int_equal(ram, 0x1000000 + 0x1000000);       /* reserved not counted */
	assert_int_equal(m[1].end, 0x4000000);
	assert_int_equal(physmap_clip(m, 2, 0x4000000, &ram), 2);
	assert_int_equal(ram, 0);
}

static void test_physmap_normalize_overflow_clamped(void **state)
{
	raw_init(&map, 40);
	raw_add(&map, EFI_RESERVED_MEMORY, 0xfffffffffff00000ULL, 0x1000000);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, ~0ULL);
	assert_int_equal(raw_norm(&map, NULL, 0, out, HANDOFF_PHYSMAP_MAX), 2);
	check_entry(&out[0], 0x0, 0xfffffffffff00000ULL, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0xfffffffffff00000ULL, PAGE_MASK, PHYSMAP_RESERVED, 0);
}

/* Random maps checked granule by granule against a brute-force model. */
#define GRAN      0x400ULL
#define NGRAN     512
static uint32_t model_rank(uint32_t type, uint32_t owner)
{
	/* by PHYSMAP_* type: usable, reserved, ACPI, NVS, unusable, persistent,
	 * loader, soft reserved, unaccepted */
	static const uint32_t base[] = { 0, 1, 44, 42, 43, 45, 40, 16, 8, 41 };

	return type == PHYSMAP_LOADER ? 16 + owner : base[type];
}

static void test_physmap_normalize_random_vs_model(void **state)
{
	static const uint32_t efi_types[] = {
		EFI_CONVENTIONAL_MEMORY, EFI_CONVENTIONAL_MEMORY, EFI_BOOT_SERVICES_DATA,
		EFI_LOADER_DATA, EFI_RESERVED_MEMORY, EFI_ACPI_RECLAIM, EFI_ACPI_NVS,
		EFI_UNUSABLE_MEMORY, EFI_MMIO, EFI_PERSISTENT_MEMORY, EFI_RUNTIME_CODE, 0x80000001,
		EFI_UNACCEPTED_MEMORY, EFI_BOOT_SERVICES_CODE,
	};
	static const uint64_t attrs[] = { 0xf, 0xf, 0xf, 0x8, 0x1, 0x0, 0xf | EFI_ATTR_SP, EFI_ATTR_SP };
	struct physmap_fake fake[2];
	uint32_t want_rank[NGRAN];
	struct physmap_entry keep[8];

	srand(1234);
	for (int iter = 0; iter < 2000; iter++) {
		int nd = rand() % 40, nk = rand() % 4, nf = rand() % 3, n;

		raw_init(&map, (rand() & 1) ? 40 : 48);
		memset(want_rank, 0, sizeof(want_rank));
		for (int i = 0; i < nd; i++) {
			uint32_t t = efi_types[rand() % ARRAY_SIZE(efi_types)];
			/* mostly page aligned, sometimes hostile granule offsets */
			uint64_t g = (uint64_t)(rand() % NGRAN);
			uint64_t s = (rand() % 4) ? ALIGN_DOWN(g * GRAN, PAGE_SIZE) : g * GRAN;
			uint64_t pages = (uint64_t)(rand() % 16);
			uint64_t at = attrs[rand() % ARRAY_SIZE(attrs)];
			uint32_t kt = physmap_classify(t, at);

			raw_add_attr(&map, t, s, pages, at);
			for (uint64_t a = s; kt && a < s + pages * PAGE_SIZE && a < NGRAN * GRAN; a += GRAN)
				want_rank[a / GRAN] = MAX(want_rank[a / GRAN], model_rank(kt, 0));
		}
		for (int i = 0; i < nk; i++) {
			uint64_t s = (uint64_t)(rand() % NGRAN) * GRAN, len = (uint64_t)(rand() % 16) * GRAN;
			uint32_t owner = 1 + rand() % (OWNER_MAX - 1);

			keep[i] = (struct physmap_entry){ s, s + len, PHYSMAP_LOADER, owner };
			for (uint64_t a = s; a < s + len && a < NGRAN * GRAN; a += GRAN)
				want_rank[a / GRAN] = MAX(want_rank[a / GRAN], model_rank(PHYSMAP_LOADER, owner));
		}
		/* A fake turns granules whose winner is plain usable into soft
		 * reserved (set SP, checked first) or reserved (clear WB). */
		uint32_t fake_rank[NGRAN] = { 0 };

		for (int i = 0; i < nf; i++) {
			uint64_t s = (uint64_t)(rand() % NGRAN) * GRAN, len = (uint64_t)(rand() % 64) * GRAN;
			bool sp = rand() & 1;

			fake[i] = (struct physmap_fake){ s, s + len, sp ? EFI_ATTR_SP : 0,
							 sp ? 0 : EFI_ATTR_WB };
			for (uint64_t a = s; a < s + len && a < NGRAN * GRAN; a += GRAN)
				if (fake_rank[a / GRAN] != 8)
					fake_rank[a / GRAN] = sp ? 8 : 44;
		}
		for (int g = 0; g < NGRAN; g++)
			if (want_rank[g] == 1 && fake_rank[g])
				want_rank[g] = fake_rank[g];
		n = physmap_normalize_fake(map.buf, map.n * map.desc_size, map.desc_size, keep, nk,
					   fake, nf, out, HANDOFF_PHYSMAP_MAX);
		assert_true(n >= 0);

		uint32_t got_rank[NGRAN + 16] = { 0 };

		for (int i = 0; i < n; i++) {
			const struct physmap_entry *e = &out[i];

			assert_true(e->start < e->end);
			assert_true(e->start % GRAN == 0 && e->end % GRAN == 0);
			if (i > 0) {
				assert_true(out[i - 1].end <= e->start);
				assert_false(out[i - 1].end == e->start && out[i - 1].type == e->type &&
					     out[i - 1].owner == e->owner);
			}
			if (e->type == PHYSMAP_USABLE)
				assert_true(IS_ALIGNED(e->start, PAGE_SIZE) && IS_ALIGNED(e->end, PAGE_SIZE));
			assert_int_equal(e->owner != 0, e->type == PHYSMAP_LOADER);
			for (uint64_t a = e->start; a < e->end && a < (NGRAN + 16) * GRAN; a += GRAN)
				got_rank[a / GRAN] = model_rank(e->type, e->owner);
		}
		for (int g = 0; g < NGRAN; g++) {
			if (got_rank[g] == want_rank[g])
				continue;
			/* Only usable slivers in a partially usable page may vanish. */
			assert_int_equal(got_rank[g], 0);
			assert_int_equal(want_rank[g], 1);
			uint64_t pg = ALIGN_DOWN(g * GRAN, PAGE_SIZE);
			bool whole = true;

			for (uint64_t a = pg; a < pg + PAGE_SIZE; a += GRAN)
				if (a / GRAN >= NGRAN || want_rank[a / GRAN] != 1)
					whole = false;
			assert_false(whole);
		}
	}
}

static void test_physmap_names(void **state)
{
	assert_string_equal(physmap_type_name(PHYSMAP_ACPI_RECLAIM), "ACPI data");
	assert_string_equal(physmap_type_name(99), "unknown");
	assert_string_equal(physmap_owner_name(OWNER_PGTABLE), "page tables");
	assert_int_equal(physmap_type_from_efi(EFI_MMIO), 0);
	assert_int_equal(physmap_type_from_efi(EFI_BOOT_SERVICES_CODE), PHYSMAP_USABLE);
	assert_int_equal(physmap_type_from_efi(0x70000000), PHYSMAP_RESERVED);
	assert_int_equal(physmap_type_from_efi(EFI_UNACCEPTED_MEMORY), PHYSMAP_UNACCEPTED);
	assert_string_equal(physmap_type_name(PHYSMAP_SOFT_RESERVED), "soft reserved");
	assert_string_equal(physmap_type_name(PHYSMAP_UNACCEPTED), "unaccepted");
}

/* Linux's do_add_efi_memmap(): SP first, then WB, for every usable type. */
static void test_physmap_classify(void **state)
{
	assert_int_equal(physmap_classify(EFI_CONVENTIONAL_MEMORY, EFI_ATTR_WB), PHYSMAP_USABLE);
	assert_int_equal(physmap_classify(EFI_CONVENTIONAL_MEMORY, 0xf), PHYSMAP_USABLE);
	assert_int_equal(physmap_classify(EFI_CONVENTIONAL_MEMORY, EFI_ATTR_UC), PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_CONVENTIONAL_MEMORY, 0), PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_BOOT_SERVICES_DATA, EFI_ATTR_UC | EFI_ATTR_WC),
			 PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_CONVENTIONAL_MEMORY, 0xf | EFI_ATTR_SP),
			 PHYSMAP_SOFT_RESERVED);
	assert_int_equal(physmap_classify(EFI_LOADER_CODE, EFI_ATTR_SP), PHYSMAP_SOFT_RESERVED);
	assert_int_equal(physmap_classify(EFI_PERSISTENT_MEMORY, 0xf), PHYSMAP_PERSISTENT);
	assert_int_equal(physmap_classify(EFI_PERSISTENT_MEMORY, 0xf | EFI_ATTR_NV),
			 PHYSMAP_PERSISTENT);
	assert_int_equal(physmap_classify(EFI_UNACCEPTED_MEMORY, 0xf), PHYSMAP_UNACCEPTED);
	/* attributes never make a non-usable type usable, nor change it */
	assert_int_equal(physmap_classify(EFI_ACPI_RECLAIM, EFI_ATTR_SP | 0xf), PHYSMAP_ACPI_RECLAIM);
	/* ACPI memory the firmware does not allow write-back is not mapped as such */
	assert_int_equal(physmap_classify(EFI_ACPI_RECLAIM, EFI_ATTR_UC), PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_ACPI_NVS, 0), PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_ACPI_NVS, EFI_ATTR_UC | EFI_ATTR_WB), PHYSMAP_ACPI_NVS);
	assert_int_equal(physmap_classify(EFI_RUNTIME_DATA, 0xf | EFI_ATTR_RUNTIME),
			 PHYSMAP_RESERVED);
	assert_int_equal(physmap_classify(EFI_MMIO, 0x1), 0);
	assert_false(physmap_is_ram(PHYSMAP_SOFT_RESERVED));
	assert_false(physmap_is_ram(PHYSMAP_UNACCEPTED));
	assert_false(physmap_is_ram(PHYSMAP_PERSISTENT));
	assert_true(physmap_is_ram(PHYSMAP_USABLE));
	assert_true(physmap_is_ram(PHYSMAP_LOADER));
}

/* A map as a machine with HBM/CXL, an uncached window, NVDIMM and a
 * confidential guest's unaccepted memory reports it. */
static void test_physmap_normalize_attributes(void **state)
{
	static const struct physmap_entry keep[] = {
		{ 0x2000000, 0x2001000, PHYSMAP_LOADER, OWNER_KERNEL },   /* inside the SP range */
	};

	raw_init(&map, 48);
	raw_add_attr(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0x1000, 0xf);               /* 0-16M */
	raw_add_attr(&map, EFI_CONVENTIONAL_MEMORY, 0x1000000, 0x1000, 0xf | EFI_ATTR_SP);
	raw_add_attr(&map, EFI_BOOT_SERVICES_DATA, 0x2000000, 0x1000, 0xf | EFI_ATTR_SP);
	raw_add_attr(&map, EFI_CONVENTIONAL_MEMORY, 0x3000000, 0x1000, EFI_ATTR_UC);
	raw_add_attr(&map, EFI_PERSISTENT_MEMORY, 0x4000000, 0x1000, 0xf | EFI_ATTR_NV);
	raw_add_attr(&map, EFI_UNACCEPTED_MEMORY, 0x5000000, 0x1000, 0xf);
	raw_add_attr(&map, EFI_CONVENTIONAL_MEMORY, 0x6000000, 0x1000, 0xf);
	assert_int_equal(raw_norm(&map, keep, 1, out, HANDOFF_PHYSMAP_MAX), 8);
	check_entry(&out[0], 0x0, 0x1000000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x1000000, 0x2000000, PHYSMAP_SOFT_RESERVED, 0);
	/* what the loader holds stays kept even where the map says SP */
	check_entry(&out[2], 0x2000000, 0x2001000, PHYSMAP_LOADER, OWNER_KERNEL);
	check_entry(&out[3], 0x2001000, 0x3000000, PHYSMAP_SOFT_RESERVED, 0);
	check_entry(&out[4], 0x3000000, 0x4000000, PHYSMAP_RESERVED, 0);
	check_entry(&out[5], 0x4000000, 0x5000000, PHYSMAP_PERSISTENT, 0);
	check_entry(&out[6], 0x5000000, 0x6000000, PHYSMAP_UNACCEPTED, 0);
	check_entry(&out[7], 0x6000000, 0x7000000, PHYSMAP_USABLE, 0);
}

/* efi_fake_mem: set SP / clear WB over usable memory only, never creating
 * memory in a hole, never changing ACPI or loader-kept ranges. */
static void test_physmap_normalize_fake(void **state)
{
	static const struct physmap_entry keep[] = {
		{ 0x1800000, 0x1801000, PHYSMAP_LOADER, OWNER_PGTABLE },
	};
	static const struct physmap_fake fake[] = {
		{ 0x1000000, 0x2000000, EFI_ATTR_SP, 0 },          /* 16M-32M: SP */
		{ 0x3000000, 0x5000000, 0, EFI_ATTR_WB },          /* 48M-80M: no WB, over a hole */
		{ 0x5800000, 0x5900000, EFI_ATTR_SP, 0 },          /* over ACPI: nothing */
		{ 0x6000000, 0x6100000, EFI_ATTR_RO, EFI_ATTR_XP }, /* other bits: nothing */
	};

	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0x4000);        /* 0-64M */
	raw_add(&map, EFI_ACPI_RECLAIM, 0x5800000, 0x100);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x6000000, 0x1000);
	assert_int_equal(physmap_normalize_fake(map.buf, map.n * 40, 40, keep, 1, fake, 4, out,
						HANDOFF_PHYSMAP_MAX), 8);
	check_entry(&out[0], 0x0, 0x1000000, PHYSMAP_USABLE, 0);
	check_entry(&out[1], 0x1000000, 0x1800000, PHYSMAP_SOFT_RESERVED, 0);
	check_entry(&out[2], 0x1800000, 0x1801000, PHYSMAP_LOADER, OWNER_PGTABLE);
	check_entry(&out[3], 0x1801000, 0x2000000, PHYSMAP_SOFT_RESERVED, 0);
	check_entry(&out[4], 0x2000000, 0x3000000, PHYSMAP_USABLE, 0);
	check_entry(&out[5], 0x3000000, 0x4000000, PHYSMAP_RESERVED, 0);
	check_entry(&out[6], 0x5800000, 0x5900000, PHYSMAP_ACPI_RECLAIM, 0);
	check_entry(&out[7], 0x6000000, 0x7000000, PHYSMAP_USABLE, 0);
}

static void test_physmap_normalize_fake_limits(void **state)
{
	static struct physmap_fake fake[PHYSMAP_MAX_FAKE + 1];

	raw_init(&map, 40);
	raw_add(&map, EFI_CONVENTIONAL_MEMORY, 0x0, 0x10);
	assert_int_equal(physmap_normalize_fake(map.buf, 40, 40, NULL, 0, fake,
						PHYSMAP_MAX_FAKE + 1, out, 4), PHYSMAP_ETOOMANY);
	assert_int_equal(physmap_normalize_fake(map.buf, 40, 40, NULL, 0, NULL, 1, out, 4),
			 PHYSMAP_EBADDESC);
	/* empty fakes are ignored */
	assert_int_equal(physmap_normalize_fake(map.buf, 40, 40, NULL, 0, fake, PHYSMAP_MAX_FAKE,
						out, 4), 1);
	check_entry(&out[0], 0x0, 0x10000, PHYSMAP_USABLE, 0);
}

static void test_physmap_parse_fake(void **state)
{
	struct physmap_fake f[PHYSMAP_MAX_FAKE];
	char err[128];

	assert_int_equal(physmap_parse_fake("256M@0x50000000:0x40000", f, 8, err, sizeof(err)), 1);
	assert_int_equal(f[0].start, 0x50000000);
	assert_int_equal(f[0].end, 0x60000000);
	assert_int_equal(f[0].set, EFI_ATTR_SP);
	assert_int_equal(f[0].clear, 0);
	assert_int_equal(physmap_parse_fake("4K@1G:~0x8,0x2000@4096:0x40000 next", f, 8, err,
					    sizeof(err)), 2);
	assert_int_equal(f[0].start, 1ULL << 30);
	assert_int_equal(f[0].end, (1ULL << 30) + 4096);
	assert_int_equal(f[0].set, 0);
	assert_int_equal(f[0].clear, EFI_ATTR_WB);
	assert_int_equal(f[1].start, 4096);
	assert_int_equal(f[1].end, 4096 + 0x2000);
	assert_int_equal(physmap_parse_fake("", f, 8, err, sizeof(err)), 0);

	assert_int_equal(physmap_parse_fake("256M@0x50000000", f, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "item 1"));
	assert_int_equal(physmap_parse_fake("1M@0:0x8,junk", f, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "item 2"));
	assert_int_equal(physmap_parse_fake("1M@0:40000", f, 8, err, sizeof(err)), -1);
	assert_int_equal(physmap_parse_fake("0@0:0x8", f, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty or wrapping"));
	assert_int_equal(physmap_parse_fake("2M@0xffffffffffffffff:0x8", f, 8, err, sizeof(err)), -1);
	assert_int_equal(physmap_parse_fake("99999999999999999999@0:0x8", f, 8, err, sizeof(err)), -1);
	assert_int_equal(physmap_parse_fake("17179869184G@0:0x8", f, 8, err, sizeof(err)), -1);
	assert_int_equal(physmap_parse_fake("1M@0:0x8,1M@2M:0x8", f, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 1"));
}

static void test_physmap_first_above(void **state)
{
	static const struct physmap_entry m[] = {
		{ 0x1000, 0x2000, PHYSMAP_USABLE, 0 },
		{ 0x3000, 0x4000, PHYSMAP_RESERVED, 0 },
		{ 0x4000, 0x8000, PHYSMAP_USABLE, 0 },
	};

	assert_int_equal(physmap_first_above(m, 3, 0), 0);
	assert_int_equal(physmap_first_above(m, 3, 0x1fff), 0);
	assert_int_equal(physmap_first_above(m, 3, 0x2000), 1);
	assert_int_equal(physmap_first_above(m, 3, 0x3fff), 1);
	assert_int_equal(physmap_first_above(m, 3, 0x4000), 2);
	assert_int_equal(physmap_first_above(m, 3, 0x8000), 3);
	assert_int_equal(physmap_first_above(m, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_physmap_normalize_unsorted),
		cmocka_unit_test(test_physmap_normalize_overlap_restrictive_wins),
		cmocka_unit_test(test_physmap_normalize_zero_length_and_mmio),
		cmocka_unit_test(test_physmap_normalize_many_entries),
		cmocka_unit_test(test_physmap_normalize_unaligned_usable),
		cmocka_unit_test(test_physmap_normalize_desc_size_48),
		cmocka_unit_test(test_physmap_normalize_bad_desc_size),
		cmocka_unit_test(test_physmap_normalize_loader_keeps_override),
		cmocka_unit_test(test_physmap_normalize_enospc),
		cmocka_unit_test(test_physmap_normalize_too_many),
		cmocka_unit_test(test_physmap_normalize_scratch_long_map),
		cmocka_unit_test(test_physmap_clip_above_limit),
		cmocka_unit_test(test_physmap_normalize_overflow_clamped),
		cmocka_unit_test(test_physmap_normalize_random_vs_model),
		cmocka_unit_test(test_physmap_names),
		cmocka_unit_test(test_physmap_classify),
		cmocka_unit_test(test_physmap_normalize_attributes),
		cmocka_unit_test(test_physmap_normalize_fake),
		cmocka_unit_test(test_physmap_normalize_fake_limits),
		cmocka_unit_test(test_physmap_parse_fake),
		cmocka_unit_test(test_physmap_first_above),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
