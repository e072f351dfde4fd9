/*
 * handoff.h - the one bridge between the UEFI loader (efi/) and the kernel.
 *
 * The loader fills one struct handoff in pages it allocates, records its
 * physical address in RDI and jumps to the kernel.  Rules (Zircon's
 * PhysHandoff, Limine's revisions):
 *   - magic, version, size and checksum come first; the kernel refuses
 *     (panics) a handoff that fails handoff_check();
 *   - fixed-width fields only, physical addresses as uint64_t, no pointers;
 *   - append-only: a new field goes at the end and bumps HANDOFF_VERSION;
 *     each field says which version added it.
 *
 * Version history:
 *   1  boot path: memory map, raw EFI map, RSDP, command line, kernel placement
 *   2  NUMA topology from SRAT/SLIT/MADT (struct numa_topology)
 *   3  one page-table copy per node, kernel text replicas, SMP trampoline page
 *   4  physmap types PHYSMAP_SOFT_RESERVED and PHYSMAP_UNACCEPTED
 *   5  serial consoles the loader found (struct handoff_uart), and why
 *   6  the GOP framebuffer (struct handoff_fb)
 *   7  struct numa_topology ends with SRAT generic initiators and skipped
 *      subtables (numa.h; the fields after `numa` moved by their size)
 *   8  the FADT's reset register (struct handoff_reset)
 *   9  limits raised (256 nodes, 4096 CPUs, 512 memory ranges); numa_topology
 *      ends with the count of CPUs past the limit
 */
#ifndef HANDOFF_H
#define HANDOFF_H

#include "types.h"
#include "numa.h"

#define HANDOFF_MAGIC    0x46464f444e41484bULL   /* "KHANDOFF" little-endian */
#define HANDOFF_VERSION  9

/* ---- version 1 -------------------------------------------------------- */

/* Kernel's own memory types.  The normaliser (mm/physmap.c) maps EFI types
 * onto these; MMIO and MMIO port space are not memory and are dropped. */
enum physmap_type {
	PHYSMAP_USABLE       = 1,  /* write-back conventional, boot-services code/data, loader
				      memory not kept */
	PHYSMAP_RESERVED     = 2,  /* reserved, runtime-services code/data, PAL code, usable
				      types without EFI_MEMORY_WB */
	PHYSMAP_ACPI_RECLAIM = 3,  /* ACPI tables: usable once ACPI is done with them */
	PHYSMAP_ACPI_NVS     = 4,
	PHYSMAP_UNUSABLE     = 5,  /* firmware found errors in it */
	PHYSMAP_PERSISTENT   = 6,
	PHYSMAP_LOADER       = 7,  /* loader-owned, the kernel must keep it: see owner */
	PHYSMAP_SOFT_RESERVED = 8, /* v4: usable types with EFI_MEMORY_SP (HBM, CXL): not RAM at boot */
	PHYSMAP_UNACCEPTED   = 9,  /* v4: EFI unaccepted memory (TDX/SEV-SNP): not accepted, not used */
	PHYSMAP_TYPE_MAX     = PHYSMAP_UNACCEPTED,
};

/* physmap_entry.owner for PHYSMAP_LOADER ranges (0 for every other type). */
enum physmap_owner {
	OWNER_NONE       = 0,
	OWNER_KERNEL     = 1,   /* the kernel image as loaded */
	OWNER_HANDOFF    = 2,   /* this structure */
	OWNER_PGTABLE    = 3,   /* page-table pages of some node's copy */
	OWNER_STACK      = 4,   /* boot stack */
	OWNER_KTEXT      = 5,   /* a node's copy of kernel text + rodata */
	OWNER_EFI_MAP    = 6,   /* the raw EFI memory map copy */
	OWNER_TRAMPOLINE = 7,   /* the identity-mapped CR3-switch page (free after entry) */
	OWNER_SMP_TRAMP  = 8,   /* a page below 1 MiB kept for the SMP start-up code */
	OWNER_MAX
};

/* [start, end), sorted, non-overlapping; usable ranges are page aligned. */
struct physmap_entry {
	uint64_t start;
	uint64_t end;
	uint32_t type;          /* enum physmap_type */
	uint32_t owner;         /* enum physmap_owner */
};
_Static_assert(sizeof(struct physmap_entry) == 24, "physmap_entry layout is handoff ABI");

