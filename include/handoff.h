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

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), bitwise and incremental:
 * start with crc = 0, feed pieces in order.  The handoff is checked once per
 * boot, so a 1 KiB table is not worth it. */
static inline uint32_t handoff_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
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
