/*
 * main.c - the UEFI loader's entry (efi_main) and its steps in boot order:
 *
 *   folder + files -> command line -> kernel.elf validated and loaded ->
 *   stack, trampoline, SMP page -> RSDP, CPU features, TSC rate ->
 *   preliminary memory map + NUMA topology -> per-node page tables ->
 *   final memory map, ExitBootServices, handoff sealed, jump.
 *
 * Every failure before ExitBootServices prints "loader: <what failed>:
 * <status> - <hint>", frees every page the loader took, waits 2 s and
 * returns the status to the firmware.  Nothing here waits without bound.
 */
#include "efi/loader.h"
#include "acpi/topology.h"
#include "mm/physmap.h"
#include "efi/maptest.h"
#include "mm/pgtable.h"
#include "vmlayout.h"
#include "acpi/acpi.h"

static struct loader the_loader;

/* ---- allocation records -------------------------------------------------- */

EFI_STATUS loader_alloc(struct loader *l, EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE mt,
			uint64_t pages, phys_addr_t *pa, uint32_t owner)
{
	EFI_PHYSICAL_ADDRESS addr = how == AllocateAnyPages ? 0 : *pa;
	EFI_STATUS st;

	if (l->nr_allocs == LOADER_MAX_ALLOCS)
		return EFI_OUT_OF_RESOURCES;
	st = uefi_call_wrapper(BS->AllocatePages, 4, how, mt, pages, &addr);
	if (EFI_ERROR(st))
		return st;
	l->allocs[l->nr_allocs++] = (struct loader_alloc){ addr, pages, owner };
	*pa = addr;
	return EFI_SUCCESS;
}

/* The record that starts at pa, or NULL. */
static struct loader_alloc *find_alloc(struct loader *l, phys_addr_t pa)
{
	for (uint32_t i = 0; i < l->nr_allocs; i++)
		if (l->allocs[i].pa == pa)
			return &l->allocs[i];
	return NULL;
}

void loader_free(struct loader *l, phys_addr_t pa)
{
	struct loader_alloc *a = find_alloc(l, pa);

	if (a == NULL)
		return;
	uefi_call_wrapper(BS->FreePages, 2, a->pa, a->pages);
	*a = l->allocs[--l->nr_allocs];
}

void loader_shrink(struct loader *l, phys_addr_t pa, uint64_t pages)
{
	struct loader_alloc *a = find_alloc(l, pa);

	if (a == NULL || pages >= a->pages)
		return;
	if (pages == 0) {
		loader_free(l, pa);
		return;
	}
	uefi_call_wrapper(BS->FreePages, 2, a->pa + pages * PAGE_SIZE, a->pages - pages);
	a->pages = pages;
}

void loader_split(struct loader *l, phys_addr_t pa, uint64_t pages, uint32_t new_owner)
{
	struct loader_alloc *a = find_alloc(l, pa);

	if (a == NULL || pages == 0 || pages >= a->pages || l->nr_allocs == LOADER_MAX_ALLOCS)
		return;
	l->allocs[l->nr_allocs++] = (struct loader_alloc){ a->pa + pages * PAGE_SIZE,
							   a->pages - pages, new_owner };
	a->pages = pages;
}

void loader_free_all(struct loader *l)
{
	while (l->nr_allocs)
		loader_free(l, l->allocs[l->nr_allocs - 1].pa);
}

/* ---- steps ---------------------------------------------------------------- */

/* UCS-2 path -> ASCII for messages (paths on a FAT ESP are ASCII). */
static void ascii_path(const CHAR16 *w, char *out, size_t cap)
{
	size_t n = 0;

	while (*w && n < cap - 1)
		out[n++] = (char)*w++;
	out[n] = 0;
}

/* Read and validate kernel.elf (and find the text+rodata span to replicate
 * per node), load its segments into one block (bss zeroed), free the file. */
