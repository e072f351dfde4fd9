/*
 * options.c - the loader's command line as text (rules in options.h).
 */
#include "efi/options.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Does [s, s+n) end with the (lower-case) suffix? */
static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t m = 0;

	while (suffix[m])
		m++;
	if (m > n)
		return false;
	for (size_t i = 0; i < m; i++)
		if (lower(s[n - m + i]) != suffix[i])
			return false;
	return true;
}

/* Collapse whitespace runs to one space and trim both ends, in place;
 * whitespace inside double quotes is part of a value (lib/cmdline.h) and
 * stays as written. */
static void squeeze(char *s)
{
	size_t o = 0;
	bool space = true, quoted = false;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (is_space(s[i]) && !quoted) {
			if (!space)
				s[o++] = ' ';
			space = true;
		} else {
			s[o++] = s[i];
			space = false;
		}
	}
	if (o && s[o - 1] == ' ')
		o--;
	s[o] = 0;
}

int options_from_ucs2(const uint16_t *w, size_t bytes, char *out, size_t cap)
{
	size_t n = bytes / 2, o = 0, first = 0;
	bool trunc = false;

	if (cap == 0)
		return OPTIONS_EMPTY;
	out[0] = 0;
	if (w == NULL || n == 0)
		return OPTIONS_EMPTY;
	for (size_t i = 0; i < n && w[i]; i++) {
		uint16_t c = w[i];

		if (c > 0x7e || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) {
			out[0] = 0;
			return OPTIONS_BINARY;
		}
		if (o < cap - 1)
			out[o++] = (char)c;
		else if (!is_space((char)c))
			trunc = true;
	}
	out[o] = 0;
	squeeze(out);
	while (out[first] && out[first] != ' ')
		first++;
	if (ends_with_ci(out, first, ".efi") || ends_with_ci(out, first, "bootx64")) {
		size_t i = 0, j = first + (out[first] == ' ');

		while (out[j])
			out[i++] = out[j++];
		out[i] = 0;
	}
	if (!out[0])
		return OPTIONS_EMPTY;
	return trunc ? OPTIONS_TRUNCATED : OPTIONS_TEXT;
}

bool options_from_file(const uint8_t *buf, size_t len, char *out, size_t cap)
{
	bool comment = false, bol = true, trunc = false;
	size_t o = 0;

	if (cap == 0)
		return len > 0;
	for (size_t i = 0; i < len; i++) {
		char c = (char)buf[i];

		if (bol && c == '#')
			comment = true;
		bol = c == '\n';
		if (c == '\n') {
			comment = false;
			c = ' ';
		}
		if (comment)
			continue;
		if ((uint8_t)c < 0x20 || (uint8_t)c > 0x7e)
			c = ' ';
		if (o < cap - 1)
			out[o++] = c;
		else if (c != ' ')
			trunc = true;
	}
	out[o] = 0;
	squeeze(out);
	return trunc;
}
