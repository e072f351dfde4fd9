/*
 * main.c - kmain: the kernel's boot sequence, one step per line, in the
 * order the boot log shows them.
 *
 *   cpu_boot_init        struct cpu 0 in GS, own GDT/TSS/IDT: no fault goes
 *                        unreported from here
 *   serial_init_fallback COM1, only until the handoff is checked
 *   handoff check        magic, version, size, checksum (panic with the rule)
 *   serial_init          the consoles the loader found (kernel/serial.c)
 *   fbcon_init           the framebuffer, if any (kernel/fbcon.c)
 *   banner, cmdline      "numaboot version ...", "Command line: ..."
 *   memory map           "efi: mem: [mem ...] type" per entry, then totals
 *   pgtable_boot         own node's page-table copy, identity map dropped,
 *                        all copies verified (kernel/pgtable.c)
 *   topology_print       SRAT/NUMA lines (acpi/)
 *   mm_init              bootmem -> nodes, zones, buddy (mm/)
 *   vmap_init, smp_init  every CPU started on its node's copy (kernel/smp.c)
 *   selftest, bench      on request (mm/, then kernel/smp_test.c)
 *   "boot: done"         then exit QEMU (qemu_exit), reset (reboot) or halt
 */
#include <stdarg.h>
#include "types.h"
#include "x86.h"
#include "vmlayout.h"
#include "handoff.h"
#include "printk.h"
#include "mm/mm.h"
#include "mm/physmap.h"
#include "acpi/topology.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/delay.h"
#include "kernel/fbcon.h"
#include "kernel/mm_hooks.h"
#include "kernel/reboot.h"
#include "kernel/pgtable.h"
#include "kernel/serial.h"
#include "kernel/smp.h"
#include "kernel/trap.h"
#include "kernel/vmap.h"
#include "lib/printf.h"

#define KERNEL_NAME     "numaboot"
#define KERNEL_VERSION  "0.1"

const struct handoff *boot_handoff;
uint64_t delay_tsc_khz = DELAY_TSC_KHZ_UNKNOWN;

extern char __text_start[], __kernel_end[];

static bool cmdline_terminated(const char *s, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (s[i] == '\0')
			return true;
	}
	return false;
}

/* Validate and return the handoff, or panic naming the broken rule. */
static const struct handoff *handoff_get(phys_addr_t handoff_pa)
{
	const struct handoff *h;
	const char *why;

	if (handoff_pa == 0 || handoff_pa > DIRECT_MAP_MAX - sizeof(*h))
		panic("handoff: physical address 0x%lx (RDI at entry) is outside the direct map",
		      handoff_pa);
	h = phys_to_virt(handoff_pa);
	why = handoff_check(h, sizeof(*h));
	if (why)
		panic("handoff at 0x%lx rejected: %s (got magic 0x%lx version %u size %u; "
		      "kernel expects version %u size %zu)", handoff_pa, why, h->hdr.magic,
		      h->hdr.version, h->hdr.size, HANDOFF_VERSION, sizeof(*h));
	if (!cmdline_terminated(h->cmdline, sizeof(h->cmdline)))
		panic("handoff: cmdline is not NUL-terminated within %zu bytes", sizeof(h->cmdline));
	return h;
}

/* The parse's result, printed after the "Command line:" line. */
static struct cmdline_result cmdline_result;

/* printf_fn for cmdline_report: its lines are warnings. */
static void cmdline_warn(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk(KERN_WARNING "%s", line);
}

static void cpu_print(void)
{
	struct cpuid_regs r = cpuid(0x80000000);
	uint32_t brand[13] = { 0 };

	if (r.eax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i);
			brand[i * 4 + 0] = r.eax;
			brand[i * 4 + 1] = r.ebx;
			brand[i * 4 + 2] = r.ecx;
			brand[i * 4 + 3] = r.edx;
		}
	}
	const char *s = (const char *)brand;
	while (*s == ' ')
		s++;
	printk(KERN_INFO "CPU: %s\n", *s ? s : "(no brand string)");
}

/*
 * The memory map as the loader normalised it, one line per entry in the
 * layout of Linux's e820 print, then totals per type.  The contract says
 * sorted and non-overlapping; an entry that breaks it stops the boot here,
 * before mm/ builds on it.
 */
