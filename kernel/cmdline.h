/*
 * cmdline.h - the kernel's command-line options (handoff->cmdline), parsed
 * once by lib/cmdline.c against the tables the kernel knows:
 *
 *   kernel_params   this file's options, into struct boot_options
 *   mm_params       mm/ (memblock=debug)
 *   topology_params acpi/, foreign: the loader acted on them
 *   loader_params   efi/params.c, foreign: the loader acted on them
 *   console_params  efi/console_opt.c, foreign: the loader chose the consoles
 *
 * A new subsystem with options adds its table to kernel_cmdline_tables in
 * cmdline.c (lib/README.md shows the pattern).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "types.h"
#include "lib/cmdline.h"

#define CMDLINE_FAULT_MAX  16

struct boot_options {
	bool qemu_exit;              /* exit QEMU through isa-debug-exit at the end / on panic */
	bool selftest;               /* run mm_selftest() (KTAP) */
	unsigned long selftest_ops;  /* selftest=N: random operations per node */
	bool bench;                  /* run mm_bench() */
	int  loglevel;               /* -1: not given */
	char fault[CMDLINE_FAULT_MAX];  /* fault=<kind>: "" when absent */
	bool pgwalk;                 /* pgwalk=<va>: print va's walk in every node's copy */
	char pgtable_test[CMDLINE_FAULT_MAX + 8];  /* test only: the check rule to break, or "" */
	bool reboot;                 /* reboot / reboot=<method>: reset the machine at the end */
	int  reboot_method;          /* enum reboot_method (kernel/reboot.h): where to start */
	bool panic_reboot;           /* panic=N given */
	long panic_timeout;          /* seconds after a panic before the reset; < 0: at once */
	uint64_t pgwalk_va;
	long smp_skip_sipi;          /* test only: CPU number sent INIT but no STARTUP; -1: none */
	bool x2apic;                 /* test only: x2APIC mode even when xAPIC would do */
};

#define SELFTEST_DEFAULT_OPS  20000UL

extern struct boot_options boot_opts;   /* filled by kernel_cmdline_parse */
extern const struct cmdline_param kernel_params[];

/* boot_opts's values when the command line says nothing. */
void boot_options_defaults(struct boot_options *opt);

/*
 * Reset boot_opts and mm_options to their defaults, then parse line once
 * against every table the kernel knows (above) into *res.  Returns the
 * number of problems (unknown words + bad values).
 */
int kernel_cmdline_parse(const char *line, struct cmdline_result *res);

#endif /* KERNEL_CMDLINE_H */
