/*
 * options_test.c - host tests of efi/options.c: UEFI load options and
 * cmdline.txt turned into the loader's command line.  efi/ is not part of
 * libcore.a, so the source under test is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/options.c"

/* ASCII -> UCS-2 with a terminating NUL, as firmware passes it; returns bytes. */
static size_t ucs2(const char *s, uint16_t *w)
{
	size_t n = 0;

	while (s[n]) {
		w[n] = (uint8_t)s[n];
		n++;
	}
	w[n] = 0;
	return (n + 1) * 2;
}

static void test_options_from_ucs2_shell_drops_program_path(void **state)
{
	uint16_t w[128];
	char out[64];

	assert_int_equal(options_from_ucs2(w, ucs2("fs0:\\EFI\\BOOT\\BOOTX64.EFI  numa=off\tktext=off ",
						   w), out, sizeof(out)), OPTIONS_TEXT);
	assert_string_equal(out, "numa=off ktext=off");
	assert_int_equal(options_from_ucs2(w, ucs2("bootx64 qemu_exit", w), out, sizeof(out)),
			 OPTIONS_TEXT);
	assert_string_equal(out, "qemu_exit");
	/* a boot entry passing only options keeps its first word */
	assert_int_equal(options_from_ucs2(w, ucs2("loglevel=7 selftest", w), out, sizeof(out)),
			 OPTIONS_TEXT);
	assert_string_equal(out, "loglevel=7 selftest");
}

static void test_options_from_ucs2_only_program_is_empty(void **state)
{
	uint16_t w[64];
	char out[64];

	assert_int_equal(options_from_ucs2(w, ucs2("\\EFI\\NUMA\\loader.efi", w), out, sizeof(out)),
			 OPTIONS_EMPTY);
	assert_string_equal(out, "");
	assert_int_equal(options_from_ucs2(NULL, 0, out, sizeof(out)), OPTIONS_EMPTY);
	assert_int_equal(options_from_ucs2(w, 1, out, sizeof(out)), OPTIONS_EMPTY);  /* half a char */
	assert_int_equal(options_from_ucs2(w, ucs2("   ", w), out, sizeof(out)), OPTIONS_EMPTY);
}

static void test_options_from_ucs2_binary_is_rejected(void **state)
{
	/* OVMF-style boot entry data: a GUID-ish blob */
	uint16_t w[] = { 0x4e41, 0x1234, 0x0001, 0x0000 };
	uint16_t u[] = { 'a', 0x00e9, 'b', 0 };        /* non-ASCII */
	char out[16];

	assert_int_equal(options_from_ucs2(w, sizeof(w), out, sizeof(out)), OPTIONS_BINARY);
	assert_string_equal(out, "");
	assert_int_equal(options_from_ucs2(u, sizeof(u), out, sizeof(out)), OPTIONS_BINARY);
}

static void test_options_from_ucs2_truncates_and_stops_at_nul(void **state)
{
	uint16_t w[64];
	char out[8];
	size_t b = ucs2("x.efi abcdefghijk", w);

	assert_int_equal(options_from_ucs2(w, b, out, sizeof(out)), OPTIONS_TRUNCATED);
	assert_string_equal(out, "a");           /* "x.efi a" kept in 7 chars, then the name dropped */
	/* characters after an embedded NUL (e.g. binary tail) are not read */
	w[3] = 0;
	w[4] = 0x1234;
	assert_int_equal(options_from_ucs2(w, b, out, sizeof(out)), OPTIONS_TEXT);
	assert_string_equal(out, "x.e");
	/* only trailing blanks past the end: nothing was lost */
	b = ucs2("abcdefg     ", w);
	assert_int_equal(options_from_ucs2(w, b, out, sizeof(out)), OPTIONS_TEXT);
	assert_string_equal(out, "abcdefg");
}

static void test_options_from_file_comments_and_lines(void **state)
{
	const char *txt = "# comment numa=off\n  loglevel=7\r\nqemu_exit   # not a comment\n"
			  "#another\n\tktext=off\n";
	char out[128];

	assert_false(options_from_file((const uint8_t *)txt, strlen(txt), out, sizeof(out)));
	assert_string_equal(out, "loglevel=7 qemu_exit # not a comment ktext=off");
}

/* Quoted values (lib/cmdline.h) keep their inner whitespace. */
static void test_options_from_file_keeps_quoted_whitespace(void **state)
{
	const char *txt = "  a=\"x   y\"   b  \"c  d\"\n";
	char out[64];

	assert_false(options_from_file((const uint8_t *)txt, strlen(txt), out, sizeof(out)));
	assert_string_equal(out, "a=\"x   y\" b \"c  d\"");
}

static void test_options_from_file_controls_and_truncation(void **state)
{
	const uint8_t bin[] = { 'a', 0, 'b', 0xff, 'c', '\n' };
	char wide[16], out[4];

	assert_false(options_from_file(bin, sizeof(bin), wide, sizeof(wide)));
	assert_string_equal(wide, "a b c");
	assert_true(options_from_file((const uint8_t *)"abcdef", 6, out, sizeof(out)));
	assert_string_equal(out, "abc");
	assert_false(options_from_file((const uint8_t *)"", 0, out, sizeof(out)));
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_from_ucs2_shell_drops_program_path),
		cmocka_unit_test(test_options_from_ucs2_only_program_is_empty),
		cmocka_unit_test(test_options_from_ucs2_binary_is_rejected),
		cmocka_unit_test(test_options_from_ucs2_truncates_and_stops_at_nul),
		cmocka_unit_test(test_options_from_file_comments_and_lines),
		cmocka_unit_test(test_options_from_file_keeps_quoted_whitespace),
		cmocka_unit_test(test_options_from_file_controls_and_truncation),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
