/*
 * smp.c - application processors: bring-up onto their own node's copy,
 * IPIs, TLB shootdown, cross-CPU calls (interfaces in kernel/smp.h and
 * include/cpu.h).
 *
 * Bring-up, one CPU at a time, by the boot CPU:
 *   1. CPUs = the MADT's usable entries (the handoff topology's IN_MADT
 *      CPUs), numbered 0 (boot CPU), then by APIC id;
 *   2. the start-up code is copied to the loader's page P below 1 MiB and P
 *      is mapped 1:1 in every copy (vmap_map: table pages from each copy's
 *      node);
 *   3. per CPU: struct cpu + stacks from the CPU's node (cpu.h layout);
 *      with vmap_lock held (no mapping change can overlap a start), fill
 *      the start-up data (its copy's root, stack, struct cpu), INIT, 10 ms,
 *      STARTUP, 200 us, STARTUP again unless the CPU already reached real
 *      mode, then wait (TSC deadline) until it says it is online; a CPU
 *      that does not is sent INIT again (so a late start cannot run on
 *      reused data), reported and skipped;
 *   4. P is unmapped from every copy with a shootdown of the started CPUs,
 *      and every copy is verified again (kernel/pgtable.c).
 *
 * Each AP: per-CPU GDT/TSS/IDT and GS (cpu_load), its APIC, prints its
 * "smp:" line (CR3 as read from the register), marks itself online and
 * enters the idle loop: interrupts on, hlt, run smp_call_on requests.
 *
 * Interrupts: only IPIs (legacy PICs masked, APIC LVTs masked).  Vector
 * SMP_IPI_VECTOR serves a pending TLB shootdown and wakes an idle CPU to
 * look at its call mailbox; calls run in the idle loop, not in the
 * interrupt, so they may take locks.  Lock order: a CPU's call_lock, then
 * vmap_lock, then the buddy's, then printk's (irq-save, innermost).
 */
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "handoff.h"
#include "printk.h"
#include "spinlock.h"
#include "mm/buddy.h"
#include "mm/memmap.h"
#include "mm/pgtable.h"
#include "mm/pgtable_check.h"
#include "kernel/apic.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/delay.h"
#include "kernel/panic.h"
#include "kernel/pgtable.h"
#include "kernel/smp.h"
#include "kernel/vmap.h"

#define INIT_WAIT_US      10000      /* INIT -> STARTUP (SDM 8.4.4.1) */
#define SIPI_WAIT_US      200        /* STARTUP -> STARTUP */
#define ONLINE_WAIT_US    2000000    /* STARTUP -> online: TCG on a loaded host is slow */
#define ACK_WAIT_US       5000000    /* shootdown acknowledgement */
#define STOP_WAIT_US      100000     /* panic NMI -> stopped */

extern char smp_tramp_start[], smp_tramp_end[];
extern char tr_gdt[], tr_gdtr[], tr_pm_ptr[], tr_lm_ptr[], tr_pm32[], tr_lm64[];
extern char tr_cr3_low[], tr_alive[], tr_cr3[], tr_stack[], tr_cpu[], tr_entry[];
extern spinlock_t vmap_lock;                    /* kernel/vmap.c */

static uint32_t nr_online = 1;
static const struct handoff *smp_handoff;
uint64_t smp_last_shootdown_cycles;
uint32_t smp_last_shootdown_targets;

/* The current shootdown request, written under vmap_lock. */
static struct {
	virt_addr_t va;
	uint64_t pages;
	uint64_t gen;           /* release-stored last */
} tlb_req;

/* ---- include/cpu.h ------------------------------------------------------ */

uint32_t smp_processor_id(void)
{
	return this_cpu()->id;
}

uint32_t smp_nr_cpus(void)
{
	return nr_cpus;
}

uint32_t smp_online(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
}

bool smp_cpu_online(uint32_t cpu)
{
	return cpu < nr_cpus && cpus[cpu] && cpu_state(cpus[cpu]) == CPU_ONLINE;
}

uint32_t smp_cpu_node(uint32_t cpu)
{
	return cpu < nr_cpus && cpus[cpu] ? cpus[cpu]->node : NUMA_NO_NODE;
}

static void call_start(struct cpu *c, smp_fn fn, void *arg)
{
	spin_lock(&c->call_lock);
	c->call_fn = fn;
	c->call_arg = arg;
	__atomic_store_n(&c->call_req, c->call_req + 1, __ATOMIC_RELEASE);
	if (!apic_send_fixed(c->apic_id, SMP_IPI_VECTOR))
		panic("smp: cannot send an IPI to cpu %u (apic 0x%x): the APIC never showed it sent",
		      c->id, c->apic_id);
}

