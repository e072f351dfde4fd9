/*
 * cmdline_fuzz.c - libFuzzer target for lib/cmdline.c, through the tables
 * the kernel parses against (kernel/cmdline.c) and the loader's own.
 * Input: the command line's bytes (a NUL ends it early, as in the handoff).
 * Checks beyond "no crash, no sanitizer report": the counts add up to the
 * return value, the result's texts stay NUL-terminated inside their
 * buffers, each reported line is one whole line, every unknown word is a
 * piece of the input, the options keep their documented ranges, and a
 * second parse gives the same result (no hidden state).
 */
#include "fuzz_common.h"
#include "kernel/cmdline.c"

static char line[4096];
static struct cmdline_result res, res2;

static void check_result(const struct cmdline_result *r, int ret)
{
	FUZZ_CHECK(ret == (int)(r->nr_unknown + r->nr_bad));
	FUZZ_CHECK(memchr(r->unknown, 0, sizeof(r->unknown)) != NULL);
	FUZZ_CHECK(memchr(r->bad, 0, sizeof(r->bad)) != NULL);
	FUZZ_CHECK((r->nr_unknown == 0) == (r->unknown[0] == '\0'));
	FUZZ_CHECK((r->nr_bad == 0) == (r->bad[0] == '\0'));
	cmdline_report(r, "", fuzz_out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_options lo = { 0 };
	struct topology_options to = { 0 };
	const struct cmdline_table loader_tabs[] = {
		{ "loader", loader_params,   &lo, false },
		{ "acpi",   topology_params, &to, false },
	};
	int ret;

	if (size >= sizeof(line))
		size = sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';

	ret = kernel_cmdline_parse(line, &res);
	check_result(&res, ret);
	FUZZ_CHECK(boot_opts.loglevel >= -1 && boot_opts.loglevel <= 15);
	FUZZ_CHECK(boot_opts.selftest_ops > 0);
	FUZZ_CHECK(memchr(boot_opts.fault, 0, sizeof(boot_opts.fault)) != NULL);
	/* Each unknown word is written in the input as it is listed. */
	for (const char *u = res.unknown; *u;) {
		size_t n = strcspn(u, " ");
		char word[CMDLINE_UNKNOWN_MAX];

		memcpy(word, u, n);
		word[n] = '\0';
		/* The last one may be cut by the buffer's bound. */
		if (u[n] || strlen(res.unknown) < sizeof(res.unknown) - 1)
			FUZZ_CHECK(strstr(line, word) != NULL || strchr(word, '"'));
		u += n + (u[n] == ' ');
	}
	ret = kernel_cmdline_parse(line, &res2);
	FUZZ_CHECK(memcmp(&res, &res2, sizeof(res)) == 0);

	ret = cmdline_parse(line, loader_tabs, ARRAY_SIZE(loader_tabs), &res);
	check_result(&res, ret);
	FUZZ_CHECK(!lo.ktext_off || strstr(line, "ktext"));
	FUZZ_CHECK(!to.numa_off || strstr(line, "numa"));
	return 0;
}
