/*
 * printf.c - freestanding vsnprintf for the loader, the kernel and the host
 * tests (one implementation, so the loader's and the kernel's logs format
 * numbers identically).  No floating point: the kernel is built with
 * -mgeneral-regs-only.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-', '0', '+', ' ', '#';
 * width and precision (or '*'); length modifiers hh h l ll z t j.  An
 * unknown conversion is copied out verbatim so the mistake is visible.
 */
#include <stdarg.h>
#include "types.h"
#include "lib/printf.h"

#define FL_LEFT   (1u << 0)   /* '-' */
#define FL_ZERO   (1u << 1)   /* '0' */
#define FL_PLUS   (1u << 2)   /* '+' */
#define FL_SPACE  (1u << 3)   /* ' ' */
#define FL_ALT    (1u << 4)   /* '#' */
#define FL_UPPER  (1u << 5)   /* %X */
#define FL_PTR    (1u << 6)   /* %p: the 0x prefix even for zero */
#define FL_SIGNED (1u << 7)   /* %d/%i: '+' and ' ' apply */

/* Output cursor: writes while there is room (one byte kept for the NUL),
 * counts always. */
struct pf_out {
	char  *buf;
	size_t cap;
	size_t len;
};

static void pf_putc(struct pf_out *o, char c)
{
	if (o->cap && o->len < o->cap - 1)
		o->buf[o->len] = c;
	o->len++;
}

static void pf_pad(struct pf_out *o, char c, int count)
{
	while (count-- > 0)
		pf_putc(o, c);
}

/*
 * Format one integer.  `neg` says the magnitude `v` came from a negative
 * signed value.  Precision is the minimum digit count (C semantics: an
 * explicit precision disables the '0' flag; value 0 with precision 0 prints
 * no digits).
 */
static void pf_number(struct pf_out *o, uint64_t v, bool neg, unsigned base,
		      unsigned flags, int width, int prec)
{
	const char *digits = (flags & FL_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];           /* 2^64 in octal is 22 digits */
	int nd = 0;
	char sign = 0;
	const char *prefix = "";
	int prefix_len = 0;

	while (v) {
		tmp[nd++] = digits[v % base];
		v /= base;
	}
	if (prec < 0)
		prec = 1;
	else
		flags &= ~FL_ZERO;

	if (neg)
		sign = '-';
	else if ((flags & FL_SIGNED) && (flags & FL_PLUS))
		sign = '+';
	else if ((flags & FL_SIGNED) && (flags & FL_SPACE))
		sign = ' ';

	if ((flags & FL_ALT) && base == 16 && (nd > 0 || (flags & FL_PTR))) {
		prefix = (flags & FL_UPPER) ? "0X" : "0x";
		prefix_len = 2;
	}
	/* '#' with octal: make sure the first digit is 0. */
	if ((flags & FL_ALT) && base == 8 && prec <= nd)
		prec = nd + 1;

	int ndigits = nd > prec ? nd : prec;
	int total = ndigits + (sign ? 1 : 0) + prefix_len;
	int fill = width > total ? width - total : 0;

	if (!(flags & FL_LEFT) && !(flags & FL_ZERO))
		pf_pad(o, ' ', fill);
	if (sign)
		pf_putc(o, sign);
	for (int i = 0; i < prefix_len; i++)
		pf_putc(o, prefix[i]);
	if (!(flags & FL_LEFT) && (flags & FL_ZERO))
		pf_pad(o, '0', fill);
	pf_pad(o, '0', ndigits - nd);
	while (nd)
		pf_putc(o, tmp[--nd]);
	if (flags & FL_LEFT)
		pf_pad(o, ' ', fill);
}

static void pf_string(struct pf_out *o, const char *s, unsigned flags, int width, int prec)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (prec < 0 || len < prec))
		len++;
	if (!(flags & FL_LEFT))
		pf_pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		pf_putc(o, s[i]);
	if (flags & FL_LEFT)
		pf_pad(o, ' ', width - len);
}