static void call_wait(struct cpu *c)
{
	while (__atomic_load_n(&c->call_done, __ATOMIC_ACQUIRE) != c->call_req)
		cpu_relax();
	spin_unlock(&c->call_lock);
}

int smp_call_on(uint32_t cpu, smp_fn fn, void *arg)
{
	if (!smp_cpu_online(cpu))
		return -1;
	if (cpus[cpu] == this_cpu()) {
		fn(arg);
		return 0;
	}
	call_start(cpus[cpu], fn, arg);
	call_wait(cpus[cpu]);
	return 0;
}

uint32_t smp_call_on_node(uint32_t nid, smp_fn fn, void *arg)
{
	struct cpu *me = this_cpu();
	uint64_t started[NUMA_MAX_CPUS / 64] = { 0 };
	uint32_t n = 0;
	bool self = false;

	for (uint32_t i = 0; i < nr_cpus; i++) {
		if (!smp_cpu_online(i) || (nid != NUMA_NO_NODE && cpus[i]->node != nid))
			continue;
		if (cpus[i] == me) {
			self = true;
		} else {
			call_start(cpus[i], fn, arg);
			started[i / 64] |= 1ULL << (i % 64);
		}
		n++;
	}
	if (self)
		fn(arg);
	for (uint32_t i = 0; i < nr_cpus; i++) {
		if (started[i / 64] & (1ULL << (i % 64)))
			call_wait(cpus[i]);
	}
	return n;
}

/* ---- TLB shootdown ------------------------------------------------------ */

static void tlb_flush_local(virt_addr_t va, uint64_t pages)
{
	if (pages > SMP_FLUSH_ALL_PAGES) {
		/* Kernel leaves are global: only a CR4.PGE toggle (or INVLPG)
		 * drops them; a CR3 reload would keep them. */
		uint64_t rf = read_rflags(), cr4;

		cli();
		cr4 = read_cr4();
		if (cr4 & X86_CR4_PGE) {
			write_cr4(cr4 & ~X86_CR4_PGE);
			write_cr4(cr4);
		} else {
			write_cr3(read_cr3());
		}
		if (rf & X86_RFLAGS_IF)
			__asm__ volatile("sti" ::: "memory");
		return;
	}
	for (uint64_t i = 0; i < pages; i++)
		invlpg(va + PFN_PHYS(i));
}

static void tlb_service(void)
{
	struct cpu *me = this_cpu();
	uint64_t gen = __atomic_load_n(&tlb_req.gen, __ATOMIC_ACQUIRE);

	if (gen == me->tlb_ack)
		return;
	tlb_flush_local(tlb_req.va, tlb_req.pages);
	__atomic_store_n(&me->tlb_ack, gen, __ATOMIC_RELEASE);
}

void smp_tlb_shootdown(virt_addr_t va, uint64_t pages)
{
	struct cpu *me = this_cpu();
	uint64_t gen, t0 = rdtsc(), end;
	uint32_t targets = 0;

	BUG_ON(!spin_is_locked(&vmap_lock), "smp_tlb_shootdown: vmap_lock not held");
	tlb_req.va = va;
	tlb_req.pages = pages;
	gen = tlb_req.gen + 1;
	__atomic_store_n(&tlb_req.gen, gen, __ATOMIC_RELEASE);
	tlb_flush_local(va, pages);
	me->tlb_ack = gen;

	for (uint32_t i = 0; i < nr_cpus; i++) {
		if (cpus[i] == me || !smp_cpu_online(i))
			continue;
		if (!apic_send_fixed(cpus[i]->apic_id, SMP_IPI_VECTOR))
			panic("smp: cannot send the shootdown IPI to cpu %u (apic 0x%x)", i,
			      cpus[i]->apic_id);
		targets++;
	}
	end = tsc_deadline_us(ACK_WAIT_US);
	for (uint32_t i = 0; i < nr_cpus; i++) {
		if (cpus[i] == me || !smp_cpu_online(i))
			continue;
		while (__atomic_load_n(&cpus[i]->tlb_ack, __ATOMIC_ACQUIRE) != gen) {
			if (tsc_passed(end))
				panic("smp: cpu %u (apic 0x%x) did not acknowledge the TLB shootdown of "
				      "0x%lx (+%lu pages) within %u ms", i, cpus[i]->apic_id, va, pages,
				      ACK_WAIT_US / 1000);
			cpu_relax();
		}
	}
	smp_last_shootdown_cycles = rdtsc() - t0;
	smp_last_shootdown_targets = targets;
}

/* ---- interrupts, panic -------------------------------------------------- */

