/*
 * acpi.h - ACPI root tables: RSDP, RSDT/XSDT and the common table header,
 * and lookup of a table by signature with its checksum checked (ACPI 6.5,
 * 5.2.5 - 5.2.8).  Freestanding: memory is reached only through struct
 * acpi_access (topology.h), and every failure comes back as a sentence.
 */
#ifndef ACPI_ACPI_H
#define ACPI_ACPI_H

#include "types.h"

struct acpi_access;

/* 5.2.5.3 Root System Description Pointer. */
struct acpi_rsdp {
	char     signature[8];      /* "RSD PTR " */
	uint8_t  checksum;          /* bytes 0..19 sum to 0 */
	char     oem_id[6];
	uint8_t  revision;          /* 0: ACPI 1.0 (20 bytes); 2: ACPI 2.0+ */
	uint32_t rsdt_address;
	uint32_t length;            /* revision >= 2: length of the whole RSDP */
	uint64_t xsdt_address;      /* revision >= 2 */
	uint8_t  extended_checksum; /* revision >= 2: all `length` bytes sum to 0 */
	uint8_t  reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes (ACPI 2.0+)");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, revision) == 15, "RSDP revision at 15");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, rsdt_address) == 16, "RSDP RsdtAddress at 16");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, length) == 20, "RSDP length at 20");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP XsdtAddress at 24");
_Static_assert(__builtin_offsetof(struct acpi_rsdp, extended_checksum) == 32, "RSDP ext checksum at 32");

#define ACPI_RSDP_V1_SIZE  20

