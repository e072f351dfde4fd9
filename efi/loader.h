/*
 * loader.h - the UEFI loader's internal interface: one struct loader that
 * every step fills in, the record of every page range the loader
 * allocated (freed on failure, reported as PHYSMAP_LOADER on success), and
 * the console that works before and after ExitBootServices.
 *
 * Boot flow (efi/main.c): locate folder -> read kernel.elf + cmdline ->
 * validate ELF -> load -> RSDP + topology -> per-node page tables
 * (efi/pgd.c) -> memory map + ExitBootServices + jump (efi/exit.c).
 */
#ifndef EFI_LOADER_H
#define EFI_LOADER_H

/* gnu-efi's headers declare a few K&R-style prototypes. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <efi.h>
#include <efilib.h>
#pragma GCC diagnostic pop

#include "types.h"
#include "handoff.h"
#include "x86.h"
#include "efi/elf.h"
#include "mm/physmap.h"
#include "efi/params.h"
#include "efi/console_opt.h"
#include "acpi/topology.h"

#define LOADER_MAX_ALLOCS  (16 + 2 * NUMA_MAX_NODES)
#define LOADER_STACK_SIZE  (64 * 1024)
#define LOADER_FAIL_STALL_US  2000000     /* let a human read the message */
#define LOADER_MAX_IOMAPS  6

/* A device window mapped at the same va in every page-table copy. */
struct loader_iomap {
	phys_addr_t pa;
	uint64_t size;
	virt_addr_t va;
	uint64_t flags;                     /* PTE_PCD / PTE_PWT cache bits */
};

/* One range from AllocatePages.  owner OWNER_NONE: the kernel may reuse it
 * (file buffers, the GetMemoryMap buffer); else it is kept as PHYSMAP_LOADER. */
struct loader_alloc {
	phys_addr_t pa;
	uint64_t pages;
	uint32_t owner;
};

struct loader {
	EFI_HANDLE image;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_HANDLE dir_root;           /* the volume's root */
	CHAR16 dir[256];                    /* our folder, "\EFI\BOOT\" */

	struct loader_alloc allocs[LOADER_MAX_ALLOCS];
	uint32_t nr_allocs;

	struct handoff *h;                  /* in pages owned OWNER_HANDOFF */

	/* kernel.elf as read, then as loaded */
	uint8_t *file;
	uint64_t file_size;
	struct elf_image img;
	phys_addr_t image_pa;               /* [img.va_start, img.va_end) lives here */
	uint64_t ktext_start, ktext_end;    /* replicated span (VAs); 0,0 if none */

	/* our own image (image.c): Secure Boot state, unified-image sections */
	bool secure_boot;                   /* firmware enforces signatures */
	const uint8_t *embedded_kernel;     /* `.kernel` in our image, or NULL */
	uint64_t embedded_kernel_size;
	const uint8_t *embedded_cmdline;    /* `.cmdline` in our image, or NULL */
	uint64_t embedded_cmdline_size;

	/* options the loader honours (efi/params.c, acpi/topology.c), parsed
	 * once by cmdline_setup */
	struct loader_options opt;
	struct topology_options topo_opt;
	struct console_opts console_opt;    /* console=, earlycon (serial_discover) */
	const char *cmdline_source;         /* "load options", "cmdline.txt", ".cmdline section", "none" */
	const char *rsdp_guid;              /* "ACPI 2.0" / "ACPI 1.0": where rsdp_pa came from */

	uint64_t tsc_start;                 /* TSC at efi_main */
	uint32_t boot_apic_id;
	bool gbpages, nx, la57_cpu;         /* la57_cpu: CPUID.7.0:ECX[16] */
	bool la57_firmware;                 /* CR4.LA57 was set when we started */
	phys_addr_t stack_pa, trampoline_pa, smp_trampoline_pa;
	phys_addr_t switch_pa;              /* 2 pages below 4 GiB for LA57 toggles */
	uint64_t boot_cr3;                  /* root of the copy the boot CPU uses */

	struct loader_iomap iomap[LOADER_MAX_IOMAPS];
	uint32_t nr_iomap;
	virt_addr_t iomap_next;             /* next free va in the IOMAP window */
};

/* ---- allocation records (main.c) ---- */

/* AllocatePages of the given type and memory type, recorded with owner.
 * For AllocateAddress/AllocateMaxAddress, *pa is the input address. */
EFI_STATUS loader_alloc(struct loader *l, EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE mt,
			uint64_t pages, phys_addr_t *pa, uint32_t owner);
/* Free the record starting at pa (whole record). */
void loader_free(struct loader *l, phys_addr_t pa);
/* Keep the first `pages` pages of the record at pa, free the rest. */
void loader_shrink(struct loader *l, phys_addr_t pa, uint64_t pages);
/* Split the record at pa: its first `pages` keep their owner, the rest
 * becomes a new record with new_owner (no firmware call). */
