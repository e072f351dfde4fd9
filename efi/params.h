/*
 * params.h - the loader's own command-line options (lib/cmdline.h).
 *
 * Freestanding: the loader parses with this table, and the kernel links it
 * as a foreign table so that these words are known there too (not reported
 * as unknown).  Host-tested in test/efi/params_test.c.
 */
#ifndef EFI_PARAMS_H
#define EFI_PARAMS_H

#include "types.h"
#include "lib/cmdline.h"
#include "mm/physmap.h"

struct loader_options {
	bool ktext_off;             /* ktext=off: every copy maps the one original text */
	bool pgd_test_elsewhere;    /* pgd_test=boot-elsewhere (test only) */
	bool pgd_test_no_trampoline;   /* pgd_test=no-trampoline (test only) */
	bool pgd_test_node1_full;   /* pgd_test=node1-full (test only) */
	bool paging_test_la57;      /* paging_test=la57 (test only): enter, then leave, LA57 */
	struct physmap_fake fake[PHYSMAP_MAX_FAKE];  /* efi_fake_mem= (test only) */
	uint32_t nr_fake;
	bool preflight;             /* preflight: survey the machine, write files, return */
	uint32_t efi_test;          /* efi_test= (test only): MAPTEST_* (efi/maptest.h) */
};

extern const struct cmdline_param loader_params[];

#endif /* EFI_PARAMS_H */
