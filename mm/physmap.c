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
#include "lib/printf.h"

/*
 * Ranks: a higher rank wins where ranges overlap.
 *   usable < soft reserved < loader (owner 1..15, the higher owner wins)
 *   < persistent < unaccepted < ACPI reclaim < ACPI NVS < reserved < unusable
 * Loader-kept ranges beat soft reserved: what the loader holds is in use,
 * whatever the (possibly faked) attributes say.  The two fake classes are
 * counted but never win: they only turn a "usable" winner into soft
 * reserved or reserved.
 */
#define RANK_NONE        0
#define RANK_USABLE      1
#define RANK_SOFT        8
#define RANK_LOADER(o)   (16 + (o))          /* 16..31 */
#define RANK_PERSISTENT  40
#define RANK_UNACCEPTED  41
#define RANK_ACPI        42
#define RANK_NVS         43
#define RANK_RESERVED    44
#define RANK_UNUSABLE    45
#define RANK_FAKE_SP     62                  /* efi_fake_mem sets EFI_ATTR_SP */
#define RANK_FAKE_NOWB   63                  /* efi_fake_mem clears EFI_ATTR_WB */
#define RANK_COUNT       64

_Static_assert(OWNER_MAX <= 16, "loader owners must fit ranks 16..31");

struct physmap_event {
	uint64_t addr;
	uint32_t rank;
	int32_t  delta;         /* +1 open, -1 close */
};

/* physmap_normalize()'s own scratch: PHYSMAP_MAX_INPUT descriptors plus
 * kept ranges and overrides.  Bigger maps use physmap_normalize_scratch(). */
static struct physmap_event physmap_events[2 * (PHYSMAP_MAX_INPUT + PHYSMAP_MAX_FAKE)];

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
	case EFI_UNACCEPTED_MEMORY:     /* needs accepting (TDX/SNP) before use */
		return PHYSMAP_UNACCEPTED;
	case EFI_RESERVED_MEMORY:
	case EFI_RUNTIME_CODE:
	case EFI_RUNTIME_DATA:
	case EFI_PAL_CODE:
	default:                        /* OEM/OS-defined and unknown types */
		return PHYSMAP_RESERVED;
	}
}

uint32_t physmap_classify(uint32_t efi_type, uint64_t attribute)
{
	uint32_t type = physmap_type_from_efi(efi_type);

	/* ACPI tables are direct-mapped write-back (mm/pgtable.c): where the
	 * firmware does not allow WB they are reserved and stay unmapped. */
	if ((type == PHYSMAP_ACPI_RECLAIM || type == PHYSMAP_ACPI_NVS) && !(attribute & EFI_ATTR_WB))
		return PHYSMAP_RESERVED;
	if (type != PHYSMAP_USABLE)
		return type;
	if (attribute & EFI_ATTR_SP)
		return PHYSMAP_SOFT_RESERVED;
	if (!(attribute & EFI_ATTR_WB))
		return PHYSMAP_RESERVED;
	return PHYSMAP_USABLE;
}

size_t physmap_first_above(const struct physmap_entry *map, size_t n, uint64_t pa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map[mid].end > pa)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
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
	case PHYSMAP_SOFT_RESERVED: return "soft reserved";
	case PHYSMAP_UNACCEPTED:   return "unaccepted";
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
	case PHYSMAP_SOFT_RESERVED: return RANK_SOFT;
	case PHYSMAP_PERSISTENT:   return RANK_PERSISTENT;
	case PHYSMAP_UNACCEPTED:   return RANK_UNACCEPTED;
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
	case RANK_SOFT:       *type = PHYSMAP_SOFT_RESERVED; break;
	case RANK_PERSISTENT: *type = PHYSMAP_PERSISTENT; break;
	case RANK_UNACCEPTED: *type = PHYSMAP_UNACCEPTED; break;
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

/* The highest-ranked real class with a non-zero count, or RANK_NONE; a
 * usable winner under an active fake range becomes what the faked
 * attributes make it (SP first, as physmap_classify). */
static uint32_t physmap_winner(uint64_t mask)
{
	uint64_t real = mask & ~((1ULL << RANK_FAKE_SP) | (1ULL << RANK_FAKE_NOWB));
	uint32_t win = real ? 63 - (uint32_t)__builtin_clzll(real) : RANK_NONE;

	if (win == RANK_USABLE && (mask & (1ULL << RANK_FAKE_SP)))
		return RANK_SOFT;
	if (win == RANK_USABLE && (mask & (1ULL << RANK_FAKE_NOWB)))
		return RANK_RESERVED;
	return win;
}

int physmap_normalize(const void *efi_map, size_t map_size, size_t desc_size,
		      const struct physmap_entry *keep, size_t nr_keep,
		      struct physmap_entry *out, size_t cap)
{
	return physmap_normalize_fake(efi_map, map_size, desc_size, keep, nr_keep, NULL, 0,
				      out, cap);
}

int physmap_normalize_fake(const void *efi_map, size_t map_size, size_t desc_size,
			   const struct physmap_entry *keep, size_t nr_keep,
			   const struct physmap_fake *fake, size_t nr_fake,
			   struct physmap_entry *out, size_t cap)
{
	if (desc_size >= sizeof(struct efi_memory_descriptor) &&
	    (map_size / desc_size > PHYSMAP_MAX_INPUT ||
	     nr_keep > PHYSMAP_MAX_INPUT - map_size / desc_size))
		return PHYSMAP_ETOOMANY;
	return physmap_normalize_scratch(efi_map, map_size, desc_size, keep, nr_keep, fake, nr_fake,
					 physmap_events, sizeof(physmap_events), out, cap);
}

