/*
 * fbcon.h - the kernel log on the GOP framebuffer the loader handed over.
 */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "types.h"
#include "handoff.h"

/* Clear the screen and start drawing there; false when there is no
 * usable framebuffer (then fbcon_write does nothing). */
bool fbcon_init(const struct handoff *h);

/* Draw n bytes at the cursor: "\n" ends the line, long lines wrap, a full
 * screen scrolls up one line. */
void fbcon_write(const char *s, size_t n);

/* "console: fb0 1280x800 stride 1280 at 0x80000000, 160x50 text, font ..."
 * or "console: no framebuffer". */
void fbcon_print(const struct handoff *h);

#endif /* KERNEL_FBCON_H */