void smp_interrupt(uint64_t vector)
{
	struct cpu *me = this_cpu();

	if (vector == APIC_SPURIOUS_VECTOR)
		return;                 /* no EOI for the spurious vector */
	if (vector == SMP_IPI_VECTOR) {
		tlb_service();
		apic_eoi();
		return;
	}
	apic_eoi();
	printk(KERN_WARNING "smp: cpu %u: unexpected interrupt, vector %lu (ignored)\n",
	       me->id, vector);
}

uint32_t smp_stop_others(uint32_t *others)
{
	struct cpu *me = this_cpu();
	uint32_t stopped = 0;
	uint64_t end;

	*others = 0;
	if (smp_online() <= 1)
		return 0;
	apic_send_nmi_all_but_self();
	end = tsc_deadline_us(STOP_WAIT_US);
	for (uint32_t i = 0; i < nr_cpus; i++) {
		if (!cpus[i] || cpus[i] == me || cpu_state(cpus[i]) == CPU_OFFLINE)
			continue;
		(*others)++;
		while (cpu_state(cpus[i]) == CPU_ONLINE && !tsc_passed(end))
			cpu_relax();
		stopped += cpu_state(cpus[i]) == CPU_STOPPED;
	}
	return stopped;
}

/* ---- bring-up ----------------------------------------------------------- */

/* Node whose memory holds pa (by the handoff's topology), or NUMA_NO_NODE. */
static uint32_t node_of_phys(phys_addr_t pa)
{
	for (uint32_t n = 0; n < smp_handoff->numa.nr_nodes; n++) {
		if (pgcheck_in_node(&smp_handoff->numa, n, pa, PAGE_SIZE))
			return n;
	}
	return NUMA_NO_NODE;
}

static void smp_print_cpu(const struct cpu *c)
{
	phys_addr_t cr3 = read_cr3() & PTE_ADDR_MASK;

	printk(KERN_INFO "smp: cpu %u apic 0x%x node %u cr3 0x%lx (node %u)\n", c->id, apic_id(),
	       c->node, cr3, node_of_phys(cr3));
}

/* The boot CPU's line when its APIC cannot be used. */
static void smp_print_cpu_early(struct cpu *me, uint32_t apic)
{
	phys_addr_t cr3 = read_cr3() & PTE_ADDR_MASK;

	me->apic_id = apic;
	me->cr3 = cr3;
	printk(KERN_INFO "smp: cpu %u apic 0x%x node %u cr3 0x%lx (node %u)\n", me->id, apic,
	       me->node, cr3, node_of_phys(cr3));
}

