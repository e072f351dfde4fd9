/*
 * spinlock_test.c - the ticket lock excludes: several pthreads hammer a
 * plain (non-atomic) counter and a two-word invariant under the lock and none
 * of their updates is lost or seen half-done; trylock refuses a held lock.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "spinlock.h"

#define THREADS 4
#define ROUNDS  200000

static spinlock_t lock = SPINLOCK_INIT;
/* volatile so each increment is a separate load and store: without the lock
 * the threads' read-modify-writes interleave and updates are lost. */
static volatile uint64_t counter;
static volatile uint64_t pair_a, pair_b;   /* equal whenever the lock is free */
static volatile int torn;
static pthread_barrier_t start;   /* all threads start together, so they overlap */

static void *hammer(void *arg)
{
	bool use_try = (uintptr_t)arg & 1;

	pthread_barrier_wait(&start);
	for (int i = 0; i < ROUNDS; i++) {
		if (use_try) {
			while (!spin_trylock(&lock))
				spin_relax();
		} else {
			spin_lock(&lock);
		}
		counter++;
		pair_a++;
		if (pair_a != pair_b + 1)
			torn = 1;
		pair_b++;
		spin_unlock(&lock);
	}
	return NULL;
}

static void test_spin_lock_excludes_threads(void **state)
{
	pthread_t t[THREADS];

	counter = pair_a = pair_b = 0;
	torn = 0;
	pthread_barrier_init(&start, NULL, THREADS);
	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal(counter, (uint64_t)THREADS * ROUNDS);
	assert_int_equal(pair_a, pair_b);
	assert_int_equal(torn, 0);
	assert_false(spin_is_locked(&lock));
}

static void test_spin_trylock_refuses_held_lock(void **state)
{
	spinlock_t l = SPINLOCK_INIT;

	assert_false(spin_is_locked(&l));
	assert_true(spin_trylock(&l));
	assert_true(spin_is_locked(&l));
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_false(spin_is_locked(&l));
	spin_lock(&l);
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

/* The 16-bit tickets wrap: a lock taken 70000 times still works. */
static void test_spin_lock_ticket_wraps(void **state)
{
	spinlock_t l = SPINLOCK_INIT;

	for (int i = 0; i < 70000; i++) {
		spin_lock(&l);
		spin_unlock(&l);
	}
	assert_false(spin_is_locked(&l));
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

/* Tickets are served in order: a waiter that took ticket n runs before the
 * one that took n + 1.  Thread 1 queues first, thread 2 second (each waits
 * until the lock's next ticket shows the previous one queued). */
static spinlock_t order_lock = SPINLOCK_INIT;
static volatile int order_log[2], order_pos;

static void *queue_and_log(void *arg)
{
	spin_lock(&order_lock);
	order_log[order_pos++] = (int)(uintptr_t)arg;
	spin_unlock(&order_lock);
	return NULL;
}

static void test_spin_lock_serves_in_ticket_order(void **state)
{
	pthread_t t1, t2;

	order_pos = 0;
	spin_lock(&order_lock);
	assert_int_equal(pthread_create(&t1, NULL, queue_and_log, (void *)1), 0);
	while (__atomic_load_n(&order_lock.next, __ATOMIC_RELAXED) != (uint16_t)(order_lock.owner + 2))
		spin_relax();
	assert_int_equal(pthread_create(&t2, NULL, queue_and_log, (void *)2), 0);
	while (__atomic_load_n(&order_lock.next, __ATOMIC_RELAXED) != (uint16_t)(order_lock.owner + 3))
		spin_relax();
	spin_unlock(&order_lock);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(order_pos, 2);
	assert_int_equal(order_log[0], 1);
	assert_int_equal(order_log[1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spin_lock_excludes_threads),
		cmocka_unit_test(test_spin_trylock_refuses_held_lock),
		cmocka_unit_test(test_spin_lock_ticket_wraps),
		cmocka_unit_test(test_spin_lock_serves_in_ticket_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
