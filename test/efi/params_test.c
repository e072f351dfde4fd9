/*
 * params_test.c - host tests of efi/params.c (the loader's options) as the
 * loader parses them: its own table plus acpi/'s (efi/fs.c cmdline_setup).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "efi/params.h"
#include "efi/maptest.h"
#include "acpi/topology.h"

static struct loader_options lo;
static struct topology_options to;
static struct cmdline_result res;

static int parse(const char *s)
{
	const struct cmdline_table tabs[] = {
		{ "loader", loader_params,   &lo, false },
		{ "acpi",   topology_params, &to, false },
	};

	lo = (struct loader_options){ 0 };
	to = (struct topology_options){ 0 };
	return cmdline_parse(s, tabs, ARRAY_SIZE(tabs), &res);
}

static void test_loader_params_every_option(void **state)
{
	assert_int_equal(parse("ktext=off"), 0);
	assert_true(lo.ktext_off);
	assert_int_equal(parse("ktext=off ktext=on"), 0);    /* last wins */
	assert_false(lo.ktext_off);
	assert_int_equal(parse("pgd_test=boot-elsewhere"), 0);
	assert_true(lo.pgd_test_elsewhere);
	assert_int_equal(parse("pgd_test=no-trampoline pgd_test=node1-full"), 0);   /* they combine */
	assert_true(lo.pgd_test_no_trampoline && lo.pgd_test_node1_full && !lo.pgd_test_elsewhere);
	assert_int_equal(parse("numa=off"), 0);
	assert_true(to.numa_off);
	assert_int_equal(parse("acpi_test=srat-checksum"), 0);
	assert_int_equal(to.test_inject, TOPOLOGY_TEST_SRAT_CHECKSUM);
	assert_int_equal(parse("efi_fake_mem=64M@0x3c000000:0x40000,16M@0x7f000000:~0x8"), 0);
	assert_int_equal(lo.nr_fake, 2);
	assert_int_equal(lo.fake[0].start, 0x3c000000);
	assert_int_equal(lo.fake[0].end, 0x40000000);
	assert_int_equal(lo.fake[0].set, 0x40000);
	assert_int_equal(lo.fake[1].clear, 0x8);
	assert_int_equal(parse("paging_test=la57"), 0);
	assert_true(lo.paging_test_la57);
	assert_int_equal(parse("paging_test=la48"), 1);
	assert_false(lo.paging_test_la57);
	for (const struct cmdline_param *p = loader_params; p->name; p++)
		assert_true(!strcmp(p->name, "ktext") || !strcmp(p->name, "pgd_test") ||
			    !strcmp(p->name, "efi_fake_mem") || !strcmp(p->name, "preflight") ||
			    !strcmp(p->name, "paging_test") || !strcmp(p->name, "efi_test"));
	assert_int_equal(parse("efi_test=long-map efi_test=ram-above-64t"), 0);   /* they combine */
	assert_int_equal(lo.efi_test, MAPTEST_LONG_MAP | MAPTEST_RAM_ABOVE_64T);
	assert_int_equal(parse("efi_test=short-map"), 1);
	assert_int_equal(parse("preflight"), 0);
	assert_true(lo.preflight);
}

/* Kernel words are unknown to the loader's tables; the loader does not
 * print them (the kernel does, once), but its own bad values it does. */
static void test_loader_params_bad_values(void **state)
{
	assert_int_equal(parse("qemu_exit ktext=maybe pgd_test=elsewhere ktext"), 4);
	assert_int_equal(res.nr_unknown, 1);
	assert_int_equal(res.nr_bad, 3);
	assert_false(lo.ktext_off);
	assert_false(lo.pgd_test_elsewhere);
	assert_string_equal(res.bad, "`maybe' invalid for parameter `ktext': takes on or off\n"
			    "`elsewhere' invalid for parameter `pgd_test': takes boot-elsewhere, no-trampoline or "
			    "node1-full\n"
			    "`' invalid for parameter `ktext': needs a value (key=value)\n");
	/* A refused efi_fake_mem leaves the earlier accepted one in place. */
	assert_int_equal(parse("efi_fake_mem=1M@0:0x40000 efi_fake_mem=1M@0:0x40000,junk"), 1);
	assert_int_equal(lo.nr_fake, 1);
	assert_non_null(strstr(res.bad, "`1M@0:0x40000,junk' invalid for parameter `efi_fake_mem': "
			       "efi_fake_mem: item 2 is not size@start:0xattr or size@start:~0xattr\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_params_every_option),
		cmocka_unit_test(test_loader_params_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
