/*
 * exit.c - leave the firmware: take the final memory map into a buffer
 * sized beforehand with slack, ExitBootServices (retrying into the same
 * buffer on a stale map key, with nothing allocated in between), normalise
 * the map into the handoff, keep a copy of the raw map, seal the handoff
 * last, leave 5-level paging if the firmware used it, switch on NX, and
 * jump through the identity-mapped trampoline (which sets CR0.WP once it
 * runs on the kernel's own tables) to the kernel.
 */
#include "efi/loader.h"
#include "efi/paging.h"
#include "mm/physmap.h"
#include "efi/maptest.h"
#include "vmlayout.h"

#define MAP_SLACK_DESCS  64          /* >= 32 extra descriptors */
#define EXIT_RETRIES     8

extern const uint8_t loader_trampoline_start[], loader_trampoline_end[];
extern const uint8_t loader_la57_toggle[], loader_la57_ljmp[], loader_la57_ret64[];
extern const uint8_t loader_trampoline_gdt[], loader_trampoline_gdtr[];
typedef void (*trampoline_fn)(uint64_t handoff_pa, uint64_t cr3, uint64_t rsp,
			      uint64_t entry) __noreturn;
typedef void (*la57_toggle_fn)(uint64_t new_top_pa);

/*
 * EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10, 7.2.x "Memory Attribute
 * Protocol"); gnu-efi 3.0 does not define it.  Firmware that maps
 * EfiLoaderCode allocations non-executable offers it so loaders can change
 * that (Linux's EFI stub uses it the same way).
 */
#define MEMATTR_GUID { 0xf4560cf6, 0x40ec, 0x4b4a, \
		       { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }
struct memattr_protocol {
	EFI_STATUS (EFIAPI *get)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 len, UINT64 *attr);
	EFI_STATUS (EFIAPI *set)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				 UINT64 len, UINT64 attr);
	EFI_STATUS (EFIAPI *clear)(struct memattr_protocol *self, EFI_PHYSICAL_ADDRESS base,
				   UINT64 len, UINT64 attr);
};
_Static_assert(sizeof(struct memattr_protocol) == 24, "three function pointers");
_Static_assert(__builtin_offsetof(struct memattr_protocol, clear) == 16, "Clear is third");

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

/* Boot services run 1:1: a table entry's physical address is its pointer. */
static const uint64_t *read_phys(void *ctx, phys_addr_t pa)
{
	return (const uint64_t *)(uintptr_t)pa;
}

/* The firmware's own tables must let us execute the trampoline page: a
 * jump into an NX page after ExitBootServices could only triple-fault. */
static EFI_STATUS check_trampoline_executable(struct loader *l, bool have_memattr)
{
	phys_addr_t pa;
	bool nx, ro;

	if (paging_lookup(read_cr3(), read_cr4() & X86_CR4_LA57, l->trampoline_pa, read_phys, NULL,
			  &pa, &nx, &ro) < 0 || pa != l->trampoline_pa) {
		loader_printf("loader: the firmware's page tables do not map the trampoline page 0x%llx"
			      " 1:1: %s - UEFI requires an identity map while boot services run\n",
			      (unsigned long long)l->trampoline_pa, efi_status_str(EFI_UNSUPPORTED));
		return EFI_UNSUPPORTED;
	}
	if (nx) {
		loader_printf("loader: the firmware maps the trampoline page 0x%llx (EfiLoaderCode)"
			      " non-executable%s: %s - cannot jump to the kernel\n",
			      (unsigned long long)l->trampoline_pa,
			      have_memattr ? " even after ClearMemoryAttributes" :
			      " and has no EFI_MEMORY_ATTRIBUTE_PROTOCOL", efi_status_str(EFI_UNSUPPORTED));
		return EFI_UNSUPPORTED;
	}
	return EFI_SUCCESS;
}

/* The trampoline into its page (patched), then executable and read-only
 * through the memory attribute protocol where the firmware has one, and
 * checked in the firmware's tables. */
