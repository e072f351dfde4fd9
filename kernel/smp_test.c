/*
 * smp_test.c - the SMP self-test (KTAP, `selftest`) and benchmark (`bench`).
 *
 * The race test, per iteration, all online CPUs at once:
 *   writer (a CPU on node 0, else the lowest node with a CPU): two pages A
 *   and B from node 0, a vmalloc-area address va;
 *     phase 1  vmap_map(va -> A), A holds v1      readers: v1 (or later)
 *     phase 2  B holds v2, vmap_change(va -> B)   readers: v2 (or later)
 *     phase 3  vmap_unmap(va)                      readers: the read faults
 *   readers (every other online CPU, so every node with CPUs) read va in a
 *   loop through probe_read_u64 (a fault is caught by the exception fixup
 *   and counted) and check each result against the phase they loaded just
 *   before the read: an older state than that phase is a stale translation.
 *   The writer publishes a phase only after the vmap call returned, and
 *   waits until every reader has checked a read in it before moving on.
 */
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "handoff.h"
#include "printk.h"
#include "mm/buddy.h"
#include "mm/memmap.h"
#include "mm/pgtable.h"
#include "acpi/topology.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/delay.h"
#include "kernel/pgtable.h"
#include "kernel/smp.h"
#include "kernel/trap.h"
#include "kernel/vmap.h"
#include "lib/printf.h"

#define PHASE_WAIT_US  5000000

enum { PH_IDLE, PH_MAPPED, PH_CHANGED, PH_UNMAPPED, PH_DONE };

struct race {
	uint32_t writer;                    /* CPU number */
	uint32_t iterations;
	virt_addr_t va;
	/* iteration * 8 + PH_*, release-stored by the writer: one word, so a
	 * reader never pairs a phase with the wrong iteration. */
	uint32_t state;
	uint32_t seen[NUMA_MAX_CPUS];       /* per reader: last state it checked a read in */
	uint64_t reads[NUMA_MAX_CPUS];
	uint64_t faults[NUMA_MAX_CPUS];
	uint64_t skipped[NUMA_MAX_CPUS];    /* reads the writer overtook: not judged */
	uint32_t errors;                    /* atomic */
	char error[160];
};

static struct race race;

#define STATE(it, ph)    ((it) * 8 + (ph))
#define STATE_ITER(s)    ((s) / 8)
#define STATE_PHASE(s)   ((s) % 8)

/* The values the writer stores in its two pages in iteration it. */
static uint64_t race_value(uint32_t it, int which)
{
	return 0x5a5a000000000000ULL | ((uint64_t)it << 8) | (uint64_t)which;
}

/* Record the first failure's description; count all. */
static void race_fail(struct race *r, uint32_t cpu, uint32_t state, int got_fault, uint64_t val)
{
	if (__atomic_fetch_add(&r->errors, 1, __ATOMIC_ACQ_REL) == 0)
		ksnprintf(r->error, sizeof(r->error), "cpu %u in phase %u of iteration %u read %s "
			  "0x%lx (v1 0x%lx, v2 0x%lx): stale translation", cpu, STATE_PHASE(state),
			  STATE_ITER(state), got_fault ? "a fault, not" : "", got_fault ? 0 : val,
			  race_value(STATE_ITER(state), 1), race_value(STATE_ITER(state), 2));
}

static void race_reader(struct race *r, uint32_t me)
{
	for (;;) {
		uint32_t st = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE), ph = STATE_PHASE(st);
		uint64_t v1 = race_value(STATE_ITER(st), 1), v2 = race_value(STATE_ITER(st), 2);
		uint64_t val = 0;
		int fault;
		bool ok;

		if (ph == PH_DONE)
			return;
		if (ph == PH_IDLE) {
			cpu_relax();
			continue;
		}
		fault = probe_read_u64((const void *)(uintptr_t)r->va, &val);
		r->reads[me]++;
		if (fault) {
			r->faults[me]++;
			if (this_cpu()->fixup_addr != r->va)
				race_fail(r, me, st, 1, this_cpu()->fixup_addr);
		}
		/* The writer may have reached a later phase meanwhile, so the
		 * read may show a later state than st, never an earlier one.
		 * Once the iteration itself changed, nothing can be judged. */
		if (STATE_ITER(__atomic_load_n(&r->state, __ATOMIC_ACQUIRE)) != STATE_ITER(st)) {
			r->skipped[me]++;
			continue;
		}
		ok = ph == PH_MAPPED   ? (fault || val == v1 || val == v2) :
		     ph == PH_CHANGED  ? (fault || val == v2) :
		     /* PH_UNMAPPED */   fault;
		if (!ok)
			race_fail(r, me, st, fault, val);
		__atomic_store_n(&r->seen[me], st, __ATOMIC_RELEASE);
		cpu_relax();
	}
}

