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
#define PHYSMAP_ETOOMANY  (-3)   /* more than PHYSMAP_MAX_INPUT descriptors + kept ranges */

/* Input bound: EFI descriptors plus kept ranges (Linux's E820 table holds
 * ~3200; real firmware maps have a few hundred). */
#define PHYSMAP_MAX_INPUT 2048

/*
 * Build the normalised map.
 *   efi_map/map_size/desc_size: the raw map as GetMemoryMap returned it.
 *   keep/nr_keep: loader-owned ranges (type PHYSMAP_LOADER with an owner)
 *     that override the usable memory (EfiLoaderData, ...) under them, but
 *     never a more restrictive type; may be NULL/0.  Where two kept ranges
 *     overlap, the higher owner value wins.
 *   out/cap: the result.
 * Overlaps are resolved toward the more restrictive type (unusable >
 * reserved > ACPI NVS > ACPI reclaim > persistent > loader > usable);
 * zero-length descriptors are ignored; adjacent equal entries (same type
 * and owner) merge; a descriptor running past 2^64 is clamped.
 * Does not allocate; O(n log n); not reentrant (one static event array).
 * Returns the number of entries, or PHYSMAP_E* on error.
 */
int physmap_normalize(const void *efi_map, size_t map_size, size_t desc_size,
		      const struct physmap_entry *keep, size_t nr_keep,
		      struct physmap_entry *out, size_t cap);

/* EFI type -> kernel type (PHYSMAP_*), or 0 for types that are not memory. */
uint32_t physmap_type_from_efi(uint32_t efi_type);

/* "usable", "reserved", "ACPI data", "ACPI NVS", "unusable", "persistent", "loader" */
const char *physmap_type_name(uint32_t type);
/* "kernel", "handoff", "page tables", ... for OWNER_* */
const char *physmap_owner_name(uint32_t owner);

#endif /* MM_PHYSMAP_H */