static EFI_STATUS load_kernel(struct loader *l)
{
	const char *why;
	char dir[128];
	EFI_STATUS st;
	uint64_t pages;

	ascii_path(l->dir, dir, sizeof(dir));
	if (l->embedded_kernel) {
		/* Covered by the image's signature; never written, never freed. */
		l->file = (uint8_t *)l->embedded_kernel;
		l->file_size = l->embedded_kernel_size;
	} else if (l->secure_boot) {
		/* A loose kernel.elf is not covered by any signature. */
		loader_printf("loader: Secure Boot is on and this image carries no kernel: %s - boot"
			      " the signed unified image (make sign: build/numaboot.signed.efi),"
			      " not BOOTX64.EFI with a loose kernel.elf\n",
			      efi_status_str(EFI_SECURITY_VIOLATION));
		return EFI_SECURITY_VIOLATION;
	} else {
		st = fs_read_file(l, L"kernel.elf", &l->file, &l->file_size);
		if (EFI_ERROR(st)) {
			loader_printf("loader: cannot open kernel.elf: %s - is kernel.elf beside"
				      " BOOTX64.EFI (in %s)?\n", efi_status_str(st), dir);
			return st;
		}
	}
	why = elf_validate(l->file, l->file_size, &l->img);
	if (why) {
		loader_printf("loader: kernel.elf is not a valid kernel: %s: %s - rebuild it (make)"
			      " and copy build/esp/EFI/BOOT/kernel.elf into %s\n", why,
			      efi_status_str(EFI_LOAD_ERROR), dir);
		return EFI_LOAD_ERROR;
	}
	/* The kernel's W^X check (mm/pgtable_check.c) needs text and rodata as
	 * one span even with ktext=off: without it the kernel could only panic. */
	why = elf_ktext_span(&l->img, &l->ktext_start, &l->ktext_end);
	if (why) {
		loader_printf("loader: kernel.elf is not a valid kernel: %s: %s - text and rodata must"
			      " be contiguous (kernel/kernel.ld)\n", why, efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}

	pages = (l->img.va_end - l->img.va_start) >> PAGE_SHIFT;
	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, pages, &l->image_pa, OWNER_KERNEL);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate %llu KiB for the kernel image: %s\n",
			      (unsigned long long)pages * 4, efi_status_str(st));
		return st;
	}
	loader_memset((void *)(uintptr_t)l->image_pa, 0, pages * PAGE_SIZE);
	for (uint32_t i = 0; i < l->img.nr_segs; i++) {
		const struct elf_seg *s = &l->img.segs[i];

		loader_memcpy((void *)(uintptr_t)(l->image_pa + (s->vaddr - l->img.va_start)),
				 l->file + s->offset, s->filesz);
	}
	loader_printf("loader: kernel.elf %llu bytes, %u segments, [mem 0x%llx-0x%llx] at"
		      " virt 0x%llx, entry 0x%llx\n", (unsigned long long)l->file_size,
		      l->img.nr_segs, (unsigned long long)l->image_pa,
		      (unsigned long long)(l->image_pa + pages * PAGE_SIZE - 1),
		      (unsigned long long)l->img.va_start, (unsigned long long)l->img.entry);
	if (!l->embedded_kernel)
		loader_free(l, (phys_addr_t)(uintptr_t)l->file);
	l->file = NULL;
	return EFI_SUCCESS;
}

