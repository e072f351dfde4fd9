/*
 * physmap.c - normalise the firmware's memory map into the handoff's sorted,
 * non-overlapping struct physmap_entry list (see physmap.h).
 *
 * Method: a boundary sweep.  Every descriptor and every loader-kept range
 * becomes two events (open at start, close at end) tagged with a rank; the
 * events are heap-sorted by address; walking them keeps a count per rank and
 * a 64-bit mask of ranks with a non-zero count, so the winning (most
 * restrictive) type at any address is the mask's top bit.  A new output
 * entry starts wherever the winner changes.  O(n log n), no allocation, no
 * recursion: the events live in a bounded static array (the loader calls us
 * between GetMemoryMap and ExitBootServices, where allocating would change
 * the map key).  Not reentrant; nobody needs it to be.
 *
 * Freestanding and linked into the loader: no printk/panic, errors are
 * returned.
 */
#include "types.h"
#include "handoff.h"
#include "mm/physmap.h"

/*
 * Ranks: a higher rank wins where ranges overlap.
 *   usable < loader (owner 1..15, the higher owner wins) < persistent
 *   < ACPI reclaim < ACPI NVS < reserved < unusable
 */
#define RANK_NONE        0
#define RANK_USABLE      1
#define RANK_LOADER(o)   (16 + (o))          /* 16..31 */
#define RANK_PERSISTENT  40
#define RANK_ACPI        41
#define RANK_NVS         42
#define RANK_RESERVED    43
#define RANK_UNUSABLE    44
#define RANK_COUNT       64

_Static_assert(OWNER_MAX <= 16, "loader owners must fit ranks 16..31");

struct physmap_event {
	uint64_t addr;
	uint32_t rank;
	int32_t  delta;         /* +1 open, -1 close */
};

static struct physmap_event physmap_events[2 * PHYSMAP_MAX_INPUT];

uint32_t physmap_type_from_efi(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return PHYSMAP_USABLE;
	case EFI_UNUSABLE_MEMORY:
		return PHYSMAP_UNUSABLE;
	case EFI_ACPI_RECLAIM:
		return PHYSMAP_ACPI_RECLAIM;
	case EFI_ACPI_NVS:
		return PHYSMAP_ACPI_NVS;
	case EFI_MMIO:
	case EFI_MMIO_PORT_SPACE:
		return 0;
	case EFI_PERSISTENT_MEMORY:
		return PHYSMAP_PERSISTENT;
	case EFI_RESERVED_MEMORY:
	case EFI_RUNTIME_CODE:
	case EFI_RUNTIME_DATA:
	case EFI_PAL_CODE:
	case EFI_UNACCEPTED_MEMORY:     /* needs accepting (TDX/SNP) before use */
	default:                        /* OEM/OS-defined and unknown types */
		return PHYSMAP_RESERVED;
	}
}

const char *physmap_type_name(uint32_t type)
{
	switch (type) {
	case PHYSMAP_USABLE:       return "usable";
	case PHYSMAP_RESERVED:     return "reserved";
	case PHYSMAP_ACPI_RECLAIM: return "ACPI data";
	case PHYSMAP_ACPI_NVS:     return "ACPI NVS";
	case PHYSMAP_UNUSABLE:     return "unusable";
	case PHYSMAP_PERSISTENT:   return "persistent";
	case PHYSMAP_LOADER:       return "loader";
	default:                   return "unknown";
	}
}

const char *physmap_owner_name(uint32_t owner)
{
	switch (owner) {
	case OWNER_NONE:       return "none";
	case OWNER_KERNEL:     return "kernel";
	case OWNER_HANDOFF:    return "handoff";
	case OWNER_PGTABLE:    return "page tables";
	case OWNER_STACK:      return "stack";
	case OWNER_KTEXT:      return "kernel text copy";
	case OWNER_EFI_MAP:    return "EFI map";
	case OWNER_TRAMPOLINE: return "trampoline";
	case OWNER_SMP_TRAMP:  return "SMP trampoline";
	default:               return "unknown";
	}
}

/* Kernel type (and owner for PHYSMAP_LOADER) -> rank; unknown types rank as
 * reserved, the safe reading. */
static uint32_t physmap_rank(uint32_t type, uint32_t owner)
{
	switch (type) {
	case PHYSMAP_USABLE:       return RANK_USABLE;
	case PHYSMAP_LOADER:       return RANK_LOADER(owner < OWNER_MAX ? owner : 0);
	case PHYSMAP_PERSISTENT:   return RANK_PERSISTENT;
	case PHYSMAP_ACPI_RECLAIM: return RANK_ACPI;
	case PHYSMAP_ACPI_NVS:     return RANK_NVS;
	case PHYSMAP_UNUSABLE:     return RANK_UNUSABLE;
	default:                   return RANK_RESERVED;
	}
}

static void physmap_unrank(uint32_t rank, uint32_t *type, uint32_t *owner)
{
	*owner = OWNER_NONE;
	if (rank >= RANK_LOADER(0) && rank < RANK_LOADER(16)) {
		*type = PHYSMAP_LOADER;
		*owner = rank - RANK_LOADER(0);
		return;
	}
	switch (rank) {
	case RANK_USABLE:     *type = PHYSMAP_USABLE; break;
	case RANK_PERSISTENT: *type = PHYSMAP_PERSISTENT; break;
	case RANK_ACPI:       *type = PHYSMAP_ACPI_RECLAIM; break;
	case RANK_NVS:        *type = PHYSMAP_ACPI_NVS; break;
	case RANK_UNUSABLE:   *type = PHYSMAP_UNUSABLE; break;
	default:              *type = PHYSMAP_RESERVED; break;
	}
}

