/*
 * cmdline_test.c - host tests of lib/cmdline.c: word splitting and Linux's
 * quoting rules, flag/value shapes, duplicates (last wins), foreign and
 * unknown words, the report lines, and the value helpers.  Test tables
 * record every handler call, so each test sees exactly what reached them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "test_support.h"

/* Each handler call appends "name=<val>" or "name" (bare) to calls. */
struct rec {
	char calls[1024];
	int n;
};

static void rec_add(struct rec *r, const char *name, const char *val)
{
	size_t used = strlen(r->calls);

	snprintf(r->calls + used, sizeof(r->calls) - used, "%s[%s%s%s]", used ? " " : "", name,
		 val ? "=" : "", val ? val : "");
	r->n++;
}

static const char *set_flag(void *ctx, const char *val)
{
	rec_add(ctx, "flag", val);
	return NULL;
}

static const char *set_key(void *ctx, const char *val)
{
	rec_add(ctx, "key", val);
	return NULL;
}

static const char *set_opt(void *ctx, const char *val)
{
	rec_add(ctx, "opt", val);
	return NULL;
}

/* Accepts only "good"; refusing must leave no trace. */
static const char *set_picky(void *ctx, const char *val)
{
	if (!cmdline_val_is(val, "good"))
		return "takes good";
	rec_add(ctx, "picky", val);
	return NULL;
}

static const char *set_other(void *ctx, const char *val)
{
	rec_add(ctx, "other", val);
	return NULL;
}

static const struct cmdline_param test_params[] = {
	{ "flag",      CMDLINE_FLAG,          set_flag },
	{ "key",       CMDLINE_VALUE,         set_key },
	{ "opt_dash",  CMDLINE_FLAG_OR_VALUE, set_opt },
	{ "picky",     CMDLINE_VALUE,         set_picky },
	CMDLINE_END
};

/* A second table also naming "key": the first table must win. */
static const struct cmdline_param other_params[] = {
	{ "key",   CMDLINE_VALUE, set_other },
	{ "other", CMDLINE_FLAG,  set_other },
	CMDLINE_END
};

static const struct cmdline_param foreign_params[] = {
	{ "elsewhere", CMDLINE_VALUE, set_other },   /* never called: foreign */
	CMDLINE_END
};

static struct rec rec, rec_other;
static struct cmdline_result res;

static int parse(const char *line)
{
	const struct cmdline_table tabs[] = {
		{ "test",    test_params,    &rec,       false },
		{ "other",   other_params,   &rec_other, false },
		{ "foreign", foreign_params, NULL,       true },
	};

	memset(&rec, 0, sizeof(rec));
	memset(&rec_other, 0, sizeof(rec_other));
	memset(&res, 0x5a, sizeof(res));        /* cmdline_parse must clear it */
	return cmdline_parse(line, tabs, ARRAY_SIZE(tabs), &res);
}

static void test_cmdline_parse_empty(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(" \t\r\n\v\f "), 0);
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(rec.n, 0);
	assert_int_equal(res.nr_set + res.nr_unknown + res.nr_bad + res.nr_foreign, 0);
	assert_string_equal(res.unknown, "");
	assert_string_equal(res.bad, "");
}

static void test_cmdline_parse_shapes(void **state)
{
	assert_int_equal(parse("flag key=v opt_dash opt_dash=3 key="), 0);
	assert_string_equal(rec.calls, "[flag] [key=v] [opt] [opt=3] [key=]");
	assert_int_equal(res.nr_set, 5);
	/* A flag given a value and a value option given none are malformed. */
	assert_int_equal(parse("flag=1 key picky"), 3);
	assert_int_equal(rec.n, 0);
	assert_int_equal(res.nr_bad, 3);
	assert_string_equal(res.bad,
			    "`1' invalid for parameter `flag': takes no value\n"
			    "`' invalid for parameter `key': needs a value (key=value)\n"
			    "`' invalid for parameter `picky': needs a value (key=value)\n");
}

static void test_cmdline_parse_refused_value_reported(void **state)
{
	assert_int_equal(parse("picky=bad picky=good picky=goodx"), 2);
	assert_string_equal(rec.calls, "[picky=good]");
	assert_string_equal(res.bad, "`bad' invalid for parameter `picky': takes good\n"
			    "`goodx' invalid for parameter `picky': takes good\n");
}

/* Linux's rules (kernel/params.c next_arg). */
static void test_cmdline_parse_quotes(void **state)
{
	assert_int_equal(parse("key=\"a b\"  key=\"\" key=\"x\ty\""), 0);
	assert_string_equal(rec.calls, "[key=a b] [key=] [key=x\ty]");
	assert_int_equal(parse("\"key=a b\" \"flag\""), 0);
	assert_string_equal(rec.calls, "[key=a b] [flag]");
	/* Quotes not at the start of the value stay, and still group spaces. */
	assert_int_equal(parse("key=a\"b c\"d key=ab\""), 1);          /* last: unterminated */
	assert_string_equal(rec.calls, "[key=a\"b c\"d]");
	/* The opening quote of a value goes; a closing one only at the end. */
	assert_int_equal(parse("key=\"a\"b"), 0);
	assert_string_equal(rec.calls, "[key=a\"b]");
}