/* Boot stack, trampoline page, SMP start-up page (the last may fail). */
static EFI_STATUS alloc_boot_pages(struct loader *l)
{
	EFI_STATUS st;

	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, LOADER_STACK_SIZE / PAGE_SIZE,
			  &l->stack_pa, OWNER_STACK);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate the boot stack: %s\n", efi_status_str(st));
		return st;
	}
	/* Loader code, not data: firmware with NX protection maps data NX
	 * (exit.c makes it executable through EFI_MEMORY_ATTRIBUTE_PROTOCOL
	 * where the firmware has it).  Below 4 GiB: the LA57 toggle runs
	 * 32-bit code from it. */
	l->trampoline_pa = 0xffffffffULL;
	st = loader_alloc(l, AllocateMaxAddress, EfiLoaderCode, 1, &l->trampoline_pa,
			  OWNER_TRAMPOLINE);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate the trampoline page below 4 GiB: %s\n",
			      efi_status_str(st));
		return st;
	}
	/* Two table pages below 4 GiB for leaving (or, test only, entering)
	 * 5-level paging; data only, read by the CPU's page walks. */
	l->switch_pa = 0xffffffffULL;
	st = loader_alloc(l, AllocateMaxAddress, EfiLoaderData, 2, &l->switch_pa,
			  OWNER_TRAMPOLINE);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate 2 pages below 4 GiB for the paging switch: %s\n",
			      efi_status_str(st));
		return st;
	}
	/* A page below 1 MiB (under the EBDA) for the kernel's SMP start-up code. */
	l->smp_trampoline_pa = 0x9efff;
	st = loader_alloc(l, AllocateMaxAddress, EfiLoaderData, 1, &l->smp_trampoline_pa,
			  OWNER_SMP_TRAMP);
	if (EFI_ERROR(st)) {
		loader_printf("loader: warning: no free page below 0x9f000 for SMP start-up: %s\n",
			      efi_status_str(st));
		l->smp_trampoline_pa = 0;
	}
	return EFI_SUCCESS;
}

/* h->rsdp_pa from the configuration table: ACPI 2.0 GUID first, then 1.0;
 * 0 when neither is there.  Not read here: check_rsdp() and
 * topology_discover do that once the memory map is known. */
static void find_rsdp(struct loader *l)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	EFI_GUID *want[2] = { &acpi20, &acpi10 };

	for (int w = 0; w < 2; w++) {
		for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
			EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

			if (CompareGuid(&t->VendorGuid, want[w]) != 0 || t->VendorTable == NULL)
				continue;
			l->h->rsdp_pa = (uint64_t)(uintptr_t)t->VendorTable;
			l->rsdp_guid = w == 0 ? "ACPI 2.0" : "ACPI 1.0";
			return;
		}
	}
}

/* Boot APIC id (x2APIC id via leaf 0xB when present), NX, 1 GiB pages. */
static void cpu_features(struct loader *l)
{
	uint32_t max_leaf = cpuid(0).eax;
	struct cpuid_regs r = cpuid(1);

	l->boot_apic_id = r.ebx >> 24;
	if (max_leaf >= 0xb) {
		r = cpuid_count(0xb, 0);
		if (r.ebx != 0)
			l->boot_apic_id = r.edx;          /* x2APIC id */
	}
	if (cpuid(0x80000000).eax >= 0x80000001) {
		r = cpuid(0x80000001);
		l->nx = r.edx & (1u << 20);
		l->gbpages = r.edx & (1u << 26);
	}
	if (max_leaf >= 7)
		l->la57_cpu = cpuid_count(7, 0).ecx & (1u << 16);
}

/* TSC ticks over a 10 ms Stall. */
static uint64_t measure_tsc_khz(void)
{
	uint64_t t0 = rdtsc(), t1;

	uefi_call_wrapper(BS->Stall, 1, 10000);
	t1 = rdtsc();
	return (t1 - t0) / 10;
}

