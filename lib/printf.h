/*
 * printf.h - freestanding formatted output (loader, kernel, host alike).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with flags '-', '0', '+', ' ',
 * '#', a width and precision (or '*'), and length modifiers hh h l ll z t j.
 * Always NUL-terminates when n > 0; returns the length the full output
 * would have had, as C's vsnprintf does.
 */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include "types.h"

int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __printf(3, 4);

#endif /* LIB_PRINTF_H */
