/*
 * reset.c - record how the kernel can reset the machine: the FADT's reset
 * register (acpi/fadt.c), mapped uncached in every copy when it is in
 * memory space.  The kernel falls back to the keyboard controller and a
 * triple fault, as Linux's reboot does, when there is none or it fails.
 */
#include "efi/loader.h"
#include "acpi/fadt.h"
#include "mm/pgtable.h"
#include "lib/printf.h"

static const char *space_name(uint8_t s)
{
	return s == ACPI_GAS_IO ? "I/O" : s == ACPI_GAS_MEMORY ? "memory" : "PCI config";
}

void reset_record(struct loader *l)
{
	struct acpi_access acc = loader_acpi_access(l);
	struct handoff_reset *r = &l->h->reset;
	struct acpi_table_ref ref;
	char reason[160];
	int st;

	__builtin_memset(r, 0, sizeof(*r));
	if (l->h->rsdp_pa == 0)
		return;
	st = acpi_find_table(&acc, l->h->rsdp_pa, "FACP", &ref, NULL, reason, sizeof(reason));
	if (st == ACPI_ENOTFOUND)
		ksnprintf(reason, sizeof(reason), "no FADT");
	if (st == ACPI_OK)
		st = fadt_reset_reg(ref.table, ref.length, r, reason, sizeof(reason));
	if (st == ACPI_OK && r->space == ACPI_GAS_MEMORY) {
		r->va = loader_iomap(l, ALIGN_DOWN(r->address, PAGE_SIZE), PAGE_SIZE, PTE_PCD | PTE_PWT);
		if (r->va == 0) {
			ksnprintf(reason, sizeof(reason), "no IOMAP window left for the reset register");
			st = ACPI_EINVAL;
		} else {
			r->va += r->address & (PAGE_SIZE - 1);
		}
	}
	if (st != ACPI_OK) {
		__builtin_memset(r, 0, sizeof(*r));
		loader_printf("loader: reset: no ACPI reset register (%s): keyboard controller, then"
			      " triple fault\n", reason);
		return;
	}
	loader_printf("loader: reset: ACPI reset register %s 0x%llx value 0x%x\n",
		      space_name(r->space), (unsigned long long)r->address, r->value);
}
