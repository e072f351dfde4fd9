/*
 * smp_stress.c - the allocator with every CPU at once: the stress self-test
 * (random orders, blocks freed on other CPUs) and the per-CPU throughput
 * benchmark (1, 2 and all CPUs; local and remote frees).
 *
 * mm does not start CPUs: the caller passes run_all, which runs fn(arg) on
 * every online CPU at once, its own included, and returns how many ran it
 * (the kernel: smp_call_on_node(NUMA_NO_NODE, ...); host tests: one pthread
 * per CPU).  Each CPU finds its index with mm_this_cpu().  The shared state
 * lives in buddy pages, one block per CPU from its home node, so the kernel
 * image carries no per-CPU arrays.
 */
#include "types.h"
#include "printk.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "mm/buddy.h"
#include "mm/pcp.h"

#define SMP_RING     128        /* blocks waiting to be freed by a CPU */
#define SMP_HELD     256        /* blocks a CPU holds */

/* One CPU's area: blocks other CPUs pass it to free, and what it holds. */
struct smp_area {
	spinlock_t lock;
	uint32_t n;
	struct page *ring[SMP_RING];
	struct page *held[SMP_HELD];
};

struct smp_job {
	struct smp_area *area[NUMA_MAX_CPUS];
	struct page *area_page[NUMA_MAX_CPUS];
	unsigned long ops;
	uint32_t errors;
	uint32_t arrived;           /* bench: ranks in arrival order */
	uint32_t started;
	uint32_t want;              /* bench: CPUs that work, the rest return */
	bool remote;                /* bench: allocate from another node */
	uint64_t cycles[NUMA_MAX_CPUS];
	char msg[160];
};

static struct smp_job smp_job;

#define AREA_ORDER 2            /* 16 KiB >= sizeof(struct smp_area) */
_Static_assert(sizeof(struct smp_area) <= (PAGE_SIZE << AREA_ORDER), "smp_area fits its block");

static void smp_fail(struct smp_job *j, const char *what, const struct page *p)
{
	if (__atomic_fetch_add(&j->errors, 1, __ATOMIC_RELAXED) == 0)
		ksnprintf(j->msg, sizeof(j->msg), "cpu %u: %s (pfn 0x%llx)", mm_this_cpu(), what,
			  p ? (unsigned long long)p->pfn : 0ULL);
}

static bool smp_alloc_areas(struct smp_job *j)
{
	for (uint32_t c = 0; c < mm_nr_cpus; c++) {
		struct page *p = buddy_alloc_cpu(c, AREA_ORDER, mm_cpu_home[c], ZONE_NORMAL);

		j->area_page[c] = p;
		if (!p)
			return false;
		j->area[c] = page_address(p);
		__builtin_memset(j->area[c], 0, sizeof(struct smp_area));
		spin_init(&j->area[c]->lock);
	}
	return true;
}

static void smp_free_areas(struct smp_job *j)
{
	for (uint32_t c = 0; c < mm_nr_cpus; c++) {
		if (!j->area_page[c])
			continue;
		while (j->area[c]->n) {
			struct page *p = j->area[c]->ring[--j->area[c]->n];

			buddy_free(p, p->owner);
		}
		buddy_free(j->area_page[c], AREA_ORDER);
		j->area_page[c] = NULL;
	}
}

static uint64_t smp_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Free what other CPUs passed to this one. */
static void smp_take_ring(struct smp_area *a)
{
	spin_lock(&a->lock);
	while (a->n) {
		struct page *p = a->ring[--a->n];

		buddy_free(p, p->owner);
	}
	spin_unlock(&a->lock);
}

