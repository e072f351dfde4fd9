/*
 * acpi_tables.h - helpers shared by the test/acpi/ tests: build ACPI tables
 * byte by byte in C, load the tables iasl compiled from test/acpi/tables/
 * (build/host/acpi-tables/<name>.aml), fake physical memory for the
 * acpi_access map callback, and compare printed lines.  Header-only so each
 * test binary stays one source file (the Makefile builds one per file).
 */
#ifndef TEST_ACPI_TABLES_H
#define TEST_ACPI_TABLES_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi.h"
#include "acpi/topology.h"

/* ------------------------------------------------------------ table builder */

struct tbuf {
	uint8_t data[1 << 17];
	size_t len;
};

static inline void tb_put(struct tbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > sizeof(b->data))
		abort();
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void tb_u8(struct tbuf *b, uint8_t v) { tb_put(b, &v, 1); }
static inline void tb_u16(struct tbuf *b, uint16_t v) { tb_put(b, &v, 2); }
static inline void tb_u32(struct tbuf *b, uint32_t v) { tb_put(b, &v, 4); }
static inline void tb_u64(struct tbuf *b, uint64_t v) { tb_put(b, &v, 8); }

/* Start a table: 36-byte header (length and checksum filled by tb_finish). */
static inline void tb_begin(struct tbuf *b, const char *sig, uint8_t revision)
{
	struct acpi_table_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, sig, 4);
	h.revision = revision;
	memcpy(h.oem_id, "TEST  ", 6);
	memcpy(h.oem_table_id, "UNITTEST", 8);
	memcpy(h.creator_id, "TEST", 4);
	b->len = 0;
	tb_put(b, &h, sizeof(h));
}

/* Set the header length to the bytes written and fix the checksum. */
static inline void tb_finish(struct tbuf *b)
{
	struct acpi_table_header *h = (void *)b->data;

	h->length = (uint32_t)b->len;
	h->checksum = 0;
	h->checksum = (uint8_t)(0x100 - acpi_checksum(b->data, b->len));
}

/* SRAT: header + reserved fields. */
static inline void srat_begin(struct tbuf *b, uint8_t revision)
{
	tb_begin(b, "SRAT", revision);
	tb_u32(b, 1);
	tb_u64(b, 0);
}

static inline void srat_cpu(struct tbuf *b, uint32_t pxm, uint8_t apic, uint32_t flags)
{
	tb_u8(b, 0); tb_u8(b, 16);
	tb_u8(b, pxm & 0xff); tb_u8(b, apic);
	tb_u32(b, flags);
	tb_u8(b, 0);
	tb_u8(b, (pxm >> 8) & 0xff); tb_u8(b, (pxm >> 16) & 0xff); tb_u8(b, (pxm >> 24) & 0xff);
	tb_u32(b, 0);
}

static inline void srat_mem(struct tbuf *b, uint32_t pxm, uint64_t base, uint64_t len,
			    uint32_t flags)
{
	tb_u8(b, 1); tb_u8(b, 40);
	tb_u32(b, pxm); tb_u16(b, 0);
	tb_u64(b, base); tb_u64(b, len);
	tb_u32(b, 0); tb_u32(b, flags); tb_u64(b, 0);
}

static inline void srat_x2apic(struct tbuf *b, uint32_t pxm, uint32_t apic, uint32_t flags)
{
	tb_u8(b, 2); tb_u8(b, 24); tb_u16(b, 0);
	tb_u32(b, pxm); tb_u32(b, apic); tb_u32(b, flags);
	tb_u32(b, 0); tb_u32(b, 0);
}

/* Generic Initiator affinity (type 5): handle_len bytes of handle, rest 0. */
static inline void srat_gi(struct tbuf *b, uint32_t pxm, uint8_t handle_type, const char *handle,
			   size_t handle_len, uint32_t flags)
{
	tb_u8(b, 5); tb_u8(b, 32); tb_u8(b, 0); tb_u8(b, handle_type);
	tb_u32(b, pxm);
	for (size_t i = 0; i < 16; i++)
		tb_u8(b, i < handle_len ? (uint8_t)handle[i] : 0);
	tb_u32(b, flags); tb_u32(b, 0);
}

/* SLIT with n localities from a row-major matrix. */
static inline void slit_build(struct tbuf *b, uint64_t n, const uint8_t *m)
{
	tb_begin(b, "SLIT", 1);
	tb_u64(b, n);
	tb_put(b, m, (size_t)(n * n));
	tb_finish(b);
}

