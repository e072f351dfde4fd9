/*
 * exit.c - leave the firmware: take the final memory map into a buffer
 * sized beforehand with slack, ExitBootServices (retrying into the same
 * buffer on a stale map key, with nothing allocated in between), normalise
 * the map into the handoff, keep a copy of the raw map, seal the handoff
 * last, switch on NX and CR0.WP, and jump through the identity-mapped
 * trampoline to the kernel.
 */
#include "efi/loader.h"
#include "mm/physmap.h"
#include "vmlayout.h"

#define MAP_SLACK_DESCS  64          /* >= 32 extra descriptors */
#define EXIT_RETRIES     8

extern const uint8_t loader_trampoline_start[], loader_trampoline_end[];
typedef void (*trampoline_fn)(uint64_t handoff_pa, uint64_t cr3, uint64_t rsp,
			      uint64_t entry) __noreturn;

static struct physmap_entry keep[LOADER_MAX_ALLOCS];

/* After ExitBootServices there is no firmware to return to. */
static __noreturn void fatal_after_exit(const char *what, int err)
{
	loader_printf("loader: %s (error %d) after ExitBootServices: halting\n", what, err);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* keep[]: every recorded range the kernel must keep, as PHYSMAP_LOADER. */
static size_t build_keep_list(struct loader *l)
{
	size_t n = 0;

	for (uint32_t i = 0; i < l->nr_allocs; i++) {
		const struct loader_alloc *a = &l->allocs[i];

		if (a->owner == OWNER_NONE)
			continue;
		keep[n++] = (struct physmap_entry){ a->pa, a->pa + a->pages * PAGE_SIZE,
						    PHYSMAP_LOADER, a->owner };
	}
	return n;
}

/* Handoff fields known before the final map (kernel, stack, pages). */
static void fill_handoff(struct loader *l)
{
	struct handoff *h = l->h;

	h->efi_system_table_pa = (uint64_t)(uintptr_t)ST;
	h->kernel_pa = l->image_pa;
	h->kernel_va = l->img.va_start;
	h->kernel_size = l->img.va_end - l->img.va_start;
	h->kernel_entry = l->img.entry;
	h->ktext_va = l->ktext_start;
	h->ktext_size = l->ktext_end - l->ktext_start;
	h->stack_pa = l->stack_pa;
	h->stack_size = LOADER_STACK_SIZE;
	h->trampoline_pa = l->trampoline_pa;
	h->boot_apic_id = l->boot_apic_id;
	h->smp_trampoline_pa = l->smp_trampoline_pa;
}

EFI_STATUS exit_and_jump(struct loader *l)
{
	struct handoff *h = l->h;
	UINTN size = 0, key = 0, dsize = 0;
	UINT32 dver = 0;
	EFI_STATUS st;
	phys_addr_t map_pa, copy_pa;
	uint64_t buf_size, pages;
	size_t nr_keep;
	int n, attempt;
	bool called_exit = false;

	/* pgd_build_all() checked the root; this only guards the order of the
	 * steps: never leave the firmware without a CR3 to load. */
	if (l->boot_cr3 == 0) {
		loader_printf("loader: no page-table copy for the boot CPU: %s - not jumping\n",
			      efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL || dsize < sizeof(struct efi_memory_descriptor)) {
		loader_printf("loader: GetMemoryMap size query failed: %s\n", efi_status_str(st));
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	}
	pages = PFN_UP(size + MAP_SLACK_DESCS * dsize);
	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, pages, &map_pa, OWNER_NONE);
	if (!EFI_ERROR(st))
		st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, pages, &copy_pa,
				  OWNER_EFI_MAP);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate %llu pages for the memory map: %s\n",
			      (unsigned long long)pages, efi_status_str(st));
		return st;
	}
	buf_size = pages * PAGE_SIZE;
	fill_handoff(l);
	nr_keep = build_keep_list(l);

	/* A dry run while the console still works: the map fits the handoff. */
	size = buf_size;
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, (void *)(uintptr_t)map_pa, &key,
			       &dsize, &dver);
	if (EFI_ERROR(st)) {
		loader_printf("loader: GetMemoryMap failed: %s\n", efi_status_str(st));
		return st;
	}
	n = physmap_normalize_fake((void *)(uintptr_t)map_pa, size, dsize, keep, nr_keep,
				   l->opt.fake, l->opt.nr_fake, h->physmap, HANDOFF_PHYSMAP_MAX);
	if (n < 0) {
		loader_printf("loader: the memory map (%llu descriptors) does not normalise into %u"
			      " entries: error %d\n", (unsigned long long)(size / dsize),
			      HANDOFF_PHYSMAP_MAX, n);
		return EFI_BUFFER_TOO_SMALL;
	}
	__builtin_memcpy((void *)(uintptr_t)l->trampoline_pa, loader_trampoline_start,
			 (size_t)(loader_trampoline_end - loader_trampoline_start));
	loader_printf("loader: memory map %llu descriptors of %llu bytes -> %d entries,"
		      " %u loader-owned; exiting boot services\n",
		      (unsigned long long)(size / dsize), (unsigned long long)dsize, n,
		      (unsigned)nr_keep);

	/* From here to ExitBootServices: no allocation, no console output. */
	for (attempt = 0; attempt < EXIT_RETRIES; attempt++) {
		size = buf_size;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, (void *)(uintptr_t)map_pa,
				       &key, &dsize, &dver);
		if (EFI_ERROR(st))
			break;
		called_exit = true;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, l->image, key);
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(st)) {
		if (!called_exit) {
			loader_printf("loader: GetMemoryMap failed: %s\n", efi_status_str(st));
			return st;
		}
		console_exit_boot_services(h);
		fatal_after_exit("ExitBootServices kept failing", (int)(st & 0xffff));
	}
	console_exit_boot_services(h);

	n = physmap_normalize_fake((void *)(uintptr_t)map_pa, size, dsize, keep, nr_keep,
				   l->opt.fake, l->opt.nr_fake, h->physmap, HANDOFF_PHYSMAP_MAX);
	if (n < 0)
		fatal_after_exit("normalising the final memory map failed", n);
	h->nr_physmap = (uint32_t)n;
	loader_memcpy((void *)(uintptr_t)copy_pa, (void *)(uintptr_t)map_pa, size);
	h->efi_map_pa = copy_pa;
	h->efi_map_size = size;
	h->efi_desc_size = (uint32_t)dsize;
	h->efi_desc_version = dver;
	h->tsc_loader_exit = rdtsc();
	handoff_seal(h);

	cli();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | X86_EFER_NXE);
	write_cr0(read_cr0() | X86_CR0_WP);
	((trampoline_fn)(uintptr_t)l->trampoline_pa)(
		(uint64_t)(uintptr_t)h, l->boot_cr3,
		ALIGN_DOWN(DIRECT_MAP_BASE + l->stack_pa + LOADER_STACK_SIZE, 16), l->img.entry);
}
