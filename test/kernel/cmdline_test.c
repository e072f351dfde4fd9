/*
 * cmdline_test.c - host tests of kernel/cmdline.c (the kernel's command-line
 * parser).  kernel/ is not part of the host core library, so the source is
 * included directly: it is pure string handling with no kernel dependency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cmdline.c"

static char warned[512];
static int nwarn;

static void warn_cb(const char *word, size_t len, const char *why)
{
	size_t used = strlen(warned);

	snprintf(warned + used, sizeof(warned) - used, "[%.*s: %s]", (int)len, word, why);
	nwarn++;
}

static int parse(const char *s, struct boot_options *o)
{
	warned[0] = '\0';
	nwarn = 0;
	return cmdline_parse(s, o, warn_cb);
}

static void test_cmdline_parse_empty(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("", &o), 0);
	assert_false(o.qemu_exit);
	assert_false(o.selftest);
	assert_int_equal(o.loglevel, -1);
	assert_string_equal(o.fault, "");
	assert_int_equal(parse("   \t \n", &o), 0);
}

static void test_cmdline_parse_all_options(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("qemu_exit loglevel=8 selftest bench ktext=off numa=off fault=pf", &o), 0);
	assert_true(o.qemu_exit);
	assert_int_equal(o.loglevel, 8);
	assert_true(o.selftest);
	assert_int_equal(o.selftest_ops, SELFTEST_DEFAULT_OPS);
	assert_true(o.bench);
	assert_true(o.ktext_off);
	assert_true(o.numa_off);
	assert_string_equal(o.fault, "pf");
}

static void test_cmdline_parse_values(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("selftest=1000000 loglevel=0", &o), 0);
	assert_int_equal(o.selftest_ops, 1000000);
	assert_int_equal(o.loglevel, 0);
	assert_int_equal(parse("debug", &o), 0);
	assert_int_equal(o.loglevel, 10);
	assert_int_equal(parse("loglevel=3 quiet", &o), 0);   /* last one wins */
	assert_int_equal(o.loglevel, 4);
	assert_int_equal(parse("ktext=on numa=on", &o), 0);
	assert_false(o.ktext_off);
	assert_false(o.numa_off);
}

static void test_cmdline_parse_pgwalk(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("pgwalk=0xffffffff80200000", &o), 0);
	assert_true(o.pgwalk);
	assert_int_equal(o.pgwalk_va, 0xffffffff80200000ULL);
	assert_int_equal(parse("pgwalk=FFFF888000001000", &o), 0);
	assert_int_equal(o.pgwalk_va, 0xffff888000001000ULL);
	assert_int_equal(parse("pgwalk=0x pgwalk=0x1ffffffffffffffff pgwalk=xyz pgwalk", &o), 4);
	assert_false(o.pgwalk);
}

static void test_cmdline_parse_bad_values(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("loglevel=x loglevel=16 loglevel= selftest=0 selftest=-1", &o), 5);
	assert_int_equal(o.loglevel, -1);
	assert_false(o.selftest);                /* a bad value does not switch it on */
	assert_int_equal(o.selftest_ops, SELFTEST_DEFAULT_OPS);
	assert_int_equal(parse("loglevel=99999999999999999999999", &o), 1);   /* overflow */
	assert_int_equal(parse("fault= fault=averyveryverylongkind", &o), 2);
	assert_string_equal(o.fault, "");
	assert_int_equal(parse("ktext=maybe", &o), 1);
	assert_non_null(strstr(warned, "ktext=maybe"));
	assert_int_equal(parse("acpi_test=srat acpi_test", &o), 2);
	assert_int_equal(parse("pgd_test=elsewhere pgd_test", &o), 2);
}

/* Options only the loader acts on are accepted, not reported as unknown. */
static void test_cmdline_parse_loader_options(void **state)
{
	struct boot_options o;

	assert_int_equal(parse("acpi_test=srat-checksum numa=off ktext=off qemu_exit "
			       "pgd_test=boot-elsewhere", &o), 0);
	assert_string_equal(warned, "");
	assert_true(o.qemu_exit);
}

static void test_cmdline_parse_unknown_words(void **state)
{
	struct boot_options o;

	/* Reported and ignored, as Linux does; prefixes do not match. */
	assert_int_equal(parse("consoles=ttyS0 qemu_exitx qemu selftests qemu_exit=1 root=/dev/sda", &o), 6);
	assert_false(o.qemu_exit);
	assert_false(o.selftest);
	assert_non_null(strstr(warned, "[consoles=ttyS0: unknown option, ignored]"));
	assert_non_null(strstr(warned, "[qemu_exitx:"));
}

static void test_cmdline_parse_console_words_are_the_loaders(void **state)
{
	struct boot_options o;

	/* efi/console_opt.c acted on them; the kernel must not call them unknown. */
	assert_int_equal(parse("console=ttyS1,115200 earlycon earlycon=uart,io,0x2f8 console=tty0", &o), 0);
	assert_int_equal(parse("console", &o), 1);
}

static void test_cmdline_parse_whitespace_and_null_warn(void **state)
{
	struct boot_options o;

	assert_int_equal(cmdline_parse("\r\n  qemu_exit\t\tselftest \r\n", &o, NULL), 0);
	assert_true(o.qemu_exit);
	assert_true(o.selftest);
	assert_int_equal(cmdline_parse("bogus", &o, NULL), 1);   /* no callback: still counted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_parse_empty),
		cmocka_unit_test(test_cmdline_parse_all_options),
		cmocka_unit_test(test_cmdline_parse_values),
		cmocka_unit_test(test_cmdline_parse_pgwalk),
		cmocka_unit_test(test_cmdline_parse_bad_values),
		cmocka_unit_test(test_cmdline_parse_loader_options),
		cmocka_unit_test(test_cmdline_parse_unknown_words),
		cmocka_unit_test(test_cmdline_parse_console_words_are_the_loaders),
		cmocka_unit_test(test_cmdline_parse_whitespace_and_null_warn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
