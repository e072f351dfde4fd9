/*
 * console_opt_test.c - tests of efi/console_opt.c: Linux's console= and
 * earlycon= forms become UARTs, bad words are reported and skipped.
 * The words reach the handlers through lib/cmdline.c, as in the loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../efi/console_opt.c"

static struct console_opts o;
static char warned[8][160];

/* Parse with the console table alone (other words are simply unknown
 * here); returns the number of refused values, one line each in warned[]. */
static int parse(const char *cmdline)
{
	const struct cmdline_table tab = { "console", console_params, &o, false };
	struct cmdline_result res;
	const char *s;

	o = (struct console_opts){ 0 };
	memset(warned, 0, sizeof(warned));
	cmdline_parse(cmdline, &tab, 1, &res);
	s = res.bad;
	for (int i = 0; i < 8 && *s; i++) {
		size_t n = strcspn(s, "\n");

		snprintf(warned[i], sizeof(warned[i]), "%.*s", (int)n, s);
		s += n + (s[n] == '\n');
	}
	return (int)res.nr_bad;
}

static void test_console_params_ttyS_with_baud(void **state)
{
	assert_int_equal(parse("quiet console=ttyS1,115200n8 qemu_exit"), 0);
	assert_int_equal(o.nr_uarts, 1);
	assert_true(o.given);
	assert_int_equal(o.uart[0].space, UART_SPACE_IO);
	assert_int_equal(o.uart[0].base, 0x2f8);
	assert_int_equal(o.uart[0].index, 1);
	assert_int_equal(o.uart[0].baud, 115200);
	assert_int_equal(o.uart[0].source, CONSOLE_SRC_CMDLINE);
}

static void test_console_params_ttyS_without_baud_keeps_divisor(void **state)
{
	assert_int_equal(parse("console=ttyS3"), 0);
	assert_int_equal(o.uart[0].base, 0x2e8);
	assert_int_equal(o.uart[0].baud, 0);
}

static void test_console_params_uart_forms(void **state)
{
	assert_int_equal(parse("console=uart,io,0x2f8 earlycon=uart8250,mmio32,0xfe030000,9600 "
			       "console=uart,0xfedc9000 console=uart8250,mmio,0xfedc8000,57600n8"), 0);
	assert_int_equal(o.nr_uarts, 4);
	assert_int_equal(o.uart[0].space, UART_SPACE_IO);
	assert_int_equal(o.uart[0].base, 0x2f8);
	assert_int_equal(o.uart[0].index, 1);               /* a legacy port keeps its name */
	assert_int_equal(o.uart[1].space, UART_SPACE_MMIO);
	assert_int_equal(o.uart[1].reg_width, 4);
	assert_int_equal(o.uart[1].base, 0xfe030000);
	assert_int_equal(o.uart[1].baud, 9600);
	assert_int_equal(o.uart[2].space, UART_SPACE_MMIO);  /* bare address: mmio, as Linux */
	assert_int_equal(o.uart[2].reg_width, 1);
	assert_int_equal(o.uart[2].index, UART_INDEX_NONE);
	assert_int_equal(o.uart[3].baud, 57600);
}

static void test_console_params_tty0_and_bare_earlycon(void **state)
{
	assert_int_equal(parse("console=tty0 earlycon"), 0);
	assert_int_equal(o.nr_uarts, 0);
	assert_true(o.screen);
	assert_true(o.earlycon_spcr);
	assert_int_equal(parse("loglevel=8"), 0);
	assert_false(o.given);
}

static void test_console_params_bad_words_reported(void **state)
{
	assert_int_equal(parse("console=ttyS4 console=uart,io,0x10000 console=ttyS0,fast "
			       "console=uart,mmio32,0xfe030002 console=ttyS0,9600e7 "
			       "console=ttyS0,9600,x console=lp0 console=ttyS2"), 7);
	assert_int_equal(o.nr_uarts, 1);
	assert_int_equal(o.uart[0].base, 0x3e8);
	assert_string_equal(warned[0], "`ttyS4' invalid for parameter `console': "
			    "ttyS4 and up have no legacy address: use "
			    "console=uart,io,<port>");
	assert_string_equal(warned[1], "`uart,io,0x10000' invalid for parameter `console': "
			    "an I/O port must be below 0xfff8");
	assert_string_equal(warned[2], "`ttyS0,fast' invalid for parameter `console': "
			    "baud rate must be a number from 50 to "
			    "4000000");
	assert_string_equal(warned[3], "`uart,mmio32,0xfe030002' invalid for parameter `console': "
			    "an mmio32 address must be "
			    "4-byte aligned");
	assert_string_equal(warned[4], "`ttyS0,9600e7' invalid for parameter `console': "
			    "only no parity, 8 bits (n8) is "
			    "supported");
	assert_string_equal(warned[5], "`ttyS0,9600,x' invalid for parameter `console': "
			    "unexpected text after the baud rate");
	assert_string_equal(warned[6], "`lp0' invalid for parameter `console': "
			    "not a serial console (ttyS<n> or "
			    "uart,io|mmio|mmio32,<address>)");
}

static void test_console_params_duplicates_and_limit(void **state)
{
	assert_int_equal(parse("console=ttyS0 console=uart,io,0x3f8 console=ttyS1 console=ttyS2 "
			       "console=ttyS3 console=uart,io,0x400"), 2);
	assert_int_equal(o.nr_uarts, 4);
	assert_string_equal(warned[0], "`uart,io,0x3f8' invalid for parameter `console': "
			    "this UART is already a console");
	assert_string_equal(warned[1], "`uart,io,0x400' invalid for parameter `console': "
			    "more than 4 serial consoles");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_params_ttyS_with_baud),
		cmocka_unit_test(test_console_params_ttyS_without_baud_keeps_divisor),
		cmocka_unit_test(test_console_params_uart_forms),
		cmocka_unit_test(test_console_params_tty0_and_bare_earlycon),
		cmocka_unit_test(test_console_params_bad_words_reported),
		cmocka_unit_test(test_console_params_duplicates_and_limit),
	};

	return cmocka_run_group_tests_name("console_opt", tests, NULL, NULL);
}
