/*
 * pgtable.c (kernel) - move the boot CPU onto its node's page-table copy
 * and check every copy before anything relies on them (issue 4).
 *
 *   1. APIC id (CPUID) -> node (the handoff's topology) -> that node's copy
 *      (a memory-less node's entry already names its nearest node's copy);
 *   2. clear the lower half (the loader's identity-mapped trampoline) in
 *      every copy, load CR3 with our copy, flush global entries too so the
 *      kernel text is fetched through this node's copy from now on;
 *   3. print "pgtable: cpu ..." and one "PGD: Node ..." line per node;
 *   4. mm/pgtable_check.c's five rules, then "pgtable: N copies verified"
 *      with the counts of W+X, non-RAM and writable-text pages, and Linux's
 *      "x86/mm: Checked W+X mappings" line; a failure panics naming the rule.
 */
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "handoff.h"
#include "printk.h"
#include "lib/printf.h"
#include "acpi/topology.h"
#include "mm/pgtable.h"
#include "mm/pgtable_check.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/pgtable.h"

extern char __text_end[];

/* Table pages are reached through the direct map; anything it does not
 * cover (past its end, or a hole: reserved, device, non-RAM) is reported
 * unreachable instead of faulting. */
static void *dm_phys_to_ptr(void *ctx, phys_addr_t pa)
{
	const struct handoff *h = ctx;

	if (pa >= h->direct_map_end ||
	    !pgtable_dm_covers(h->physmap, h->nr_physmap, ALIGN_DOWN(pa, PAGE_SIZE), PAGE_SIZE))
		return NULL;
	return phys_to_virt(pa);
}

static phys_addr_t no_alloc(void *ctx)
{
	return 0;               /* the kernel never builds tables here */
}

static struct pgtable_ops kernel_pgtable_ops(const struct handoff *h)
{
	return (struct pgtable_ops){
		.ctx = (void *)h,
		.alloc_table = no_alloc,
		.free_table = NULL,
		.phys_to_ptr = dm_phys_to_ptr,
	};
}

/* Zero PML4 entries 0..255 (the user half) of one copy. */
static void drop_lower_half(const struct pgtable_ops *ops, phys_addr_t root)
{
	uint64_t *pml4 = ops->phys_to_ptr(ops->ctx, root);

	if (pml4 == NULL)
		panic("pgtable: root 0x%lx is outside the direct map (ends 0x%lx)",
		      root, ((const struct handoff *)ops->ctx)->direct_map_end);
	for (int i = 0; i < PGTABLE_ENTRIES / 2; i++)
		pml4[i] = 0;
}

void pgtable_walk(virt_addr_t va, uint32_t node)
{
	const struct handoff *h = boot_handoff;
	struct pgtable_ops ops;

	if (h == NULL || node >= h->nr_pgd) {
		printk(KERN_ERR "pgtable: walk: no copy for node %u\n", node);
		return;
	}
	ops = kernel_pgtable_ops(h);
	printk(KERN_INFO "pgtable: node %u's copy:\n", node);
	pgtable_dump_walk(&ops, h->pgd[node].root_pa, va, printk_sink);
}

/* Test only: break one rule in a copy the boot CPU does not run on when
 * there is one (the check must still catch it, and the boot CPU keeps
 * sane tables until the panic). */
static void test_break(const struct pgcheck_input *in, const char *what, phys_addr_t live)
{
	uint32_t target = NUMA_NO_NODE;
	uint64_t cr0 = read_cr0();
	char done[160];
	int r;

	for (uint32_t n = 0; n < in->nr_pgd; n++) {
		if (in->pgd[n].root_pa != live) {
			target = n;
			break;
		}
		if (target == NUMA_NO_NODE)
			target = n;
	}
	/* Text frames (and, with gbpages, nothing else) are read-only in the
	 * direct map now: let this test-only write through, once. */
	write_cr0(cr0 & ~X86_CR0_WP);
	r = pgcheck_break(in, what, target, done, sizeof(done));
	write_cr0(cr0);
	if (r)
		printk(KERN_WARNING "pgtable: pgtable_test=%s: cannot break the rule: %s\n", what, done);
	else
		printk(KERN_WARNING "pgtable: pgtable_test=%s: %s\n", what, done);
}

static bool verify(const char *when, const char *test_rule, phys_addr_t root);