/* Wait until every other online CPU checked a read in state st. */
static bool race_wait_readers(struct race *r, uint32_t me, uint32_t st)
{
	uint64_t end = tsc_deadline_us(PHASE_WAIT_US);

	for (uint32_t c = 0; c < smp_nr_cpus(); c++) {
		if (c == me || !smp_cpu_online(c))
			continue;
		while (__atomic_load_n(&r->seen[c], __ATOMIC_ACQUIRE) != st) {
			if (tsc_passed(end)) {
				if (__atomic_fetch_add(&r->errors, 1, __ATOMIC_ACQ_REL) == 0)
					ksnprintf(r->error, sizeof(r->error), "cpu %u never checked a "
						  "read in phase %u of iteration %u (hung?)", c,
						  STATE_PHASE(st), STATE_ITER(st));
				return false;
			}
			cpu_relax();
		}
	}
	return true;
}

static void race_set(struct race *r, uint32_t it, uint32_t ph)
{
	__atomic_store_n(&r->state, STATE(it, ph), __ATOMIC_RELEASE);
}

static void race_writer(struct race *r, uint32_t me)
{
	struct page *a = buddy_alloc(0, 0, ZONE_NORMAL), *b = buddy_alloc(0, 0, ZONE_NORMAL);
	virt_addr_t va = vmap_area_alloc(PAGE_SIZE);
	uint32_t i;

	if (!a || !b || !va) {
		__atomic_fetch_add(&r->errors, 1, __ATOMIC_ACQ_REL);
		ksnprintf(r->error, sizeof(r->error), "no pages or vmalloc space for the test");
		goto out;
	}
	r->va = va;
	for (i = 1; i <= r->iterations && !r->errors; i++) {
		volatile uint64_t *pa_a = page_address(a), *pa_b = page_address(b);
		uint64_t val;

		/* The new iteration is published before its mapping exists, so
		 * a reader that finds it mapped also finds the iteration moved. */
		race_set(r, i, PH_IDLE);
		*pa_a = race_value(i, 1);
		*pa_b = 0;
		if (vmap_map(va, page_to_phys(a), PAGE_SIZE, PTE_W | PTE_NX))
			break;
		/* The writer's own view, through the new mapping. */
		if (*(volatile uint64_t *)(uintptr_t)va != race_value(i, 1))
			race_fail(r, me, STATE(i, PH_MAPPED), 0, *(volatile uint64_t *)(uintptr_t)va);
		race_set(r, i, PH_MAPPED);
		if (!race_wait_readers(r, me, STATE(i, PH_MAPPED)))
			break;

		*pa_b = race_value(i, 2);
		if (vmap_change(va, page_to_phys(b), PAGE_SIZE, PTE_W | PTE_NX))
			break;
		race_set(r, i, PH_CHANGED);
		if (!race_wait_readers(r, me, STATE(i, PH_CHANGED)))
			break;

		if (vmap_unmap(va, PAGE_SIZE))
			break;
		race_set(r, i, PH_UNMAPPED);
		r->reads[me]++;
		if (probe_read_u64((const void *)(uintptr_t)va, &val) == 0)
			race_fail(r, me, STATE(i, PH_UNMAPPED), 0, val);
		else
			r->faults[me]++;
		if (!race_wait_readers(r, me, STATE(i, PH_UNMAPPED)))
			break;
	}
	if (i <= r->iterations && !r->errors) {
		__atomic_fetch_add(&r->errors, 1, __ATOMIC_ACQ_REL);
		ksnprintf(r->error, sizeof(r->error), "a vmap call failed in iteration %u", i);
	}
out:
	race_set(r, 0, PH_DONE);
	if (va) {
		uint64_t val;

		/* After an early stop the page may still be mapped. */
		if (probe_read_u64((const void *)(uintptr_t)va, &val) == 0)
			vmap_unmap(va, PAGE_SIZE);
		vmap_area_free(va, PAGE_SIZE);
	}
	if (a)
		buddy_free(a, 0);
	if (b)
		buddy_free(b, 0);
}

