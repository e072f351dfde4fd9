/*
 * pe.h - find a named section in the loader's own PE/COFF image as the
 * firmware loaded it (sections at their RVAs).  The unified image (README:
 * "Secure Boot") carries kernel.elf in `.kernel` and the default command
 * line in `.cmdline`, so one Authenticode signature covers all three.
 *
 * Freestanding (no firmware calls): the loader and the host tests
 * (test/efi/pe_test.c, test/fuzz/pe_fuzz.c) compile the same efi/pe.c.
 */
#ifndef EFI_PE_H
#define EFI_PE_H

#include "types.h"

/* MS-DOS stub header: only the magic and the offset of the PE header. */
struct pe_dos_header {
	uint16_t e_magic;                   /* "MZ" */
	uint8_t  unused[58];
	uint32_t e_lfanew;                  /* file offset (= RVA) of "PE\0\0" */
} __packed;
_Static_assert(sizeof(struct pe_dos_header) == 64, "DOS header is 64 bytes");
_Static_assert(__builtin_offsetof(struct pe_dos_header, e_lfanew) == 0x3c, "e_lfanew at 0x3c");

/* COFF file header (PE format, "COFF File Header"), after the signature. */
struct pe_coff_header {
	uint16_t machine;                   /* 0x8664: x86-64 */
	uint16_t nr_sections;
	uint32_t timestamp;
	uint32_t symtab_offset;
	uint32_t nr_symbols;
	uint16_t opt_header_size;           /* the section table follows it */
	uint16_t characteristics;
} __packed;
_Static_assert(sizeof(struct pe_coff_header) == 20, "COFF header is 20 bytes");
_Static_assert(__builtin_offsetof(struct pe_coff_header, opt_header_size) == 16,
	       "SizeOfOptionalHeader at 16");

/* Section table entry ("Section Table (Section Headers)"). */
struct pe_section {
	char     name[8];                   /* NUL-padded, not terminated at 8 */
	uint32_t virtual_size;              /* bytes in memory */
	uint32_t virtual_address;           /* RVA */
	uint32_t raw_size;                  /* bytes in the file (FileAlignment) */
	uint32_t raw_offset;
	uint32_t reloc_offset;
	uint32_t linenum_offset;
	uint16_t nr_relocs;
	uint16_t nr_linenums;
	uint32_t characteristics;
} __packed;
_Static_assert(sizeof(struct pe_section) == 40, "section header is 40 bytes");
_Static_assert(__builtin_offsetof(struct pe_section, virtual_address) == 12, "RVA at 12");

#define PE_DOS_MAGIC     0x5a4d             /* "MZ" */
#define PE_SIGNATURE     0x00004550         /* "PE\0\0" */
#define PE_MACHINE_X64   0x8664
#define PE_MAX_SECTIONS  96                 /* the PE format's own limit */

/*
 * Find section `name` (at most 8 characters) in the loaded image
 * [image, image + image_size).  Returns 1 and sets *rva and *size to the
 * section's bytes in memory, min(VirtualSize, SizeOfRawData) (a loader
 * zero-fills the rest, and the signature covers only raw bytes); 0 when
 * the headers are sound but no section has that name; -1 with *why set
 * when the headers are malformed.  Every offset is checked against
 * image_size before it is read.
 */
int pe_find_section(const uint8_t *image, uint64_t image_size, const char *name,
		    uint32_t *rva, uint32_t *size, const char **why);

#endif /* EFI_PE_H */
