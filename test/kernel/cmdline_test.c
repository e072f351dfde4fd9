/*
 * cmdline_test.c - host tests of kernel/cmdline.c: the kernel's option
 * table and the list of tables it parses against (lib/cmdline.c does the
 * splitting; test/lib/cmdline_test.c tests that).  kernel/ is not part of
 * the host core library, so the source is included directly: it is pure.
 *
 * Every registered option of every table the kernel knows must have a case
 * in test_cmdline_every_registered_option, so a new option cannot land
 * untested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cmdline.c"
#include "test_support.h"

static struct cmdline_result res;

static int parse(const char *s)
{
	return kernel_cmdline_parse(s, &res);
}

static void test_cmdline_defaults(void **state)
{
	boot_opts.bench = true;
	mm_options.memblock_debug = true;
	assert_int_equal(parse(""), 0);
	assert_false(boot_opts.qemu_exit);
	assert_false(boot_opts.selftest);
	assert_false(boot_opts.bench);
	assert_false(mm_options.memblock_debug);
	assert_int_equal(boot_opts.selftest_ops, SELFTEST_DEFAULT_OPS);
	assert_int_equal(boot_opts.loglevel, -1);
	assert_string_equal(boot_opts.fault, "");
	assert_false(boot_opts.pgwalk);
	assert_int_equal(boot_opts.smp_skip_sipi, -1);
	assert_false(boot_opts.x2apic);
}

/* One accepted example per registered name, with what it must change. */
struct option_case {
	const char *word;
	bool (*check)(void);
};

static bool qemu_exit_on(void) { return boot_opts.qemu_exit; }
static bool selftest_1000(void) { return boot_opts.selftest && boot_opts.selftest_ops == 1000; }
static bool bench_on(void) { return boot_opts.bench; }
static bool loglevel_3(void) { return boot_opts.loglevel == 3; }
static bool loglevel_10(void) { return boot_opts.loglevel == 10; }
static bool loglevel_4(void) { return boot_opts.loglevel == 4; }
static bool fault_pf(void) { return !strcmp(boot_opts.fault, "pf"); }
static bool pgwalk_set(void) { return boot_opts.pgwalk && boot_opts.pgwalk_va == 0xffffffff80200000ULL; }
static bool pgtable_test_set(void) { return !strcmp(boot_opts.pgtable_test, "dmap-nonram"); }
static bool memblock_on(void) { return mm_options.memblock_debug; }
static bool zoneinfo_on(void) { return mm_options.zoneinfo; }
static bool init_compare_on(void) { return mm_options.init_compare; }
static bool foreign(void) { return res.nr_foreign == 1; }
static bool reboot_kbd(void) { return boot_opts.reboot && boot_opts.reboot_method == 1; }
static bool panic_10(void) { return boot_opts.panic_reboot && boot_opts.panic_timeout == 10; }
static bool skip_sipi_3(void) { return boot_opts.smp_skip_sipi == 3; }
static bool x2apic_on(void) { return boot_opts.x2apic; }

static const struct option_case cases[] = {
	{ "qemu_exit",                 qemu_exit_on },
	{ "selftest=1000",             selftest_1000 },
	{ "bench",                     bench_on },
	{ "loglevel=3",                loglevel_3 },
	{ "debug",                     loglevel_10 },
	{ "quiet",                     loglevel_4 },
	{ "fault=pf",                  fault_pf },
	{ "pgwalk=0xffffffff80200000", pgwalk_set },
	{ "pgtable_test=dmap-nonram",  pgtable_test_set },
	{ "memblock=debug",            memblock_on },
	{ "reboot=kbd",                reboot_kbd },
	{ "panic=10",                  panic_10 },
	{ "zoneinfo",                  zoneinfo_on },
	{ "mm_init_compare",           init_compare_on },
	{ "smp_skip_sipi=3",           skip_sipi_3 },
	{ "x2apic",                    x2apic_on },
	/* The loader's and acpi/'s: known here, acted on by the loader. */
	{ "numa=off",                  foreign },
	{ "acpi_test=srat-checksum",   foreign },
	{ "ktext=off",                 foreign },
	{ "pgd_test=boot-elsewhere",   foreign },
	{ "efi_fake_mem=64M@0x3c000000:0x40000", foreign },
	{ "paging_test=la57",          foreign },
	{ "efi_test=long-map",         foreign },
	{ "console=ttyS0,115200",      foreign },
	{ "earlycon",                  foreign },
	{ "preflight",                 foreign },
};