/* Length modifiers, widest last. */
enum pf_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

static uint64_t pf_arg_unsigned(va_list *ap, enum pf_len len)
{
	switch (len) {
	case LEN_CHAR:    return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:   return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:    return va_arg(*ap, unsigned long);
	case LEN_LLONG:   return va_arg(*ap, unsigned long long);
	case LEN_SIZE:    return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_MAX:     return va_arg(*ap, uintmax_t);
	default:          return va_arg(*ap, unsigned int);
	}
}

static int64_t pf_arg_signed(va_list *ap, enum pf_len len)
{
	switch (len) {
	case LEN_CHAR:    return (signed char)va_arg(*ap, int);
	case LEN_SHORT:   return (short)va_arg(*ap, int);
	case LEN_LONG:    return va_arg(*ap, long);
	case LEN_LLONG:   return va_arg(*ap, long long);
	case LEN_SIZE:    return (int64_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX:     return va_arg(*ap, intmax_t);
	default:          return va_arg(*ap, int);
	}
}

/*
 * Format into buf[0..n).  Always NUL-terminates when n > 0.  Returns the
 * length the complete output would have had (excluding the NUL), so a
 * result >= n means it was truncated.
 */
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap_in)
{
	struct pf_out o = { .buf = buf, .cap = n, .len = 0 };
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		const char *start = fmt;
		unsigned flags = 0;
		int width = 0, prec = -1;
		enum pf_len len = LEN_INT;

		if (*fmt != '%') {
			pf_putc(&o, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				flags |= FL_LEFT;
			else if (*fmt == '0')
				flags |= FL_ZERO;
			else if (*fmt == '+')
				flags |= FL_PLUS;
			else if (*fmt == ' ')
				flags |= FL_SPACE;
			else if (*fmt == '#')
				flags |= FL_ALT;
			else
				break;
		}

		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= FL_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}

		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}

		switch (*fmt) {
		case 'h':
			fmt++;
			len = LEN_SHORT;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_CHAR;
			}
			break;
		case 'l':
			fmt++;
			len = LEN_LONG;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LLONG;
			}
			break;
		case 'z': fmt++; len = LEN_SIZE; break;
		case 't': fmt++; len = LEN_PTRDIFF; break;
		case 'j': fmt++; len = LEN_MAX; break;
		default: break;
		}

		if (flags & FL_LEFT)
			flags &= ~FL_ZERO;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = pf_arg_signed(&ap, len);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

			pf_number(&o, mag, v < 0, 10, flags | FL_SIGNED, width, prec);
			break;
		}
		case 'u':
			pf_number(&o, pf_arg_unsigned(&ap, len), false, 10, flags, width, prec);
			break;
		case 'X':
			flags |= FL_UPPER;
			/* fall through */
		case 'x':
			pf_number(&o, pf_arg_unsigned(&ap, len), false, 16, flags, width, prec);
			break;
		case 'o':
			pf_number(&o, pf_arg_unsigned(&ap, len), false, 8, flags, width, prec);
			break;
		case 'p':
			/* 0x-prefixed lower-case hex, like glibc (but "0x0" for NULL). */
			pf_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				  flags | FL_ALT | FL_PTR, width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & FL_LEFT))
				pf_pad(&o, ' ', width - 1);
			pf_putc(&o, c);
			if (flags & FL_LEFT)
				pf_pad(&o, ' ', width - 1);
			break;
		}
		case 's':
			pf_string(&o, va_arg(ap, const char *), flags, width, prec);
			break;
		case '%':
			pf_putc(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: copy it out as written. */
			while (start < fmt)
				pf_putc(&o, *start++);
			if (*fmt)
				pf_putc(&o, *fmt);
			else
				continue;
			break;
		}
		fmt++;
	}
	va_end(ap);

	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return o.len > (size_t)0x7fffffff ? 0x7fffffff : (int)o.len;
}

/* As kvsnprintf, with the arguments inline. */
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return ret;
}