void pgtable_boot(const struct handoff *h, const char *test_rule)
{
	struct pgtable_ops ops = kernel_pgtable_ops(h);
	struct cpu *me = this_cpu();
	uint32_t apic = cpu_apic_id();
	uint16_t node = topology_node_of_apic(&h->numa, apic);
	phys_addr_t root, loader_root = read_cr3() & PTE_ADDR_MASK;
	uint64_t cr4;

	if (h->nr_pgd == 0 || h->nr_pgd > NUMA_MAX_NODES)
		panic("pgtable: handoff has %u page-table copies", h->nr_pgd);
	if (node == NUMA_NO_NODE || node >= h->nr_pgd) {
		printk(KERN_WARNING "pgtable: apic 0x%x is not in the topology; using boot node %u\n",
		       apic, h->boot_node);
		node = h->boot_node < h->nr_pgd ? h->boot_node : 0;
	}
	root = h->pgd[node].root_pa;
	me->apic_id = apic;
	me->node = node;
	me->pgd_node = h->pgd[node].root_node;
	me->cr3 = root;

	/* The identity map lives in the boot copy only, but clear the lower
	 * half everywhere: no copy may keep a user-half mapping. */
	for (uint32_t n = 0; n < h->nr_pgd; n++)
		drop_lower_half(&ops, h->pgd[n].root_pa);
	write_cr3(root);
	cr4 = read_cr4();
	if (cr4 & X86_CR4_PGE) {
		write_cr4(cr4 & ~X86_CR4_PGE);   /* flush global (kernel) entries */
		write_cr4(cr4);
	}
	if (loader_root != root)
		printk(KERN_INFO "pgtable: cpu 0 apic 0x%x node %u cr3 0x%lx (switched from 0x%lx)\n",
		       apic, node, (uint64_t)(read_cr3() & PTE_ADDR_MASK), (uint64_t)loader_root);
	else
		printk(KERN_INFO "pgtable: cpu 0 apic 0x%x node %u cr3 0x%lx\n", apic, node,
		       (uint64_t)(read_cr3() & PTE_ADDR_MASK));

	for (uint32_t n = 0; n < h->nr_pgd; n++) {
		const struct handoff_pgd *p = &h->pgd[n];

		printk(KERN_INFO "PGD: Node %u at 0x%lx (node %u), %u table pages, text at 0x%lx (node %u)\n",
		       n, p->root_pa, p->root_node, pgtable_count_tables(&ops, p->root_pa),
		       p->text_pa, p->text_node);
	}

	verify(NULL, test_rule, root);
}

bool pgtable_verify(const char *when)
{
	return verify(when, NULL, read_cr3() & PTE_ADDR_MASK);
}

/* The check over every copy, its lines, and at boot (when == NULL) Linux's
 * W+X line and a panic on failure; later runs report and return false. */
static bool verify(const char *when, const char *test_rule, phys_addr_t root)
{
	const struct handoff *h = boot_handoff;
	struct pgtable_ops ops = kernel_pgtable_ops(h);
	struct pgcheck_input in;
	struct pgcheck_result res;
	uint64_t t0;
	char line[240];
	int failed;

	in = (struct pgcheck_input){
		.ops = &ops,
		.numa = &h->numa,
		.pgd = h->pgd,
		.nr_pgd = h->nr_pgd,
		.physmap = h->physmap,
		.nr_physmap = h->nr_physmap,
		.ktext_va = h->ktext_va,
		.ktext_size = h->ktext_size,
		.text_end = (virt_addr_t)(uintptr_t)__text_end,
		.text_replicated = h->flags & HANDOFF_F_KTEXT,
		.allow_lower_half = false,
	};
	if (test_rule && test_rule[0])
		test_break(&in, test_rule, root);
	t0 = rdtsc();
	failed = pgtable_check(&in, &res);
	if (res.fallbacks && !when)
		printk(KERN_WARNING "pgtable: %u node(s) with memory use a copy on another node "
		       "(the loader found too little memory there)\n", res.fallbacks);
	ksnprintf(line, sizeof(line), "pgtable: %u copies %s, %lu mappings compared, %lu W+X, "
		  "%lu non-RAM, %lu writable text pages (%lu leaves checked, %lu us)%s%s", res.copies,
		  failed ? "FAILED" : "verified", res.mappings, res.wx_pages, res.nonram_pages,
		  res.text_rw_pages, res.leaves,
		  h->tsc_khz ? (rdtsc() - t0) * 1000 / h->tsc_khz : 0, when ? " " : "", when ? when : "");
	if (failed)
		printk(KERN_ERR "%s\n", line);
	else
		printk(KERN_INFO "%s\n", line);
	/* Linux's own line (CONFIG_DEBUG_WX), for a side-by-side dmesg; only
	 * when the leaf walk ran (a placement failure stops before it). */
	if (!when && res.wx_pages)
		printk(KERN_WARNING "x86/mm: Checked W+X mappings: FAILED, %lu W+X pages found.\n",
		       res.wx_pages);
	else if (!when && res.leaves)
		printk(KERN_INFO "x86/mm: Checked W+X mappings: passed, no W+X pages found.\n");
	if (failed && !when)
		panic("pgtable: verification failed: %s", res.reason);
	if (failed)
		printk(KERN_ERR "pgtable: verification %s failed: %s\n", when, res.reason);
	return !failed;
}
