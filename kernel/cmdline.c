/*
 * cmdline.c - parse the kernel command line into struct boot_options.
 *
 * Pure string handling (no I/O, no globals) so the parse is easy to reason
 * about; kmain prints the warnings.
 */
#include "types.h"
#include "kernel/cmdline.h"

static bool word_is(const char *w, size_t len, const char *key)
{
	size_t i;

	for (i = 0; i < len && key[i]; i++) {
		if (w[i] != key[i])
			return false;
	}
	return i == len && key[i] == '\0';
}

/* Decimal value of v[0..len): false on an empty string, a non-digit or overflow. */
static bool parse_ulong(const char *v, size_t len, unsigned long *out)
{
	unsigned long n = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		if (n > (~0UL - 9) / 10)
			return false;
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	*out = n;
	return true;
}

/* Hex value of v[0..len), with or without 0x: false on junk or overflow. */
static bool parse_hex(const char *v, size_t len, uint64_t *out)
{
	uint64_t n = 0;
	size_t i = 0;

	if (len >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		i = 2;
	if (i == len || len - i > 16)
		return false;
	for (; i < len; i++) {
		char c = v[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		n = (n << 4) | d;
	}
	*out = n;
	return true;
}

int cmdline_parse(const char *cmdline, struct boot_options *opt,
		  void (*warn)(const char *word, size_t len, const char *why))
{
	const char *p = cmdline;
	int problems = 0;

	*opt = (struct boot_options){ .loglevel = -1, .selftest_ops = SELFTEST_DEFAULT_OPS };

#define BAD(why) do { problems++; if (warn) warn(w, wlen, (why)); } while (0)
	while (*p) {
		const char *w, *k, *v = NULL;
		size_t wlen, klen, vlen = 0;
		unsigned long n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		wlen = (size_t)(p - w);

		k = w;
		klen = wlen;
		for (size_t i = 0; i < wlen; i++) {
			if (w[i] == '=') {
				klen = i;
				v = w + i + 1;
				vlen = wlen - i - 1;
				break;
			}
		}

		if (word_is(k, klen, "qemu_exit") && !v) {
			opt->qemu_exit = true;
		} else if (word_is(k, klen, "selftest")) {
			if (!v) {
				opt->selftest = true;
			} else if (parse_ulong(v, vlen, &n) && n > 0) {
				opt->selftest = true;
				opt->selftest_ops = n;
			} else {
				BAD("selftest=N needs a positive number of operations");
			}
		} else if (word_is(k, klen, "bench") && !v) {
			opt->bench = true;
		} else if (word_is(k, klen, "loglevel") && v) {
			if (parse_ulong(v, vlen, &n) && n <= 15)
				opt->loglevel = (int)n;
			else
				BAD("loglevel=N needs N in 0..15");
		} else if (word_is(k, klen, "debug") && !v) {
			opt->loglevel = 10;     /* as Linux: everything */
		} else if (word_is(k, klen, "quiet") && !v) {
			opt->loglevel = 4;      /* as Linux: warnings and worse */
		} else if (word_is(k, klen, "fault") && v) {
			if (vlen == 0 || vlen >= CMDLINE_FAULT_MAX) {
				BAD("fault=<kind> needs a short kind name");
			} else {
				for (size_t i = 0; i < vlen; i++)
					opt->fault[i] = v[i];
				opt->fault[vlen] = '\0';
			}
		} else if (word_is(k, klen, "pgwalk") && v) {
			if (parse_hex(v, vlen, &opt->pgwalk_va))
				opt->pgwalk = true;
			else
				BAD("pgwalk=<va> needs a hex address");
		} else if (word_is(k, klen, "ktext") && v) {
			if (word_is(v, vlen, "off"))
				opt->ktext_off = true;
			else if (!word_is(v, vlen, "on"))
				BAD("ktext= takes on or off");
		} else if (word_is(k, klen, "numa") && v) {
			if (word_is(v, vlen, "off"))
				opt->numa_off = true;
			else if (!word_is(v, vlen, "on"))
				BAD("numa= takes on or off");
		} else if (word_is(k, klen, "acpi_test") && v) {
			/* test only: the loader acted on it (acpi/topology.c) */
			if (!word_is(v, vlen, "srat-checksum"))
				BAD("acpi_test= takes srat-checksum");
		} else if (word_is(k, klen, "pgd_test") && v) {
			/* test only: the loader entered us on another node's copy */
			if (!word_is(v, vlen, "boot-elsewhere"))
				BAD("pgd_test= takes boot-elsewhere");
		} else if ((word_is(k, klen, "console") && v) || word_is(k, klen, "earlycon")) {
			/* the loader chose the consoles from these (efi/console_opt.c) */
		} else {
			BAD("unknown option, ignored");
		}
	}
#undef BAD
	return problems;
}
