/*
 * acpi.c - RSDP and RSDT/XSDT validation and table lookup by signature
 * (see acpi.h).  Nothing here trusts a length before checking it.
 */
#include "acpi/acpi.h"
#include "acpi/topology.h"
#include "lib/printf.h"
#include "mm/physmap.h"

uint8_t acpi_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

static bool table_memory_type(uint32_t type)
{
	return type == PHYSMAP_ACPI_RECLAIM || type == PHYSMAP_ACPI_NVS ||
	       type == PHYSMAP_RESERVED;
}

int acpi_table_memory_check(const struct physmap_entry *map, size_t n, phys_addr_t pa,
			    uint64_t len, char *why, size_t wlen)
{
	uint64_t cur = pa, end = pa + len;
	size_t i = 0;

	if (end < pa) {
		ksnprintf(why, wlen, "range wraps past 2^64");
		return ACPI_EINVAL;
	}
	while (cur < end) {
		const struct physmap_entry *e;

		while (i < n && map[i].end <= cur)
			i++;
		e = i < n ? &map[i] : NULL;
		if (!e || e->start > cur) {
			uint64_t hole_end = e && e->start < end ? e->start : end;

			if (cur < ACPI_BIOS_ROM_START || hole_end > ACPI_BIOS_ROM_END) {
				uint64_t at = cur >= ACPI_BIOS_ROM_START && cur < ACPI_BIOS_ROM_END ?
					      ACPI_BIOS_ROM_END : cur;

				if (at == pa)
					ksnprintf(why, wlen, "no memory");
				else
					ksnprintf(why, wlen, "no memory at 0x%llx", (unsigned long long)at);
				return ACPI_EINVAL;
			}
			cur = hole_end;
			continue;
		}
		if (!table_memory_type(e->type)) {
			if (cur == pa)
				ksnprintf(why, wlen, "%s", physmap_type_name(e->type));
			else
				ksnprintf(why, wlen, "%s at 0x%llx", physmap_type_name(e->type),
					  (unsigned long long)cur);
			return ACPI_EINVAL;
		}
		cur = e->end;
	}
	return ACPI_OK;
}

/*
 * acc->map() behind the table-memory check: NULL, with "<what> at 0x…+<len>
 * not in ACPI/reserved memory (<why>)" or "... is not readable" in reason,
 * when the range may not or cannot be read.  Kept short: the reason ends
 * up in numa_topology.reason (128 bytes) behind "No NUMA configuration
 * found (ACPI: ".
 */
static const void *acpi_map(const struct acpi_access *acc, phys_addr_t pa, size_t len,
			    const char *what, char *reason, size_t rlen)
{
	const void *p;
	char why[64];

	if (acc->physmap &&
	    acpi_table_memory_check(acc->physmap, acc->nr_physmap, pa, len, why,
				    sizeof(why)) != ACPI_OK) {
		ksnprintf(reason, rlen, "%s at 0x%llx+%zu not in ACPI/reserved memory (%s)", what,
			  (unsigned long long)pa, len, why);
		return NULL;
	}
	p = acc->map(acc->ctx, pa, len);
	if (!p)
		ksnprintf(reason, rlen, "%s at 0x%llx+%zu is not readable", what,
			  (unsigned long long)pa, len);
	return p;
}

/* True if the first n bytes of a and b are equal (signatures are not
 * NUL-terminated). */
