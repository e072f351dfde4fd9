/*
 * cmdline.c - the kernel's own command-line options and the list of option
 * tables the kernel parses its command line against (cmdline.h).
 *
 * Pure (no I/O) so the host test (test/kernel/cmdline_test.c) and the
 * fuzzer run it as it is; kmain prints what the parse reports.
 */
#include "types.h"
#include "kernel/cmdline.h"
#include "mm/mm.h"
#include "acpi/topology.h"
#include "efi/params.h"
#include "efi/console_opt.h"

struct boot_options boot_opts;

void boot_options_defaults(struct boot_options *opt)
{
	*opt = (struct boot_options){ .loglevel = -1, .selftest_ops = SELFTEST_DEFAULT_OPS,
				      .smp_skip_sipi = -1 };
}

static const char *set_qemu_exit(void *ctx, const char *val)
{
	((struct boot_options *)ctx)->qemu_exit = true;
	return NULL;
}

static const char *set_selftest(void *ctx, const char *val)
{
	struct boot_options *o = ctx;
	unsigned long n = SELFTEST_DEFAULT_OPS;

	if (val && (!cmdline_get_ulong(val, &n) || n == 0))
		return "selftest=N needs a positive number of operations";
	o->selftest = true;
	o->selftest_ops = n;
	return NULL;
}

static const char *set_bench(void *ctx, const char *val)
{
	((struct boot_options *)ctx)->bench = true;
	return NULL;
}

static const char *set_loglevel(void *ctx, const char *val)
{
	unsigned long n;

	if (!cmdline_get_ulong(val, &n) || n > 15)
		return "needs N in 0..15";
	((struct boot_options *)ctx)->loglevel = (int)n;
	return NULL;
}

static const char *set_debug(void *ctx, const char *val)
{
	((struct boot_options *)ctx)->loglevel = 10;    /* as Linux: everything */
	return NULL;
}

static const char *set_quiet(void *ctx, const char *val)
{
	((struct boot_options *)ctx)->loglevel = 4;     /* as Linux: warnings and worse */
	return NULL;
}

static const char *set_fault(void *ctx, const char *val)
{
	struct boot_options *o = ctx;

	if (!val[0] || !cmdline_get_str(val, o->fault, sizeof(o->fault)))
		return "fault=<kind> needs a short kind name";
	return NULL;
}

static const char *set_pgwalk(void *ctx, const char *val)
{
	struct boot_options *o = ctx;

	if (!cmdline_get_hex64(val, &o->pgwalk_va))
		return "pgwalk=<va> needs a hex address";
	o->pgwalk = true;
	return NULL;
}

/* Test only: a rule of the page-table check to break once (pgcheck_break). */
static const char *set_pgtable_test(void *ctx, const char *val)
{
	struct boot_options *o = ctx;

	if (!val[0] || !cmdline_get_str(val, o->pgtable_test, sizeof(o->pgtable_test)))
		return "pgtable_test=<rule> needs a rule name (wx, user, nx, lower-half, node-local, "
		       "same-translation, text-bytes, dmap-nonram, text-alias-rw)";
	return NULL;
}

/* Linux's reboot= letters too: a(cpi), k(bd), t(riple). */
static const char *set_reboot(void *ctx, const char *val)
{
	struct boot_options *o = ctx;
	int m;

	if (!val || cmdline_val_is(val, "acpi") || cmdline_val_is(val, "a"))
		m = 0;
	else if (cmdline_val_is(val, "kbd") || cmdline_val_is(val, "k"))
		m = 1;
	else if (cmdline_val_is(val, "triple") || cmdline_val_is(val, "t"))
		m = 2;
	else
		return "takes acpi, kbd or triple";
	o->reboot = true;
	o->reboot_method = m;
	return NULL;
}

/* panic=N: reset N seconds after a panic; N < 0 at once, 0 halts. */
static const char *set_panic(void *ctx, const char *val)
{
	struct boot_options *o = ctx;
	bool neg = val[0] == '-';
	unsigned long n;

	if (!cmdline_get_ulong(val + neg, &n) || n > 3600)
		return "needs N seconds in -3600..3600";
	o->panic_reboot = true;
	o->panic_timeout = neg ? -(long)n : (long)n;
	return NULL;
}

/* Test only: kernel/smp.c sends that CPU INIT but no STARTUP. */
static const char *set_smp_skip_sipi(void *ctx, const char *val)
{
	unsigned long n;

	if (!cmdline_get_ulong(val, &n) || n == 0 || n >= 1024)
		return "smp_skip_sipi=N needs a CPU number 1..1023 (not the boot CPU)";
	((struct boot_options *)ctx)->smp_skip_sipi = (long)n;
	return NULL;
}

/* Test only: kernel/apic.c's x2APIC (MSR) path even where xAPIC would do. */
static const char *set_x2apic(void *ctx, const char *val)
{
	((struct boot_options *)ctx)->x2apic = true;
	return NULL;
}

const struct cmdline_param kernel_params[] = {
	{ "qemu_exit", CMDLINE_FLAG,          set_qemu_exit },
	{ "selftest",  CMDLINE_FLAG_OR_VALUE, set_selftest },
	{ "bench",     CMDLINE_FLAG,          set_bench },
	{ "loglevel",  CMDLINE_VALUE,         set_loglevel },
	{ "debug",     CMDLINE_FLAG,          set_debug },
	{ "quiet",     CMDLINE_FLAG,          set_quiet },
	{ "fault",     CMDLINE_VALUE,         set_fault },
	{ "pgwalk",    CMDLINE_VALUE,         set_pgwalk },
	{ "pgtable_test", CMDLINE_VALUE,      set_pgtable_test },
	{ "reboot",    CMDLINE_FLAG_OR_VALUE, set_reboot },
	{ "panic",     CMDLINE_VALUE,         set_panic },
	{ "smp_skip_sipi", CMDLINE_VALUE,     set_smp_skip_sipi },
	{ "x2apic",    CMDLINE_FLAG,          set_x2apic },
	CMDLINE_END
};

/* Every table the kernel knows, in lookup order.  Add yours here. */
static const struct cmdline_table kernel_cmdline_tables[] = {
	{ "kernel", kernel_params,   &boot_opts,  false },
	{ "mm",     mm_params,       &mm_options, false },
	{ "acpi",   topology_params, NULL,        true },
	{ "loader", loader_params,   NULL,        true },
	{ "console", console_params, NULL,        true },
};

int kernel_cmdline_parse(const char *line, struct cmdline_result *res)
{
	boot_options_defaults(&boot_opts);
	mm_options = (struct mm_options){ 0 };
	return cmdline_parse(line, kernel_cmdline_tables, ARRAY_SIZE(kernel_cmdline_tables), res);
}