static void test_cmdline_parse_unterminated_quote(void **state)
{
	assert_int_equal(parse("flag key=\"a b flag"), 1);
	assert_string_equal(rec.calls, "[flag]");               /* the rest is one bad word */
	assert_int_equal(res.nr_bad, 1);
	assert_string_equal(res.bad, "`key=\"a b flag': unterminated quote\n");
}

static void test_cmdline_parse_duplicates_last_wins(void **state)
{
	assert_int_equal(parse("key=1 key=2 key=3 flag flag"), 0);
	assert_string_equal(rec.calls, "[key=1] [key=2] [key=3] [flag] [flag]");
	assert_int_equal(res.nr_set, 5);
}

static void test_cmdline_parse_dash_underscore(void **state)
{
	assert_int_equal(parse("opt-dash opt_dash=x opt-dash=y"), 0);
	assert_int_equal(rec.n, 3);
	assert_int_equal(parse("opt.dash optdash"), 2);
	assert_string_equal(res.unknown, "opt.dash optdash");
}

static void test_cmdline_parse_unknown_words(void **state)
{
	/* Prefixes and extensions of known names are not the names. */
	assert_int_equal(parse("flagx fla key2=1 console=ttyS0 \"a b\" x=\"1 2\" flag"), 6);
	assert_string_equal(rec.calls, "[flag]");
	assert_int_equal(res.nr_unknown, 6);
	assert_string_equal(res.unknown, "flagx fla key2=1 console=ttyS0 \"a b\" x=\"1 2\"");
	assert_string_equal(res.bad, "");
}

static void test_cmdline_parse_unknown_bounded(void **state)
{
	char line[4096];
	size_t o = 0;

	for (int i = 0; i < 400; i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "u%d ", i);
	assert_int_equal(parse(line), 400);
	assert_int_equal(res.nr_unknown, 400);
	assert_true(strlen(res.unknown) < sizeof(res.unknown));
	assert_memory_equal(res.unknown, "u0 u1 u2 ", 9);
}

static void test_cmdline_parse_first_table_owns_a_name(void **state)
{
	assert_int_equal(parse("key=1 other"), 0);
	assert_string_equal(rec.calls, "[key=1]");
	assert_string_equal(rec_other.calls, "[other]");
}

static void test_cmdline_parse_foreign_known_not_acted_on(void **state)
{
	assert_int_equal(parse("elsewhere=anything elsewhere"), 0);
	assert_int_equal(res.nr_foreign, 2);
	assert_int_equal(rec_other.n, 0);
	assert_string_equal(res.unknown, "");
	assert_string_equal(res.bad, "");
}

static void test_cmdline_parse_double_dash_ends_options(void **state)
{
	assert_int_equal(parse("flag -- key=1 bogus"), 0);
	assert_string_equal(rec.calls, "[flag]");
	assert_int_equal(parse("--x flag --"), 1);            /* only a lone "--" */
	assert_string_equal(res.unknown, "--x");
}

static void test_cmdline_parse_malformed_words(void **state)
{
	char big[700];

	assert_int_equal(parse("=x = \"\""), 3);
	assert_string_equal(res.bad, "`=x': empty parameter name\n`=': empty parameter name\n"
			    "`\"\"': empty parameter name\n");
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big), 1);
	assert_non_null(strstr(res.bad, "': word longer than 511 characters\n"));
	assert_true(strlen(res.bad) < 128);                     /* the word is cut in the message */
}

static void test_cmdline_parse_without_result(void **state)
{
	const struct cmdline_table tab = { "test", test_params, &rec, false };

	memset(&rec, 0, sizeof(rec));
	assert_int_equal(cmdline_parse("flag bogus flag=1", &tab, 1, NULL), 2);
	assert_string_equal(rec.calls, "[flag]");
}

static void test_cmdline_report_lines(void **state)
{
	parse("flag=1 key=\"a b");
	test_log_reset();
	cmdline_report(&res, "loader: ", test_printf);
	assert_string_equal(test_log(), "loader: cmdline: `1' invalid for parameter `flag': takes no value\n"
			    "loader: cmdline: `key=\"a b': unterminated quote\n");
	parse("flag");
	test_log_reset();
	cmdline_report(&res, "", test_printf);
	assert_string_equal(test_log(), "");
}

