/*
 * physmap.h - normalise the firmware's memory map into the handoff's
 * struct physmap_entry list: sorted, non-overlapping, typed in the kernel's
 * own terms, usable ranges page aligned (shrunk inward).
 *
 * Freestanding (no firmware calls): the loader, the kernel, host tests and
 * a fuzzer all compile it.
 */
#ifndef MM_PHYSMAP_H
#define MM_PHYSMAP_H

#include "types.h"
#include "handoff.h"

/* EFI memory types (UEFI 2.10, 7.2 EFI_MEMORY_TYPE). */
enum efi_memory_type {
	EFI_RESERVED_MEMORY     = 0,
	EFI_LOADER_CODE         = 1,
	EFI_LOADER_DATA         = 2,
	EFI_BOOT_SERVICES_CODE  = 3,
	EFI_BOOT_SERVICES_DATA  = 4,
	EFI_RUNTIME_CODE        = 5,
	EFI_RUNTIME_DATA        = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY     = 8,
	EFI_ACPI_RECLAIM        = 9,
	EFI_ACPI_NVS            = 10,
	EFI_MMIO                = 11,
	EFI_MMIO_PORT_SPACE     = 12,
	EFI_PAL_CODE            = 13,
	EFI_PERSISTENT_MEMORY   = 14,
	EFI_UNACCEPTED_MEMORY   = 15,
};

/* EFI memory attributes (UEFI 2.10, 7.2 GetMemoryMap(), "Memory Attribute
 * Definitions").  Named EFI_ATTR_* because gnu-efi defines some EFI_MEMORY_*
 * and lacks SP and RO. */
#define EFI_ATTR_UC       0x0000000000000001ULL
#define EFI_ATTR_WC       0x0000000000000002ULL
#define EFI_ATTR_WT       0x0000000000000004ULL
#define EFI_ATTR_WB       0x0000000000000008ULL   /* write-back cacheable: RAM needs it */
#define EFI_ATTR_WP       0x0000000000001000ULL
#define EFI_ATTR_RP       0x0000000000002000ULL
#define EFI_ATTR_XP       0x0000000000004000ULL
#define EFI_ATTR_NV       0x0000000000008000ULL
#define EFI_ATTR_RO       0x0000000000020000ULL
#define EFI_ATTR_SP       0x0000000000040000ULL   /* specific-purpose (HBM, CXL): soft reserved */
#define EFI_ATTR_RUNTIME  0x8000000000000000ULL

/* EFI_MEMORY_DESCRIPTOR as the spec lays it out.  The firmware's descriptor
 * size may be larger: walk by the reported size, never by sizeof. */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
} __packed;
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI descriptor is 40 bytes");
_Static_assert(__builtin_offsetof(struct efi_memory_descriptor, number_of_pages) == 24,
	       "NumberOfPages at offset 24");

#define PHYSMAP_EBADDESC  (-1)   /* descriptor size smaller than the struct */
#define PHYSMAP_ENOSPC    (-2)   /* output capacity exceeded */
#define PHYSMAP_ETOOMANY  (-3)   /* more than PHYSMAP_MAX_INPUT descriptors + kept ranges,
				     or more than PHYSMAP_MAX_FAKE fake ranges */

/* Input bound: EFI descriptors plus kept ranges (Linux's E820 table holds
 * ~3200; real firmware maps have a few hundred). */
#define PHYSMAP_MAX_INPUT 2048

/*
 * A test-only attribute override, as Linux's efi_fake_mem: the descriptors'
 * attributes over [start, end) get `set` ORed in and `clear` taken out
 * before they are classified.  Only the two changes that alter the
 * classification are honoured: setting EFI_ATTR_SP and clearing
 * EFI_ATTR_WB; both apply to usable memory only (and never create memory
 * where the firmware reported none).
 */
struct physmap_fake {
	uint64_t start, end;
	uint64_t set, clear;
};
#define PHYSMAP_MAX_FAKE 8

/*
 * Build the normalised map.
 *   efi_map/map_size/desc_size: the raw map as GetMemoryMap returned it.
 *   keep/nr_keep: loader-owned ranges (type PHYSMAP_LOADER with an owner)
 *     that override the usable or soft-reserved memory (EfiLoaderData, ...)
 *     under them, but never a more restrictive type; may be NULL/0.  Where
 *     two kept ranges overlap, the higher owner value wins.
 *   out/cap: the result.
 * Each descriptor is classified by physmap_classify() (type and
 * attributes).  Overlaps are resolved toward the more restrictive type
 * (unusable > reserved > ACPI NVS > ACPI reclaim > unaccepted > persistent
 * > loader > soft reserved > usable); zero-length descriptors are ignored;
 * adjacent equal entries (same type and owner) merge; a descriptor running
 * past 2^64 is clamped.
 * Does not allocate; O(n log n); not reentrant (one static event array).
 * Returns the number of entries, or PHYSMAP_E* on error.
 */