#define HANDOFF_PHYSMAP_MAX  1024
#define HANDOFF_CMDLINE_MAX  512

struct handoff_header {
	uint64_t magic;         /* HANDOFF_MAGIC */
	uint32_t version;       /* HANDOFF_VERSION the loader was built with */
	uint32_t size;          /* sizeof(struct handoff) the loader was built with */
	uint32_t checksum;      /* CRC-32 of all `size` bytes with this field zero */
	uint32_t flags;         /* reserved, 0 */
};
_Static_assert(sizeof(struct handoff_header) == 24, "handoff_header layout is ABI");

/* ---- version 3 ---------------------------------------------------------- */

/* One node's page-table copy.  A memory-less node points at the copy of its
 * nearest node (by distance, ties to the lowest id): root_node != its id. */
struct handoff_pgd {
	uint64_t root_pa;       /* PML4 physical address (the CR3 value) */
	uint64_t text_pa;       /* physical address of this copy's text+rodata */
	uint32_t table_pages;   /* page-table pages in this copy (all levels) */
	uint16_t root_node;     /* node whose memory holds the tables */
	uint16_t text_node;     /* node whose memory holds the text copy */
};
_Static_assert(sizeof(struct handoff_pgd) == 24, "handoff_pgd layout is ABI");

/* ---- version 5 ---------------------------------------------------------- */

/* How a UART's registers are reached. */
enum handoff_uart_space {
	UART_SPACE_IO   = 1,    /* x86 I/O ports: register r at base + r */
	UART_SPACE_MMIO = 2,    /* memory: register r at base + r * reg_width */
};

/* Why the loader chose a UART (the kernel prints it). */
enum handoff_console_source {
	CONSOLE_SRC_CMDLINE  = 1,  /* console= or earlycon= on the command line */
	CONSOLE_SRC_SPCR     = 2,  /* ACPI SPCR table (also earlycon with no value) */
	CONSOLE_SRC_FIRMWARE = 3,  /* a UART in the firmware's ConOut device paths */
	CONSOLE_SRC_PROBE    = 4,  /* legacy COM1-COM4 found by probing */
	CONSOLE_SRC_PCI      = 5,  /* a PCI serial controller (class 07/00), BAR */
};

/* One 16550-compatible UART the kernel writes its log to. */
struct handoff_uart {
	uint64_t base;          /* I/O port or MMIO physical address */
	uint64_t va;            /* MMIO: where every copy maps it (IOMAP window); 0 for I/O */
	uint32_t baud;          /* 0: keep the divisor the firmware programmed */
	uint32_t clock;         /* input clock in Hz; 0: the PC's 1843200 */
	uint32_t pci;           /* source PCI: segment << 16 | bus << 8 | dev << 3 | fn */
	uint8_t  space;         /* enum handoff_uart_space */
	uint8_t  reg_width;     /* MMIO register stride and access width: 1 or 4 bytes */
	uint8_t  source;        /* enum handoff_console_source */
	uint8_t  index;         /* ttyS<index> for COM1-COM4 (0-3), else 0xff */
};
_Static_assert(sizeof(struct handoff_uart) == 32, "handoff_uart layout is ABI");

#define HANDOFF_UART_MAX   4
#define UART_INDEX_NONE    0xff

/* ---- version 6 ---------------------------------------------------------- */

/* Pixel layouts of a 32-bit framebuffer (UEFI's EFI_GRAPHICS_PIXEL_FORMAT). */
enum handoff_fb_format {
	FB_FORMAT_RGBX    = 1,  /* byte 0 red, 1 green, 2 blue (PixelRedGreenBlueReserved8BitPerColor) */
	FB_FORMAT_BGRX    = 2,  /* byte 0 blue, 1 green, 2 red (PixelBlueGreenRedReserved8BitPerColor) */
	FB_FORMAT_BITMASK = 3,  /* the masks say (PixelBitMask) */
};

