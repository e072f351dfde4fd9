/*
 * cmdline.h - the one command-line parser, shared by the loader, the kernel
 * and the host tests (lib/README.md: how to register an option).
 *
 * Each subsystem owns a table of struct cmdline_param (its options and
 * their handlers); each stage passes the list of tables it knows to
 * cmdline_parse() once.  Tables another stage acts on are passed as
 * foreign: their names are known (never "unknown"), their values are left
 * to the stage that owns them, so every problem is reported once.
 *
 * Words, as Linux's kernel/params.c splits them:
 *   - separated by whitespace; `key` or `key=value`; '-' and '_' in a key
 *     match each other (`qemu-exit` is `qemu_exit`);
 *   - a double quote toggles quoting: whitespace inside quotes does not end
 *     the word.  A value that starts with a quote loses it and a closing
 *     quote at the end of the word (`key="a b"` gives `a b`); a word that
 *     starts with a quote loses it and its closing quote (`"key=a b"`);
 *     other quotes stay.  An unterminated quote makes the word malformed;
 *   - a lone `--` ends the options (Linux hands the rest to init: here it
 *     is ignored);
 *   - duplicates: each occurrence calls the handler, so the last one wins.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include "types.h"

#define CMDLINE_WORD_MAX    512     /* longer words are malformed */
#define CMDLINE_UNKNOWN_MAX 512     /* res->unknown capacity */
#define CMDLINE_BAD_MAX     1024    /* res->bad capacity */

enum cmdline_arg {
	CMDLINE_FLAG,           /* `key` only; `key=v` is malformed */
	CMDLINE_VALUE,          /* `key=v` only (v may be empty); `key` is malformed */
	CMDLINE_FLAG_OR_VALUE,  /* either; val is NULL for the bare flag */
};

struct cmdline_param {
	const char *name;       /* NULL ends a table (CMDLINE_END) */
	enum cmdline_arg arg;
	/*
	 * Called for each occurrence, in command-line order.  val: the value
	 * without its quotes, NUL-terminated, valid only during the call; NULL
	 * for a bare flag.  Returns NULL if accepted, else why not, as a phrase
	 * naming what is allowed ("needs N in 0..15"); then nothing may have
	 * changed in ctx.
	 */
	const char *(*set)(void *ctx, const char *val);
};

#define CMDLINE_END  { NULL, CMDLINE_FLAG, NULL }

struct cmdline_table {
	const char *owner;                  /* "kernel", "mm", "acpi", "loader", ... */
	const struct cmdline_param *params; /* ends with CMDLINE_END */
	void *ctx;                          /* passed to every set() */
	bool foreign;                       /* names only: another stage acts on them */
};

struct cmdline_result {
	unsigned int nr_set;        /* words a handler accepted */
	unsigned int nr_foreign;    /* words owned by a foreign table */
	unsigned int nr_unknown;    /* words no table names */
	unsigned int nr_bad;        /* malformed words and values a handler refused */
	char unknown[CMDLINE_UNKNOWN_MAX];  /* unknown words as written, space separated */
	char bad[CMDLINE_BAD_MAX];  /* one line per bad word ('\n'-terminated), without prefix */
};

/*
 * Parse line (NUL-terminated; NULL is empty) against tabs[0..nr_tabs): the
 * first table naming a key owns it.  res (may be NULL) is cleared first.
 * Returns nr_unknown + nr_bad.  Lines in res->bad read, as Linux's
 * parse_args() does, "`<value>' invalid for parameter `<key>': <why>".
 */
int cmdline_parse(const char *line, const struct cmdline_table *tabs, size_t nr_tabs,
		  struct cmdline_result *res);

/* Print each res->bad line as "<prefix>cmdline: <line>" through out. */
void cmdline_report(const struct cmdline_result *res, const char *prefix, printf_fn out);

/* Find name in tabs (the same matching as cmdline_parse), or NULL. */
const struct cmdline_param *cmdline_find(const struct cmdline_table *tabs, size_t nr_tabs,
					 const char *name, const struct cmdline_table **owner);

/* ---- value helpers for handlers (all return false on junk, leaving *out alone) */

/* Decimal, or hex with 0x; no sign, no overflow, no trailing junk. */
bool cmdline_get_ulong(const char *val, unsigned long *out);
/* Hex with or without 0x, at most 16 digits. */
bool cmdline_get_hex64(const char *val, uint64_t *out);
/* Linux's kstrtobool words: on/off, y/n, yes/no, 1/0 (any case). */
bool cmdline_get_bool(const char *val, bool *out);
/* Copy val into buf[cap] if it fits with its NUL. */
bool cmdline_get_str(const char *val, char *buf, size_t cap);
/* val == s (val may be NULL: false). */
bool cmdline_val_is(const char *val, const char *s);

#endif /* LIB_CMDLINE_H */