static EFI_STATUS install_trampoline(struct loader *l)
{
	static EFI_GUID guid = MEMATTR_GUID;
	const struct paging_layout lay = {
		.size = (size_t)(loader_trampoline_end - loader_trampoline_start),
		.toggle = (size_t)(loader_la57_toggle - loader_trampoline_start),
		.ljmp = (size_t)(loader_la57_ljmp - loader_trampoline_start),
		.ret64 = (size_t)(loader_la57_ret64 - loader_trampoline_start),
		.gdt = (size_t)(loader_trampoline_gdt - loader_trampoline_start),
		.gdtr = (size_t)(loader_trampoline_gdtr - loader_trampoline_start),
	};
	struct memattr_protocol *ma = NULL;
	const char *why;
	EFI_STATUS st;

	why = paging_trampoline_install((uint8_t *)(uintptr_t)l->trampoline_pa, l->trampoline_pa,
					loader_trampoline_start, &lay);
	if (why) {
		loader_printf("loader: %s: %s\n", why, efi_status_str(EFI_LOAD_ERROR));
		return EFI_LOAD_ERROR;
	}
	st = uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&ma);
	if (EFI_ERROR(st) || ma == NULL) {
		loader_printf("loader: trampoline at 0x%llx: no EFI_MEMORY_ATTRIBUTE_PROTOCOL, kept as"
			      " the firmware maps EfiLoaderCode\n",
			      (unsigned long long)l->trampoline_pa);
		return check_trampoline_executable(l, false);
	}
	st = uefi_call_wrapper(ma->clear, 4, ma, l->trampoline_pa, PAGE_SIZE, EFI_ATTR_XP);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot make the trampoline page executable"
			      " (EFI_MEMORY_ATTRIBUTE_PROTOCOL.ClearMemoryAttributes): %s - the"
			      " firmware refuses executable loader memory\n", efi_status_str(st));
		return st;
	}
	st = uefi_call_wrapper(ma->set, 4, ma, l->trampoline_pa, PAGE_SIZE, EFI_ATTR_RO);
	loader_printf("loader: trampoline at 0x%llx: EFI_MEMORY_ATTRIBUTE_PROTOCOL: executable%s\n",
		      (unsigned long long)l->trampoline_pa,
		      EFI_ERROR(st) ? " (read-only refused)" : ", read-only");
	return check_trampoline_executable(l, true);
}

/*
 * After ExitBootServices, interrupts off: leave 5-level paging if the
 * firmware used it (test only: enter it first).  Page 0 of switch_pa gets
 * the test's PML5, page 1 the 4-level table the toggle loads.
 */
static void leave_la57(struct loader *l)
{
	la57_toggle_fn toggle = (la57_toggle_fn)(uintptr_t)(l->trampoline_pa +
		(uintptr_t)(loader_la57_toggle - loader_trampoline_start));
	uint64_t *pml5 = (uint64_t *)(uintptr_t)l->switch_pa;
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(l->switch_pa + PAGE_SIZE);
	phys_addr_t top;
	uint32_t dropped;
	const char *why;

	if (l->opt.paging_test_la57 && l->la57_cpu && !(read_cr4() & X86_CR4_LA57)) {
		paging_make_pml5(pml5, read_cr3() & PAGING_ADDR_MASK);
		toggle(l->switch_pa);
		loader_printf("loader: paging_test=la57: now in 5-level paging (CR4.LA57=%u, PML5 at"
			      " 0x%llx)\n", (unsigned)((read_cr4() & X86_CR4_LA57) != 0),
			      (unsigned long long)(read_cr3() & PAGING_ADDR_MASK));
	}
	if (!(read_cr4() & X86_CR4_LA57))
		return;
	top = paging_pml4_of_pml5((const uint64_t *)(uintptr_t)(read_cr3() & PAGING_ADDR_MASK),
				  &dropped, &why);
	if (top == 0)
		fatal_after_exit(why, 0);
	loader_memcpy(pml4, (const void *)(uintptr_t)top, PAGE_SIZE);
	toggle(l->switch_pa + PAGE_SIZE);
	loader_printf("loader: left 5-level paging: CR4.LA57=%u, 4-level copy of PML5[0] at"
		      " 0x%llx%s\n", (unsigned)((read_cr4() & X86_CR4_LA57) != 0),
		      (unsigned long long)(l->switch_pa + PAGE_SIZE),
		      dropped ? " (mappings above 256 TiB dropped)" : "");
}

