/*
 * cmdline.c - the one command-line parser (rules and contract in cmdline.h).
 *
 * No allocation, no globals, no libc: the loader (gnu-efi), the kernel and
 * the host tests and fuzzer run this same code.
 */
#include "lib/cmdline.h"
#include "lib/printf.h"

static bool cmdline_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Keys compare with '-' and '_' equal, as Linux's parameq(). */
static bool cmdline_key_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a;
		char y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

const struct cmdline_param *cmdline_find(const struct cmdline_table *tabs, size_t nr_tabs,
					 const char *name, const struct cmdline_table **owner)
{
	for (size_t t = 0; t < nr_tabs; t++) {
		for (const struct cmdline_param *p = tabs[t].params; p && p->name; p++) {
			if (cmdline_key_eq(p->name, name)) {
				if (owner)
					*owner = &tabs[t];
				return p;
			}
		}
	}
	return NULL;
}

/* Append to a bounded text buffer; a full buffer keeps what fitted. */
static void cmdline_append(char *buf, size_t cap, const char *fmt, ...) __printf(3, 4);
static void cmdline_append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	while (used < cap && buf[used])
		used++;
	if (used + 1 >= cap)
		return;
	va_start(ap, fmt);
	kvsnprintf(buf + used, cap - used, fmt, ap);
	va_end(ap);
}

static void cmdline_bad(struct cmdline_result *res, const char *val, const char *key,
			const char *why)
{
	res->nr_bad++;
	cmdline_append(res->bad, sizeof(res->bad), "`%s' invalid for parameter `%s': %s\n",
		       val ? val : "", key, why);
}

static void cmdline_bad_word(struct cmdline_result *res, const char *w, size_t n,
			     const char *why)
{
	res->nr_bad++;
	cmdline_append(res->bad, sizeof(res->bad), "`%.*s': %s\n", (int)(n > 64 ? 64 : n), w, why);
}

/* One word [w, w + n), quotes as written; in_quote: it ended inside quotes. */
static void cmdline_word(const char *w, size_t n, bool in_quote,
			 const struct cmdline_table *tabs, size_t nr_tabs,
			 struct cmdline_result *res)
{
	char buf[CMDLINE_WORD_MAX];
	size_t s = 0, e = n, eq = n;
	bool quoted = false, val_quoted = false;
	const struct cmdline_table *owner = NULL;
	const struct cmdline_param *p;
	const char *val = NULL, *why;

	if (in_quote) {
		cmdline_bad_word(res, w, n, "unterminated quote");
		return;
	}
	if (n >= sizeof(buf)) {
		cmdline_bad_word(res, w, n, "word longer than 511 characters");
		return;
	}
	if (w[0] == '"') {
		quoted = true;
		s = 1;
	}
	for (size_t i = s; i < e; i++) {
		if (w[i] == '=') {
			eq = i;
			break;
		}
	}
	if (eq < e && eq + 1 < e && w[eq + 1] == '"') {
		val_quoted = true;
		if (e > eq + 2 && w[e - 1] == '"')
			e--;
	}
	if (quoted && !(val_quoted && e < n) && e > s && w[e - 1] == '"')
		e--;

	for (size_t i = s; i < e; i++)
		buf[i - s] = w[i];
	buf[e - s] = '\0';
	if (eq < e) {
		buf[eq - s] = '\0';
		val = buf + (eq - s) + 1 + val_quoted;
	}
	if (buf[0] == '\0') {
		cmdline_bad_word(res, w, n, "empty parameter name");
		return;
	}

	p = cmdline_find(tabs, nr_tabs, buf, &owner);
	if (!p) {
		res->nr_unknown++;
		cmdline_append(res->unknown, sizeof(res->unknown), "%s%.*s",
			       res->unknown[0] ? " " : "", (int)n, w);
		return;
	}
	if (owner->foreign) {
		res->nr_foreign++;
		return;
	}
	if (p->arg == CMDLINE_FLAG && val) {
		cmdline_bad(res, val, buf, "takes no value");
		return;
	}
	if (p->arg == CMDLINE_VALUE && !val) {
		cmdline_bad(res, NULL, buf, "needs a value (key=value)");
		return;
	}
	why = p->set ? p->set(owner->ctx, val) : NULL;
	if (why)
		cmdline_bad(res, val, buf, why);
	else
		res->nr_set++;
}