static void physmap_print(const struct handoff *h)
{
	uint64_t bytes[PHYSMAP_TYPE_MAX + 1] = { 0 };
	uint64_t prev_end = 0;
	char totals[256];
	size_t pos = 0;

	printk(KERN_INFO "efi: memory map from the loader: %u entries\n", h->nr_physmap);
	for (uint32_t i = 0; i < h->nr_physmap; i++) {
		const struct physmap_entry *e = &h->physmap[i];

		if (e->end <= e->start)
			panic("handoff: physmap[%u] [0x%lx-0x%lx) is empty or inverted", i, e->start, e->end);
		if (e->start < prev_end)
			panic("handoff: physmap[%u] at 0x%lx overlaps or precedes the entry before (ends 0x%lx)",
			      i, e->start, prev_end);
		if (e->type < PHYSMAP_USABLE || e->type > PHYSMAP_TYPE_MAX)
			panic("handoff: physmap[%u] has unknown type %u", i, e->type);
		prev_end = e->end;
		bytes[e->type] += e->end - e->start;

		if (e->type == PHYSMAP_LOADER)
			printk(KERN_INFO "efi: mem: [mem 0x%016lx-0x%016lx] %s (%s)\n", e->start,
			       e->end - 1, physmap_type_name(e->type), physmap_owner_name(e->owner));
		else
			printk(KERN_INFO "efi: mem: [mem 0x%016lx-0x%016lx] %s\n", e->start, e->end - 1,
			       physmap_type_name(e->type));
	}

	for (uint32_t t = PHYSMAP_USABLE; t <= PHYSMAP_TYPE_MAX; t++) {
		if (!bytes[t] && t != PHYSMAP_USABLE)
			continue;
		pos += ksnprintf(totals + pos, pos < sizeof(totals) ? sizeof(totals) - pos : 0,
				 "%s%s %luK (%lu MiB)", pos ? ", " : "", physmap_type_name(t),
				 bytes[t] >> 10, bytes[t] >> 20);
	}
	printk(KERN_INFO "efi: %s\n", totals);
}

/* TSC cycles -> microseconds with the loader's calibration (0 if unknown). */
/* mm/'s run_all (mm/mm.h): fn on every online CPU at once, this one too. */
static uint32_t run_on_all_cpus(void (*fn)(void *arg), void *arg)
{
	return smp_call_on_node(NUMA_NO_NODE, fn, arg);
}

/* Sized for TCG on two host cores: seconds, not minutes. */
#define MM_SMP_SELFTEST_OPS 2000
#define MM_SMP_BENCH_OPS    4096

static uint64_t tsc_to_us(const struct handoff *h, uint64_t cycles)
{
	return h->tsc_khz ? cycles * 1000 / h->tsc_khz : 0;
}

/* fault=<kind>: test-only, makes the kernel fail in a chosen way so the
 * harness can check the exception dump.  Returns only for an unknown kind.
 * Not inlined, so the trace names it (the QEMU cases check that). */
static __attribute__((noinline)) __noclone void fault_inject(const char *kind)
{
	static uint8_t data_ret[16] __attribute__((aligned(16))) = { 0xc3 };  /* ret, in .data (NX) */
	const char *k = kind;

	if (!__builtin_strcmp(k, "smp-panic"))
		return;                 /* once the CPUs run: smp_fault_panic */
	printk(KERN_WARNING "fault: injecting '%s' (test option)\n", kind);
	if (!__builtin_strcmp(k, "pf")) {
		/* The unused gap after the direct map: never mapped. */
		(void)*(volatile uint64_t *)(uintptr_t)(DIRECT_MAP_BASE + DIRECT_MAP_MAX + 0x1000);
	} else if (!__builtin_strcmp(k, "gp")) {
		(void)*(volatile uint64_t *)(uintptr_t)0x8000000000000000ULL;   /* non-canonical */
	} else if (!__builtin_strcmp(k, "ud")) {
		__asm__ volatile("ud2");
	} else if (!__builtin_strcmp(k, "de")) {
		__asm__ volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx" ::: "eax", "ecx", "edx");
	} else if (!__builtin_strcmp(k, "bp")) {
		__asm__ volatile("int3");
	} else if (!__builtin_strcmp(k, "wp")) {
		*(volatile uint8_t *)__text_start = 0x90;                        /* text is RX */
	} else if (!__builtin_strcmp(k, "nx")) {
		((void (*)(void))(uintptr_t)data_ret)();                        /* data is NX */
	} else if (!__builtin_strcmp(k, "df")) {
		/* Unmapped stack: the #PF cannot be delivered, the CPU raises #DF on IST1. */
		__asm__ volatile("movq %0, %%rsp\n\tpushq $0"
				 : : "r"(DIRECT_MAP_BASE + DIRECT_MAP_MAX + 0x2000) : "memory");
	} else if (!__builtin_strcmp(k, "panic")) {
		panic("fault=panic: deliberate panic from the command line");
	} else if (!__builtin_strcmp(k, "bug")) {
		BUG_ON(true, "fault=bug: deliberate BUG_ON from the command line");
	} else if (!__builtin_strcmp(k, "badframe")) {
		/* A corrupt frame chain: our caller's saved RBP becomes 0x1000,
		 * below the stack, then a fault.  The trace must show this frame
		 * and kmain, then stop with its reason instead of following it. */
		((volatile uint64_t *)__builtin_frame_address(0))[0] = 0x1000;
		__asm__ volatile("ud2");
	} else if (!__builtin_strcmp(k, "nested")) {
		/* The panic message itself faults while being formatted: the
		 * exception inside panic must end in one short line. */
		panic("fault=nested: %s", (const char *)(uintptr_t)(DIRECT_MAP_BASE + DIRECT_MAP_MAX + 0x3000));
	} else {
		printk(KERN_ERR "fault: unknown kind '%s' (pf gp ud de bp wp nx df panic bug badframe nested smp-panic): ignored\n",
		       kind);
		return;
	}
	panic("fault=%s did not fault", kind);
}

