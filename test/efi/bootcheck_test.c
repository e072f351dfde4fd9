/*
 * bootcheck_test.c - host tests of efi/bootcheck.c: a kernel copy built by
 * mm/pgtable.c in fake physical memory passes; each address the jump needs,
 * left unmapped or mapped with the wrong rights, is named in the refusal.
 * efi/ is not part of libcore.a, so the source under test is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../efi/bootcheck.c"
#include "vmlayout.h"

#define TABLE_BASE  0x100000000ULL      /* fake pa of the table pool */
#define POOL_PAGES  64
#define KVA         0xffffffff80200000ULL
#define TRAMP_PA    0x9000ULL
#define STACK_PA    0x300000ULL
#define HANDOFF_PA  0x400000ULL

static uint8_t *pool;
static int used;

static phys_addr_t pool_alloc(void *ctx)
{
	if (used >= POOL_PAGES)
		return 0;
	return TABLE_BASE + (phys_addr_t)(used++) * PAGE_SIZE;
}

static void *pool_ptr(void *ctx, phys_addr_t pa)
{
	if (pa < TABLE_BASE || pa >= TABLE_BASE + (phys_addr_t)used * PAGE_SIZE)
		return NULL;
	return pool + (pa - TABLE_BASE);
}

static const struct pgtable_ops ops = { NULL, pool_alloc, NULL, pool_ptr };
static struct physmap_entry ram[1] = { { 0, 0x40000000ULL, PHYSMAP_USABLE, 0 } };
static struct kernel_space_desc desc;
static struct bootcheck_input in;
static char why[256];

static int setup(void **state)
{
	pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	memset(pool, 0, POOL_PAGES * PAGE_SIZE);
	used = 0;
	memset(&desc, 0, sizeof(desc));
	desc.physmap = ram;
	desc.nr_physmap = 1;
	desc.gbpages = true;
	desc.segs[0] = (struct pgtable_seg){ KVA, 0x200000, 0x2000, 0 };              /* text RX */
	desc.segs[1] = (struct pgtable_seg){ KVA + 0x2000, 0x202000, 0x1000, PTE_NX };  /* rodata */
	desc.segs[2] = (struct pgtable_seg){ KVA + 0x3000, 0x203000, 0x4000, PTE_W | PTE_NX };
	desc.nr_segs = 3;
	desc.trampoline_pa = TRAMP_PA;
	in = (struct bootcheck_input){
		.trampoline_pa = TRAMP_PA, .entry_va = KVA + 0x10,
		.stack_lo = DIRECT_MAP_BASE + STACK_PA, .stack_hi = DIRECT_MAP_BASE + STACK_PA + 0x10000,
		.stack_pa = STACK_PA,
		.handoff_va = DIRECT_MAP_BASE + HANDOFF_PA, .handoff_pa = HANDOFF_PA,
		.handoff_size = 0x11000,
	};
	why[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	free(pool);
	return 0;
}

static void build(void)
{
	assert_true(pgtable_build_kernel(&ops, &desc, &in.root) > 0);
}

static void expect_refusal(const char *part)
{
	assert_int_equal(bootcheck_root(&ops, &in, why, sizeof(why)), -1);
	if (!strstr(why, part))
		fail_msg("reason \"%s\" does not say \"%s\"", why, part);
}

static void test_bootcheck_root_ok(void **state)
{
	build();
	assert_int_equal(bootcheck_root(&ops, &in, why, sizeof(why)), 0);
}

/* Issue 8: every range hot-pluggable once meant no copy and CR3 = 0. */
static void test_bootcheck_root_none_built(void **state)
{
	in.root = 0;
	expect_refusal("no page-table copy was built for the boot CPU");
}

static void test_bootcheck_root_unaligned(void **state)
{
	build();
	in.root += 8;
	expect_refusal("no page-table copy was built");
}

static void test_bootcheck_root_no_trampoline(void **state)
{
	desc.trampoline_pa = 0;
	build();
	expect_refusal("do not map the trampoline page at 0x9000");
}

static void test_bootcheck_root_trampoline_not_identity(void **state)
{
	build();
	in.trampoline_pa = TRAMP_PA + PAGE_SIZE;    /* not what the copy maps 1:1 */
	expect_refusal("do not map the trampoline page at 0xa000");
}

static void test_bootcheck_root_entry_not_executable(void **state)
{
	build();
	in.entry_va = KVA + 0x2010;                 /* rodata: NX */
	expect_refusal("kernel entry at 0xffffffff80202010 no-execute");
}

static void test_bootcheck_root_entry_writable(void **state)
{
	build();
	in.entry_va = KVA + 0x3010;                 /* data: W + NX */
	expect_refusal("kernel entry");
}

static void test_bootcheck_root_entry_unmapped(void **state)
{
	build();
	in.entry_va = KVA + 0x100000;
	expect_refusal("do not map the kernel entry");
}

static void test_bootcheck_root_stack_outside_direct_map(void **state)
{
	build();
	in.stack_pa = 0x40000000ULL;                /* past the one RAM range */
	in.stack_lo = DIRECT_MAP_BASE + in.stack_pa;
	in.stack_hi = in.stack_lo + 0x10000;
	expect_refusal("do not map the boot stack");
}

static void test_bootcheck_root_handoff_end_unmapped(void **state)
{
	build();
	in.handoff_pa = 0x40000000ULL - 0x1000;     /* runs past the direct map */
	in.handoff_va = DIRECT_MAP_BASE + in.handoff_pa;
	expect_refusal("end of the handoff");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bootcheck_root_ok),
		T(test_bootcheck_root_none_built),
		T(test_bootcheck_root_unaligned),
		T(test_bootcheck_root_no_trampoline),
		T(test_bootcheck_root_trampoline_not_identity),
		T(test_bootcheck_root_entry_not_executable),
		T(test_bootcheck_root_entry_writable),
		T(test_bootcheck_root_entry_unmapped),
		T(test_bootcheck_root_stack_outside_direct_map),
		T(test_bootcheck_root_handoff_end_unmapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