EFI_STATUS exit_and_jump(struct loader *l)
{
	struct handoff *h = l->h;
	UINTN size = 0, key = 0, dsize = 0;
	UINT32 dver = 0;
	EFI_STATUS st;
	phys_addr_t map_pa, copy_pa, scratch_pa;
	uint64_t buf_size, pages, scratch_size, clipped;
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
	pages = PFN_UP(size + (MAP_SLACK_DESCS + maptest_extra(l->opt.efi_test)) * dsize);
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
	/* The normaliser's scratch, sized from the firmware's real map (plus
	 * the slack) and every range the loader may keep: no map is too long. */
	scratch_size = physmap_scratch_size(buf_size / dsize, LOADER_MAX_ALLOCS, l->opt.nr_fake);
	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, PFN_UP(scratch_size), &scratch_pa,
			  OWNER_NONE);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot allocate %llu pages to normalise the memory map: %s\n",
			      (unsigned long long)PFN_UP(scratch_size), efi_status_str(st));
		return st;
	}
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
	maptest_apply((void *)(uintptr_t)map_pa, &size, dsize, buf_size, l->opt.efi_test);
	n = physmap_normalize_scratch((void *)(uintptr_t)map_pa, size, dsize, keep, nr_keep,
				      l->opt.fake, l->opt.nr_fake, (void *)(uintptr_t)scratch_pa,
				      scratch_size, h->physmap, HANDOFF_PHYSMAP_MAX);
	if (n < 0) {
		loader_printf("loader: the memory map (%llu descriptors) does not normalise into %u"
			      " entries: error %d\n", (unsigned long long)(size / dsize),
			      HANDOFF_PHYSMAP_MAX, n);
		return EFI_BUFFER_TOO_SMALL;
	}
	st = install_trampoline(l);
	if (EFI_ERROR(st))
		return st;
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

	maptest_apply((void *)(uintptr_t)map_pa, &size, dsize, buf_size, l->opt.efi_test);
	n = physmap_normalize_scratch((void *)(uintptr_t)map_pa, size, dsize, keep, nr_keep,
				      l->opt.fake, l->opt.nr_fake, (void *)(uintptr_t)scratch_pa,
				      scratch_size, h->physmap, HANDOFF_PHYSMAP_MAX);
	if (n < 0)
		fatal_after_exit("normalising the final memory map failed", n);
	/* As the preliminary map was (main.c warned): nothing beyond the direct map. */
	h->nr_physmap = (uint32_t)physmap_clip(h->physmap, (size_t)n, DIRECT_MAP_MAX, &clipped);
	loader_memcpy((void *)(uintptr_t)copy_pa, (void *)(uintptr_t)map_pa, size);
	h->efi_map_pa = copy_pa;
	h->efi_map_size = size;
	h->efi_desc_size = (uint32_t)dsize;
	h->efi_desc_version = dver;
	h->tsc_loader_exit = rdtsc();
	handoff_seal(h);

	cli();
	leave_la57(l);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | X86_EFER_NXE);
	((trampoline_fn)(uintptr_t)l->trampoline_pa)(
		(uint64_t)(uintptr_t)h, l->boot_cr3,
		ALIGN_DOWN(DIRECT_MAP_BASE + l->stack_pa + LOADER_STACK_SIZE, 16), l->img.entry);
}