__noreturn void kmain(phys_addr_t handoff_pa)
{
	const struct handoff *h;
	uint64_t tsc_entry = rdtsc();

	cpu_boot_init();
	serial_init_fallback();

	h = handoff_get(handoff_pa);
	boot_handoff = h;
	serial_init(h);
	fbcon_init(h);
	if (h->stack_size && boot_stack_top == (uint64_t)(uintptr_t)phys_to_virt(h->stack_pa + h->stack_size))
		this_cpu()->stack_lo = boot_stack_top - h->stack_size;
	if (h->tsc_khz)
		delay_tsc_khz = h->tsc_khz;

	/* Parse before the first line so loglevel= applies to all of them;
	 * complaints are printed after the "Command line:" line. */
	kernel_cmdline_parse(h->cmdline, &cmdline_result);
	if (boot_opts.loglevel >= 0)
		console_loglevel = boot_opts.loglevel;

	printk(KERN_NOTICE "%s version %s (gcc %s) x86_64, built " __DATE__ " " __TIME__ "\n",
	       KERNEL_NAME, KERNEL_VERSION, __VERSION__);
	printk(KERN_NOTICE "Command line: %s\n", h->cmdline);
	cmdline_report(&cmdline_result, "", cmdline_warn);
	/* Linux's line; there is no user space here to hand them to. */
	if (cmdline_result.nr_unknown)
		printk(KERN_NOTICE "Unknown kernel command line parameters \"%s\", ignored (no user space "
		       "to pass them to).\n", cmdline_result.unknown);
	serial_print_consoles();
	fbcon_print(h);
	printk(KERN_INFO "handoff: v%u, %u bytes at 0x%lx; kernel 0x%lx-0x%lx at phys 0x%lx; "
	       "flags%s%s%s%s\n", h->hdr.version, h->hdr.size, handoff_pa, h->kernel_va,
	       h->kernel_va + h->kernel_size - 1, h->kernel_pa,
	       (h->flags & HANDOFF_F_GBPAGES) ? " gbpages" : "",
	       (h->flags & HANDOFF_F_KTEXT) ? " ktext" : "",
	       (h->flags & HANDOFF_F_NX) ? " nx" : "",
	       (h->flags & HANDOFF_F_UNIFIED) ? " unified" : "");
	printk(KERN_INFO "secureboot: Secure boot %s\n",      /* Linux's words */
	       (h->flags & HANDOFF_F_SECURE_BOOT) ? "enabled" : "disabled");
	cpu_print();

	physmap_print(h);

	if (boot_opts.fault[0])
		fault_inject(boot_opts.fault);

	pgtable_boot(h, boot_opts.pgtable_test);
	if (boot_opts.pgwalk) {
		for (uint32_t n = 0; n < h->nr_pgd; n++)
			pgtable_walk(boot_opts.pgwalk_va, n);
	}

	topology_print(&h->numa, printk_sink);
	mm_init_boot(h);
	vmap_init(h);
	smp_init(h, &(struct smp_options){ .skip_sipi = boot_opts.smp_skip_sipi,
					    .x2apic = boot_opts.x2apic });
	mm_init_parallel(h);
	if (!__builtin_strcmp(boot_opts.fault, "smp-panic"))
		smp_fault_panic();

	if (boot_opts.selftest) {
		int failed = mm_selftest(boot_opts.selftest_ops);

		failed += mm_selftest_smp(run_on_all_cpus, MM_SMP_SELFTEST_OPS);
		failed += smp_selftest(SMP_SELFTEST_ITERATIONS);
		if (failed)
			panic("selftest: %d KTAP test point(s) not ok", failed);
	}
	if (boot_opts.bench) {
		mm_bench();
		mm_bench_smp(run_on_all_cpus, smp_online(), MM_SMP_BENCH_OPS);
		smp_bench();
	}

	if (h->tsc_khz)
		printk(KERN_INFO "boot: loader %lu us (page-table copies %lu us), kernel %lu us, TSC %lu kHz\n",
		       tsc_to_us(h, h->tsc_loader_exit - h->tsc_loader_start),
		       tsc_to_us(h, h->tsc_pgtable_build), tsc_to_us(h, rdtsc() - tsc_entry), h->tsc_khz);
	printk(KERN_NOTICE "boot: done\n");
	if (boot_opts.qemu_exit) {
		printk(KERN_NOTICE "boot: exiting QEMU (isa-debug-exit 0x%x, status %d)\n",
		       QEMU_EXIT_SUCCESS, (QEMU_EXIT_SUCCESS << 1) | 1);
		qemu_exit(QEMU_EXIT_SUCCESS);
		printk(KERN_ERR "boot: isa-debug-exit did not stop QEMU (no -device isa-debug-exit?)\n");
	}
	if (boot_opts.reboot)
		machine_restart((enum reboot_method)boot_opts.reboot_method);
	printk(KERN_NOTICE "boot: halting (interrupts off)\n");
	halt_forever();
}
