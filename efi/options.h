/*
 * options.h - the loader's command line as text: UEFI load options (UCS-2,
 * from the shell or a boot entry) or cmdline.txt (bytes) turned into one
 * NUL-terminated ASCII line; lib/cmdline.c splits it into options.
 * Freestanding, so the host tests (test/efi/options_test.c) run the same
 * code as the loader.
 */
#ifndef EFI_OPTIONS_H
#define EFI_OPTIONS_H

#include "types.h"

#define OPTIONS_TEXT      1     /* out holds a non-empty command line */
#define OPTIONS_TRUNCATED 2     /* ... cut to cap - 1 characters */
#define OPTIONS_EMPTY     0     /* nothing (after dropping the program name) */
#define OPTIONS_BINARY  (-1)    /* not text: a boot entry's binary data */

/*
 * Load options of `bytes` bytes as UCS-2.  Stops at a NUL character;
 * any character outside printable ASCII (other than tab/CR/LF) makes the
 * whole thing binary.  Whitespace runs outside double quotes collapse to
 * one space.  The UEFI
 * shell passes the program's own path first: a first word ending in
 * ".efi" or "bootx64" (any case) is dropped.  out[cap] always ends in NUL;
 * OPTIONS_TRUNCATED says text did not fit.
 */
int options_from_ucs2(const uint16_t *w, size_t bytes, char *out, size_t cap);

/*
 * cmdline.txt contents: lines starting with '#' are comments, the other
 * lines are joined with spaces, control and non-ASCII bytes become spaces,
 * whitespace runs outside double quotes collapse.  Returns true if the text had to be truncated
 * to cap - 1 characters.
 */
bool options_from_file(const uint8_t *buf, size_t len, char *out, size_t cap);

#endif /* EFI_OPTIONS_H */