void loader_split(struct loader *l, phys_addr_t pa, uint64_t pages, uint32_t new_owner);
/* Free every recorded range (failure path). */
void loader_free_all(struct loader *l);

/* Reserve a window in [IOMAP_BASE, +IOMAP_SIZE) for [pa, pa + size) (page
 * aligned), mapped RW+NX with `flags` in every copy.  Returns the va, or 0
 * when the window or the table is full. */
virt_addr_t loader_iomap(struct loader *l, phys_addr_t pa, uint64_t size, uint64_t flags);

/* acpi/ reaches firmware memory 1:1 while boot services run, and only
 * where the preliminary map (read_memory_map, main.c) says ACPI reclaim,
 * ACPI NVS or reserved memory. */
struct acpi_access loader_acpi_access(const struct loader *l);

/* ---- console (console.c) ---- */

/* printf to ConOut (mirrored to serial by OVMF); to the handoff's UARTs
 * directly once console_exit_boot_services() was called.  Compatible with
 * printf_fn. */
void loader_printf(const char *fmt, ...) __printf(1, 2);
void console_exit_boot_services(const struct handoff *h);
/* Every line loader_printf printed before ExitBootServices (capped at 64 KiB). */
const char *console_log(size_t *len);
/* "Not Found", "Out of Resources", ... */
const char *efi_status_str(EFI_STATUS st);

/* ---- our own image (image.c) ---- */

/* Secure Boot state from the SecureBoot/SetupMode variables, and the
 * `.kernel`/`.cmdline` sections of a unified image; prints both. */
void image_inspect(struct loader *l);

/* ---- files and command line (fs.c) ---- */

/* Find our folder and open its volume (sets l->dir, l->dir_root). */
EFI_STATUS fs_open_folder(struct loader *l);
/* Read l->dir + name into freshly allocated pages (OWNER_NONE).  Returns
 * EFI_NOT_FOUND when absent. */
EFI_STATUS fs_read_file(struct loader *l, const CHAR16 *name, uint8_t **buf, uint64_t *size);
/* Create or replace l->dir + name with len bytes, flushed and closed. */
EFI_STATUS fs_write_file(struct loader *l, const CHAR16 *name, const void *buf, size_t len);
/* Fill l->h->cmdline: under Secure Boot only from the image's `.cmdline`;
 * otherwise load options, else cmdline.txt, else `.cmdline`.  Parse
 * loader options. */
void cmdline_setup(struct loader *l);

/* ---- serial console discovery (serial.c) ---- */

/* Fill h->uart[] (command line, SPCR, ConOut, COM probe, PCI) and print
 * what was found. */
void serial_discover(struct loader *l);

/* ---- framebuffer (gop.c) ---- */

/* Fill h->fb from the GOP's current mode and map it (IOMAP); prints it. */
void gop_record(struct loader *l);

/* ---- reset register (reset.c) ---- */

/* Fill h->reset from the FADT (mapped when in memory space); prints it. */
void reset_record(struct loader *l);

/* ---- per-node page tables (pgd.c) ---- */

/* Claim, build and record one copy per node with memory; fill h->pgd[],
 * nr_pgd, boot_node, flags.  Prints the PGD summary. */
EFI_STATUS pgd_build_all(struct loader *l);

/* ---- pre-flight (preflight.c) ---- */

/* `preflight`: check the copies, write numaboot.log, the raw SRAT/SLIT/
 * MADT/SPCR and memmap.txt into our folder; the caller frees everything
 * and returns to the firmware.  EFI_SUCCESS when all went well. */
EFI_STATUS preflight_run(struct loader *l);

/* ---- exit (exit.c) ---- */

/* Memory map with slack, ExitBootServices with retry, final handoff, jump.
 * Returns only on failure before ExitBootServices succeeded. */
EFI_STATUS exit_and_jump(struct loader *l);

/* ---- CPU ---- */

/* Bulk copy and fill, 8 bytes at a time.  gnu-efi's memcpy/memset are
 * byte loops; rep movsb is fast on hardware but runs one iteration per
 * dispatch under QEMU's TCG.  __no_libcall keeps the compiler from
 * turning the loops back into memcpy/memset calls. */
__no_libcall
static inline void loader_memcpy(void *dst, const void *src, size_t n)
{
	uint64_t *d = dst;
	const uint64_t *s = src;
	uint8_t *db;
	const uint8_t *sb;

	for (; n >= 8; n -= 8)
		*d++ = *s++;
	db = (uint8_t *)d;
	sb = (const uint8_t *)s;
	while (n--)
		*db++ = *sb++;
}

__no_libcall
static inline void loader_memset(void *dst, uint8_t v, size_t n)
{
	uint64_t *d = dst, w = 0x0101010101010101ULL * v;
	uint8_t *db;

	for (; n >= 8; n -= 8)
		*d++ = w;
	db = (uint8_t *)d;
	while (n--)
		*db++ = v;
}

#endif /* EFI_LOADER_H */
