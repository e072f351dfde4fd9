/*
 * fs.c - the loader's files: find the folder BOOTX64.EFI was started from
 * (EFI_LOADED_IMAGE's device and file path, file name stripped), read
 * kernel.elf and cmdline.txt from it, and choose the command line (UEFI
 * load options win over cmdline.txt when they hold text).
 */
#include "efi/loader.h"
#include "efi/options.h"

#define FILE_MAX_SIZE     (64ULL << 20)   /* a kernel.elf larger than this is not ours */

/* Append src to the NUL-terminated dst of cap characters (truncating). */
static void wcat(CHAR16 *dst, size_t cap, const CHAR16 *src)
{
	size_t n = 0;

	while (n < cap - 1 && dst[n])
		n++;
	while (n < cap - 1 && *src)
		dst[n++] = *src++;
	dst[n] = 0;
}

EFI_STATUS fs_open_folder(struct loader *l)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_DEVICE_PATH *dp;
	EFI_STATUS st;
	size_t n = 0, last_sep = 0;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, l->image, &LoadedImageProtocol,
			       (void **)&l->li);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot get EFI_LOADED_IMAGE: %s\n", efi_status_str(st));
		return st;
	}
	st = uefi_call_wrapper(BS->HandleProtocol, 3, l->li->DeviceHandle, &FileSystemProtocol,
			       (void **)&fs);
	if (EFI_ERROR(st)) {
		loader_printf("loader: the device the loader came from has no file system: %s"
			      " - start BOOTX64.EFI from a FAT ESP\n", efi_status_str(st));
		return st;
	}
	st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &l->dir_root);
	if (EFI_ERROR(st)) {
		loader_printf("loader: cannot open the ESP volume: %s\n", efi_status_str(st));
		return st;
	}

	/* Concatenate the file-path nodes: "\EFI\BOOT\BOOTX64.EFI". */
	l->dir[0] = 0;
	for (dp = l->li->FilePath; dp != NULL && !IsDevicePathEnd(dp);
	     dp = NextDevicePathNode(dp)) {
		size_t len = DevicePathNodeLength(dp);
		const CHAR16 *name;

		if (len < 4)
			break;                  /* malformed: stop, never loop */
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		name = ((FILEPATH_DEVICE_PATH *)dp)->PathName;
		if (n > 0 && l->dir[n - 1] != L'\\' && name[0] != L'\\' && n < 254)
			l->dir[n++] = L'\\';
		for (size_t i = 0; i < (len - 4) / 2 && name[i] && n < 254; i++)
			l->dir[n++] = name[i] == L'/' ? L'\\' : name[i];
	}
	l->dir[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (l->dir[i] == L'\\')
			last_sep = i + 1;
	l->dir[last_sep] = 0;                   /* keep the separator, drop the name */
	if (l->dir[0] != L'\\') {
		l->dir[0] = L'\\';
		l->dir[1] = 0;
	}
	return EFI_SUCCESS;
}

EFI_STATUS fs_read_file(struct loader *l, const CHAR16 *name, uint8_t **buf, uint64_t *size)
{
	CHAR16 path[300];
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	phys_addr_t pa;
	uint64_t sz;
	UINTN got;

	path[0] = 0;
	wcat(path, ARRAY_SIZE(path), l->dir);
	wcat(path, ARRAY_SIZE(path), name);
	st = uefi_call_wrapper(l->dir_root->Open, 5, l->dir_root, &f, path, EFI_FILE_MODE_READ,
			       (UINT64)0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(f);
	if (info == NULL) {
		uefi_call_wrapper(f->Close, 1, f);
		return EFI_DEVICE_ERROR;
	}
	sz = info->FileSize;
	FreePool(info);
	if (sz > FILE_MAX_SIZE) {
		uefi_call_wrapper(f->Close, 1, f);
		return EFI_BAD_BUFFER_SIZE;
	}
	st = loader_alloc(l, AllocateAnyPages, EfiLoaderData, PFN_UP(sz) ? PFN_UP(sz) : 1, &pa,
			  OWNER_NONE);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(f->Close, 1, f);
		return st;
	}
	got = sz;
	st = uefi_call_wrapper(f->Read, 3, f, &got, (void *)(uintptr_t)pa);
	uefi_call_wrapper(f->Close, 1, f);
	if (!EFI_ERROR(st) && got != sz)
		st = EFI_END_OF_FILE;           /* short read */
	if (EFI_ERROR(st)) {
		loader_free(l, pa);
		return st;
	}
	*buf = (uint8_t *)(uintptr_t)pa;
	*size = sz;
	return EFI_SUCCESS;
}

EFI_STATUS fs_write_file(struct loader *l, const CHAR16 *name, const void *buf, size_t len)
{
	CHAR16 path[300];
	EFI_FILE_HANDLE f;
	EFI_STATUS st;
	UINTN n = len;

	path[0] = 0;
	wcat(path, ARRAY_SIZE(path), l->dir);
	wcat(path, ARRAY_SIZE(path), name);
	/* An old file: delete it first, so a shorter survey leaves no tail. */
	st = uefi_call_wrapper(l->dir_root->Open, 5, l->dir_root, &f, path,
			       EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, (UINT64)0);
	if (!EFI_ERROR(st))
		uefi_call_wrapper(f->Delete, 1, f);
	st = uefi_call_wrapper(l->dir_root->Open, 5, l->dir_root, &f, path,
			       EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			       (UINT64)0);
	if (EFI_ERROR(st))
		return st;
	st = uefi_call_wrapper(f->Write, 3, f, &n, (void *)buf);
	if (!EFI_ERROR(st) && n != len)
		st = EFI_VOLUME_FULL;
	if (!EFI_ERROR(st))
		st = uefi_call_wrapper(f->Flush, 1, f);
	uefi_call_wrapper(f->Close, 1, f);
	return st;
}