static void test_cmdline_every_registered_option(void **state)
{
	for (size_t t = 0; t < ARRAY_SIZE(kernel_cmdline_tables); t++) {
		for (const struct cmdline_param *p = kernel_cmdline_tables[t].params; p->name; p++) {
			size_t len = strlen(p->name);
			const struct option_case *c = NULL;

			for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
				if (!strncmp(cases[i].word, p->name, len) &&
				    (cases[i].word[len] == '=' || cases[i].word[len] == '\0'))
					c = &cases[i];
			}
			if (!c)
				fail_msg("option '%s' (table %s) has no case here", p->name,
					 kernel_cmdline_tables[t].owner);
			assert_int_equal(parse(c->word), 0);
			if (!c->check())
				fail_msg("'%s' did not take effect", c->word);
			assert_int_equal(res.nr_set + res.nr_foreign, 1);
		}
	}
}

/* One name, one owner: a name registered twice would make the second dead. */
static void test_cmdline_no_name_registered_twice(void **state)
{
	for (size_t t = 0; t < ARRAY_SIZE(kernel_cmdline_tables); t++) {
		for (const struct cmdline_param *p = kernel_cmdline_tables[t].params; p->name; p++) {
			const struct cmdline_table *owner;

			assert_ptr_equal(cmdline_find(kernel_cmdline_tables, ARRAY_SIZE(kernel_cmdline_tables),
						      p->name, &owner), p);
		}
	}
}

/* Issue 9: with memblock=debug the kernel said "unknown" while mm acted. */
static void test_cmdline_memblock_debug_is_known(void **state)
{
	assert_int_equal(parse("memblock=debug qemu_exit"), 0);
	assert_true(mm_options.memblock_debug);
	assert_string_equal(res.unknown, "");
	assert_int_equal(parse("memblock=full"), 1);
	assert_false(mm_options.memblock_debug);
	assert_string_equal(res.bad, "`full' invalid for parameter `memblock': takes debug\n");
}

static void test_cmdline_values(void **state)
{
	assert_int_equal(parse("selftest"), 0);
	assert_true(boot_opts.selftest);
	assert_int_equal(boot_opts.selftest_ops, SELFTEST_DEFAULT_OPS);
	assert_int_equal(parse("loglevel=3 quiet"), 0);              /* last one wins */
	assert_int_equal(boot_opts.loglevel, 4);
	assert_int_equal(parse("quiet loglevel=0"), 0);
	assert_int_equal(boot_opts.loglevel, 0);
	assert_int_equal(parse("pgwalk=FFFF888000001000 pgwalk=\"0x1000\""), 0);
	assert_int_equal(boot_opts.pgwalk_va, 0x1000);
	assert_int_equal(parse("fault=\"gp\" qemu-exit"), 0);
	assert_string_equal(boot_opts.fault, "gp");
	assert_true(boot_opts.qemu_exit);
}