int physmap_normalize(const void *efi_map, size_t map_size, size_t desc_size,
		      const struct physmap_entry *keep, size_t nr_keep,
		      struct physmap_entry *out, size_t cap);

/* Bytes of scratch physmap_normalize_scratch() needs for nr_desc EFI
 * descriptors, nr_keep kept ranges and nr_fake overrides (SIZE_MAX if it
 * would overflow). */
size_t physmap_scratch_size(size_t nr_desc, size_t nr_keep, size_t nr_fake);

/*
 * physmap_normalize_fake() over a caller's scratch buffer (aligned to 8,
 * physmap_scratch_size() bytes) instead of the built-in one, so a firmware
 * map of any length normalises: the loader sizes it from the map the
 * firmware reports (issue 8: > PHYSMAP_MAX_INPUT descriptors must not
 * abort).  PHYSMAP_ETOOMANY if the scratch is too small.
 */
int physmap_normalize_scratch(const void *efi_map, size_t map_size, size_t desc_size,
			      const struct physmap_entry *keep, size_t nr_keep,
			      const struct physmap_fake *fake, size_t nr_fake,
			      void *scratch, size_t scratch_size,
			      struct physmap_entry *out, size_t cap);

/*
 * Drop what lies at or above `limit` (the direct map's reach) from a
 * sorted map, cutting an entry that straddles it: the kernel cannot reach
 * such memory (Linux drops RAM above MAX_PHYSMEM_BITS the same way).
 * Returns the new number of entries; *ram_bytes gets how much RAM
 * (physmap_is_ram) was dropped, for the warning.
 */
size_t physmap_clip(struct physmap_entry *map, size_t n, uint64_t limit, uint64_t *ram_bytes);

/* physmap_normalize() with up to PHYSMAP_MAX_FAKE test-only overrides
 * (fake may be NULL when nr_fake is 0). */
int physmap_normalize_fake(const void *efi_map, size_t map_size, size_t desc_size,
			   const struct physmap_entry *keep, size_t nr_keep,
			   const struct physmap_fake *fake, size_t nr_fake,
			   struct physmap_entry *out, size_t cap);

/*
 * What one EFI descriptor is to the kernel (Linux's do_add_efi_memmap()):
 * the types the OS may use after ExitBootServices (loader and
 * boot-services code/data, conventional) are
 *   PHYSMAP_SOFT_RESERVED  with EFI_ATTR_SP (specific-purpose memory is
 *                          for its driver, not for early allocations),
 *   PHYSMAP_USABLE         with EFI_ATTR_WB (RAM is write-back),
 *   PHYSMAP_RESERVED       without WB (uncached-only memory is not RAM);
 * ACPI reclaim and NVS without WB are PHYSMAP_RESERVED (the direct map
 * maps ACPI memory write-back, as the attributes must then allow);
 * persistent memory (type 14) is PHYSMAP_PERSISTENT, unaccepted memory
 * (type 15) PHYSMAP_UNACCEPTED (this kernel cannot accept it), MMIO 0 (not
 * memory); the rest as physmap_type_from_efi().
 */
uint32_t physmap_classify(uint32_t efi_type, uint64_t attribute);

/* RAM: the types bootmem may hand out or must reserve (usable and
 * loader-owned memory).  Soft reserved, persistent, unaccepted, ACPI and
 * reserved ranges are not RAM. */
static inline bool physmap_is_ram(uint32_t type)
{
	return type == PHYSMAP_USABLE || type == PHYSMAP_LOADER;
}

/* Index of the first entry of a sorted, non-overlapping map that ends
 * above pa (n if none).  O(log n). */
size_t physmap_first_above(const struct physmap_entry *map, size_t n, uint64_t pa);

/*
 * Parse a test-only efi_fake_mem value: comma-separated
 * "size@start:attr" items (Linux's syntax; size and start take K/M/G
 * suffixes or 0x hex, attr is hex and is ORed in), plus our extension
 * "size@start:~attr", which clears the bits.  Returns the number of items
 * (<= cap), or -1 with a sentence in err naming the bad item.
 */
int physmap_parse_fake(const char *s, struct physmap_fake *out, size_t cap,
		       char *err, size_t elen);

/* EFI type -> kernel type (PHYSMAP_*), or 0 for types that are not memory;
 * attributes are not looked at (physmap_classify does). */
uint32_t physmap_type_from_efi(uint32_t efi_type);

/* "usable", "reserved", "ACPI data", "ACPI NVS", "unusable", "persistent",
 * "loader", "soft reserved", "unaccepted" (Linux's e820 words where it has them) */
const char *physmap_type_name(uint32_t type);
/* "kernel", "handoff", "page tables", ... for OWNER_* */
const char *physmap_owner_name(uint32_t owner);

#endif /* MM_PHYSMAP_H */