/* The framebuffer the firmware's GOP left set up; base 0 = none. */
struct handoff_fb {
	uint64_t base;          /* physical address of pixel (0, 0) */
	uint64_t size;          /* bytes, >= stride * height * 4 */
	uint64_t va;            /* where every copy maps it (IOMAP window, uncached) */
	uint32_t width;         /* visible pixels */
	uint32_t height;
	uint32_t stride;        /* pixels per scan line (>= width) */
	uint32_t format;        /* enum handoff_fb_format */
	uint32_t red_mask;      /* FB_FORMAT_BITMASK only */
	uint32_t green_mask;
	uint32_t blue_mask;
	uint32_t reserved6;
};
_Static_assert(sizeof(struct handoff_fb) == 56, "handoff_fb layout is ABI");

/* ---- version 8 ---------------------------------------------------------- */

/* The ACPI reset register (FADT RESET_REG / RESET_VALUE); valid 0 = none. */
struct handoff_reset {
	uint64_t address;       /* I/O port, physical address, or PCI bus-0 dev/fn/offset (GAS) */
	uint64_t va;            /* memory space: where every copy maps it (IOMAP) */
	uint8_t  space;         /* GAS space id: 0 memory, 1 I/O, 2 PCI configuration */
	uint8_t  value;         /* RESET_VALUE */
	uint8_t  valid;
	uint8_t  kbd_8042;      /* FADT IAPC_BOOT_ARCH bit 1: an 8042 is present (reported only) */
	uint32_t reserved7;
};
_Static_assert(sizeof(struct handoff_reset) == 24, "handoff_reset layout is ABI");

struct handoff {
	struct handoff_header hdr;

	/* v1: normalised memory map (mm/physmap.c). */
	uint32_t nr_physmap;
	uint32_t reserved0;
	struct physmap_entry physmap[HANDOFF_PHYSMAP_MAX];

	/* v1: the raw EFI memory map as returned before ExitBootServices
	 * (kept for runtime services); walk it by efi_desc_size. */
	uint64_t efi_map_pa;
	uint64_t efi_map_size;
	uint32_t efi_desc_size;
	uint32_t efi_desc_version;
	uint64_t efi_system_table_pa;

	/* v1: ACPI root (0 when the firmware has none). */
	uint64_t rsdp_pa;
	uint32_t rsdp_revision;
	uint32_t reserved1;

	/* v1: NUL-terminated command line (load options or cmdline.txt). */
	char     cmdline[HANDOFF_CMDLINE_MAX];

	/* v1: where the kernel image is.  [kernel_va, kernel_va + kernel_size)
	 * maps to [kernel_pa, ...) in the original (non-replicated) layout. */
	uint64_t kernel_pa;
	uint64_t kernel_va;
	uint64_t kernel_size;
	uint64_t kernel_entry;
	uint64_t ktext_va;      /* start of text+rodata (the replicated span) */
	uint64_t ktext_size;

	/* v1: boot stack, identity-mapped trampoline, boot CPU, timing. */
	uint64_t stack_pa;
	uint64_t stack_size;
	uint64_t trampoline_pa; /* identity-mapped in the boot copy only */
	uint64_t direct_map_end;/* physical end of what the direct map covers */
	uint32_t boot_apic_id;
	uint32_t flags;         /* HANDOFF_F_* */
	uint64_t tsc_khz;       /* measured by the loader with Stall(); 0 if unknown */
	uint64_t tsc_loader_start;   /* TSC when the loader's efi_main began */
	uint64_t tsc_pgtable_build;  /* TSC cycles spent building all copies */
	uint64_t tsc_loader_exit;    /* TSC just before the jump to the kernel */

	/* v2: topology. */
	struct numa_topology numa;

	/* v3: page-table copies, indexed by node id (nr_pgd == numa.nr_nodes). */
	uint32_t nr_pgd;
	uint32_t boot_node;     /* node of the boot CPU */
	struct handoff_pgd pgd[NUMA_MAX_NODES];
	uint64_t smp_trampoline_pa;  /* a page below 1 MiB, reserved for SMP start */

	/* v5: serial consoles, all of which get the kernel log (none: no UART
	 * found or console=tty0); the first is the one named on the command
	 * line or in SPCR when either says so. */
	uint32_t nr_uarts;
	uint32_t reserved4;
	struct handoff_uart uart[HANDOFF_UART_MAX];

	/* v6: the framebuffer the kernel draws its log on. */
	struct handoff_fb fb;