/* acpi_access for boot services: memory is identity mapped. */
static const void *acpi_identity_map(void *ctx, phys_addr_t pa, size_t len)
{
	if (pa == 0 || pa + len < pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

/*
 * Say what of the firmware's memory is not RAM because of its type or
 * attributes (physmap_classify): usable types and ACPI memory without
 * EFI_MEMORY_WB (raw map), and soft reserved, persistent, unaccepted (normalised map, with
 * efi_fake_mem applied).  Silent on a plain machine.
 */
static void report_memory_classes(const EFI_MEMORY_DESCRIPTOR *map, UINTN nr, UINTN dsize,
				  const struct handoff *h)
{
	uint64_t nowb = 0, acpi_nowb = 0, bytes[PHYSMAP_TYPE_MAX + 1] = { 0 };

	for (UINTN i = 0; i < nr; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)map + i * dsize);
		uint32_t t = physmap_type_from_efi(d->Type);

		if (physmap_classify(d->Type, d->Attribute) != PHYSMAP_RESERVED ||
		    d->NumberOfPages >= (1ULL << 52))
			continue;
		if (t == PHYSMAP_USABLE)
			nowb += d->NumberOfPages << PAGE_SHIFT;
		else if (t == PHYSMAP_ACPI_RECLAIM || t == PHYSMAP_ACPI_NVS)
			acpi_nowb += d->NumberOfPages << PAGE_SHIFT;
	}
	if (acpi_nowb)
		loader_printf("loader: efi: %llu KiB of ACPI reclaim/NVS memory without"
			      " EFI_MEMORY_WB: reserved, not in the direct map\n",
			      (unsigned long long)(acpi_nowb >> 10));
	for (uint32_t i = 0; i < h->nr_physmap; i++)
		bytes[h->physmap[i].type] += h->physmap[i].end - h->physmap[i].start;
	if (nowb)
		loader_printf("loader: efi: %llu KiB of conventional/boot-services memory without"
			      " EFI_MEMORY_WB: not used as RAM (reserved)\n",
			      (unsigned long long)(nowb >> 10));
	if (bytes[PHYSMAP_SOFT_RESERVED])
		loader_printf("loader: efi: %llu KiB specific-purpose memory (EFI_MEMORY_SP): soft"
			      " reserved, no early allocations\n",
			      (unsigned long long)(bytes[PHYSMAP_SOFT_RESERVED] >> 10));
	if (bytes[PHYSMAP_PERSISTENT])
		loader_printf("loader: efi: %llu KiB persistent memory: not used as RAM\n",
			      (unsigned long long)(bytes[PHYSMAP_PERSISTENT] >> 10));
	if (bytes[PHYSMAP_UNACCEPTED])
		loader_printf("loader: efi: %llu KiB unaccepted memory (EFI type 15): refused, not"
			      " used - this loader cannot accept memory (TDX/SEV-SNP guests); only"
			      " memory the firmware accepted is used\n",
			      (unsigned long long)(bytes[PHYSMAP_UNACCEPTED] >> 10));
}

struct acpi_access loader_acpi_access(const struct loader *l)
{
	return (struct acpi_access){ NULL, acpi_identity_map, l->h->physmap, l->h->nr_physmap };
}

virt_addr_t loader_iomap(struct loader *l, phys_addr_t pa, uint64_t size, uint64_t flags)
{
	virt_addr_t va;

	if (l->iomap_next == 0)
		l->iomap_next = IOMAP_BASE;
	size = ALIGN_UP(size, PAGE_SIZE);
	/* The window's offset inside 2 MiB follows pa's, so 2 MiB pages fit. */
	va = ALIGN_UP(l->iomap_next, SZ_2M) + (pa & (SZ_2M - 1));
	if (l->nr_iomap == LOADER_MAX_IOMAPS || !IS_ALIGNED(pa, PAGE_SIZE) || size == 0 ||
	    size > IOMAP_SIZE || va + size > IOMAP_BASE + IOMAP_SIZE)
		return 0;
	l->iomap[l->nr_iomap++] = (struct loader_iomap){ pa, size, va, flags };
	l->iomap_next = va + size;
	return va;
}

/*
 * Preliminary normalised map into h->physmap (efi_fake_mem applied), the
 * report of memory that is not RAM, and the RSDP's revision once the map
 * says the RSDP lies in table memory.  Before anything reads ACPI (SPCR,
 * SRAT): loader_acpi_access() checks every table against this map.
 */
