/*
 * madt.c - decode MADT CPU entries (see madt.h).
 */
#include "acpi/madt.h"
#include "lib/printf.h"

struct madt_walk_ctx {
	uint8_t revision;
	madt_cpu_fn fn;
	void *ctx;
};

static int madt_one(void *ctx, const uint8_t *p, uint32_t off, char *reason, size_t rlen)
{
	struct madt_walk_ctx *w = ctx;
	struct madt_cpu c = { .offset = off };
	uint32_t flags;
	size_t need;

	switch (p[0]) {
	case MADT_TYPE_LOCAL_APIC:   need = sizeof(struct madt_local_apic); break;
	case MADT_TYPE_LOCAL_X2APIC: need = sizeof(struct madt_local_x2apic); break;
	default:
		return 0;
	}
	if (p[1] < need) {
		ksnprintf(reason, rlen, "MADT: %s entry at offset 0x%x has length %u, "
			  "shorter than its %zu-byte structure",
			  p[0] == MADT_TYPE_LOCAL_APIC ? "local APIC" : "local x2APIC",
			  off, p[1], need);
		return ACPI_EINVAL;
	}
	if (p[0] == MADT_TYPE_LOCAL_APIC) {
		const struct madt_local_apic *l = (const void *)p;

		if (l->apic_id == 0xff)
			return 0;
		c.apic_id = l->apic_id;
		c.uid = l->processor_uid;
		flags = l->flags;
	} else {
		const struct madt_local_x2apic *x = (const void *)p;

		if (x->x2apic_id == 0xffffffffu)
			return 0;
		c.apic_id = x->x2apic_id;
		c.uid = x->processor_uid;
		c.x2apic = true;
		flags = x->flags;
	}
	c.enabled = flags & MADT_CPU_ENABLED;
	c.online_capable = w->revision >= MADT_ONLINE_CAPABLE_REV &&
			   (flags & MADT_CPU_ONLINE_CAPABLE);
	return w->fn(w->ctx, &c, reason, rlen);
}

int madt_walk(const void *table, size_t len, madt_cpu_fn fn, void *ctx,
	      char *reason, size_t rlen)
{
	const struct acpi_table_header *h = table;
	struct madt_walk_ctx w = { .fn = fn, .ctx = ctx };
	size_t tlen;

	if (acpi_table_length(table, len, sizeof(struct madt_header), "MADT", &tlen, reason, rlen))
		return ACPI_EINVAL;
	w.revision = h->revision;
	return acpi_walk_subtables(table, tlen, sizeof(struct madt_header), "MADT",
				   madt_one, &w, reason, rlen);
}