size_t physmap_scratch_size(size_t nr_desc, size_t nr_keep, size_t nr_fake)
{
	if (nr_desc > SIZE_MAX / 64 || nr_keep > SIZE_MAX / 64 || nr_fake > SIZE_MAX / 64)
		return SIZE_MAX;
	return 2 * (nr_desc + nr_keep + nr_fake) * sizeof(struct physmap_event);
}

int physmap_normalize_scratch(const void *efi_map, size_t map_size, size_t desc_size,
			      const struct physmap_entry *keep, size_t nr_keep,
			      const struct physmap_fake *fake, size_t nr_fake,
			      void *scratch, size_t scratch_size,
			      struct physmap_entry *out, size_t cap)
{
	const uint8_t *p = efi_map;
	struct physmap_event *ev = scratch;
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
	if (nr_fake > 0 && fake == NULL)
		return PHYSMAP_EBADDESC;
	if (cap > 0 && out == NULL)
		return PHYSMAP_ENOSPC;
	nr_desc = map_size / desc_size;        /* a trailing partial descriptor is ignored */
	/* The events of every descriptor, kept range and override must fit
	 * the scratch (the loader sizes it from the firmware's real map). */
	if (nr_fake > PHYSMAP_MAX_FAKE || scratch == NULL ||
	    ((uintptr_t)scratch & (_Alignof(struct physmap_event) - 1)) ||
	    physmap_scratch_size(nr_desc, nr_keep, nr_fake) > scratch_size)
		return PHYSMAP_ETOOMANY;

	for (size_t i = 0; i < nr_desc; i++) {
		struct efi_memory_descriptor d;
		uint32_t type;
		uint64_t end;

		__builtin_memcpy(&d, p + i * desc_size, sizeof(d));
		type = physmap_classify(d.type, d.attribute);
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
	for (size_t i = 0; i < nr_fake; i++) {
		if (fake[i].end <= fake[i].start)
			continue;
		if (fake[i].set & EFI_ATTR_SP) {
			ev[nr_ev++] = (struct physmap_event){ fake[i].start, RANK_FAKE_SP, +1 };
			ev[nr_ev++] = (struct physmap_event){ fake[i].end, RANK_FAKE_SP, -1 };
		}
		if (fake[i].clear & EFI_ATTR_WB) {
			ev[nr_ev++] = (struct physmap_event){ fake[i].start, RANK_FAKE_NOWB, +1 };
			ev[nr_ev++] = (struct physmap_event){ fake[i].end, RANK_FAKE_NOWB, -1 };
		}
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

/* ---- efi_fake_mem (test only) ----------------------------------------- */

/* Digits of base 16 (after "0x") or 10, then an optional K/M/G suffix.
 * Returns the character after the number, or NULL (no digits, overflow). */
static const char *physmap_parse_num(const char *p, uint64_t *v, bool suffix)
{
	unsigned base = 10, shift = 0;
	const char *start;
	uint64_t x = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (start = p;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (x > (UINT64_MAX - d) / base)
			return NULL;
		x = x * base + d;
	}
	if (p == start)
		return NULL;
	if (suffix) {
		switch (*p) {
		case 'k': case 'K': shift = 10; p++; break;
		case 'm': case 'M': shift = 20; p++; break;
		case 'g': case 'G': shift = 30; p++; break;
		default: break;
		}
		if (shift && x > (UINT64_MAX >> shift))
			return NULL;
	}
	*v = x << shift;
	return p;
}

int physmap_parse_fake(const char *s, struct physmap_fake *out, size_t cap,
		       char *err, size_t elen)
{
	size_t n = 0;
	const char *p = s;

	while (*p && *p != ' ') {
		uint64_t size, start, attr;
		bool clear = false;

		p = physmap_parse_num(p, &size, true);
		if (p && *p == '@')
			p = physmap_parse_num(p + 1, &start, true);
		else
			p = NULL;
		if (p && *p == ':') {
			p++;
			if (*p == '~') {
				clear = true;
				p++;
			}
			if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
				p = NULL;                /* attr is hex, 0x required */
			else
				p = physmap_parse_num(p, &attr, false);
		} else {
			p = NULL;
		}
		if (!p || (*p && *p != ',' && *p != ' ')) {
			ksnprintf(err, elen, "efi_fake_mem: item %zu is not size@start:0xattr"
				  " or size@start:~0xattr", n + 1);
			return -1;
		}
		if (size == 0 || start > UINT64_MAX - size) {
			ksnprintf(err, elen, "efi_fake_mem: item %zu: empty or wrapping range",
				  n + 1);
			return -1;
		}
		if (n == cap) {
			ksnprintf(err, elen, "efi_fake_mem: more than %zu items", cap);
			return -1;
		}
		out[n++] = (struct physmap_fake){ start, start + size, clear ? 0 : attr,
						  clear ? attr : 0 };
		if (*p == ',')
			p++;
	}
	return (int)n;
}

size_t physmap_clip(struct physmap_entry *map, size_t n, uint64_t limit, uint64_t *ram_bytes)
{
	size_t out = 0;

	*ram_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct physmap_entry e = map[i];

		if (e.end > limit) {
			uint64_t from = e.start > limit ? e.start : limit;

			if (physmap_is_ram(e.type))
				*ram_bytes += e.end - from;
			if (e.start >= limit)
				continue;
			e.end = limit;
		}
		map[out++] = e;
	}
	return out;
}
