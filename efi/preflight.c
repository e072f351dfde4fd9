/*
 * preflight.c - `preflight`: everything up to the jump, then back to the
 * firmware instead of ExitBootServices, leaving a survey of the machine in
 * the loader's own ESP folder:
 *
 *   numaboot.log   every line the loader printed (what serial would show)
 *   srat.dat slit.dat apic.dat spcr.dat   the raw ACPI tables found, named
 *                  as `acpidump -b` names them (build/host/numatopo reads
 *                  the folder)
 *   memmap.txt     the firmware's memory map, raw descriptors and the
 *                  normalised ranges in the kernel's `efi: mem:` format
 *
 * The per-node copies are built as for a boot and checked with the kernel's
 * own rules (mm/pgtable_check.c), then everything is freed by the caller:
 * nothing can hang the machine, so it is the first thing to run on an
 * unknown one (README.md, "On a real machine").
 */
#include "efi/loader.h"
#include "acpi/acpi.h"
#include "mm/physmap.h"
#include "mm/pgtable.h"
#include "mm/pgtable_check.h"
#include "lib/printf.h"

static void *identity(void *ctx, phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* The copies as pgd.c built them, against the kernel's five rules. */
static EFI_STATUS check_copies(struct loader *l)
{
	struct pgtable_ops ops = { NULL, NULL, NULL, identity };
	struct pgcheck_result res;
	virt_addr_t text_end = l->ktext_start;
	struct pgcheck_input in;

	for (uint32_t i = 0; i < l->img.nr_segs; i++)
		if (l->img.segs[i].flags & ELF_PF_X)
			text_end = ALIGN_UP(l->img.segs[i].vaddr + l->img.segs[i].memsz, PAGE_SIZE);
	in = (struct pgcheck_input){
		.ops = &ops, .numa = &l->h->numa, .pgd = l->h->pgd, .nr_pgd = l->h->nr_pgd,
		.physmap = l->h->physmap, .nr_physmap = l->h->nr_physmap,
		.ktext_va = l->ktext_start, .ktext_size = l->ktext_end - l->ktext_start,
		.text_end = text_end, .text_replicated = l->h->flags & HANDOFF_F_KTEXT,
		.allow_lower_half = true,
	};
	if (pgtable_check(&in, &res)) {
		loader_printf("loader: preflight: page-table copies FAILED the kernel's check: %s\n",
			      res.reason);
		return EFI_LOAD_ERROR;
	}
	loader_printf("loader: preflight: %u copies verified, %llu mappings compared, 0 W+X"
		      " (%llu leaves checked)\n", res.copies, (unsigned long long)res.mappings,
		      (unsigned long long)res.leaves);
	return EFI_SUCCESS;
}

/* memmap.txt into a pool buffer; *len its length.  NULL on failure. */
static char *memmap_text(struct loader *l, size_t *len)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN nr, key, dsize;
	UINT32 dver;
	size_t cap, n = 0;
	char *buf;

	map = LibMemoryMap(&nr, &key, &dsize, &dver);
	if (map == NULL)
		return NULL;
	cap = (nr + l->h->nr_physmap + 8) * 112;
	buf = AllocatePool(cap);
	if (buf == NULL) {
		FreePool(map);
		return NULL;
	}
	n += ksnprintf(buf + n, cap - n, "# numaboot preflight: EFI memory map, %llu descriptors of"
		       " %llu bytes (version %u)\n", (unsigned long long)nr,
		       (unsigned long long)dsize, dver);
	for (UINTN i = 0; i < nr && n < cap; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)map + i * dsize);

		n += ksnprintf(buf + n, cap - n, "efi: raw: [mem 0x%016llx-0x%016llx] type %u attr"
			       " 0x%llx\n", (unsigned long long)d->PhysicalStart,
			       (unsigned long long)(d->PhysicalStart + (d->NumberOfPages << PAGE_SHIFT) - 1),
			       d->Type, (unsigned long long)d->Attribute);
	}
	if (n < cap)
		n += ksnprintf(buf + n, cap - n, "# normalised (as the kernel prints it; the loader's"
			       " own allocations still usable)\n");
	for (uint32_t i = 0; i < l->h->nr_physmap && n < cap; i++) {
		const struct physmap_entry *e = &l->h->physmap[i];

		n += ksnprintf(buf + n, cap - n, "efi: mem: [mem 0x%016llx-0x%016llx] %s\n",
			       (unsigned long long)e->start, (unsigned long long)(e->end - 1),
			       physmap_type_name(e->type));
	}
	FreePool(map);
	*len = n < cap ? n : cap - 1;
	return buf;
}

/* One file; a failure is printed and counted, the survey goes on. */
static int write_one(struct loader *l, const CHAR16 *name, const char *what, const void *buf,
		     size_t len)
{
	EFI_STATUS st = fs_write_file(l, name, buf, len);

	if (EFI_ERROR(st)) {
		loader_printf("loader: preflight: cannot write %s: %s - is the ESP read-only?\n", what,
			      efi_status_str(st));
		return 1;
	}
	loader_printf("loader: preflight: wrote %s (%llu bytes)\n", what, (unsigned long long)len);
	return 0;
}

EFI_STATUS preflight_run(struct loader *l)
{
	static const struct { const char *sig; const CHAR16 *file; const char *name; } tabs[] = {
		{ "SRAT", L"srat.dat", "srat.dat" }, { "SLIT", L"slit.dat", "slit.dat" },
		{ "APIC", L"apic.dat", "apic.dat" }, { "SPCR", L"spcr.dat", "spcr.dat" },
	};
	struct acpi_access acc = loader_acpi_access(l);
	EFI_STATUS st = check_copies(l);
	int failed = 0;
	size_t len;
	char *mm;

	for (size_t i = 0; i < ARRAY_SIZE(tabs) && l->h->rsdp_pa; i++) {
		struct acpi_table_ref ref;
		char reason[160];
		int r = acpi_find_table(&acc, l->h->rsdp_pa, tabs[i].sig, &ref, NULL, reason,
					sizeof(reason));

		if (r == ACPI_ENOTFOUND) {
			loader_printf("loader: preflight: no %s table\n", tabs[i].sig);
			continue;
		}
		if (ref.table == NULL) {
			loader_printf("loader: preflight: %s not saved: %s\n", tabs[i].sig, reason);
			continue;
		}
		if (r != ACPI_OK)     /* saved anyway: the broken table is what to look at */
			loader_printf("loader: preflight: %s is broken: %s\n", tabs[i].sig, reason);
		failed += write_one(l, tabs[i].file, tabs[i].name, ref.table, ref.length);
	}
	mm = memmap_text(l, &len);
	if (mm) {
		failed += write_one(l, L"memmap.txt", "memmap.txt", mm, len);
		FreePool(mm);
	} else {
		loader_printf("loader: preflight: cannot read the memory map\n");
		failed++;
	}
	loader_printf("loader: preflight: %s; %s, returning to the firmware without"
		      " ExitBootServices\n", EFI_ERROR(st) ? "page-table check FAILED" : "ready to boot",
		      failed ? "some files missing" : "survey written");
	/* The log last, so that it holds every line above. */
	{
		const char *log = console_log(&len);

		fs_write_file(l, L"numaboot.log", log, len);
	}
	return EFI_ERROR(st) ? st : failed ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}