static void race_worker(void *arg)
{
	struct race *r = arg;
	uint32_t me = smp_processor_id();

	if (me == r->writer)
		race_writer(r, me);
	else
		race_reader(r, me);
}

/* The writer: a CPU on node 0, else on the lowest node that has one. */
static uint32_t pick_writer(void)
{
	uint32_t best = 0;

	for (uint32_t c = 0; c < smp_nr_cpus(); c++) {
		if (smp_cpu_online(c) && smp_cpu_node(c) < smp_cpu_node(best))
			best = c;
	}
	return best;
}

/* ---- the other test points --------------------------------------------- */

struct own_copy {
	uint32_t ran[NUMA_MAX_CPUS];
	uint32_t bad;                       /* atomic */
	phys_addr_t bad_cr3;
	uint32_t bad_cpu;
	uint32_t bad_area;                  /* atomic */
	uint32_t bad_area_cpu;
};

static void own_copy_worker(void *arg)
{
	struct own_copy *o = arg;
	struct cpu *me = this_cpu();
	const struct handoff *h = boot_handoff;
	phys_addr_t cr3 = read_cr3() & PTE_ADDR_MASK;

	uint64_t rsp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

	o->ran[me->id]++;
	/* Its stacks: the running one is its own, and an AP's area is on its
	 * node when that node has memory. */
	if (rsp < me->stack_lo || rsp >= me->stack_hi ||
	    (me->area_pa && topology_node_has_memory(&h->numa, me->node) &&
	     me->area_node != me->node)) {
		if (__atomic_fetch_add(&o->bad_area, 1, __ATOMIC_ACQ_REL) == 0)
			o->bad_area_cpu = me->id;
	}
	if (me->node >= h->nr_pgd || cr3 != h->pgd[me->node].root_pa) {
		if (__atomic_fetch_add(&o->bad, 1, __ATOMIC_ACQ_REL) == 0) {
			o->bad_cr3 = cr3;
			o->bad_cpu = me->id;
		}
	}
}

static void ktap(int n, bool ok, const char *name, int *failed)
{
	printk(KERN_INFO "%sok %d - %s\n", ok ? "" : "not ", n, name);
	if (!ok)
		(*failed)++;
}

int smp_selftest(unsigned long iterations)
{
	static struct own_copy own;
	struct race *r = &race;
	uint64_t reads = 0, faults = 0, skipped = 0, t0;
	uint32_t ran = 0, online = smp_online();
	int failed = 0;
	bool ok;

	printk(KERN_INFO "KTAP version 1\n");
	printk(KERN_INFO "# smp: %u of %u CPUs online, %u page-table copies\n", online,
	       smp_nr_cpus(), vmap_nr_copies());
	printk(KERN_INFO "1..4\n");

	/* 1: every CPU runs a call on itself, on its own node's copy. */
	__builtin_memset(&own, 0, sizeof(own));
	ran = smp_call_on_node(NUMA_NO_NODE, own_copy_worker, &own);
	ok = ran == online && !own.bad && !own.bad_area;
	if (own.bad_area)
		printk(KERN_INFO "# cpu %u runs on a stack that is not its own, or its area is off its "
		       "node\n", own.bad_area_cpu);
	for (uint32_t c = 0; c < smp_nr_cpus(); c++)
		ok &= own.ran[c] == (smp_cpu_online(c) ? 1u : 0u);
	if (own.bad)
		printk(KERN_INFO "# cpu %u runs on cr3 0x%lx, not its node's copy\n", own.bad_cpu,
		       own.bad_cr3);
	ktap(1, ok, "smp_call_on_node_runs_once_per_cpu_on_its_node_copy_and_stacks", &failed);

	/* 2: map / remap / unmap with every CPU racing. */
	__builtin_memset(r, 0, sizeof(*r));
	r->writer = pick_writer();
	r->iterations = (uint32_t)iterations;
	t0 = rdtsc();
	ran = smp_call_on_node(NUMA_NO_NODE, race_worker, r);
	for (uint32_t c = 0; c < smp_nr_cpus(); c++) {
		reads += r->reads[c];
		faults += r->faults[c];
		skipped += r->skipped[c];
	}
	printk(KERN_INFO "# writer cpu %u (node %u), %u CPUs, %u iterations, %lu reads (%lu overtaken "
	       "by the writer, not judged), %lu faults caught by the fixup (expected after unmap), "
	       "%u errors, %lu us\n", r->writer, smp_cpu_node(r->writer), ran, r->iterations, reads,
	       skipped, faults, r->errors, delay_cycles_to_us(rdtsc() - t0));
	if (r->errors)
		printk(KERN_INFO "# %s\n", r->error);
	ktap(2, r->errors == 0 && ran == online && faults >= (uint64_t)r->iterations * online,
	     "vmap_map_change_unmap_seen_by_every_cpu_racing", &failed);

	/* 3: the fault of an unmapped vmalloc address is caught, not fatal. */
	{
		virt_addr_t va = vmap_area_alloc(PAGE_SIZE);
		uint64_t before = this_cpu()->fixups, val;

		ok = va && probe_read_u64((const void *)(uintptr_t)va, &val) == -1 &&
		     this_cpu()->fixups == before + 1 && this_cpu()->fixup_addr == va;
		if (va)
			vmap_area_free(va, PAGE_SIZE);
		ktap(3, ok, "probe_read_of_unmapped_address_faults_and_is_caught", &failed);
	}

	/* 4: the copies still obey every rule after all those changes. */
	ktap(4, pgtable_verify("after the SMP self-test"), "pgtable_copies_verified_after_changes",
	     &failed);
	return failed;
}