static inline void madt_begin(struct tbuf *b, uint8_t revision)
{
	tb_begin(b, "APIC", revision);
	tb_u32(b, 0xfee00000u);
	tb_u32(b, 1);
}

static inline void madt_lapic(struct tbuf *b, uint8_t uid, uint8_t apic, uint32_t flags)
{
	tb_u8(b, 0); tb_u8(b, 8); tb_u8(b, uid); tb_u8(b, apic); tb_u32(b, flags);
}

static inline void madt_x2apic(struct tbuf *b, uint32_t apic, uint32_t flags, uint32_t uid)
{
	tb_u8(b, 9); tb_u8(b, 16); tb_u16(b, 0);
	tb_u32(b, apic); tb_u32(b, flags); tb_u32(b, uid);
}

static inline void madt_ioapic(struct tbuf *b)
{
	tb_u8(b, 1); tb_u8(b, 12); tb_u8(b, 0); tb_u8(b, 0);
	tb_u32(b, 0xfec00000u); tb_u32(b, 0);
}

/* ------------------------------------------------------------ iasl tables */

/* Read build/host/acpi-tables/<name>.aml (BUILD_DIR from the test runner,
 * else ./build).  Fails the test when missing: the Makefile builds them. */
static inline uint8_t *aml_load(const char *name, size_t *len)
{
	const char *bd = getenv("BUILD_DIR");
	char path[1024];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/host/acpi-tables/%s.aml", bd ? bd : "build", name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s (run make, or set BUILD_DIR)\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ------------------------------------------------------------ fake memory */

/* A window of "physical memory" at base, for acpi_access. */
struct fake_mem {
	uint64_t base;
	uint8_t *bytes;
	size_t size;
	unsigned maps;          /* number of map() calls (for bounds tests) */
};

static inline const void *fake_map(void *ctx, phys_addr_t pa, size_t len)
{
	struct fake_mem *m = ctx;

	m->maps++;
	if (pa < m->base || pa - m->base > m->size || len > m->size - (pa - m->base))
		return NULL;
	return m->bytes + (pa - m->base);
}

/* RSDP (revision 0 or 2) at `at`, pointing at rsdt/xsdt (0: none). */
static inline void fake_rsdp(struct fake_mem *m, uint64_t at, uint8_t rev, uint32_t rsdt,
			     uint64_t xsdt)
{
	struct acpi_rsdp *r = (void *)(m->bytes + (at - m->base));

	memset(r, 0, sizeof(*r));
	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, "TEST  ", 6);
	r->revision = rev;
	r->rsdt_address = rsdt;
	if (rev >= 2) {
		r->length = sizeof(*r);
		r->xsdt_address = xsdt;
	}
	r->checksum = (uint8_t)(0x100 - acpi_checksum(r, 20));
	if (rev >= 2)
		r->extended_checksum = (uint8_t)(0x100 - acpi_checksum(r, sizeof(*r)));
}

/* Root table (RSDT with 4-byte or XSDT with 8-byte entries) at `at`. */
static inline void fake_root(struct fake_mem *m, uint64_t at, bool xsdt, const uint64_t *tables,
			     size_t n)
{
	struct tbuf *b = calloc(1, sizeof(*b));

	tb_begin(b, xsdt ? "XSDT" : "RSDT", 1);
	for (size_t i = 0; i < n; i++) {
		if (xsdt)
			tb_u64(b, tables[i]);
		else
			tb_u32(b, (uint32_t)tables[i]);
	}
	tb_finish(b);
	memcpy(m->bytes + (at - m->base), b->data, b->len);
	free(b);
}

static inline void fake_put(struct fake_mem *m, uint64_t at, const struct tbuf *b)
{
	memcpy(m->bytes + (at - m->base), b->data, b->len);
}

/* ------------------------------------------------------------ output */

/* A printf_fn capturing into one static buffer. */
static char cap_buf[1 << 20];   /* 4096 CPUs, 256 nodes */
static size_t cap_len;

static inline void cap_reset(void) { cap_len = 0; cap_buf[0] = '\0'; }

__attribute__((format(printf, 1, 2), unused))
static void cap_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cap_buf + cap_len, sizeof(cap_buf) - cap_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		cap_len = MIN(cap_len + (size_t)n, sizeof(cap_buf) - 1);
}

/* One usable RAM entry per [start, end) pair. */
static inline size_t ram_map(struct physmap_entry *map, const uint64_t *ranges, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		map[i].start = ranges[2 * i];
		map[i].end = ranges[2 * i + 1];
		map[i].type = PHYSMAP_USABLE;
		map[i].owner = 0;
	}
	return n;
}

#endif /* TEST_ACPI_TABLES_H */
