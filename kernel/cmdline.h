/*
 * cmdline.h - the kernel's command-line options (handoff->cmdline).
 *
 * Words separated by spaces; `key` or `key=value`.  The loader acts on
 * `ktext=off`, `numa=off` and the test-only `acpi_test=srat-checksum`
 * before the kernel runs; the kernel accepts them so they are not reported
 * as unknown.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "types.h"

#define CMDLINE_FAULT_MAX  16

struct boot_options {
	bool qemu_exit;              /* exit QEMU through isa-debug-exit at the end / on panic */
	bool selftest;               /* run mm_selftest() (KTAP) */
	unsigned long selftest_ops;  /* selftest=N: random operations per node */
	bool bench;                  /* run mm_bench() */
	bool ktext_off;              /* loader option, tolerated */
	bool numa_off;               /* loader option, tolerated */
	int  loglevel;               /* -1: not given */
	char fault[CMDLINE_FAULT_MAX];  /* fault=<kind>: "" when absent */
	bool pgwalk;                 /* pgwalk=<va>: print va's walk in every node's copy */
	uint64_t pgwalk_va;
};

#define SELFTEST_DEFAULT_OPS  20000UL

/*
 * Parse cmdline into *opt (zeroed first).  Unknown words and bad values are
 * reported through warn(word, why) and otherwise ignored, as Linux does;
 * warn may be NULL.  Returns the number of problems found.
 */
int cmdline_parse(const char *cmdline, struct boot_options *opt,
		  void (*warn)(const char *word, size_t len, const char *why));

#endif /* KERNEL_CMDLINE_H */