static void smp_stress_worker(void *arg)
{
	struct smp_job *j = arg;
	uint32_t cpu = mm_this_cpu();
	struct smp_area *a;
	uint64_t seed;
	uint32_t held = 0;

	if (cpu >= mm_nr_cpus)
		return;
	a = j->area[cpu];
	seed = 0x9e3779b97f4a7c15ULL * (cpu + 1);
	for (unsigned long i = 0; i < j->ops; i++) {
		uint64_t r = smp_rand(&seed);

		smp_take_ring(a);
		if (held == 0 || (held < SMP_HELD && (r & 1))) {
			/* orders 0-3 mostly (the lists), sometimes up to 6 */
			unsigned int o = (r >> 8) % 8 < 6 ? (unsigned int)((r >> 12) & 3) :
				     (unsigned int)((r >> 12) % 7);
			uint32_t nid = (r >> 20) % 4 == 0 ? (uint32_t)((r >> 24) % mm_nr_nodes) :
				       NUMA_NO_NODE;
			struct page *p = buddy_alloc(o, nid, ZONE_NORMAL);

			if (!p)
				continue;
			if (!(p->flags & PG_head) || (p->flags & (PG_buddy | PG_pcp)) || p->order != o ||
			    (p->pfn & ((1ULL << o) - 1)))
				smp_fail(j, "bad block handed out", p);
			p->owner = (uint16_t)o;
			a->held[held++] = p;
		} else {
			uint32_t k = (uint32_t)((r >> 8) % held);
			uint32_t to = (uint32_t)((r >> 32) % mm_nr_cpus);
			struct page *p = a->held[k];

			a->held[k] = a->held[--held];
			if (to != cpu && j->area[to]) {
				struct smp_area *d = j->area[to];

				spin_lock(&d->lock);
				if (d->n < SMP_RING) {
					d->ring[d->n++] = p;
					p = NULL;
				}
				spin_unlock(&d->lock);
			}
			if (p)
				buddy_free(p, p->owner);
		}
	}
	while (held) {
		struct page *p = a->held[--held];

		buddy_free(p, p->owner);
	}
}

const char *mm_smp_stress(mm_run_all_fn run_all, unsigned long ops_per_cpu, uint32_t *cpus)
{
	struct smp_job *j = &smp_job;
	const char *err;

	__builtin_memset(j, 0, sizeof(*j));
	j->ops = ops_per_cpu;
	if (!smp_alloc_areas(j)) {
		smp_free_areas(j);
		return "no memory for the per-CPU areas";
	}
	*cpus = run_all(smp_stress_worker, j);
	smp_free_areas(j);
	if (j->errors)
		return j->msg;
	if ((err = buddy_check(true)))
		return err;
	return NULL;
}

/* ---- throughput: alloc + free pairs per second on each working CPU */
#define BENCH_BATCH 32

static void smp_bench_worker(void *arg)
{
	struct smp_job *j = arg;
	uint32_t cpu = mm_this_cpu(), rank, nid;
	struct page *batch[BENCH_BATCH];
	uint64_t t0;

	if (cpu >= mm_nr_cpus)
		return;
	rank = __atomic_fetch_add(&j->arrived, 1, __ATOMIC_ACQ_REL);
	if (rank >= j->want)
		return;
	nid = mm_cpu_home[cpu];
	if (j->remote) {
		/* the next node with memory after the home node */
		for (uint32_t k = 1; k < mm_nr_nodes; k++) {
			uint32_t m = (nid + k) % mm_nr_nodes;

			if (node_data[m]->node_present_pages) {
				nid = m;
				break;
			}
		}
	}
	/* start together, so the CPUs really run at once; bounded, in case
	 * fewer CPUs than wanted are online */
	__atomic_fetch_add(&j->started, 1, __ATOMIC_ACQ_REL);
	t0 = mm_rdtsc();
	while (__atomic_load_n(&j->started, __ATOMIC_ACQUIRE) < j->want) {
		if (mm_rdtsc() - t0 > (1ULL << 34)) {
			smp_fail(j, "the other CPUs never arrived", NULL);
			return;
		}
		spin_relax();
	}
	t0 = mm_rdtsc();
	for (unsigned long i = 0; i < j->ops; i += BENCH_BATCH) {
		for (int b = 0; b < BENCH_BATCH; b++) {
			batch[b] = buddy_alloc(0, nid, ZONE_NORMAL);
			if (!batch[b]) {
				smp_fail(j, "order-0 allocation failed", NULL);
				while (b--)
					buddy_free(batch[b], 0);
				return;
			}
		}
		for (int b = 0; b < BENCH_BATCH; b++)
			buddy_free(batch[b], 0);
	}
	j->cycles[rank] = mm_rdtsc() - t0;
}

