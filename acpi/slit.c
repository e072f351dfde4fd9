/*
 * slit.c - SLIT validation and lookup (see slit.h).
 */
#include "acpi/slit.h"
#include "lib/printf.h"

int slit_check(const void *table, size_t len, char *reason, size_t rlen)
{
	const struct slit_header *s = table;
	const uint8_t *m = (const uint8_t *)table + sizeof(*s);
	uint64_t n, room;
	size_t tlen;

	if (acpi_table_length(table, len, sizeof(*s), "SLIT", &tlen, reason, rlen))
		return ACPI_EINVAL;
	n = s->locality_count;
	room = tlen - sizeof(*s);
	if (n == 0) {
		ksnprintf(reason, rlen, "SLIT: zero localities");
		return ACPI_EINVAL;
	}
	/* n <= room first, so n * n cannot overflow (room < 2^32). */
	if (n > room || n * n > room) {
		ksnprintf(reason, rlen, "SLIT: %llu x %llu matrix does not fit in %llu bytes",
			  (unsigned long long)n, (unsigned long long)n, (unsigned long long)room);
		return ACPI_EINVAL;
	}
	for (uint64_t i = 0; i < n; i++) {
		for (uint64_t j = 0; j < n; j++) {
			uint8_t d = m[i * n + j];

			if (i == j && d != SLIT_LOCAL_DISTANCE) {
				ksnprintf(reason, rlen, "SLIT: diagonal entry [%llu][%llu] is %u, not 10",
					  (unsigned long long)i, (unsigned long long)j, d);
				return ACPI_EINVAL;
			}
			if (i != j && d <= SLIT_LOCAL_DISTANCE) {
				ksnprintf(reason, rlen, "SLIT: off-diagonal entry [%llu][%llu] is %u, "
					  "not above 10", (unsigned long long)i,
					  (unsigned long long)j, d);
				return ACPI_EINVAL;
			}
		}
	}
	return (int)n;
}

uint8_t slit_distance(const void *table, uint32_t n, uint32_t i, uint32_t j)
{
	const uint8_t *m = (const uint8_t *)table + sizeof(struct slit_header);

	return m[(uint64_t)i * n + j];
}
