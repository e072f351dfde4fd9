/*
 * madt.h - Multiple APIC Description Table ("APIC", ACPI 6.5, 5.2.12): the
 * list of CPUs, from Processor Local APIC (type 0) and Local x2APIC
 * (type 9) entries.  Other entry types (I/O APIC, overrides, NMI, ...) are
 * skipped by their length.
 */
#ifndef ACPI_MADT_H
#define ACPI_MADT_H

#include "types.h"
#include "acpi/acpi.h"

struct madt_header {
	struct acpi_table_header hdr;   /* signature "APIC" */
	uint32_t local_apic_address;
	uint32_t flags;                 /* bit 0: PC-AT compatible 8259s */
} __packed;
_Static_assert(sizeof(struct madt_header) == 44, "MADT entries start at 44");

#define MADT_TYPE_LOCAL_APIC   0
#define MADT_TYPE_LOCAL_X2APIC 9

/* 5.2.12.2 Processor Local APIC Structure. */
struct madt_local_apic {
	uint8_t  type;              /* 0 */
	uint8_t  length;            /* 8 */
	uint8_t  processor_uid;
	uint8_t  apic_id;
	uint32_t flags;             /* MADT_CPU_* */
} __packed;
_Static_assert(sizeof(struct madt_local_apic) == 8, "MADT type 0 is 8 bytes");
_Static_assert(__builtin_offsetof(struct madt_local_apic, flags) == 4, "type 0 flags at 4");

/* 5.2.12.12 Processor Local x2APIC Structure. */
struct madt_local_x2apic {
	uint8_t  type;              /* 9 */
	uint8_t  length;            /* 16 */
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;             /* MADT_CPU_* */
	uint32_t processor_uid;
} __packed;
_Static_assert(sizeof(struct madt_local_x2apic) == 16, "MADT type 9 is 16 bytes");
_Static_assert(__builtin_offsetof(struct madt_local_x2apic, x2apic_id) == 4, "type 9 id at 4");

#define MADT_CPU_ENABLED         (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE  (1u << 1)   /* defined from MADT revision 5 (ACPI 6.3) */
#define MADT_ONLINE_CAPABLE_REV  5

/* One CPU entry as found. */
struct madt_cpu {
	uint32_t apic_id;
	uint32_t uid;
	uint32_t offset;
	bool     x2apic;
	bool     enabled;
	bool     online_capable;    /* only when the MADT revision defines the bit */
};

typedef int (*madt_cpu_fn)(void *ctx, const struct madt_cpu *c, char *reason, size_t rlen);

/*
 * Walk a MADT of `len` readable bytes (checksum checked by the caller),
 * calling fn for every local APIC and x2APIC entry, enabled or not.  As
 * Linux does, a local APIC id of 0xff and an x2APIC id of 0xffffffff are
 * placeholders and skipped.  Entries shorter than their struct and every
 * broken length stop the walk with ACPI_EINVAL and a reason.
 */
int madt_walk(const void *table, size_t len, madt_cpu_fn fn, void *ctx,
	      char *reason, size_t rlen);

#endif /* ACPI_MADT_H */