/* 5.2.6 System Description Table Header, common to every table. */
struct acpi_table_header {
	char     signature[4];
	uint32_t length;            /* whole table, header included */
	uint8_t  revision;
	uint8_t  checksum;          /* all `length` bytes sum to 0 */
	char     oem_id[6];
	char     oem_table_id[8];
	uint32_t oem_revision;
	char     creator_id[4];
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI table header is 36 bytes");
_Static_assert(__builtin_offsetof(struct acpi_table_header, length) == 4, "header length at 4");
_Static_assert(__builtin_offsetof(struct acpi_table_header, revision) == 8, "header revision at 8");
_Static_assert(__builtin_offsetof(struct acpi_table_header, checksum) == 9, "header checksum at 9");

/* ACPI 6.5, 5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t  space_id;          /* 0 system memory, 1 system I/O */
	uint8_t  bit_width;
	uint8_t  bit_offset;
	uint8_t  access_size;       /* 0 undefined (legacy), 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

#define ACPI_GAS_MEMORY  0
#define ACPI_GAS_IO      1
#define ACPI_GAS_PCI_CONFIG  2

/* Every subtable (SRAT, MADT entries) starts with type and length. */
struct acpi_subtable_header {
	uint8_t type;
	uint8_t length;             /* whole entry, these two bytes included */
} __packed;
_Static_assert(sizeof(struct acpi_subtable_header) == 2, "subtable header is 2 bytes");

/* Sanity bound on a table's length: the largest real SRAT/MADT (thousands
 * of CPUs) is a few hundred KiB; anything larger is corruption, and the
 * loader maps firmware memory 1:1, so a huge length must not be trusted. */
#define ACPI_TABLE_MAX_LEN  (4u << 20)

/* The legacy BIOS area, where the RSDP may sit on PC firmware (ACPI 6.5,
 * 5.2.5.1); firmware maps often leave it out, so a hole there is readable. */
#define ACPI_BIOS_ROM_START  0xe0000u
#define ACPI_BIOS_ROM_END    0x100000u

/* acpi_* status codes (0 is success). */
#define ACPI_OK          0
#define ACPI_ENOTFOUND  (-1)   /* no table with that signature */
#define ACPI_EINVAL     (-2)   /* found, but broken: see the reason */

/*
 * Is [pa, pa + len) memory a firmware table may live in, as the normalised
 * EFI map (sorted, non-overlapping) says?  Every byte must be in an ACPI
 * reclaim, ACPI NVS or reserved entry, or in a hole of the map inside the
 * legacy BIOS area [0xe0000, 0x100000).  Returns ACPI_OK, or ACPI_EINVAL
 * with what the first offending byte is in why[wlen] ("usable", "no
 * memory", "usable at 0x…" when it is not pa, "range wraps past 2^64").
 */
struct physmap_entry;
int acpi_table_memory_check(const struct physmap_entry *map, size_t n, phys_addr_t pa,
			    uint64_t len, char *why, size_t wlen);

/* Sum of len bytes, mod 256 (a valid table sums to 0). */
uint8_t acpi_checksum(const void *buf, size_t len);

/*
 * Check an in-memory table of `avail` readable bytes: at least a header,
 * signature `sig` (NULL: any), header length within [36, avail] and
 * ACPI_TABLE_MAX_LEN, checksum over the header's length.  Returns ACPI_OK,
 * or ACPI_EINVAL with a sentence in reason[rlen] naming the table.
 */
int acpi_table_check(const void *table, size_t avail, const char *sig,
		     char *reason, size_t rlen);

/*
 * Check the RSDP at rsdp_pa: signature, the ACPI 1.0 checksum over 20
 * bytes and, for revision >= 2, the length (36 .. 4 KiB) and the extended
 * checksum.  Returns ACPI_OK or ACPI_EINVAL with a reason.
 */
int acpi_rsdp_check(const struct acpi_access *acc, phys_addr_t rsdp_pa,
		    char *reason, size_t rlen);

/* A located table: where it is and what it looks like through acc. */
struct acpi_table_ref {
	phys_addr_t pa;
	const void *table;          /* mapped, `length` bytes */
	uint32_t length;
};

/*
 * Find the first table with signature sig (e.g. "SRAT", "APIC") listed in
 * the XSDT (revision >= 2 with a valid XSDT) or else the RSDT.  Returns
 * ACPI_OK with *ref filled; ACPI_ENOTFOUND when no entry has that
 * signature; ACPI_EINVAL when the RSDP/root table is broken or the table
 * found fails acpi_table_check() (then *ref still points at it if it could
 * be mapped, so callers can report on it).  `root` (may be NULL) receives
 * "XSDT" or "RSDT", the root that was used.  With acc->physmap set, the
 * RSDP, the root table and every table are checked to lie in table memory
 * (acpi_table_memory_check) before they are read; a root entry that does
 * not is skipped, and if the table is then not found, ACPI_ENOTFOUND comes
 * with a reason naming the first skipped entry (else reason is "").
 */
int acpi_find_table(const struct acpi_access *acc, phys_addr_t rsdp_pa, const char *sig,
		    struct acpi_table_ref *ref, const char **root,
		    char *reason, size_t rlen);

/*
 * The length a parser may use of a table it was given `len` readable bytes
 * of: the header's own length, checked to cover the table's fixed part
 * (`hdr_size` bytes, header included) and to lie within `len`.  Returns
 * ACPI_OK with *tlen set, or ACPI_EINVAL with a reason naming `name`.
 */
int acpi_table_length(const void *table, size_t len, size_t hdr_size, const char *name,
		      size_t *tlen, char *reason, size_t rlen);

/*
 * Walk the subtables of a table of tlen bytes, the first at offset `first`:
 * fn(ctx, entry, offset, reason, rlen) for each; a non-zero return stops
 * the walk and is returned.  Before fn sees an entry its length is known
 * to be >= 2 and to end inside the table; a truncated header, a zero or
 * 1-byte length, or an entry running past the end stops the walk with
 * ACPI_EINVAL and a reason naming `name` and the offset.  fn must check
 * the length against its own struct before reading further.
 */
typedef int (*acpi_subtable_fn)(void *ctx, const uint8_t *entry, uint32_t offset,
				char *reason, size_t rlen);
int acpi_walk_subtables(const void *table, size_t tlen, size_t first, const char *name,
			acpi_subtable_fn fn, void *ctx, char *reason, size_t rlen);

#endif /* ACPI_ACPI_H */