/* In-place heapsort of ev[0..n) by address (no recursion, no allocation). */
static void physmap_sift(struct physmap_event *ev, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct physmap_event tmp;

		if (child >= n)
			return;
		if (child + 1 < n && ev[child + 1].addr > ev[child].addr)
			child++;
		if (ev[root].addr >= ev[child].addr)
			return;
		tmp = ev[root];
		ev[root] = ev[child];
		ev[child] = tmp;
		root = child;
	}
}

static void physmap_sort(struct physmap_event *ev, size_t n)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		physmap_sift(ev, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		struct physmap_event tmp = ev[0];

		ev[0] = ev[end];
		ev[end] = tmp;
		physmap_sift(ev, 0, end);
	}
}

/* Append [start, end) of the given rank to out, page-aligning usable memory
 * inward and merging with an adjacent equal predecessor.  Returns 0, or
 * PHYSMAP_ENOSPC. */
static int physmap_emit(struct physmap_entry *out, size_t cap, size_t *nr,
			uint64_t start, uint64_t end, uint32_t rank)
{
	uint32_t type, owner;

	if (rank == RANK_NONE)
		return 0;
	physmap_unrank(rank, &type, &owner);
	if (type == PHYSMAP_USABLE) {
		start = ALIGN_UP(start, PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
	}
	if (start >= end)
		return 0;
	if (*nr > 0) {
		struct physmap_entry *prev = &out[*nr - 1];

		if (prev->end == start && prev->type == type && prev->owner == owner) {
			prev->end = end;
			return 0;
		}
	}
	if (*nr >= cap)
		return PHYSMAP_ENOSPC;
	out[*nr].start = start;
	out[*nr].end = end;
	out[*nr].type = type;
	out[*nr].owner = owner;
	(*nr)++;
	return 0;
}

/* The highest-ranked class with a non-zero count, or RANK_NONE. */
static uint32_t physmap_winner(uint64_t mask)
{
	return mask ? 63 - (uint32_t)__builtin_clzll(mask) : RANK_NONE;
}

int physmap_normalize(const void *efi_map, size_t map_size, size_t desc_size,
		      const struct physmap_entry *keep, size_t nr_keep,
		      struct physmap_entry *out, size_t cap)
{
	const uint8_t *p = efi_map;
	struct physmap_event *ev = physmap_events;
	uint32_t count[RANK_COUNT] = { 0 };
	uint64_t mask = 0, seg_start = 0;
	uint32_t seg_rank = RANK_NONE;
	size_t nr_desc, nr_ev = 0, nr_out = 0;

	if (desc_size < sizeof(struct efi_memory_descriptor))
		return PHYSMAP_EBADDESC;
	if (map_size > 0 && efi_map == NULL)
		return PHYSMAP_EBADDESC;
	if (nr_keep > 0 && keep == NULL)
		return PHYSMAP_EBADDESC;
	if (cap > 0 && out == NULL)
		return PHYSMAP_ENOSPC;
	nr_desc = map_size / desc_size;        /* a trailing partial descriptor is ignored */
	if (nr_desc > PHYSMAP_MAX_INPUT || nr_keep > PHYSMAP_MAX_INPUT - nr_desc)
		return PHYSMAP_ETOOMANY;

	for (size_t i = 0; i < nr_desc; i++) {
		struct efi_memory_descriptor d;
		uint32_t type;
		uint64_t end;

		__builtin_memcpy(&d, p + i * desc_size, sizeof(d));
		type = physmap_type_from_efi(d.type);
		if (type == 0 || d.number_of_pages == 0)
			continue;
		/* A descriptor running past 2^64 is clamped to the top page. */
		if (d.number_of_pages > (PAGE_MASK - d.physical_start) >> PAGE_SHIFT ||
		    d.physical_start > PAGE_MASK)
			end = PAGE_MASK;
		else
			end = d.physical_start + (d.number_of_pages << PAGE_SHIFT);
		if (end <= d.physical_start)
			continue;
		ev[nr_ev++] = (struct physmap_event){ d.physical_start, physmap_rank(type, 0), +1 };
		ev[nr_ev++] = (struct physmap_event){ end, physmap_rank(type, 0), -1 };
	}
	for (size_t i = 0; i < nr_keep; i++) {
		uint32_t rank = physmap_rank(keep[i].type, keep[i].owner);

		if (keep[i].end <= keep[i].start)
			continue;
		ev[nr_ev++] = (struct physmap_event){ keep[i].start, rank, +1 };
		ev[nr_ev++] = (struct physmap_event){ keep[i].end, rank, -1 };
	}

	physmap_sort(ev, nr_ev);

	for (size_t i = 0; i < nr_ev;) {
		uint64_t addr = ev[i].addr;
		uint32_t win;

		/* Apply every event at this address, then see who wins. */
		for (; i < nr_ev && ev[i].addr == addr; i++) {
			uint32_t r = ev[i].rank;

			count[r] += (uint32_t)ev[i].delta;
			if (count[r])
				mask |= 1ULL << r;
			else
				mask &= ~(1ULL << r);
		}
		win = physmap_winner(mask);
		if (win == seg_rank)
			continue;
		if (physmap_emit(out, cap, &nr_out, seg_start, addr, seg_rank))
			return PHYSMAP_ENOSPC;
		seg_start = addr;
		seg_rank = win;
	}
	return (int)nr_out;
}
