/*
 * slit.h - System Locality Information Table (ACPI 6.5, 5.2.17): the
 * relative distance between proximity domains, an N x N byte matrix
 * indexed by proximity domain (not by node id).
 */
#ifndef ACPI_SLIT_H
#define ACPI_SLIT_H

#include "types.h"
#include "acpi/acpi.h"

struct slit_header {
	struct acpi_table_header hdr;
	uint64_t locality_count;    /* N; N*N entries follow, row-major */
} __packed;
_Static_assert(sizeof(struct slit_header) == 44, "SLIT entries start at 44");
_Static_assert(__builtin_offsetof(struct slit_header, locality_count) == 36, "SLIT N at 36");

#define SLIT_LOCAL_DISTANCE  10

/*
 * Validate a SLIT of `len` readable bytes (checksum checked by the caller),
 * as Linux's slit_valid() and acpi_parse_slit() do: the header fits, N >= 1,
 * the N x N matrix fits inside the table's length, every diagonal entry is
 * 10 and every other entry is > 10 (a lot of BIOSes fill in 10 everywhere,
 * which would make remote memory look local).  Returns N, or ACPI_EINVAL
 * with a reason naming the first bad entry.
 */
int slit_check(const void *table, size_t len, char *reason, size_t rlen);

/* Distance from locality i to j of a SLIT slit_check() accepted with n. */
uint8_t slit_distance(const void *table, uint32_t n, uint32_t i, uint32_t j);

#endif /* ACPI_SLIT_H */