static void test_cmdline_report_bounded(void **state)
{
	char line[8192];
	size_t o = 0;

	for (int i = 0; i < 200; i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "picky=bad%d ", i);
	assert_int_equal(parse(line), 200);
	test_log_reset();
	cmdline_report(&res, "", test_printf);
	assert_non_null(test_log_find("cmdline: `bad0' invalid for parameter `picky': takes good\n"));
	assert_non_null(test_log_find("cmdline: (more problems than fit in the report)\n"));
}

static void test_cmdline_find(void **state)
{
	const struct cmdline_table tabs[] = {
		{ "test", test_params, NULL, false }, { "other", other_params, NULL, false },
	};
	const struct cmdline_table *owner = NULL;

	assert_ptr_equal(cmdline_find(tabs, 2, "opt-dash", &owner), &test_params[2]);
	assert_ptr_equal(owner, &tabs[0]);
	assert_ptr_equal(cmdline_find(tabs, 2, "other", &owner), &other_params[1]);
	assert_ptr_equal(owner, &tabs[1]);
	assert_null(cmdline_find(tabs, 2, "nope", NULL));
}

static void test_cmdline_value_helpers(void **state)
{
	unsigned long n = 7;
	uint64_t h = 7;
	bool b = false;
	char buf[4];

	assert_true(cmdline_get_ulong("0", &n) && n == 0);
	assert_true(cmdline_get_ulong("18446744073709551615", &n) && n == ~0UL);
	assert_true(cmdline_get_ulong("0x1F", &n) && n == 31);
	n = 7;
	assert_false(cmdline_get_ulong("18446744073709551616", &n));
	assert_false(cmdline_get_ulong("", &n));
	assert_false(cmdline_get_ulong("-1", &n));
	assert_false(cmdline_get_ulong("12a", &n));
	assert_false(cmdline_get_ulong("0x", &n));
	assert_false(cmdline_get_ulong(NULL, &n));
	assert_int_equal(n, 7);

	assert_true(cmdline_get_hex64("ffffffff80200000", &h) && h == 0xffffffff80200000ULL);
	assert_true(cmdline_get_hex64("0XAbC", &h) && h == 0xabc);
	h = 7;
	assert_false(cmdline_get_hex64("1ffffffffffffffff", &h));
	assert_false(cmdline_get_hex64("0x", &h));
	assert_false(cmdline_get_hex64("xyz", &h));
	assert_false(cmdline_get_hex64(NULL, &h));
	assert_int_equal(h, 7);

	assert_true(cmdline_get_bool("ON", &b) && b);
	assert_true(cmdline_get_bool("off", &b) && !b);
	assert_true(cmdline_get_bool("y", &b) && b);
	assert_true(cmdline_get_bool("0", &b) && !b);
	assert_true(cmdline_get_bool("Yes", &b) && b);
	assert_false(cmdline_get_bool("maybe", &b));
	assert_false(cmdline_get_bool("", &b));
	assert_false(cmdline_get_bool("onx", &b));
	assert_false(cmdline_get_bool(NULL, &b));
	assert_true(b);

	assert_true(cmdline_get_str("abc", buf, sizeof(buf)));
	assert_string_equal(buf, "abc");
	assert_false(cmdline_get_str("abcd", buf, sizeof(buf)));
	assert_string_equal(buf, "abc");
	assert_false(cmdline_get_str(NULL, buf, sizeof(buf)));

	assert_true(cmdline_val_is("off", "off"));
	assert_false(cmdline_val_is("of", "off"));
	assert_false(cmdline_val_is("offf", "off"));
	assert_false(cmdline_val_is(NULL, "off"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_parse_empty),
		cmocka_unit_test(test_cmdline_parse_shapes),
		cmocka_unit_test(test_cmdline_parse_refused_value_reported),
		cmocka_unit_test(test_cmdline_parse_quotes),
		cmocka_unit_test(test_cmdline_parse_unterminated_quote),
		cmocka_unit_test(test_cmdline_parse_duplicates_last_wins),
		cmocka_unit_test(test_cmdline_parse_dash_underscore),
		cmocka_unit_test(test_cmdline_parse_unknown_words),
		cmocka_unit_test(test_cmdline_parse_unknown_bounded),
		cmocka_unit_test(test_cmdline_parse_first_table_owns_a_name),
		cmocka_unit_test(test_cmdline_parse_foreign_known_not_acted_on),
		cmocka_unit_test(test_cmdline_parse_double_dash_ends_options),
		cmocka_unit_test(test_cmdline_parse_malformed_words),
		cmocka_unit_test(test_cmdline_parse_without_result),
		cmocka_unit_test(test_cmdline_report_lines),
		cmocka_unit_test(test_cmdline_report_bounded),
		cmocka_unit_test(test_cmdline_find),
		cmocka_unit_test(test_cmdline_value_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