static __noreturn void cpu_idle(struct cpu *me)
{
	for (;;) {
		uint64_t req;

		cli();
		req = __atomic_load_n(&me->call_req, __ATOMIC_ACQUIRE);
		if (req != me->call_done) {
			smp_fn fn = me->call_fn;
			void *arg = me->call_arg;

			__asm__ volatile("sti" ::: "memory");
			fn(arg);
			__atomic_store_n(&me->call_done, req, __ATOMIC_RELEASE);
			continue;
		}
		/* sti's one-instruction shadow: an IPI that arrived after the
		 * check above wakes the hlt instead of being missed. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

/* The start-up code jumps here on the CPU's own stack, on its copy. */
__noreturn void smp_ap_entry(struct cpu *c);
__noreturn void smp_ap_entry(struct cpu *c)
{
	cpu_load(c);
	apic_init_cpu();
	smp_print_cpu(c);
	__atomic_fetch_add(&nr_online, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
	cpu_idle(c);
}

#define TR_OFF(sym) ((uint64_t)((sym) - smp_tramp_start))

static void tramp_put32(uint8_t *page, char *sym, uint32_t v)
{
	*(volatile uint32_t *)(page + TR_OFF(sym)) = v;
}

static void tramp_put64(uint8_t *page, char *sym, uint64_t v)
{
	*(volatile uint64_t *)(page + TR_OFF(sym)) = v;
}

/* The usable MADT CPUs, boot CPU first, then by APIC id. */
static uint32_t collect_cpus(const struct numa_topology *t, uint32_t boot_apic,
			     const struct numa_cpu **out)
{
	uint32_t n = 0, cnt = MIN(t->nr_cpus, (uint32_t)NUMA_MAX_CPUS);

	for (uint32_t i = 0; i < cnt; i++) {
		if (t->cpus[i].apic_id == boot_apic)
			out[n++] = &t->cpus[i];
	}
	for (uint32_t i = 0; i < cnt; i++) {
		const struct numa_cpu *c = &t->cpus[i];
		uint32_t j;

		if (!(c->flags & NUMA_CPU_IN_MADT) || c->apic_id == boot_apic)
			continue;
		for (j = n; j > 1 && out[j - 1]->apic_id > c->apic_id; j--)
			out[j] = out[j - 1];
		out[j] = c;
		n++;
	}
	return n;
}

/* Allocate and fill an AP's struct cpu and stacks on its node. */
static struct cpu *cpu_alloc(uint32_t id, const struct numa_cpu *nc)
{
	const struct handoff *h = smp_handoff;
	uint16_t node = nc->node < h->nr_pgd ? nc->node : 0;
	struct page *p = buddy_alloc(CPU_AREA_ORDER, node, ZONE_NORMAL);
	struct cpu *c;
	uint64_t base;

	if (p == NULL)
		return NULL;
	base = (uint64_t)(uintptr_t)page_address(p);
	c = (struct cpu *)(uintptr_t)base;
	__builtin_memset(c, 0, sizeof(*c));
	c->self = c;
	c->id = id;
	c->apic_id = nc->apic_id;
	c->numa_idx = (uint32_t)(nc - h->numa.cpus);
	c->node = node;
	c->pgd_node = h->pgd[node].root_node;
	c->cr3 = h->pgd[node].root_pa;
	c->area_pa = page_to_phys(p);
	c->area_node = p->node;
	c->stack_lo = base + CPU_AREA_STACK;
	c->stack_hi = c->stack_lo + CPU_STACK_SIZE;
	for (int i = 0; i < 3; i++)
		c->ist_lo[i] = base + CPU_AREA_IST(i);
	return c;
}

/*
 * Start one CPU; returns true once it is online.  vmap_lock is held so
 * that no kernel-mapping change (and its shootdown, which would not target
 * this CPU yet) can overlap the start.
 */
static bool cpu_start(struct cpu *c, uint8_t *tramp, phys_addr_t tramp_pa, phys_addr_t low_root,
		      bool skip_sipi, const char **why)
{
	phys_addr_t cr3_low = c->cr3;
	uint64_t end;
	bool ok;

	if (c->cr3 >= (1ULL << 32)) {
		/* A 32-bit MOV to CR3 cannot reach the copy: start on a page
		 * below 4 GiB holding its root's entries, which point at the
		 * same node-local tables; the first 64-bit instruction loads
		 * the real root. */
		__builtin_memcpy(phys_to_virt(low_root), phys_to_virt(c->cr3), PAGE_SIZE);
		cr3_low = low_root;
	}
	spin_lock(&vmap_lock);
	tramp_put32(tramp, tr_cr3_low, (uint32_t)cr3_low);
	tramp_put32(tramp, tr_alive, 0);
	tramp_put64(tramp, tr_cr3, c->cr3);
	tramp_put64(tramp, tr_stack, c->stack_hi - 8);
	tramp_put64(tramp, tr_cpu, (uint64_t)(uintptr_t)c);
	tramp_put64(tramp, tr_entry, (uint64_t)(uintptr_t)smp_ap_entry);
	__atomic_store_n(&c->state, CPU_STARTING, __ATOMIC_RELEASE);
	__asm__ volatile("mfence" ::: "memory");

	ok = apic_send_init(c->apic_id);
	udelay(INIT_WAIT_US);
	if (ok && !skip_sipi) {
		ok = apic_send_startup(c->apic_id, (uint8_t)(tramp_pa >> PAGE_SHIFT));
		udelay(SIPI_WAIT_US);
		if (ok && !*(volatile uint32_t *)(tramp + TR_OFF(tr_alive)))
			ok = apic_send_startup(c->apic_id, (uint8_t)(tramp_pa >> PAGE_SHIFT));
	}
	*why = !ok ? "the APIC did not send INIT/STARTUP" :
	       skip_sipi ? "no STARTUP sent (smp_skip_sipi test option)" : "no answer";
	end = tsc_deadline_us(ONLINE_WAIT_US);
	while (ok && cpu_state(c) != CPU_ONLINE && !tsc_passed(end))
		cpu_relax();
	ok = cpu_state(c) == CPU_ONLINE;
	if (!ok) {
		/* Park it: INIT puts it back into wait-for-STARTUP, so a late
		 * start cannot run on data meant for the next CPU. */
		apic_send_init(c->apic_id);
		__atomic_store_n(&c->state, CPU_OFFLINE, __ATOMIC_RELEASE);
		if (*(volatile uint32_t *)(tramp + TR_OFF(tr_alive)))
			*why = "reached real mode but not the kernel";
	}
	spin_unlock(&vmap_lock);
	return ok;
}

void smp_init(const struct handoff *h, const struct smp_options *opt)
{
	static const struct numa_cpu *list[NUMA_MAX_CPUS];
	struct cpu *me = this_cpu();
	uint32_t boot_apic = cpu_apic_id(), k = 1, n;
	bool need_x2apic = false;
	phys_addr_t tp = h->smp_trampoline_pa, low_root = 0;
	struct page *low_page = NULL;
	uint8_t *tramp;
	const char *why;

	smp_handoff = h;
	n = collect_cpus(&h->numa, boot_apic, list);
	/* 0xff is xAPIC's broadcast destination, so 255 needs x2APIC too. */
	for (uint32_t i = 0; i < n; i++)
		need_x2apic |= list[i]->apic_id > 0xfe;
	why = apic_init_boot(need_x2apic, opt->x2apic);
	if (why) {
		printk(KERN_WARNING "smp: local APIC unusable (%s): only the boot CPU runs\n", why);
		smp_print_cpu_early(me, boot_apic);
		printk(KERN_INFO "smp: 1 of %u CPUs online\n", n ? n : 1);
		return;
	} else {
		printk(KERN_INFO "smp: local APIC in %s mode, %u CPUs in the MADT\n",
		       apic_mode_reason(), n);
		__asm__ volatile("sti" ::: "memory");
	}
	me->apic_id = boot_apic;
	me->cr3 = read_cr3() & PTE_ADDR_MASK;
	if (n && list[0]->apic_id == boot_apic)
		me->numa_idx = (uint32_t)(list[0] - h->numa.cpus);
	smp_print_cpu(me);
	if (n <= 1 || list[0]->apic_id != boot_apic) {
		if (n > 1)
			printk(KERN_WARNING "smp: the boot CPU (apic 0x%x) is not in the MADT: "
			       "only the boot CPU runs\n", boot_apic);
		printk(KERN_INFO "smp: 1 of %u CPUs online\n", n ? n : 1);
		return;
	}
	nr_cpus = n;
	if (tp == 0 || tp >= SZ_1M || !IS_ALIGNED(tp, PAGE_SIZE)) {
		printk(KERN_WARNING "smp: no start-up page below 1 MiB from the loader (0x%lx): "
		       "only the boot CPU runs\n", tp);
		printk(KERN_INFO "smp: 1 of %u CPUs online\n", n);
		return;
	}

	/* The start-up code, its far pointers made absolute, mapped 1:1. */
	tramp = phys_to_virt(tp);
	__builtin_memcpy(tramp, smp_tramp_start, (size_t)(smp_tramp_end - smp_tramp_start));
	tramp_put32(tramp, tr_gdtr + 2, (uint32_t)(tp + TR_OFF(tr_gdt)));
	tramp_put32(tramp, tr_pm_ptr, (uint32_t)(tp + TR_OFF(tr_pm32)));
	tramp_put32(tramp, tr_lm_ptr, (uint32_t)(tp + TR_OFF(tr_lm64)));
	if (vmap_map(tp, tp, PAGE_SIZE, 0))
		panic("smp: cannot map the start-up page 0x%lx 1:1 in every copy", tp);

	for (uint32_t i = 1; i < n; i++) {
		struct cpu *c;
		const char *fail = "no memory for its stacks";
		bool ok = false;

		c = cpu_alloc(i, list[i]);
		if (c && c->cr3 >= (1ULL << 32) && low_root == 0) {
			low_page = buddy_alloc(0, c->node, ZONE_DMA32);
			low_root = low_page ? page_to_phys(low_page) : 0;
			if (low_root == 0)
				fail = "no page below 4 GiB for its first CR3";
		}
		cpus[i] = c;
		if (c && (c->cr3 < (1ULL << 32) || low_root))
			ok = cpu_start(c, tramp, tp, low_root, opt->skip_sipi == (int64_t)i, &fail);
		if (ok) {
			k++;
		} else {
			printk(KERN_WARNING "smp: cpu %u apic 0x%x node %u did not come online (%s): "
			       "skipped\n", i, list[i]->apic_id, list[i]->node, fail);
			if (c)
				buddy_free(phys_to_page(c->area_pa), CPU_AREA_ORDER);
			cpus[i] = NULL;
		}
	}

	if (vmap_unmap(tp, PAGE_SIZE))
		panic("smp: cannot unmap the start-up page 0x%lx", tp);
	if (low_page)
		buddy_free(low_page, 0);
	printk(KERN_INFO "smp: %u of %u CPUs online\n", k, n);
	if (!pgtable_verify("after SMP start-up"))
		panic("smp: the page-table copies broke a rule during start-up (named above)");
}
