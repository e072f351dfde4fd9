/*
 * params.c - the loader's own command-line options (params.h).
 */
#include "efi/params.h"
#include "efi/maptest.h"

static const char *set_ktext(void *ctx, const char *val)
{
	bool on;

	if (!cmdline_get_bool(val, &on))
		return "takes on or off";
	((struct loader_options *)ctx)->ktext_off = !on;
	return NULL;
}

/* Test only; each pgd_test= word adds its fault (they combine). */
static const char *set_pgd_test(void *ctx, const char *val)
{
	struct loader_options *o = ctx;

	if (cmdline_val_is(val, "boot-elsewhere"))
		o->pgd_test_elsewhere = true;
	else if (cmdline_val_is(val, "no-trampoline"))
		o->pgd_test_no_trampoline = true;
	else if (cmdline_val_is(val, "node1-full"))
		o->pgd_test_node1_full = true;
	else
		return "takes boot-elsewhere, no-trampoline or node1-full";
	return NULL;
}

/* Test only: paging_test=la57 enters 5-level paging after ExitBootServices
 * so that the way out of it runs on firmware that never enables it. */
static const char *set_paging_test(void *ctx, const char *val)
{
	if (!cmdline_val_is(val, "la57"))
		return "takes la57";
	((struct loader_options *)ctx)->paging_test_la57 = true;
	return NULL;
}

/* efi_fake_mem=size@start:attr[,...] (test only; physmap_parse_fake).  The
 * reason lives in a static buffer: the parser copies it at once, and only
 * the loader calls this handler (the kernel knows the table as foreign). */
static const char *set_efi_fake_mem(void *ctx, const char *val)
{
	struct loader_options *o = ctx;
	struct physmap_fake fake[PHYSMAP_MAX_FAKE];
	static char why[96];
	int n = physmap_parse_fake(val, fake, PHYSMAP_MAX_FAKE, why, sizeof(why));

	if (n < 0)
		return why;
	for (int i = 0; i < n; i++)
		o->fake[i] = fake[i];
	o->nr_fake = (uint32_t)n;
	return NULL;
}

/* Test only; each efi_test= word adds its change to the firmware's map. */
static const char *set_efi_test(void *ctx, const char *val)
{
	struct loader_options *o = ctx;

	if (cmdline_val_is(val, "long-map"))
		o->efi_test |= MAPTEST_LONG_MAP;
	else if (cmdline_val_is(val, "ram-above-64t"))
		o->efi_test |= MAPTEST_RAM_ABOVE_64T;
	else
		return "takes long-map or ram-above-64t";
	return NULL;
}

static const char *set_preflight(void *ctx, const char *val)
{
	((struct loader_options *)ctx)->preflight = true;
	return NULL;
}

const struct cmdline_param loader_params[] = {
	{ "ktext",        CMDLINE_VALUE, set_ktext },
	{ "pgd_test",     CMDLINE_VALUE, set_pgd_test },
	{ "efi_fake_mem", CMDLINE_VALUE, set_efi_fake_mem },
	{ "preflight",    CMDLINE_FLAG,  set_preflight },
	{ "paging_test",  CMDLINE_VALUE, set_paging_test },
	{ "efi_test",     CMDLINE_VALUE, set_efi_test },
	CMDLINE_END
};