static void test_cmdline_bad_values(void **state)
{
	assert_int_equal(parse("loglevel=x loglevel=16 loglevel= selftest=0 selftest=-1 loglevel"), 6);
	assert_int_equal(boot_opts.loglevel, -1);
	assert_false(boot_opts.selftest);            /* a bad value does not switch it on */
	assert_int_equal(boot_opts.selftest_ops, SELFTEST_DEFAULT_OPS);
	assert_int_equal(res.nr_bad, 6);
	assert_string_equal(res.bad,
			    "`x' invalid for parameter `loglevel': needs N in 0..15\n"
			    "`16' invalid for parameter `loglevel': needs N in 0..15\n"
			    "`' invalid for parameter `loglevel': needs N in 0..15\n"
			    "`0' invalid for parameter `selftest': selftest=N needs a positive number of operations\n"
			    "`-1' invalid for parameter `selftest': selftest=N needs a positive number of operations\n"
			    "`' invalid for parameter `loglevel': needs a value (key=value)\n");
	assert_int_equal(parse("loglevel=99999999999999999999999"), 1);   /* overflow */
	assert_int_equal(parse("fault= fault=averyveryverylongkind fault"), 3);
	assert_string_equal(boot_opts.fault, "");
	assert_int_equal(parse("pgwalk=0x pgwalk=0x1ffffffffffffffff pgwalk=xyz pgwalk"), 4);
	assert_false(boot_opts.pgwalk);
	assert_int_equal(parse("pgtable_test= pgtable_test=abcdefghijklmnopqrstuvwxyz pgtable_test"), 3);
	assert_string_equal(boot_opts.pgtable_test, "");
	assert_int_equal(parse("smp_skip_sipi=0 smp_skip_sipi=1024 smp_skip_sipi=x x2apic=1"), 4);
	assert_int_equal(boot_opts.smp_skip_sipi, -1);
	assert_false(boot_opts.x2apic);
	assert_int_equal(parse("qemu_exit=1 bench=yes debug=1 quiet=0"), 4);
	assert_false(boot_opts.qemu_exit);
	assert_false(boot_opts.bench);
}

/* The loader's options are known but not checked here: the loader
 * reported their bad values already (reported once). */
static void test_cmdline_loader_options_foreign(void **state)
{
	assert_int_equal(parse("acpi_test=srat-checksum numa=off ktext=off qemu_exit "
			       "pgd_test=boot-elsewhere numa=maybe ktext"), 0);
	assert_int_equal(res.nr_foreign, 6);
	assert_string_equal(res.unknown, "");
	assert_string_equal(res.bad, "");
	assert_true(boot_opts.qemu_exit);
}

static void test_cmdline_reboot_and_panic(void **state)
{
	assert_int_equal(parse("reboot panic=-1"), 0);
	assert_true(boot_opts.reboot);
	assert_int_equal(boot_opts.reboot_method, 0);
	assert_int_equal(boot_opts.panic_timeout, -1);
	assert_int_equal(parse("reboot=t"), 0);
	assert_int_equal(boot_opts.reboot_method, 2);
	assert_false(boot_opts.panic_reboot);
	assert_int_equal(parse("reboot=bios panic=soon panic=3601 panic"), 4);
	assert_false(boot_opts.reboot);
	assert_false(boot_opts.panic_reboot);
	assert_non_null(strstr(res.bad, "`bios' invalid for parameter `reboot': takes acpi, kbd or triple\n"));
	assert_non_null(strstr(res.bad, "`soon' invalid for parameter `panic': needs N seconds in -3600..3600\n"));
}

static void test_cmdline_unknown_words(void **state)
{
	/* Collected as written, for the one "Unknown kernel command line
	 * parameters" line; prefixes do not match. */
	assert_int_equal(parse("init=/bin/sh qemu_exitx qemu selftests root=/dev/sda x=\"a b\""), 6);
	assert_false(boot_opts.qemu_exit);
	assert_false(boot_opts.selftest);
	assert_string_equal(res.unknown, "init=/bin/sh qemu_exitx qemu selftests root=/dev/sda x=\"a b\"");
	assert_string_equal(res.bad, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_defaults),
		cmocka_unit_test(test_cmdline_every_registered_option),
		cmocka_unit_test(test_cmdline_no_name_registered_twice),
		cmocka_unit_test(test_cmdline_memblock_debug_is_known),
		cmocka_unit_test(test_cmdline_values),
		cmocka_unit_test(test_cmdline_reboot_and_panic),
		cmocka_unit_test(test_cmdline_bad_values),
		cmocka_unit_test(test_cmdline_loader_options_foreign),
		cmocka_unit_test(test_cmdline_unknown_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
