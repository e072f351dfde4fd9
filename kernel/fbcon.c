/*
 * fbcon.c - the kernel log on the firmware's framebuffer (handoff->fb),
 * drawn with the PSF font Debian ships (console-data's default8x16,
 * converted at build time by tools/psf.py into font_glyphs[]), light grey on
 * black as Linux's console, wrapping long lines and scrolling when full.
 *
 * The framebuffer is uncached (or write-combining) memory: reading it back
 * to scroll would be slow on hardware, so the text lives in a shadow grid
 * and a scroll redraws from it, skipping cells whose character is already
 * on the screen.  No lock here: printk serialises its callers.
 */
#include "types.h"
#include "printk.h"
#include "kernel/fbcon.h"

#define FBCON_MAX_COLS  480      /* 3840 pixels */
#define FBCON_MAX_ROWS  135      /* 2160 pixels */
#define FONT_WIDTH      8

extern const char font_name[];
extern const uint32_t font_height;
extern const uint8_t font_glyphs[128][16];

static volatile uint32_t *fb;
static uint32_t stride, cols, rows, col, row;
static uint32_t fg, bg;
static bool on;
static char text[FBCON_MAX_ROWS][FBCON_MAX_COLS];   /* what should be shown */
static char shown[FBCON_MAX_ROWS][FBCON_MAX_COLS];  /* what is drawn */

/* An 8-bit-per-channel colour in the framebuffer's layout. */
static uint32_t pixel(const struct handoff_fb *f, uint8_t r, uint8_t g, uint8_t b)
{
	uint32_t masks[3] = { f->red_mask, f->green_mask, f->blue_mask };
	uint8_t v[3] = { r, g, b };
	uint32_t out = 0;

	if (f->format == FB_FORMAT_RGBX)
		return r | (uint32_t)g << 8 | (uint32_t)b << 16;
	if (f->format == FB_FORMAT_BGRX)
		return b | (uint32_t)g << 8 | (uint32_t)r << 16;
	for (int i = 0; i < 3; i++) {
		uint32_t m = masks[i];
		int shift = 0, bits = 0;

		if (m == 0)
			continue;
		while (!(m & 1)) {
			m >>= 1;
			shift++;
		}
		while (m & 1) {
			m >>= 1;
			bits++;
		}
		out |= (bits >= 8 ? (uint32_t)v[i] << (bits - 8) : (uint32_t)v[i] >> (8 - bits)) << shift;
	}
	return out;
}

static void draw_cell(uint32_t r, uint32_t c)
{
	unsigned char ch = (unsigned char)text[r][c];
	const uint8_t *g = font_glyphs[ch < 128 ? ch : '?'];
	volatile uint32_t *p = fb + (uint64_t)r * font_height * stride + (uint64_t)c * FONT_WIDTH;

	for (uint32_t y = 0; y < font_height; y++, p += stride)
		for (uint32_t x = 0; x < FONT_WIDTH; x++)
			p[x] = (g[y] & (0x80 >> x)) ? fg : bg;
	shown[r][c] = (char)ch;
}

static void redraw(void)
{
	for (uint32_t r = 0; r < rows; r++)
		for (uint32_t c = 0; c < cols; c++)
			if (text[r][c] != shown[r][c])
				draw_cell(r, c);
}

static void newline(void)
{
	col = 0;
	if (row + 1 < rows) {
		row++;
		return;
	}
	for (uint32_t r = 0; r + 1 < rows; r++)
		__builtin_memcpy(text[r], text[r + 1], cols);
	__builtin_memset(text[rows - 1], ' ', cols);
	redraw();
}

bool fbcon_init(const struct handoff *h)
{
	const struct handoff_fb *f = &h->fb;

	if (f->base == 0 || f->va == 0 || f->width < FONT_WIDTH || f->height < font_height)
		return false;
	fb = (volatile uint32_t *)(uintptr_t)f->va;
	stride = f->stride;
	cols = MIN(f->width / FONT_WIDTH, FBCON_MAX_COLS);
	rows = MIN(f->height / font_height, FBCON_MAX_ROWS);
	fg = pixel(f, 0xaa, 0xaa, 0xaa);
	bg = pixel(f, 0, 0, 0);
	for (uint32_t y = 0; y < f->height; y++)
		for (uint32_t x = 0; x < f->width; x++)
			fb[(uint64_t)y * stride + x] = bg;
	for (uint32_t r = 0; r < rows; r++) {
		__builtin_memset(text[r], ' ', cols);
		__builtin_memset(shown[r], ' ', cols);
	}
	row = col = 0;
	on = true;
	return true;
}

void fbcon_write(const char *s, size_t n)
{
	if (!on)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n') {
			newline();
			continue;
		}
		if (c == '\r')
			continue;
		if (c == '\t') {
			do
				fbcon_write(" ", 1);
			while (col % 8);
			continue;
		}
		if (col == cols)
			newline();
		text[row][col] = (c >= 0x20 && c < 0x7f) ? c : '?';
		if (text[row][col] != shown[row][col])
			draw_cell(row, col);
		col++;
	}
}

void fbcon_print(const struct handoff *h)
{
	const struct handoff_fb *f = &h->fb;

	if (!on) {
		printk(KERN_INFO "console: no framebuffer%s\n", f->base ? " (unusable)" : "");
		return;
	}
	printk(KERN_INFO "console: fb0 %ux%u stride %u at 0x%lx, %ux%u text, font %s 8x%u\n",
	       f->width, f->height, f->stride, f->base, cols, rows, font_name, font_height);
}
