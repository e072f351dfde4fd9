/*
 * pe.c - find a named section in a loaded PE/COFF image (contract in pe.h).
 */
#include "efi/pe.h"

/* Little-endian reads that need no alignment (the image is untrusted). */
static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Does the 8-byte, NUL-padded section name equal name? */
static bool name_is(const uint8_t *field, const char *name)
{
	size_t i;

	for (i = 0; i < 8 && name[i]; i++)
		if (field[i] != (uint8_t)name[i])
			return false;
	if (name[i])
		return false;                   /* name longer than 8 */
	return i == 8 || field[i] == 0;
}

#define MALFORMED(reason) do { *why = (reason); return -1; } while (0)

int pe_find_section(const uint8_t *image, uint64_t image_size, const char *name,
		    uint32_t *rva, uint32_t *size, const char **why)
{
	uint64_t pe, coff, table;
	uint16_t nsec, opt;

	if (image_size < sizeof(struct pe_dos_header))
		MALFORMED("image smaller than a DOS header");
	if (rd16(image) != PE_DOS_MAGIC)
		MALFORMED("no MZ signature");
	pe = rd32(image + __builtin_offsetof(struct pe_dos_header, e_lfanew));
	if (pe > image_size || image_size - pe < 4 + sizeof(struct pe_coff_header))
		MALFORMED("PE header outside the image");
	if (rd32(image + pe) != PE_SIGNATURE)
		MALFORMED("no PE signature");
	coff = pe + 4;
	if (rd16(image + coff) != PE_MACHINE_X64)
		MALFORMED("not an x86-64 image");
	nsec = rd16(image + coff + __builtin_offsetof(struct pe_coff_header, nr_sections));
	opt = rd16(image + coff + __builtin_offsetof(struct pe_coff_header, opt_header_size));
	if (nsec > PE_MAX_SECTIONS)
		MALFORMED("too many sections");
	table = coff + sizeof(struct pe_coff_header) + opt;
	if (table > image_size ||
	    (image_size - table) / sizeof(struct pe_section) < nsec)
		MALFORMED("section table outside the image");

	for (uint16_t i = 0; i < nsec; i++) {
		const uint8_t *s = image + table + (uint64_t)i * sizeof(struct pe_section);
		uint32_t vsize = rd32(s + __builtin_offsetof(struct pe_section, virtual_size));
		uint32_t va = rd32(s + __builtin_offsetof(struct pe_section, virtual_address));
		uint32_t raw = rd32(s + __builtin_offsetof(struct pe_section, raw_size));
		uint32_t n = vsize < raw ? vsize : raw;

		if (!name_is(s, name))
			continue;
		if ((uint64_t)va + n > image_size)
			MALFORMED("section outside the image");
		*rva = va;
		*size = n;
		return 1;
	}
	return 0;
}
