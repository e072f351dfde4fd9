/*
 * spinlock.h - a ticket spinlock, header-only and freestanding.
 *
 * Built into the kernel, the host tests (pthreads stand in for CPUs) and the
 * host benchmark.  A ticket lock hands the lock over in arrival order, so no
 * CPU starves under contention (Linux used ticket locks on x86 until 4.2).
 *
 *   lock:    my = fetch_add(next, 1)          (relaxed: only the ticket)
 *            while (owner != my) pause;       (acquire load: the critical
 *                                              section cannot move above it)
 *   unlock:  owner = owner + 1                (release store: everything in
 *                                              the critical section is
 *                                              visible before the next owner
 *                                              sees its turn)
 *
 * Contract: not recursive; only the holder unlocks.  The irq-save variants
 * exist only in the kernel (-DKERNEL), where cli/sti are allowed: a lock that
 * an interrupt handler may also take must be taken with them, or the handler
 * spins forever on its own CPU.
 */
#ifndef SPINLOCK_H
#define SPINLOCK_H

#include "types.h"
#ifdef HOST
#include <sched.h>
#endif

/*
 * 16-bit tickets: correct while fewer than 65536 CPUs wait at once (numa.h
 * allows 1024).  Both halves share one 32-bit word so the lock is 4 bytes and
 * spin_trylock can compare-and-swap the pair.  Tickets wrap modulo 2^16.
 */
typedef union spinlock {
	uint32_t word;            /* both tickets, for trylock's compare-and-swap */
	struct {
		uint16_t owner;   /* ticket now served */
		uint16_t next;    /* next ticket to hand out */
	};
} spinlock_t;

#define SPINLOCK_INIT { .word = 0 }

static inline void spin_init(spinlock_t *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELAXED);
}

static inline uint16_t spin_word_owner(uint32_t w) { spinlock_t s = { .word = w }; return s.owner; }
static inline uint16_t spin_word_next(uint32_t w)  { spinlock_t s = { .word = w }; return s.next; }

/* The spin-wait hint: `pause` on x86 saves power and lets the sibling
 * hyperthread run; elsewhere a compiler barrier keeps the loop re-reading. */
static inline void spin_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t my = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
#ifdef HOST
	unsigned int spins = 0;
#endif

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != my) {
		spin_relax();
#ifdef HOST
		/* Host threads are preempted, CPUs are not: when the ticket's
		 * holder (or the next in line) has lost its core, spinning only
		 * delays it, so give the core away now and then. */
		if (++spins % 256 == 0)
			sched_yield();
#endif
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	/* Only the holder writes owner, so a plain read of it is exact. */
	uint16_t o = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&l->owner, (uint16_t)(o + 1), __ATOMIC_RELEASE);
}

/*
 * Takes the lock only if nobody holds or waits for it.  Returns true if
 * taken (with acquire order), false otherwise, never spinning.
 */
static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t old = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	spinlock_t new = { .word = old };

	if (new.owner != new.next)
		return false;
	new.next = (uint16_t)(new.next + 1);
	return __atomic_compare_exchange_n(&l->word, &old, new.word, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* True if someone holds the lock (or waits for it): for assertions only,
 * since the answer may be stale by the time the caller reads it. */
static inline bool spin_is_locked(spinlock_t *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	return spin_word_owner(w) != spin_word_next(w);
}

_Static_assert(sizeof(spinlock_t) == 4, "spinlock_t must be one 32-bit word for trylock");

#ifdef KERNEL
/*
 * Kernel only: take the lock with interrupts off on this CPU and give back
 * the RFLAGS to restore, so nested irq-save sections restore correctly.
 */
#define SPIN_RFLAGS_IF (1ULL << 9)

static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	if (flags & SPIN_RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}
#endif /* KERNEL */

#endif /* SPINLOCK_H */