/* ---- fault=smp-panic ---------------------------------------------------- */

static void panic_here(void *arg)
{
	(void)arg;
	panic("fault=smp-panic: deliberate panic on cpu %u (node %u)", smp_processor_id(),
	      this_cpu()->node);
}

__noreturn void smp_fault_panic(void)
{
	uint32_t target = 0;

	for (uint32_t c = 1; c < smp_nr_cpus(); c++) {
		if (smp_cpu_online(c))
			target = c;
	}
	printk(KERN_WARNING "fault: injecting 'smp-panic' on cpu %u (test option)\n", target);
	smp_call_on(target, panic_here, NULL);
	panic("fault=smp-panic: cpu %u returned from its panic", target);
}

/* ---- bench -------------------------------------------------------------- */

#define BENCH_ROUNDS  64

/* Median of n values (sorts them). */
static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[n / 2];
}

void smp_bench(void)
{
	struct page *a = buddy_alloc(0, 0, ZONE_NORMAL), *b = buddy_alloc(0, 0, ZONE_NORMAL);
	virt_addr_t va = vmap_area_alloc(PAGE_SIZE);
	uint64_t upd[BENCH_ROUNDS], sd[BENCH_ROUNDS], map[BENCH_ROUNDS];
	uint32_t targets = 0;

	if (!a || !b || !va || vmap_map(va, page_to_phys(a), PAGE_SIZE, PTE_W | PTE_NX)) {
		printk(KERN_INFO "smp_bench: no page or vmalloc space: not measured\n");
		return;
	}
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		vmap_change(va, page_to_phys(i & 1 ? a : b), PAGE_SIZE, PTE_W | PTE_NX);
		upd[i] = vmap_last_update_cycles;
		sd[i] = smp_last_shootdown_cycles;
		targets = smp_last_shootdown_targets;
	}
	vmap_unmap(va, PAGE_SIZE);
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		vmap_map(va, page_to_phys(a), PAGE_SIZE, PTE_W | PTE_NX);
		map[i] = vmap_last_update_cycles;
		vmap_unmap(va, PAGE_SIZE);
	}
	vmap_area_free(va, PAGE_SIZE);
	buddy_free(a, 0);
	buddy_free(b, 0);
	/* Medians first: median() sorts, so min and max are read after it. */
	uint64_t upd_med = median(upd, BENCH_ROUNDS), sd_med = median(sd, BENCH_ROUNDS);
	uint64_t map_med = median(map, BENCH_ROUNDS);

	printk(KERN_INFO "smp_bench: change 1 page in %u copies: %lu cycles to write the copies, "
	       "%lu cycles to shoot down %u other CPUs (medians of %d; shootdown min %lu, max %lu)\n",
	       vmap_nr_copies(), upd_med, sd_med, targets, BENCH_ROUNDS, sd[0], sd[BENCH_ROUNDS - 1]);
	printk(KERN_INFO "smp_bench: map 1 page in %u copies (tables present): %lu cycles "
	       "(median of %d)\n", vmap_nr_copies(), map_med, BENCH_ROUNDS);
}
