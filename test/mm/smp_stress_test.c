/*
 * smp_stress_test.c - mm/smp_stress.c with pthreads as the CPUs: run_all
 * starts one thread per CPU of the table, each told its CPU index.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/pcp.h"
#include "test_support.h"
#include "fake_machine.h"

static struct fake_machine fm;

struct thread_arg {
	unsigned cpu;
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_arg *t = p;

	test_set_cpu(t->cpu);
	t->fn(t->arg);
	return NULL;
}

static uint32_t online = 4;     /* how many CPUs run_all starts */

static uint32_t threads_run_all(void (*fn)(void *), void *arg)
{
	pthread_t th[8];
	struct thread_arg ta[8];

	for (unsigned c = 0; c < online; c++) {
		ta[c] = (struct thread_arg){ c, fn, arg };
		assert_int_equal(pthread_create(&th[c], NULL, thread_main, &ta[c]), 0);
	}
	for (unsigned c = 0; c < online; c++)
		pthread_join(th[c], NULL);
	test_set_cpu(0);
	return online;
}

/* Three nodes, two CPUs each except the memory-less node 2 (one CPU). */
static void machine(void)
{
	fm_init(&fm, 3);
	fm_ram(&fm, 0x100000, 0x10000000, 0);
	fm_ram(&fm, 0x10000000, 0x18000000, 1);
	fm_cpu(&fm, 0);
	fm_cpu(&fm, 0);
	fm_cpu(&fm, 1);
	fm_cpu(&fm, 1);
	fm_cpu(&fm, 2);
	assert_int_equal(fm_finish(&fm), 0);
	fm.h->tsc_khz = 1000000;
	mm_init(fm.h);
}

static int teardown(void **state)
{
	fm_destroy(&fm);
	return 0;
}

static void test_mm_smp_stress_all_cpus_cross_frees(void **state)
{
	uint64_t before;
	uint32_t cpus = 0;
	const char *err;

	machine();
	buddy_drain_all();
	before = buddy_free_pages_total();
	online = 5;
	err = mm_smp_stress(threads_run_all, 8000, &cpus);
	if (err)
		fail_msg("%s", err);
	assert_int_equal(cpus, 5);
	buddy_drain_all();
	assert_int_equal(buddy_free_pages_total(), before);
	assert_null(buddy_check(true));
}

static void test_mm_smp_bench_local_and_remote(void **state)
{
	struct mm_smp_bench_result r;

	machine();
	online = 4;
	for (uint32_t want = 1; want <= 4; want++) {
		assert_int_equal(mm_smp_bench(threads_run_all, want, false, 4096, &r), 0);
		assert_int_equal(r.cpus, want);
		assert_true(r.cycles_per_op > 0);
		assert_true(r.ops_per_sec_per_cpu > 0);
		assert_int_equal(mm_smp_bench(threads_run_all, want, true, 4096, &r), 0);
	}
	assert_null(buddy_check(true));
}

static void test_mm_selftest_smp_ktap_and_bench_lines(void **state)
{
	machine();
	online = 4;
	test_log_reset();
	assert_int_equal(mm_selftest_smp(threads_run_all, 2000), 0);
	assert_non_null(test_log_find("KTAP version 1\n1..1\n# mm_smp_stress: 4 CPUs at once, 2000 operations each"));
	assert_non_null(test_log_find("ok 1 - mm_smp_stress_all_cpus\n"));
	test_log_reset();
	mm_bench_smp(threads_run_all, 4, 2048);
	assert_int_equal(test_log_count("mm_bench: order-0 alloc+free on "), 6);
	assert_non_null(test_log_find("mm_bench: order-0 alloc+free on 1 CPU at once, local frees: "));
	assert_non_null(test_log_find("mm_bench: order-0 alloc+free on 4 CPUs at once, remote frees: "));
	assert_null(test_log_find("failed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mm_smp_stress_all_cpus_cross_frees, teardown),
		cmocka_unit_test_teardown(test_mm_smp_bench_local_and_remote, teardown),
		cmocka_unit_test_teardown(test_mm_selftest_smp_ktap_and_bench_lines, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
