/*
 * srat.h - System Resource Affinity Table (ACPI 6.5, 5.2.16): which
 * proximity domain each CPU (local APIC / x2APIC) and memory range is in.
 * The parser decodes entries; topology.c turns them into nodes.
 */
#ifndef ACPI_SRAT_H
#define ACPI_SRAT_H

#include "types.h"
#include "acpi/acpi.h"

/* 5.2.16: the SRAT header: ACPI header + reserved (1) + reserved (8). */
struct srat_header {
	struct acpi_table_header hdr;
	uint32_t table_revision;    /* "Reserved, must be 1" for compatibility */
	uint64_t reserved;
} __packed;
_Static_assert(sizeof(struct srat_header) == 48, "SRAT subtables start at 48");

#define SRAT_TYPE_CPU      0    /* Processor Local APIC/SAPIC Affinity */
#define SRAT_TYPE_MEMORY   1    /* Memory Affinity */
#define SRAT_TYPE_X2APIC   2    /* Processor Local x2APIC Affinity */
#define SRAT_TYPE_GICC     3    /* GICC Affinity (Arm; no node on x86, as in Linux) */
#define SRAT_TYPE_GI       5    /* Generic Initiator Affinity (ACPI 6.3) */

/* 5.2.16.1 Processor Local APIC/SAPIC Affinity Structure. */
struct srat_cpu_affinity {
	uint8_t  type;              /* 0 */
	uint8_t  length;            /* 16 */
	uint8_t  proximity_lo;      /* bits 7:0 of the proximity domain */
	uint8_t  apic_id;
	uint32_t flags;             /* SRAT_CPU_ENABLED */
	uint8_t  local_sapic_eid;
	uint8_t  proximity_hi[3];   /* bits 31:8, meaningful from SRAT revision 2 */
	uint32_t clock_domain;
} __packed;
_Static_assert(sizeof(struct srat_cpu_affinity) == 16, "SRAT type 0 is 16 bytes");
_Static_assert(__builtin_offsetof(struct srat_cpu_affinity, flags) == 4, "type 0 flags at 4");
_Static_assert(__builtin_offsetof(struct srat_cpu_affinity, proximity_hi) == 9, "type 0 PXM hi at 9");

/* 5.2.16.2 Memory Affinity Structure. */
struct srat_mem_affinity {
	uint8_t  type;              /* 1 */
	uint8_t  length;            /* 40 */
	uint32_t proximity_domain;  /* only bits 7:0 count in SRAT revision 1 */
	uint16_t reserved1;
	uint64_t base_address;
	uint64_t length_bytes;
	uint32_t reserved2;
	uint32_t flags;             /* SRAT_MEM_* */
	uint64_t reserved3;
} __packed;
_Static_assert(sizeof(struct srat_mem_affinity) == 40, "SRAT type 1 is 40 bytes");
_Static_assert(__builtin_offsetof(struct srat_mem_affinity, base_address) == 8, "type 1 base at 8");
_Static_assert(__builtin_offsetof(struct srat_mem_affinity, flags) == 28, "type 1 flags at 28");

/* 5.2.16.3 Processor Local x2APIC Affinity Structure. */
struct srat_x2apic_affinity {
	uint8_t  type;              /* 2 */
	uint8_t  length;            /* 24 */
	uint16_t reserved1;
	uint32_t proximity_domain;  /* full 32 bits */
	uint32_t x2apic_id;
	uint32_t flags;             /* SRAT_CPU_ENABLED */
	uint32_t clock_domain;
	uint32_t reserved2;
} __packed;
_Static_assert(sizeof(struct srat_x2apic_affinity) == 24, "SRAT type 2 is 24 bytes");
_Static_assert(__builtin_offsetof(struct srat_x2apic_affinity, x2apic_id) == 8, "type 2 id at 8");

/* 5.2.16.6 Generic Initiator Affinity Structure (ACPI 6.3+): a device
 * (accelerator, NIC) that initiates memory transactions, in a proximity
 * domain that may have no CPU and no memory. */
struct srat_gi_affinity {
	uint8_t  type;              /* 5 */
	uint8_t  length;            /* 32 */
	uint8_t  reserved1;
	uint8_t  handle_type;       /* SRAT_GI_HANDLE_* */
	uint32_t proximity_domain;  /* full 32 bits */
	uint8_t  handle[16];        /* ACPI: _HID (8) + _UID (4); PCI: segment (2) + BDF (2) */
	uint32_t flags;             /* SRAT_GI_* */
	uint32_t reserved2;
} __packed;
_Static_assert(sizeof(struct srat_gi_affinity) == 32, "SRAT type 5 is 32 bytes");
_Static_assert(__builtin_offsetof(struct srat_gi_affinity, proximity_domain) == 4,
	       "type 5 PXM at 4");
_Static_assert(__builtin_offsetof(struct srat_gi_affinity, flags) == 24, "type 5 flags at 24");

#define SRAT_GI_HANDLE_ACPI     0
#define SRAT_GI_HANDLE_PCI      1
#define SRAT_GI_ENABLED         (1u << 0)
#define SRAT_GI_ARCH_TRANS      (1u << 1)

#define SRAT_CPU_ENABLED        (1u << 0)
#define SRAT_MEM_ENABLED        (1u << 0)
#define SRAT_MEM_HOT_PLUGGABLE  (1u << 1)
#define SRAT_MEM_NON_VOLATILE   (1u << 2)

/* One decoded entry.  Types 0, 1, 2 and 5 are decoded; any other type is
 * passed with only type, offset and sub_len set (enabled false). */
struct srat_entry {
	uint8_t  type;              /* SRAT_TYPE_* or the raw type */
	uint8_t  sub_len;           /* the subtable's length byte */
	uint8_t  handle_type;       /* type 5: SRAT_GI_HANDLE_* */
	uint8_t  handle[16];        /* type 5: the device handle as found */
	bool     enabled;
	uint32_t offset;            /* byte offset in the table, for messages */
	uint32_t pxm;               /* proximity domain, per the revision rule */
	uint32_t flags;             /* raw flags */
	uint32_t apic_id;           /* CPU entries */
	uint64_t base;              /* memory entries: [base, base + length) */
	uint64_t length;
};

/* Return non-zero to stop the walk (that value is returned by srat_walk). */
typedef int (*srat_entry_fn)(void *ctx, const struct srat_entry *e, char *reason, size_t rlen);

/*
 * Walk an SRAT of `len` readable bytes (checksum checked by the caller):
 * types 0, 1, 2 and 5 are decoded and passed to fn, enabled or not; every
 * other type is passed undecoded (type, offset, length) so the caller can
 * say it skipped it.  Proximity domain: type 1 uses bits
 * 7:0 for revision 1 and all 32 for revision >= 2; type 0 uses proximity_lo,
 * plus proximity_hi << 8 for revision >= 2 (Linux: acpi_srat_revision >= 2);
 * types 2 and 5 always 32 bits.  A type 0/1/2/5 entry shorter than its struct, and
 * every broken length (acpi_walk_subtables), stops the walk: ACPI_EINVAL
 * with a reason.  A memory entry whose base + length wraps past 2^64 too.
 */
int srat_walk(const void *table, size_t len, srat_entry_fn fn, void *ctx,
	      char *reason, size_t rlen);

/* The SRAT's table revision (header byte 8), 0 if len is too short. */
uint8_t srat_revision(const void *table, size_t len);

#endif /* ACPI_SRAT_H */
