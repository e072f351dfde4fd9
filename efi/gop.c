/*
 * gop.c - record the framebuffer the firmware's Graphics Output Protocol
 * set up (the mode it is in now: the loader changes no mode), so the kernel
 * can draw its log on the screen of a machine without a serial port.  The
 * framebuffer gets an IOMAP window in every copy, uncached-minus (PCD): the
 * firmware's MTRRs make it write-combining where they say so.
 */
#include "efi/loader.h"
#include "mm/pgtable.h"

static const char *format_name(uint32_t f)
{
	return f == FB_FORMAT_RGBX ? "RGBX" : f == FB_FORMAT_BGRX ? "BGRX" : "bitmask";
}

void gop_record(struct loader *l)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
	struct handoff_fb *fb = &l->h->fb;
	uint64_t need;

	__builtin_memset(fb, 0, sizeof(*fb));
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol, NULL,
					(void **)&gop)) || gop == NULL || gop->Mode == NULL ||
	    gop->Mode->Info == NULL) {
		loader_printf("loader: framebuffer: none (no Graphics Output Protocol)\n");
		return;
	}
	mi = gop->Mode->Info;
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: fb->format = FB_FORMAT_RGBX; break;
	case PixelBlueGreenRedReserved8BitPerColor: fb->format = FB_FORMAT_BGRX; break;
	case PixelBitMask:
		fb->format = FB_FORMAT_BITMASK;
		fb->red_mask = mi->PixelInformation.RedMask;
		fb->green_mask = mi->PixelInformation.GreenMask;
		fb->blue_mask = mi->PixelInformation.BlueMask;
		break;
	default:
		loader_printf("loader: framebuffer: none (GOP mode is blt-only)\n");
		return;
	}
	need = (uint64_t)mi->PixelsPerScanLine * mi->VerticalResolution * 4;
	if (gop->Mode->FrameBufferBase == 0 || mi->HorizontalResolution == 0 ||
	    mi->PixelsPerScanLine < mi->HorizontalResolution ||
	    gop->Mode->FrameBufferSize < need || !IS_ALIGNED(gop->Mode->FrameBufferBase, PAGE_SIZE)) {
		loader_printf("loader: framebuffer: ignored (%ux%u stride %u, %llu bytes at 0x%llx do not"
			      " add up)\n", mi->HorizontalResolution, mi->VerticalResolution,
			      mi->PixelsPerScanLine, (unsigned long long)gop->Mode->FrameBufferSize,
			      (unsigned long long)gop->Mode->FrameBufferBase);
		__builtin_memset(fb, 0, sizeof(*fb));
		return;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = ALIGN_UP(need, PAGE_SIZE);
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	fb->stride = mi->PixelsPerScanLine;
	fb->va = loader_iomap(l, fb->base, fb->size, PTE_PCD);
	if (fb->va == 0) {
		loader_printf("loader: framebuffer: %llu MiB does not fit the IOMAP window: not used\n",
			      (unsigned long long)(fb->size >> 20));
		__builtin_memset(fb, 0, sizeof(*fb));
		return;
	}
	loader_printf("loader: framebuffer: %ux%u stride %u %s at [mem 0x%llx-0x%llx]\n", fb->width,
		      fb->height, fb->stride, format_name(fb->format), (unsigned long long)fb->base,
		      (unsigned long long)(fb->base + fb->size - 1));
}