	/* v8: how the kernel resets the machine (`reboot`, `panic=N`). */
	struct handoff_reset reset;
};

#define HANDOFF_F_GBPAGES   (1u << 0)  /* direct map uses 1 GiB pages */
#define HANDOFF_F_KTEXT     (1u << 1)  /* text/rodata replicated per node */
#define HANDOFF_F_NX        (1u << 2)  /* EFER.NXE was enabled by the loader */
#define HANDOFF_F_SECURE_BOOT (1u << 3) /* firmware enforced Secure Boot (SecureBoot = 1) */
#define HANDOFF_F_UNIFIED   (1u << 4)  /* kernel + command line came from the signed image */

_Static_assert(__builtin_offsetof(struct handoff, hdr) == 0, "header first");
_Static_assert(__builtin_offsetof(struct handoff, physmap) == 32, "physmap offset is ABI");

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), incremental: start with
 * crc = 0, feed pieces in order.  Table-driven, one byte per step: the
 * handoff is ~170 KiB and is summed twice per boot (seal, check), and the
 * bitwise loop cost ~6 ms a pass.  handoff_crc32_table[n] is the CRC
 * register after shifting byte n through 8 bitwise steps; a const table
 * (not built at first use) so nothing is written and SMP callers need no
 * ordering.  Results are bit-identical to the bitwise form (a host test
 * compares them), so the handoff ABI is unchanged. */
static const uint32_t handoff_crc32_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

static inline uint32_t handoff_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--)
		crc = (crc >> 8) ^ handoff_crc32_table[(crc ^ *p++) & 0xff];
	return ~crc;
}

/* The checksum: CRC-32 of the header with its checksum field zero, then of
 * the rest of the `size` bytes. */
static inline uint32_t handoff_checksum(const struct handoff *h)
{
	struct handoff_header hdr = h->hdr;

	hdr.checksum = 0;
	return handoff_crc32(handoff_crc32(0, &hdr, sizeof(hdr)),
			     (const uint8_t *)h + sizeof(hdr), hdr.size - sizeof(hdr));
}

/* Fill in magic, version, size and checksum.  Call last, after every field. */
static inline void handoff_seal(struct handoff *h)
{
	h->hdr.magic = HANDOFF_MAGIC;
	h->hdr.version = HANDOFF_VERSION;
	h->hdr.size = sizeof(*h);
	h->hdr.flags = 0;
	h->hdr.checksum = handoff_checksum(h);
}

/*
 * Check a handoff of `avail` readable bytes.  Returns NULL if it is valid,
 * else a sentence naming the broken rule (for the kernel's panic message).
 */
static inline const char *handoff_check(const struct handoff *h, size_t avail)
{
	if (avail < sizeof(h->hdr))
		return "handoff shorter than its header";
	if (h->hdr.magic != HANDOFF_MAGIC)
		return "bad magic (not a handoff, or loader and kernel disagree)";
	if (h->hdr.version != HANDOFF_VERSION)
		return "version mismatch (loader and kernel built from different trees)";
	if (h->hdr.size != sizeof(*h) || h->hdr.size > avail)
		return "size mismatch (loader and kernel built from different trees)";
	if (handoff_checksum(h) != h->hdr.checksum)
		return "checksum mismatch (handoff corrupted in transit)";
	if (h->nr_physmap > HANDOFF_PHYSMAP_MAX)
		return "nr_physmap exceeds HANDOFF_PHYSMAP_MAX";
	if (h->numa.nr_nodes == 0 || h->numa.nr_nodes > NUMA_MAX_NODES)
		return "numa.nr_nodes out of range";
	if (h->numa.nr_cpus > NUMA_MAX_CPUS || h->numa.nr_memblks > NUMA_MAX_MEMBLKS ||
	    h->numa.nr_srat_mem > NUMA_MAX_SRAT_MEM)
		return "numa counts exceed their arrays";
	if (h->nr_pgd != h->numa.nr_nodes)
		return "nr_pgd differs from numa.nr_nodes";
	if (h->nr_uarts > HANDOFF_UART_MAX)
		return "nr_uarts exceeds HANDOFF_UART_MAX";
	return NULL;
}

#endif /* HANDOFF_H */