static EFI_STATUS read_memory_map(struct loader *l)
{
	EFI_MEMORY_DESCRIPTOR *map;
	UINTN nr, key, dsize;
	UINT32 dver;
	char why[64];
	void *scratch;
	size_t scratch_size;
	uint64_t clipped;
	int n;

	map = LibMemoryMap(&nr, &key, &dsize, &dver);
	if (map == NULL) {
		loader_printf("loader: cannot read the memory map (GetMemoryMap failed)\n");
		return EFI_DEVICE_ERROR;
	}
	if (l->opt.efi_test) {
		/* Test only: a copy with room for the changes (efi/maptest.h). */
		size_t cap = (nr + maptest_extra(l->opt.efi_test)) * dsize, sz = nr * dsize;
		EFI_MEMORY_DESCRIPTOR *big = AllocatePool(cap);

		if (big) {
			loader_memcpy(big, map, sz);
			maptest_apply(big, &sz, dsize, cap, l->opt.efi_test);
			FreePool(map);
			map = big;
			nr = sz / dsize;
		}
	}
	/* Scratch sized from the firmware's real map: any number of
	 * descriptors normalises (issue 8). */
	scratch_size = physmap_scratch_size(nr, 0, l->opt.nr_fake);
	scratch = scratch_size == SIZE_MAX ? NULL : AllocatePool(scratch_size);
	if (scratch == NULL) {
		FreePool(map);
		loader_printf("loader: cannot allocate %llu bytes to normalise the memory map (%llu"
			      " descriptors)\n", (unsigned long long)scratch_size,
			      (unsigned long long)nr);
		return EFI_OUT_OF_RESOURCES;
	}
	n = physmap_normalize_scratch(map, nr * dsize, dsize, NULL, 0, l->opt.fake,
				      l->opt.nr_fake, scratch, scratch_size, l->h->physmap,
				      HANDOFF_PHYSMAP_MAX);
	FreePool(scratch);
	if (n < 0) {
		FreePool(map);
		loader_printf("loader: cannot normalise the memory map (%llu descriptors): error %d"
			      " - more than %u distinct ranges after merging\n",
			      (unsigned long long)nr, n, HANDOFF_PHYSMAP_MAX);
		return EFI_BUFFER_TOO_SMALL;
	}
	/* What lies beyond the direct map's reach is dropped with a warning
	 * (exit.c drops it from the final map the same way). */
	n = (int)physmap_clip(l->h->physmap, (size_t)n, DIRECT_MAP_MAX, &clipped);
	if (clipped)
		loader_printf("loader: %llu MiB of RAM above %llu TiB is beyond the direct map and"
			      " will not be used\n", (unsigned long long)(clipped >> 20),
			      (unsigned long long)(DIRECT_MAP_MAX >> 40));
	l->h->nr_physmap = (uint32_t)n;
	report_memory_classes(map, nr, dsize, l->h);
	FreePool(map);

	if (l->h->rsdp_pa == 0) {
		loader_printf("loader: no ACPI RSDP in the EFI configuration table\n");
	} else if (acpi_table_memory_check(l->h->physmap, l->h->nr_physmap, l->h->rsdp_pa,
					   ACPI_RSDP_V1_SIZE, why, sizeof(why)) == ACPI_OK) {
		l->h->rsdp_revision = ((const uint8_t *)(uintptr_t)l->h->rsdp_pa)[15];
		loader_printf("loader: ACPI RSDP at 0x%llx (revision %u, %s GUID)\n",
			      (unsigned long long)l->h->rsdp_pa, l->h->rsdp_revision, l->rsdp_guid);
	} else {
		loader_printf("loader: ACPI RSDP at 0x%llx (%s GUID) is not in ACPI/reserved memory"
			      " (%s): not read - firmware bug; booting without ACPI tables\n",
			      (unsigned long long)l->h->rsdp_pa, l->rsdp_guid, why);
	}
	return EFI_SUCCESS;
}