/* ---- command line ----------------------------------------------------- */

/* Has the ESP a cmdline.txt beside us? (Under Secure Boot only to say that
 * it is ignored.) */
static bool cmdline_file_exists(struct loader *l)
{
	uint8_t *buf;
	uint64_t size;

	if (EFI_ERROR(fs_read_file(l, L"cmdline.txt", &buf, &size)))
		return false;
	loader_free(l, (phys_addr_t)(uintptr_t)buf);
	return true;
}

/* The unified image's `.cmdline` (cmdline.txt syntax) into cmd. */
static void cmdline_from_image(struct loader *l, char *cmd)
{
	if (options_from_file(l->embedded_cmdline, l->embedded_cmdline_size, cmd,
			      HANDOFF_CMDLINE_MAX))
		loader_printf("loader: .cmdline longer than %u characters, truncated\n",
			      HANDOFF_CMDLINE_MAX - 1);
	l->cmdline_source = ".cmdline section";
}

void cmdline_setup(struct loader *l)
{
	char *cmd = l->h->cmdline;
	uint8_t *buf;
	uint64_t size;
	EFI_STATUS st;
	int r;

	if (l->secure_boot) {
		/* Only what the signature covers: load options come from a boot
		 * variable and cmdline.txt from the ESP, both writable by anyone
		 * who can write the disk or NVRAM. */
		if (l->li->LoadOptionsSize &&
		    options_from_ucs2(l->li->LoadOptions, l->li->LoadOptionsSize, cmd,
				      HANDOFF_CMDLINE_MAX) != OPTIONS_EMPTY)
			loader_printf("loader: Secure Boot: load options ignored (not covered by the"
				      " signature)\n");
		if (cmdline_file_exists(l))
			loader_printf("loader: Secure Boot: cmdline.txt ignored (not covered by the"
				      " signature)\n");
		cmd[0] = 0;
		l->cmdline_source = "none";
		if (l->embedded_cmdline)
			cmdline_from_image(l, cmd);
		goto parse;
	}

	r = options_from_ucs2(l->li->LoadOptions, l->li->LoadOptionsSize, cmd,
			      HANDOFF_CMDLINE_MAX);
	if (r == OPTIONS_BINARY)
		loader_printf("loader: load options are not text (%u bytes), ignored\n",
			      (unsigned)l->li->LoadOptionsSize);
	if (r == OPTIONS_TRUNCATED)
		loader_printf("loader: load options longer than %u characters, truncated\n",
			      HANDOFF_CMDLINE_MAX - 1);
	if (r == OPTIONS_TEXT || r == OPTIONS_TRUNCATED) {
		l->cmdline_source = "load options";
	} else {
		st = fs_read_file(l, L"cmdline.txt", &buf, &size);
		if (!EFI_ERROR(st)) {
			if (options_from_file(buf, size, cmd, HANDOFF_CMDLINE_MAX))
				loader_printf("loader: cmdline.txt longer than %u characters,"
					      " truncated\n", HANDOFF_CMDLINE_MAX - 1);
			loader_free(l, (phys_addr_t)(uintptr_t)buf);
			l->cmdline_source = "cmdline.txt";
		} else {
			if (st != EFI_NOT_FOUND)
				loader_printf("loader: cannot read cmdline.txt: %s (ignored)\n",
					      efi_status_str(st));
			cmd[0] = 0;
			l->cmdline_source = "none";
			if (l->embedded_cmdline)
				cmdline_from_image(l, cmd);
		}
	}
parse:
	loader_printf("loader: command line (%s): \"%s\"\n", l->cmdline_source, cmd);

	/* The loader's options and acpi/'s; the kernel parses the same line
	 * again against its own tables and reports unknown words, so only bad
	 * values of these are reported here. */
	const struct cmdline_table tabs[] = {
		{ "loader", loader_params,   &l->opt,      false },
		{ "acpi",   topology_params, &l->topo_opt, false },
		{ "console", console_params, &l->console_opt, false },
	};
	static struct cmdline_result res;

	cmdline_parse(cmd, tabs, ARRAY_SIZE(tabs), &res);
	cmdline_report(&res, "loader: ", loader_printf);
	for (uint32_t i = 0; i < l->opt.nr_fake; i++)
		loader_printf("loader: efi_fake_mem (test only): [mem 0x%016llx-0x%016llx]"
			      " attributes |0x%llx &~0x%llx\n",
			      (unsigned long long)l->opt.fake[i].start,
			      (unsigned long long)l->opt.fake[i].end - 1,
			      (unsigned long long)l->opt.fake[i].set,
			      (unsigned long long)l->opt.fake[i].clear);
}