int mm_smp_bench(mm_run_all_fn run_all, uint32_t want, bool remote, unsigned long ops,
		 struct mm_smp_bench_result *res)
{
	struct smp_job *j = &smp_job;
	uint64_t sum = 0, max = 0;

	__builtin_memset(j, 0, sizeof(*j));
	j->ops = ops;
	j->want = want;
	j->remote = remote;
	run_all(smp_bench_worker, j);
	buddy_drain_all();
	if (j->errors || j->arrived < want)
		return -1;
	for (uint32_t r = 0; r < want; r++) {
		sum += j->cycles[r];
		max = MAX(max, j->cycles[r]);
	}
	res->cpus = want;
	res->cycles_per_op = want && ops ? sum / want / ops : 0;
	res->ops_per_sec_per_cpu = sum && mm_stats.tsc_khz ?
		(uint64_t)ops * want * mm_stats.tsc_khz * 1000 / sum : 0;
	res->slowest_cycles = max;
	return 0;
}

/* ---- what the kernel prints: a KTAP document, and bench lines */

int mm_selftest_smp(mm_run_all_fn run_all, unsigned long ops_per_cpu)
{
	uint64_t before, after, t0;
	uint32_t cpus = 0;
	const char *err;

	printk(KERN_INFO "KTAP version 1\n");
	printk(KERN_INFO "1..1\n");
	buddy_drain_all();
	before = buddy_free_pages_total();
	t0 = mm_rdtsc();
	err = mm_smp_stress(run_all, ops_per_cpu, &cpus);
	buddy_drain_all();
	after = buddy_free_pages_total();
	if (!err && after != before) {
		ksnprintf(smp_job.msg, sizeof(smp_job.msg), "%llu pages free afterwards, %llu before",
			  (unsigned long long)after, (unsigned long long)before);
		err = smp_job.msg;
	}
	printk(KERN_INFO "# mm_smp_stress: %u CPUs at once, %lu operations each, orders 0-6, "
	       "blocks freed on other CPUs: %llu TSC cycles\n", cpus, ops_per_cpu,
	       (unsigned long long)(mm_rdtsc() - t0));
	if (err) {
		printk(KERN_INFO "# mm_smp_stress: %s\n", err);
		printk(KERN_INFO "not ok 1 - mm_smp_stress_all_cpus\n");
		return 1;
	}
	printk(KERN_INFO "ok 1 - mm_smp_stress_all_cpus\n");
	return 0;
}

void mm_bench_smp(mm_run_all_fn run_all, uint32_t online, unsigned long ops)
{
	uint32_t counts[3] = { 1, 2, online }, with_mem = 0;

	for (uint32_t n = 0; n < mm_nr_nodes; n++)
		with_mem += node_data[n]->node_present_pages != 0;
	for (int i = 0; i < 3; i++) {
		if (counts[i] > online || (i > 0 && counts[i] == counts[i - 1]))
			continue;
		for (int remote = 0; remote < (with_mem > 1 ? 2 : 1); remote++) {
			struct mm_smp_bench_result r;

			if (mm_smp_bench(run_all, counts[i], remote, ops, &r)) {
				printk(KERN_INFO "mm_bench: order-0 alloc+free on %u CPU%s at once, %s "
				       "frees: failed (%s)\n", counts[i], counts[i] == 1 ? "" : "s",
				       remote ? "remote" : "local", smp_job.msg);
				continue;
			}
			printk(KERN_INFO "mm_bench: order-0 alloc+free on %u CPU%s at once, %s frees: "
			       "%llu cycles per pair, %llu pairs/s per CPU\n", r.cpus,
			       r.cpus == 1 ? "" : "s", remote ? "remote" : "local",
			       (unsigned long long)r.cycles_per_op,
			       (unsigned long long)r.ops_per_sec_per_cpu);
		}
	}
}