/* The NUMA topology from ACPI (through the checked access) and the map. */
static EFI_STATUS discover_topology(struct loader *l)
{
	struct acpi_access acc = loader_acpi_access(l);
	struct topology_options opt = l->topo_opt;
	struct numa_topology *t = &l->h->numa;

	/* numa=off, and the test-only acpi_test=srat-checksum (QEMU and OVMF
	 * recompute the checksum of any table injected with -acpitable), came
	 * from the command line (cmdline_setup). */
	opt.boot_apic_id = l->boot_apic_id;
	topology_discover(&acc, l->h->rsdp_pa, l->h->physmap, l->h->nr_physmap, &opt, t);
	if (t->source == NUMA_SRC_SRAT)
		loader_printf("loader: topology: %u nodes, %u CPUs, %u memory ranges (SRAT rev %u,"
			      " %s)\n", t->nr_nodes, t->nr_cpus, t->nr_memblks, t->srat_revision,
			      t->slit_source == NUMA_SLIT_TABLE ? "SLIT" : "default distances");
	else
		loader_printf("loader: topology: one node, %u CPUs (%s)\n", t->nr_cpus, t->reason);
	if (t->nr_nodes == 0 || t->nr_nodes > NUMA_MAX_NODES) {
		loader_printf("loader: topology has %u nodes - internal error in acpi/topology.c\n",
			      t->nr_nodes);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* All steps; returns only on failure (with the message printed). */
static EFI_STATUS loader_run(struct loader *l)
{
	EFI_STATUS st;
	phys_addr_t hpa;
	uint64_t hpages = PFN_UP(sizeof(struct handoff));

	st = fs_open_folder(l);
	if (EFI_ERROR(st))
		return st;
	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, hpages, &hpa, OWNER_HANDOFF);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate the handoff (%llu pages): %s\n",
			      (unsigned long long)hpages, efi_status_str(st));
		return st;
	}
	l->h = (struct handoff *)(uintptr_t)hpa;
	loader_memset(l->h, 0, hpages * PAGE_SIZE);
	l->h->tsc_loader_start = l->tsc_start;

	image_inspect(l);
	cmdline_setup(l);
	st = load_kernel(l);
	if (EFI_ERROR(st))
		return st;
	st = alloc_boot_pages(l);
	if (EFI_ERROR(st))
		return st;
	find_rsdp(l);
	st = read_memory_map(l);
	if (EFI_ERROR(st))
		return st;
	serial_discover(l);
	gop_record(l);
	reset_record(l);
	cpu_features(l);
	if (!l->nx) {
		loader_printf("loader: this CPU has no NX (execute disable): %s - W^X cannot be"
			      " enforced, refusing to boot\n", efi_status_str(EFI_UNSUPPORTED));
		return EFI_UNSUPPORTED;
	}
	/* 5-level paging: kept while boot services run, left after
	 * ExitBootServices (exit.c, paging.h). */
	l->la57_firmware = read_cr4() & X86_CR4_LA57;
	if (l->la57_firmware)
		loader_printf("loader: the firmware runs with 5-level paging (CR4.LA57): switching to"
			      " 4-level paging after ExitBootServices\n");
	if (l->opt.paging_test_la57 && !l->la57_firmware)
		loader_printf("loader: paging_test=la57 (test only): %s\n", l->la57_cpu ?
			      "entering 5-level paging after ExitBootServices, then leaving it" :
			      "this CPU has no LA57 (QEMU: -cpu max,la57=on): nothing to test");
	l->h->tsc_khz = measure_tsc_khz();
	loader_printf("loader: boot CPU APIC id 0x%x, TSC %llu kHz, 1G pages %s\n",
		      l->boot_apic_id, (unsigned long long)l->h->tsc_khz,
		      l->gbpages ? "yes" : "no");
	st = discover_topology(l);
	if (EFI_ERROR(st))
		return st;
	st = pgd_build_all(l);
	if (EFI_ERROR(st))
		return st;
	if (l->opt.preflight)
		return preflight_run(l);
	return exit_and_jump(l);
}

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct loader *l = &the_loader;
	uint64_t t0 = rdtsc();
	EFI_STATUS st;

	InitializeLib(image, systab);
	l->image = image;
	loader_printf("loader: NUMA boot loader, handoff v%u\n", HANDOFF_VERSION);
	l->tsc_start = t0;
	st = loader_run(l);
	/* Only failures before ExitBootServices come back here. */
	loader_free_all(l);
	if (l->dir_root)
		uefi_call_wrapper(l->dir_root->Close, 1, l->dir_root);
	loader_printf("loader: returning to the firmware: %s\n", efi_status_str(st));
	uefi_call_wrapper(BS->Stall, 1, LOADER_FAIL_STALL_US);
	return st;
}