int cmdline_parse(const char *line, const struct cmdline_table *tabs, size_t nr_tabs,
		  struct cmdline_result *res)
{
	struct cmdline_result scratch;
	const char *p = line;

	if (!res)
		res = &scratch;
	*res = (struct cmdline_result){ 0 };

	while (p && *p) {
		const char *w;
		bool in_quote = false;
		size_t n = 0;

		while (cmdline_space(*p))
			p++;
		if (!*p)
			break;
		w = p;
		for (; w[n] && (in_quote || !cmdline_space(w[n])); n++) {
			if (w[n] == '"')
				in_quote = !in_quote;
		}
		p = w + n;
		if (n == 2 && w[0] == '-' && w[1] == '-')
			break;
		cmdline_word(w, n, in_quote, tabs, nr_tabs, res);
	}
	return (int)(res->nr_unknown + res->nr_bad);
}

void cmdline_report(const struct cmdline_result *res, const char *prefix, printf_fn out)
{
	const char *s = res->bad;

	while (*s) {
		size_t n = 0;

		while (s[n] && s[n] != '\n')
			n++;
		out("%scmdline: %.*s\n", prefix, (int)n, s);
		s += n + (s[n] == '\n');
	}
	if (res->nr_bad && res->bad[0] &&
	    res->bad[sizeof(res->bad) - 2] != '\0')
		out("%scmdline: (more problems than fit in the report)\n", prefix);
}

/* ------------------------------------------------------------------ value helpers */

bool cmdline_val_is(const char *val, const char *s)
{
	if (!val)
		return false;
	while (*val && *val == *s)
		val++, s++;
	return *val == *s;
}

static int cmdline_digit(char c, unsigned base)
{
	unsigned d;

	if (c >= '0' && c <= '9')
		d = (unsigned)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned)(c - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

/* Digits of s in base, into *out: false on empty, junk or overflow. */
static bool cmdline_digits(const char *s, unsigned base, uint64_t *out)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		int d = cmdline_digit(*s, base);

		if (d < 0 || n > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		n = n * base + (uint64_t)d;
	}
	*out = n;
	return true;
}

bool cmdline_get_ulong(const char *val, unsigned long *out)
{
	uint64_t n;
	bool hex;

	if (!val)
		return false;
	hex = val[0] == '0' && (val[1] == 'x' || val[1] == 'X');
	if (!cmdline_digits(hex ? val + 2 : val, hex ? 16 : 10, &n) || n > (unsigned long)-1)
		return false;
	*out = (unsigned long)n;
	return true;
}

bool cmdline_get_hex64(const char *val, uint64_t *out)
{
	size_t len = 0;

	if (!val)
		return false;
	if (val[0] == '0' && (val[1] == 'x' || val[1] == 'X'))
		val += 2;
	while (val[len])
		len++;
	if (len > 16)
		return false;
	return cmdline_digits(val, 16, out);
}

static char cmdline_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool cmdline_word_ci(const char *val, const char *s)
{
	while (*val && cmdline_lower(*val) == *s)
		val++, s++;
	return *val == '\0' && *s == '\0';
}

bool cmdline_get_bool(const char *val, bool *out)
{
	static const char *const yes[] = { "on", "y", "yes", "1" };
	static const char *const no[] = { "off", "n", "no", "0" };

	if (!val)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (cmdline_word_ci(val, yes[i])) {
			*out = true;
			return true;
		}
		if (cmdline_word_ci(val, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool cmdline_get_str(const char *val, char *buf, size_t cap)
{
	size_t len = 0;

	if (!val)
		return false;
	while (val[len])
		len++;
	if (len >= cap)
		return false;
	for (size_t i = 0; i <= len; i++)
		buf[i] = val[i];
	return true;
}