static bool sig_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Copy up to 4 signature bytes into a printable, NUL-terminated string. */
static void sig_str(char out[5], const char *sig)
{
	for (int i = 0; i < 4; i++) {
		char c = sig[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[4] = '\0';
}

int acpi_table_check(const void *table, size_t avail, const char *sig,
		     char *reason, size_t rlen)
{
	const struct acpi_table_header *h = table;
	char name[5];
	uint8_t sum;

	if (!table || avail < sizeof(*h)) {
		ksnprintf(reason, rlen, "%s: table shorter than its 36-byte header (%zu bytes)",
			  sig ? sig : "ACPI", avail);
		return ACPI_EINVAL;
	}
	sig_str(name, h->signature);
	if (sig && !sig_eq(h->signature, sig, 4)) {
		ksnprintf(reason, rlen, "%s: wrong signature \"%s\"", sig, name);
		return ACPI_EINVAL;
	}
	if (h->length < sizeof(*h)) {
		ksnprintf(reason, rlen, "%s: length %u is shorter than the 36-byte header",
			  name, h->length);
		return ACPI_EINVAL;
	}
	if (h->length > ACPI_TABLE_MAX_LEN) {
		ksnprintf(reason, rlen, "%s: length %u exceeds the %u-byte sanity limit",
			  name, h->length, ACPI_TABLE_MAX_LEN);
		return ACPI_EINVAL;
	}
	if (h->length > avail) {
		ksnprintf(reason, rlen, "%s: length %u runs past the end of the data (%zu bytes)",
			  name, h->length, avail);
		return ACPI_EINVAL;
	}
	sum = acpi_checksum(table, h->length);
	if (sum != 0) {
		ksnprintf(reason, rlen, "%s: checksum mismatch (bytes sum to 0x%02x, not 0)",
			  name, sum);
		return ACPI_EINVAL;
	}
	return ACPI_OK;
}

int acpi_rsdp_check(const struct acpi_access *acc, phys_addr_t rsdp_pa,
		    char *reason, size_t rlen)
{
	const struct acpi_rsdp *r;
	uint32_t len;

	r = acpi_map(acc, rsdp_pa, ACPI_RSDP_V1_SIZE, "RSDP", reason, rlen);
	if (!r)
		return ACPI_EINVAL;
	if (!sig_eq(r->signature, "RSD PTR ", 8)) {
		ksnprintf(reason, rlen, "RSDP at 0x%llx: bad signature", (unsigned long long)rsdp_pa);
		return ACPI_EINVAL;
	}
	if (acpi_checksum(r, ACPI_RSDP_V1_SIZE) != 0) {
		ksnprintf(reason, rlen, "RSDP at 0x%llx: checksum mismatch",
			  (unsigned long long)rsdp_pa);
		return ACPI_EINVAL;
	}
	if (r->revision < 2)
		return ACPI_OK;

	r = acpi_map(acc, rsdp_pa, sizeof(*r), "RSDP (revision 2)", reason, rlen);
	if (!r)
		return ACPI_EINVAL;
	if (r->length < sizeof(*r) || r->length > 4096) {
		ksnprintf(reason, rlen, "RSDP at 0x%llx: length %u out of range (36..4096)",
			  (unsigned long long)rsdp_pa, r->length);
		return ACPI_EINVAL;
	}
	len = r->length;
	r = acpi_map(acc, rsdp_pa, len, "RSDP", reason, rlen);
	if (!r)
		return ACPI_EINVAL;
	if (acpi_checksum(r, len) != 0) {
		ksnprintf(reason, rlen, "RSDP at 0x%llx: extended checksum mismatch",
			  (unsigned long long)rsdp_pa);
		return ACPI_EINVAL;
	}
	return ACPI_OK;
}

/*
 * Map the table at pa: its header first, then its whole declared length
 * (bounded by ACPI_TABLE_MAX_LEN), and check it.  *out gets the mapping
 * even when the check fails, if the length could be mapped.
 */
static int map_table(const struct acpi_access *acc, phys_addr_t pa, const char *sig,
		     struct acpi_table_ref *out, char *reason, size_t rlen)
{
	const struct acpi_table_header *h;
	uint32_t len;

	out->pa = pa;
	out->table = NULL;
	out->length = 0;
	h = acpi_map(acc, pa, sizeof(*h), sig ? sig : "table", reason, rlen);
	if (!h)
		return ACPI_EINVAL;
	len = h->length;
	if (len >= sizeof(*h) && len <= ACPI_TABLE_MAX_LEN) {
		const void *t = acpi_map(acc, pa, len, sig ? sig : "table", reason, rlen);

		if (!t)
			return ACPI_EINVAL;
		out->table = t;
		out->length = len;
		return acpi_table_check(t, len, sig, reason, rlen);
	}
	return acpi_table_check(h, sizeof(*h), sig, reason, rlen);
}

int acpi_find_table(const struct acpi_access *acc, phys_addr_t rsdp_pa, const char *sig,
		    struct acpi_table_ref *ref, const char **root,
		    char *reason, size_t rlen)
{
	const struct acpi_rsdp *r;
	struct acpi_table_ref rt;
	size_t esize, n;
	char xsdt_why[128] = "", skipped[128] = "";

	ref->pa = 0;
	ref->table = NULL;
	ref->length = 0;
	if (acpi_rsdp_check(acc, rsdp_pa, reason, rlen) != ACPI_OK)
		return ACPI_EINVAL;
	r = acpi_map(acc, rsdp_pa, ACPI_RSDP_V1_SIZE, "RSDP", reason, rlen);
	if (!r)
		return ACPI_EINVAL;

	/* XSDT preferred (ACPI 2.0+); RSDT when there is none or it is broken,
	 * as ACPICA's acpi_tb_parse_root_table() falls back. */
	esize = 0;
	if (r->revision >= 2) {
		const struct acpi_rsdp *r2 = acpi_map(acc, rsdp_pa, sizeof(*r2), "RSDP", reason, rlen);

		if (r2 && r2->xsdt_address) {
			if (map_table(acc, r2->xsdt_address, "XSDT", &rt, xsdt_why,
				      sizeof(xsdt_why)) == ACPI_OK)
				esize = 8;
		}
		r = acpi_map(acc, rsdp_pa, ACPI_RSDP_V1_SIZE, "RSDP", reason, rlen);
		if (!r)
			return ACPI_EINVAL;
	}
	if (!esize) {
		uint32_t rsdt = r->rsdt_address;

		if (!rsdt) {
			ksnprintf(reason, rlen, "no usable root table (%s)",
				  xsdt_why[0] ? xsdt_why : "RSDP has neither XSDT nor RSDT");
			return ACPI_EINVAL;
		}
		if (map_table(acc, rsdt, "RSDT", &rt, reason, rlen) != ACPI_OK)
			return ACPI_EINVAL;
		esize = 4;
	}
	if (root)
		*root = esize == 8 ? "XSDT" : "RSDT";

	n = (rt.length - sizeof(struct acpi_table_header)) / esize;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)rt.table + sizeof(struct acpi_table_header) + i * esize;
		const struct acpi_table_header *h;
		char why[112];
		uint64_t pa = 0;

		for (size_t b = 0; b < esize; b++)
			pa |= (uint64_t)e[b] << (8 * b);
		if (!pa)
			continue;
		h = acpi_map(acc, pa, sizeof(*h), "table", why, sizeof(why));
		if (!h) {
			if (!skipped[0])
				ksnprintf(skipped, sizeof(skipped), "%s[%zu] skipped: %s",
					  esize == 8 ? "XSDT" : "RSDT", i, why);
			continue;
		}
		if (!sig_eq(h->signature, sig, 4))
			continue;
		return map_table(acc, pa, sig, ref, reason, rlen);
	}
	ksnprintf(reason, rlen, "%s", skipped);
	return ACPI_ENOTFOUND;
}

