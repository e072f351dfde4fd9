/*
 * srat.c - decode SRAT subtables (see srat.h) with every length checked.
 */
#include "acpi/srat.h"
#include "lib/printf.h"

struct srat_walk_ctx {
	uint8_t revision;
	srat_entry_fn fn;
	void *ctx;
};

static const char *srat_type_name(uint8_t type)
{
	switch (type) {
	case SRAT_TYPE_CPU:    return "processor affinity";
	case SRAT_TYPE_MEMORY: return "memory affinity";
	case SRAT_TYPE_GI:     return "generic initiator affinity";
	default:               return "x2APIC affinity";
	}
}

static int srat_one(void *ctx, const uint8_t *p, uint32_t off, char *reason, size_t rlen)
{
	struct srat_walk_ctx *w = ctx;
	struct srat_entry e = { .type = p[0], .sub_len = p[1], .offset = off };
	size_t need;
	uint8_t len = p[1];

	switch (e.type) {
	case SRAT_TYPE_CPU:    need = sizeof(struct srat_cpu_affinity); break;
	case SRAT_TYPE_MEMORY: need = sizeof(struct srat_mem_affinity); break;
	case SRAT_TYPE_X2APIC: need = sizeof(struct srat_x2apic_affinity); break;
	case SRAT_TYPE_GI:     need = sizeof(struct srat_gi_affinity); break;
	default:
		return w->fn(w->ctx, &e, reason, rlen);   /* GICC, ITS, ...: undecoded */
	}
	if (len < need) {
		ksnprintf(reason, rlen, "SRAT: %s entry at offset 0x%x has length %u, "
			  "shorter than its %zu-byte structure", srat_type_name(e.type),
			  off, len, need);
		return ACPI_EINVAL;
	}

	if (e.type == SRAT_TYPE_CPU) {
		const struct srat_cpu_affinity *c = (const void *)p;

		e.flags = c->flags;
		e.enabled = c->flags & SRAT_CPU_ENABLED;
		e.apic_id = c->apic_id;
		e.pxm = c->proximity_lo;
		if (w->revision >= 2)
			e.pxm |= (uint32_t)c->proximity_hi[0] << 8 |
				 (uint32_t)c->proximity_hi[1] << 16 |
				 (uint32_t)c->proximity_hi[2] << 24;
	} else if (e.type == SRAT_TYPE_GI) {
		const struct srat_gi_affinity *g = (const void *)p;

		e.flags = g->flags;
		e.enabled = g->flags & SRAT_GI_ENABLED;
		e.pxm = g->proximity_domain;
		e.handle_type = g->handle_type;
		__builtin_memcpy(e.handle, g->handle, sizeof(e.handle));
	} else if (e.type == SRAT_TYPE_X2APIC) {
		const struct srat_x2apic_affinity *x = (const void *)p;

		e.flags = x->flags;
		e.enabled = x->flags & SRAT_CPU_ENABLED;
		e.apic_id = x->x2apic_id;
		e.pxm = x->proximity_domain;
	} else {
		const struct srat_mem_affinity *m = (const void *)p;

		e.flags = m->flags;
		e.enabled = m->flags & SRAT_MEM_ENABLED;
		e.base = m->base_address;
		e.length = m->length_bytes;
		e.pxm = m->proximity_domain;
		if (w->revision <= 1)
			e.pxm &= 0xff;
		if (e.enabled && e.length > UINT64_MAX - e.base) {
			ksnprintf(reason, rlen, "SRAT: memory affinity entry at offset 0x%x: "
				  "base 0x%llx + length 0x%llx wraps past 2^64", off,
				  (unsigned long long)e.base, (unsigned long long)e.length);
			return ACPI_EINVAL;
		}
	}
	return w->fn(w->ctx, &e, reason, rlen);
}

uint8_t srat_revision(const void *table, size_t len)
{
	if (len < sizeof(struct acpi_table_header))
		return 0;
	return ((const struct acpi_table_header *)table)->revision;
}

int srat_walk(const void *table, size_t len, srat_entry_fn fn, void *ctx,
	      char *reason, size_t rlen)
{
	const struct acpi_table_header *h = table;
	struct srat_walk_ctx w = { .fn = fn, .ctx = ctx };
	size_t tlen;

	if (acpi_table_length(table, len, sizeof(struct srat_header), "SRAT", &tlen, reason, rlen))
		return ACPI_EINVAL;
	w.revision = h->revision;
	return acpi_walk_subtables(table, tlen, sizeof(struct srat_header), "SRAT",
				   srat_one, &w, reason, rlen);
}
