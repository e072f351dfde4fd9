/*
 * image.c - what the loader's own image carries, and whether the firmware
 * verified it.
 *
 * The unified image (numaboot.efi, Makefile) is BOOTX64.EFI with kernel.elf
 * in a `.kernel` section and the default command line in `.cmdline`, so
 * one Authenticode signature covers the loader, the kernel and the command
 * line, as a Linux unified kernel image does.  Under Secure Boot the
 * firmware has checked that signature before starting us, and nothing
 * read from the ESP afterwards is covered by it: then the kernel must
 * come from `.kernel`, and cmdline.txt and load options are ignored
 * (fs.c).
 */
#include "efi/loader.h"
#include "efi/pe.h"

/* One byte of the EFI global variable `name`; -1 when absent or unreadable. */
static int global_var_u8(CHAR16 *name)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 v = 0;
	UINTN size = sizeof(v);
	EFI_STATUS st;

	st = uefi_call_wrapper(RT->GetVariable, 5, name, &global, NULL, &size, &v);
	if (EFI_ERROR(st) || size != sizeof(v))
		return -1;
	return v;
}

/* *data, *size := the named section of our loaded image, or NULL/0. */
static void embedded_section(struct loader *l, const char *name, const uint8_t **data,
			     uint64_t *size)
{
	const uint8_t *base = l->li->ImageBase;
	uint32_t rva, n;
	const char *why;

	*data = NULL;
	*size = 0;
	switch (pe_find_section(base, l->li->ImageSize, name, &rva, &n, &why)) {
	case 1:
		*data = base + rva;
		*size = n;
		break;
	case -1:
		/* Our own headers are malformed: say so, carry on without. */
		loader_printf("loader: cannot read the %s section of this image: %s\n", name, why);
		break;
	}
}

void image_inspect(struct loader *l)
{
	int sb = global_var_u8(L"SecureBoot"), setup = global_var_u8(L"SetupMode");

	/* UEFI 2.x, 3.3: SecureBoot is 1 only when the platform enforces
	 * signatures (user mode with a PK enrolled). */
	l->secure_boot = sb == 1;
	if (sb == 1)
		loader_printf("loader: Secure boot enabled\n");
	else if (setup == 1)
		loader_printf("loader: Secure boot disabled (setup mode)\n");
	else if (sb == 0)
		loader_printf("loader: Secure boot disabled\n");
	else
		loader_printf("loader: Secure boot could not be determined (no SecureBoot"
			      " variable): treated as disabled\n");

	embedded_section(l, ".kernel", &l->embedded_kernel, &l->embedded_kernel_size);
	embedded_section(l, ".cmdline", &l->embedded_cmdline, &l->embedded_cmdline_size);
	if (l->secure_boot)
		l->h->flags |= HANDOFF_F_SECURE_BOOT;
	if (l->embedded_kernel)
		l->h->flags |= HANDOFF_F_UNIFIED;
	if (l->embedded_kernel)
		loader_printf("loader: unified image: .kernel %llu bytes, .cmdline %llu bytes\n",
			      (unsigned long long)l->embedded_kernel_size,
			      (unsigned long long)l->embedded_cmdline_size);
}