int acpi_table_length(const void *table, size_t len, size_t hdr_size, const char *name,
		      size_t *tlen, char *reason, size_t rlen)
{
	if (len < hdr_size) {
		ksnprintf(reason, rlen, "%s: %zu bytes, shorter than its %zu-byte header", name, len,
			  hdr_size);
		return ACPI_EINVAL;
	}
	*tlen = ((const struct acpi_table_header *)table)->length;
	if (*tlen < hdr_size || *tlen > len) {
		ksnprintf(reason, rlen, "%s: header length %zu outside [%zu, %zu]", name, *tlen,
			  hdr_size, len);
		return ACPI_EINVAL;
	}
	return ACPI_OK;
}

int acpi_walk_subtables(const void *table, size_t tlen, size_t first, const char *name,
			acpi_subtable_fn fn, void *ctx, char *reason, size_t rlen)
{
	const uint8_t *t = table;
	size_t off = first;

	while (off < tlen) {
		uint8_t type, len;
		int ret;

		if (tlen - off < sizeof(struct acpi_subtable_header)) {
			ksnprintf(reason, rlen, "%s: truncated subtable header at offset 0x%zx "
				  "(table is %zu bytes)", name, off, tlen);
			return ACPI_EINVAL;
		}
		type = t[off];
		len = t[off + 1];
		if (len < sizeof(struct acpi_subtable_header)) {
			ksnprintf(reason, rlen, "%s: subtable at offset 0x%zx (type %u) has %s "
				  "length %u", name, off, type, len ? "too short a" : "zero", len);
			return ACPI_EINVAL;
		}
		if (len > tlen - off) {
			ksnprintf(reason, rlen, "%s: subtable at offset 0x%zx (type %u, length %u) "
				  "runs past the end of the table (%zu bytes)", name, off, type,
				  len, tlen);
			return ACPI_EINVAL;
		}
		ret = fn(ctx, t + off, (uint32_t)off, reason, rlen);
		if (ret)
			return ret;
		off += len;
	}
	return ACPI_OK;
}
