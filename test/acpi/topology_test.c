/*
 * topology_test.c - tests of acpi/topology.c: SRAT + SLIT + MADT into
 * struct numa_topology with Linux's rules (dense node ids, memory-less and
 * CPU-less nodes, hotplug, overlap, coverage, limits), the fallback to one
 * faked node with its reason, the lookup through an RSDP, and the exact
 * printed lines (golden output for the iasl-compiled tables).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "acpi_tables.h"
#include "acpi/madt.h"
#include "acpi/srat.h"

static struct tbuf srat, slit, madt;
static struct numa_topology topo;
static struct physmap_entry map[8];
static size_t nr_map;

/* Default RAM: [0, 640K) + [1M, 2G). */
static int setup(void **state)
{
	const uint64_t r[] = { 0, 0xa0000, 0x100000, 0x80000000ull };

	nr_map = ram_map(map, r, 2);
	srat.len = slit.len = madt.len = 0;
	cap_reset();
	return 0;
}

static void build(const struct topology_options *opt)
{
	struct topology_tables t = {
		.srat = srat.len ? srat.data : NULL, .srat_len = srat.len,
		.slit = slit.len ? slit.data : NULL, .slit_len = slit.len,
		.madt = madt.len ? madt.data : NULL, .madt_len = madt.len,
	};
	struct topology_options o = { .boot_apic_id = TOPOLOGY_NO_BOOT_APIC };

	topology_from_tables(&t, map, nr_map, opt ? opt : &o, &topo);
	cap_reset();
	topology_print(&topo, cap_printf);
}

static bool str_starts_line(const char *buf, const char *prefix)
{
	return strncmp(buf, prefix, strlen(prefix)) == 0;
}

/* Every "NUMA: Node n cpus:" line parses, and together they list exactly
 * the CPUs of node n. */
static bool test_cpus_lines_ok(void)
{
	unsigned listed[NUMA_MAX_NODES] = { 0 }, want[NUMA_MAX_NODES] = { 0 };
	const char *p = cap_buf;

	while ((p = strstr(p, "NUMA: Node "))) {
		const char *eol = strchr(p, '\n');
		unsigned node;
		int used = 0;

		if (!eol || eol - p >= 512)
			return false;
		if (sscanf(p, "NUMA: Node %u cpus:%n", &node, &used) == 1 && used > 0) {
			const char *q = p + used;

			while (q < eol) {
				char *end;

				strtoul(q, &end, 0);
				if (end == q)
					return false;
				listed[node]++;
				q = end;
			}
		}
		p = eol;
	}
	for (uint32_t i = 0; i < topo.nr_cpus; i++)
		want[topo.cpus[i].node]++;
	return memcmp(listed, want, sizeof(want)) == 0;
}

/* SRAT: two nodes over the default RAM, APIC 0 on PXM 0, APIC 1 on PXM 1. */
static void two_node_srat(void)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0xa0000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x100000, 0x3ff00000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
}

static void assert_fake(const char *reason_part)
{
	assert_int_equal(topo.source, NUMA_SRC_FAKE);
	assert_int_equal(topo.nr_nodes, 1);
	if (!strstr(topo.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", topo.reason, reason_part);
	assert_non_null(strstr(cap_buf, "Faking a node at [mem 0x0000000000000000-"));
}

static void load_iasl(struct tbuf *b, const char *name)
{
	size_t len;
	uint8_t *t = aml_load(name, &len);

	assert_non_null(t);
	assert_true(len <= sizeof(b->data));
	memcpy(b->data, t, len);
	b->len = len;
	free(t);
}

/* ------------------------------------------------------------ golden output */

static void test_topology_from_tables_iasl_qemu_2node(void **state)
{
	load_iasl(&srat, "qemu-2node-srat");
	load_iasl(&slit, "qemu-2node-slit");
	load_iasl(&madt, "qemu-2node-apic");
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.slit_source, NUMA_SLIT_TABLE);
	assert_string_equal(cap_buf,
		"SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
		"SRAT: PXM 1 -> APIC 0x01 -> Node 1\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x3fffffff]\n"
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x3fffffff] -> "
		"[mem 0x00000000-0x3fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x0009ffff]\n"
		"NUMA: Node 0 [mem 0x00100000-0x3fffffff]\n"
		"NUMA: Node 1 [mem 0x40000000-0x7fffffff]\n"
		"NUMA: Node 0 cpus: 0x00\n"
		"NUMA: Node 1 cpus: 0x01\n"
		"NUMA: Node 0 distances: 10 21\n"
		"NUMA: Node 1 distances: 21 10\n");
}

static void test_topology_from_tables_iasl_big_x2apic(void **state)
{
	const uint64_t r[] = { 0, 0x9f000, 0x100000, 0x7f000000, 1ull << 32, 2ull << 32 };

	nr_map = ram_map(map, r, 3);
	load_iasl(&srat, "big-x2apic-srat");
	load_iasl(&slit, "big-x2apic-slit");
	load_iasl(&madt, "big-x2apic-apic");
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.srat_revision, 3);
	assert_int_equal(topo.nr_nodes, 5);
	assert_int_equal(topo.node_pxm[2], 0x10000);
	assert_int_equal(topo.node_pxm[3], 9);                  /* the generic initiator */
	assert_false(topology_node_has_memory(&topo, 2));      /* memory-less */
	assert_false(topology_node_has_memory(&topo, 3));
	assert_true(topology_node_has_memory(&topo, 4));       /* CPU-less */
	assert_int_equal(topology_nearest_with_memory(&topo, 2), 0);
	assert_int_equal(topology_node_of_apic(&topo, 0x400), 0);   /* MADT only */
	assert_int_equal(topology_node_of_apic(&topo, 0x300), NUMA_NO_NODE);  /* disabled */
	assert_true(topo.cpus[topo.nr_cpus - 2].flags & NUMA_CPU_ONLINE_CAPABLE);
	assert_int_equal(topo.srat_mem[3].flags, NUMA_MEM_HOTPLUG | NUMA_MEM_NO_RAM);
	assert_string_equal(cap_buf,
		"SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
		"SRAT: PXM 258 -> APIC 0x01 -> Node 1\n"
		"SRAT: PXM 258 -> APIC 0x0100 -> Node 1\n"
		"SRAT: PXM 65536 -> APIC 0x0201 -> Node 2\n"
		"<7>SRAT Generic Initiator(HID= UID=) in proximity domain 9 enabled\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x7fffffff]\n"
		"ACPI: SRAT: Node 1 PXM 258 [mem 0x100000000-0x17fffffff]\n"
		"ACPI: SRAT: Node 4 PXM 1000 [mem 0x180000000-0x1ffffffff] non-volatile\n"
		"ACPI: SRAT: Node 1 PXM 258 [mem 0x200000000-0x3ffffffff] hotplug\n"
		"NUMA: Node 0 [mem 0x00000000-0x7fffffff]\n"
		"NUMA: Node 1 [mem 0x100000000-0x17fffffff]\n"
		"NUMA: Node 4 [mem 0x180000000-0x1ffffffff]\n"
		"NUMA: Node 0 cpus: 0x00 0x02 0x400\n"
		"NUMA: Node 1 cpus: 0x01 0x100\n"
		"NUMA: Node 2 cpus: 0x201\n"
		"NUMA: Node 3 cpus:\n"
		"NUMA: Node 4 cpus:\n"
		"NUMA: default distances (10 local, 20 remote): SLIT: 4 localities, but the SRAT "
		"has PXM 65536\n"
		"NUMA: Node 0 distances: 10 20 20 20 20\n"
		"NUMA: Node 1 distances: 20 10 20 20 20\n"
		"NUMA: Node 2 distances: 20 20 10 20 20\n"
		"NUMA: Node 3 distances: 20 20 20 10 20\n"
		"NUMA: Node 4 distances: 20 20 20 20 10\n");
}

/* Issue 8 item 7: a Generic Initiator entry first takes node 0, as Linux
 * numbers domains across CPU and GI entries in table order before memory;
 * a disabled one makes no node; both are printed in Linux's words (debug),
 * in table order among the CPU lines; unknown types get a debug line. */
static void test_topology_from_tables_generic_initiator_first(void **state)
{
	srat_begin(&srat, 3);
	srat_gi(&srat, 7, SRAT_GI_HANDLE_PCI, "\x00\x00\x10\x00", 4, SRAT_GI_ENABLED);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_gi(&srat, 8, SRAT_GI_HANDLE_ACPI, "ACPI0016\x01\x00\x00\x00", 12, 0);  /* disabled */
	tb_u8(&srat, 4); tb_u8(&srat, 12);      /* GIC ITS affinity: not ours */
	for (int i = 0; i < 10; i++)
		tb_u8(&srat, 0);
	srat_x2apic(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 3);
	assert_int_equal(topo.node_pxm[0], 7);
	assert_int_equal(topo.node_pxm[1], 0);
	assert_int_equal(topo.node_pxm[2], 1);
	assert_int_equal(topo.nr_gi, 2);
	assert_int_equal(topo.gi[1].node, NUMA_NO_NODE);
	assert_false(topology_node_has_memory(&topo, 0));
	assert_int_equal(topology_nearest_with_memory(&topo, 0), 1);
	assert_string_equal(cap_buf,
		"<7>SRAT Generic Initiator(Seg:0 BDF:16) in proximity domain 7 enabled\n"
		"SRAT: PXM 0 -> APIC 0x00 -> Node 1\n"
		"<7>SRAT Generic Initiator(HID=ACPI0016 UID=?) in proximity domain 8 disabled\n"
		"SRAT: PXM 1 -> APIC 0x0001 -> Node 2\n"
		"ACPI: SRAT: Node 1 PXM 0 [mem 0x00000000-0x3fffffff]\n"
		"ACPI: SRAT: Node 2 PXM 1 [mem 0x40000000-0x7fffffff]\n"
		"<7>SRAT: skipped subtable at offset 0x80 (type 4, length 12): not used on x86\n"
		"NUMA: Node 1 [mem 0x00000000-0x3fffffff]\n"
		"NUMA: Node 2 [mem 0x40000000-0x7fffffff]\n"
		"NUMA: Node 0 cpus:\n"
		"NUMA: Node 1 cpus: 0x00\n"
		"NUMA: Node 2 cpus: 0x01\n"
		"NUMA: default distances (10 local, 20 remote): no SLIT\n"
		"NUMA: Node 0 distances: 10 20 20\n"
		"NUMA: Node 1 distances: 20 10 20\n"
		"NUMA: Node 2 distances: 20 20 10\n");
}

/* The SLIT must have a row for the generic initiator's domain too. */
static void test_topology_from_tables_gi_domain_needs_slit_row(void **state)
{
	const uint8_t m[] = { 10, 20, 20, 10 };

	srat_begin(&srat, 3);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_gi(&srat, 2, SRAT_GI_HANDLE_PCI, "", 0, SRAT_GI_ENABLED);
	srat_mem(&srat, 0, 0, 0x80000000ull, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	slit_build(&slit, 2, m);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.slit_source, NUMA_SLIT_DEFAULT);
	assert_string_equal(topo.slit_reason, "SLIT: 2 localities, but the SRAT has PXM 2");
}

/* More Generic Initiators than are kept: all get nodes, the rest are counted. */
static void test_topology_from_tables_many_gi_counted(void **state)
{
	srat_begin(&srat, 3);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	for (uint32_t i = 0; i < NUMA_MAX_GI + 2; i++)
		srat_gi(&srat, 100 + i % 4, SRAT_GI_HANDLE_PCI, "", 0, SRAT_GI_ENABLED);
	srat_mem(&srat, 0, 0, 0x80000000ull, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 5);
	assert_int_equal(topo.nr_gi, NUMA_MAX_GI + 2);
	assert_non_null(strstr(cap_buf, "<7>SRAT: 2 more Generic Initiator entries not listed\n"));
}

static void test_topology_print_fake_node(void **state)
{
	struct topology_options o = { .boot_apic_id = 0 };

	build(&o);
	assert_string_equal(cap_buf,
		"No NUMA configuration found\n"
		"Faking a node at [mem 0x0000000000000000-0x000000007fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x7fffffff]\n"
		"NUMA: Node 0 cpus: 0x00\n"
		"NUMA: Node 0 distances: 10\n");
	assert_int_equal(topo.fake_start, 0);
	assert_int_equal(topo.fake_end, 0x80000000ull);
	assert_true(topo.cpus[0].flags & NUMA_CPU_BOOT);
}

/* ------------------------------------------------------------ node ids */

static void test_topology_from_tables_dense_ids_cpus_first(void **state)
{
	/* Linux parses all CPU affinities before memory: PXM 9 (memory first
	 * in the table) gets node 1, after PXM 5 of the first CPU entry. */
	srat_begin(&srat, 1);
	srat_mem(&srat, 9, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_cpu(&srat, 5, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 5, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	srat_cpu(&srat, 9, 1, SRAT_CPU_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.node_pxm[0], 5);
	assert_int_equal(topo.node_pxm[1], 9);
	assert_int_equal(topology_node_of_apic(&topo, 1), 1);
	assert_non_null(strstr(cap_buf, "ACPI: SRAT: Node 1 PXM 9 [mem 0x00000000-0x3fffffff]\n"));
}

static void test_topology_from_tables_disabled_entries_make_no_node(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 7, 1, 0);                       /* disabled */
	srat_mem(&srat, 8, 0x90000000, 0x1000, 0);      /* disabled */
	srat_mem(&srat, 0, 0, 0, SRAT_MEM_ENABLED);     /* zero length */
	srat_mem(&srat, 0, 0, 0x80000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0, 0, 0);                    /* padding */
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 1);
	assert_int_equal(topo.nr_cpus, 1);
	assert_int_equal(topo.nr_srat_mem, 1);
}

/* ------------------------------------------------------------ memory */

static void test_topology_from_tables_memoryless_node_nearest(void **state)
{
	const uint8_t d[9] = { 10, 30, 40, 30, 10, 20, 40, 20, 10 };

	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);        /* PXM 1: no memory */
	srat_cpu(&srat, 2, 2, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 2, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	slit_build(&slit, 3, d);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 3);
	assert_false(topology_node_has_memory(&topo, 1));
	assert_int_equal(topology_nearest_with_memory(&topo, 1), 2);    /* 20 < 30 */
	assert_int_equal(topology_nearest_with_memory(&topo, 0), 0);
	assert_null(strstr(cap_buf, "NUMA: Node 1 [mem"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 cpus: 0x01\n"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 distances: 30 10 20\n"));
}

static void test_topology_nearest_with_memory_tie_lowest_id(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 2, 2, SRAT_CPU_ENABLED);        /* memory-less */
	srat_mem(&srat, 1, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);                                    /* no SLIT: all 20 */
	assert_int_equal(topology_nearest_with_memory(&topo, 2), 0);
}

static void test_topology_from_tables_cpuless_node(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 0, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 2);
	assert_true(topology_node_has_memory(&topo, 1));
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 cpus: 0x00 0x01\nNUMA: Node 1 cpus:\n"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 [mem 0x40000000-0x7fffffff]\n"));
}

static int count_str(const char *buf, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(buf, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Linux's numa_cleanup_meminfo merge lines, in SRAT order: a node's ranges
 * are joined across a hole no other node's range overlaps (the first range
 * as grown so far is printed), a range without RAM joins nothing, and our
 * memblks stay as they were.  Node 1's last range lies in the hole its
 * first join bridged, so Linux warns that it overlaps itself. */
static void test_topology_print_linux_merges(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0xa0000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x10000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x100000, 0x3ff00000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x60000000, 0x20000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x80000000ull, 0x40000000, SRAT_MEM_ENABLED);   /* above RAM */
	srat_mem(&srat, 1, 0x50000000, 0x10000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_true(topo.srat_mem[4].flags & NUMA_MEM_NO_RAM);
	assert_false(topo.srat_mem[0].flags & NUMA_MEM_NO_RAM);
	assert_non_null(strstr(cap_buf,
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x50000000-0x5fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x3fffffff] -> "
		"[mem 0x00000000-0x3fffffff]\n"
		"NUMA: Node 1 [mem 0x40000000-0x4fffffff] + [mem 0x60000000-0x7fffffff] -> "
		"[mem 0x40000000-0x7fffffff]\n"
		"Warning: node 1 [mem 0x40000000-0x7fffffff] overlaps with itself "
		"[mem 0x50000000-0x5fffffff]\n"
		"NUMA: Node 1 [mem 0x40000000-0x7fffffff] + [mem 0x50000000-0x5fffffff] -> "
		"[mem 0x40000000-0x7fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x0009ffff]\n"));
	assert_int_equal(count_str(cap_buf, " -> [mem "), 3);
	assert_int_equal(topo.memblks[0].end, 0xa0000);            /* ranges unchanged */
}

/* A hole holding another node's range is not bridged: no line for node 0;
 * ranges of one node that overlap get Linux's warning, then are joined. */
static void test_topology_print_linux_merges_blocked_and_overlap(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0xa0000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x100000, 0x3ff00000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x40000000, 0x30000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x60000000, 0x20000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_non_null(strstr(cap_buf,
		"Warning: node 0 [mem 0x40000000-0x6fffffff] overlaps with itself "
		"[mem 0x60000000-0x7fffffff]\n"
		"NUMA: Node 0 [mem 0x40000000-0x6fffffff] + [mem 0x60000000-0x7fffffff] -> "
		"[mem 0x40000000-0x7fffffff]\n"));
	assert_int_equal(count_str(cap_buf, " -> [mem "), 1);
}

static void test_topology_from_tables_hotplug_above_ram(void **state)
{
	two_node_srat();
	/* Append a hot-pluggable window above RAM on PXM 1 (QEMU's slots). */
	srat_mem(&srat, 1, 0x100000000ull, 0x180000000ull,
		 SRAT_MEM_ENABLED | SRAT_MEM_HOT_PLUGGABLE);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_srat_mem, 4);
	assert_int_equal(topo.srat_mem[3].flags, NUMA_MEM_HOTPLUG | NUMA_MEM_NO_RAM);
	assert_int_equal(topo.nr_memblks, 3);           /* not present RAM */
	assert_non_null(strstr(cap_buf,
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x27fffffff] hotplug\n"));
	assert_null(strstr(cap_buf, "NUMA: Node 1 [mem 0x100000000"));
}

static void test_topology_from_tables_hotplug_over_ram_kept(void **state)
{
	/* Firmware that marks boot RAM hot-pluggable (movable_node machines):
	 * the RAM part stays node memory, flagged. */
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x80000000ull,
		 SRAT_MEM_ENABLED | SRAT_MEM_HOT_PLUGGABLE);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_memblks, 2);
	assert_int_equal(topo.memblks[1].start, 0x40000000);
	assert_int_equal(topo.memblks[1].end, 0x80000000ull);    /* clipped to RAM end */
	assert_int_equal(topo.memblks[1].flags, NUMA_MEM_HOTPLUG);
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 [mem 0x40000000-0x7fffffff] hotplug\n"));
	/* Issue 8: the flag is a property of the range, as Linux's memblock
	 * hotplug mark: the RAM in it is node 1's, so node 1 gets its own copy. */
	assert_true(topology_node_has_memory(&topo, 0));
	assert_true(topology_node_has_memory(&topo, 1));
	assert_int_equal(topology_nearest_with_memory(&topo, 1), 1);
}

/* Issue 8: every memory entry flagged enabled + hot-pluggable (flags 3,
 * Hyper-V/Azure guests): every node still has its memory. */
static void test_topology_from_tables_all_hotplug_nodes_have_memory(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0xa0000, 3);
	srat_mem(&srat, 0, 0x100000, 0x3ff00000, 3);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, 3);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 2);
	assert_int_equal(topo.nr_memblks, 3);
	for (uint32_t i = 0; i < topo.nr_memblks; i++)
		assert_int_equal(topo.memblks[i].flags, NUMA_MEM_HOTPLUG);
	assert_true(topology_node_has_memory(&topo, 0));
	assert_true(topology_node_has_memory(&topo, 1));
	assert_non_null(strstr(cap_buf,
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff] hotplug\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x3fffffff] hotplug\n"
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff] hotplug\n"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 [mem 0x00000000-0x0009ffff] hotplug\n"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 [mem 0x40000000-0x7fffffff] hotplug\n"));
}

/* Only node 0's ranges hot-pluggable: both nodes have memory, and node 0
 * is not sent to node 1's copy. */
static void test_topology_from_tables_node0_hotplug_keeps_node0(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0xa0000, 3);
	srat_mem(&srat, 0, 0x100000, 0x3ff00000, 3);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_true(topology_node_has_memory(&topo, 0));
	assert_int_equal(topology_nearest_with_memory(&topo, 0), 0);
	assert_int_equal(topo.memblks[2].flags, 0);
}

/* A node is "with memory" only where the map has RAM in its ranges: an
 * SRAT range over a hole (no hotplug flag) makes no memory. */
static void test_topology_from_tables_range_without_ram_is_memoryless(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 1, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x80000000ull, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x100000000ull, 0x40000000, SRAT_MEM_ENABLED);  /* no RAM there */
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_memblks, 2);
	assert_int_equal(topo.memblks[1].flags, NUMA_MEM_NO_RAM);
	assert_false(topology_node_has_memory(&topo, 1));
	assert_int_equal(topology_nearest_with_memory(&topo, 1), 0);
	/* The flag is internal: the printed range is the SRAT's. */
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 [mem 0x100000000-0x13fffffff]\n"));
}

/* RAM found by binary search over a map with many entries: only the one
 * entry inside node 1's range counts. */
static void test_topology_from_tables_ram_found_in_long_map(void **state)
{
	uint64_t r[] = { 0, 0xa0000, 0x100000, 0x10000000, 0x20000000, 0x30000000,
			 0x50000000, 0x50001000 };

	nr_map = ram_map(map, r, 4);
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED | SRAT_MEM_HOT_PLUGGABLE);
	srat_mem(&srat, 2, 0x30000000ull + 0x60000000ull, 0x10000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_true(topology_node_has_memory(&topo, 0));
	assert_true(topology_node_has_memory(&topo, 1));       /* one page at 0x50000000 */
	assert_false(topology_node_has_memory(&topo, 2));      /* above all RAM */
}

static void test_topology_from_tables_same_node_ranges_merge(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0x20000000, 0x60000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0, 0x20000000, SRAT_MEM_ENABLED);     /* touches */
	srat_mem(&srat, 0, 0x10000000, 0x20000000, SRAT_MEM_ENABLED);     /* overlaps */
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_memblks, 1);
	assert_int_equal(topo.memblks[0].end, 0x80000000ull);
}

static void test_topology_from_tables_overlap_rejects(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x50000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: node 0 [mem 0x00000000-0x4fffffff] overlaps node 1 "
		    "[mem 0x40000000-0x7fffffff]");
	/* Linux's order: the entries as parsed, numa_cleanup_meminfo()'s line,
	 * dummy_numa_init()'s two; ours after Linux's reason. */
	assert_true(str_starts_line(cap_buf,
		"SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x4fffffff]\n"
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]\n"
		"node 0 [mem 0x00000000-0x4fffffff] overlaps with node 1 [mem 0x40000000-0x7fffffff]\n"
		"SRAT: rejected: node 0 [mem 0x00000000-0x4fffffff] overlaps node 1 [mem 0x40000000-0x7fffffff]\n"
		"No NUMA configuration found\n"
		"Faking a node at [mem 0x0000000000000000-0x000000007fffffff]\n"
		"NUMA: Node 0 [mem 0x00000000-0x7fffffff]\n"
		"NUMA: Node 0 cpus: 0x00\n"));
	assert_int_equal(topo.cpus[0].node, 0);
	/* A hotplug range overlapping another node counts too. */
	srat_begin(&srat, 1);
	srat_mem(&srat, 0, 0, 0x80000000ull, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x7ffff000, 0x100000, SRAT_MEM_ENABLED | SRAT_MEM_HOT_PLUGGABLE);
	tb_finish(&srat);
	build(NULL);
	assert_fake("overlaps");
}

static void test_topology_from_tables_coverage_hole_rejects(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000 + SZ_2M, 0x40000000 - SZ_2M, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: nodes cover only 2045 MiB of 2047 MiB usable RAM "
		    "(first gap in the RAM range at 0x100000)");
	/* numa_meminfo_cover_memory()'s line, in its MB, before ours */
	assert_true(str_starts_line(cap_buf,
		"SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
		"ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x3fffffff]\n"
		"ACPI: SRAT: Node 1 PXM 1 [mem 0x40200000-0x7fffffff]\n"
		"NUMA: nodes only cover 2045MB of your 2047MB e820 RAM. Not used.\n"
		"SRAT: rejected: nodes cover only 2045 MiB of 2047 MiB usable RAM "
		"(first gap in the RAM range at 0x100000)\n"
		"No NUMA configuration found\n"
		"Faking a node at [mem 0x0000000000000000-0x000000007fffffff]\n"));
}

/* After a rejection the CPUs sit on the faked node 0; their SRAT lines
 * still name the node each PXM got while parsing (first appearance, CPU
 * entries first). */
static void test_topology_rejected_srat_lines_keep_parsed_nodes(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 7, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 2, 1, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 7, 2, SRAT_CPU_ENABLED);
	srat_mem(&srat, 2, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 9, 0x40000000 + SZ_2M, 0x40000000 - SZ_2M, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: nodes cover only");
	assert_true(str_starts_line(cap_buf,
		"SRAT: PXM 7 -> APIC 0x00 -> Node 0\n"
		"SRAT: PXM 2 -> APIC 0x01 -> Node 1\n"
		"SRAT: PXM 7 -> APIC 0x02 -> Node 0\n"
		"ACPI: SRAT: Node 1 PXM 2 [mem 0x00000000-0x3fffffff]\n"
		"ACPI: SRAT: Node 2 PXM 9 [mem 0x40200000-0x7fffffff]\n"
		"NUMA: nodes only cover 2045MB of your 2047MB e820 RAM. Not used.\n"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 cpus: 0x00 0x01 0x02\n"));
	for (uint32_t i = 0; i < topo.nr_cpus; i++)
		assert_int_equal(topo.cpus[i].node, 0);
}

/* Linux allows strictly less than 1 MiB of uncovered RAM ("We seem to lose
 * 3 pages somewhere"): 1 MiB - 4 KiB is tolerated, 1 MiB is not. */
static void test_topology_from_tables_coverage_under_1mib_tolerated(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000 + SZ_1M - 0x1000, 0x40000000 - SZ_1M + 0x1000,
		 SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
}

static void test_topology_from_tables_coverage_1mib_rejected(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 1, 0x40000000 + SZ_1M, 0x40000000 - SZ_1M, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: nodes cover only");
}

static void test_topology_from_tables_loader_ram_counts(void **state)
{
	/* PHYSMAP_LOADER ranges are RAM too: uncovered ones reject. */
	map[nr_map].start = 0x100000000ull;
	map[nr_map].end = 0x100400000ull;
	map[nr_map].type = PHYSMAP_LOADER;
	map[nr_map].owner = OWNER_KERNEL;
	nr_map++;
	map[nr_map].start = 0x200000000ull;             /* reserved: ignored */
	map[nr_map].end = 0x300000000ull;
	map[nr_map].type = PHYSMAP_RESERVED;
	nr_map++;
	two_node_srat();
	build(NULL);
	assert_fake("nodes cover only 2047 MiB of 2051 MiB");
	assert_int_equal(topo.fake_end, 0x100400000ull);
}

/* ------------------------------------------------------------ limits */

/* Issue 8: 256 proximity domains are nodes (Linux MAXSMP's direction); one
 * more rejects, as Linux's "Too many proximity domains" does. */
static void test_topology_from_tables_256_nodes_ok_257_rejects(void **state)
{
	for (uint32_t nodes = NUMA_MAX_NODES; nodes <= NUMA_MAX_NODES + 1; nodes++) {
		srat_begin(&srat, 3);
		for (uint32_t i = 0; i < nodes; i++)
			srat_mem(&srat, 1000 + i, (uint64_t)i * 0x2000000, 0x2000000, SRAT_MEM_ENABLED);
		tb_finish(&srat);
		build(NULL);
		if (nodes == NUMA_MAX_NODES) {
			assert_int_equal(topo.source, NUMA_SRC_SRAT);
			assert_int_equal(topo.nr_nodes, NUMA_MAX_NODES);
			/* Rows continue past 64 nodes on lines that say from where. */
			assert_non_null(strstr(cap_buf, "\nNUMA: Node 255 distances: 20 20"));
			assert_non_null(strstr(cap_buf,
				"\nNUMA: Node 255 distances (from node 192): 20 20"));
			assert_non_null(strstr(cap_buf, " 20 10\n"));
		} else {
			assert_fake("more than 256 proximity domains (PXM 1256 at offset 0x2830)");
		}
	}
}

/* CPUs past NUMA_MAX_CPUS are clipped and reported, not a reason to drop
 * the SRAT; the boot CPU is kept even when it comes last. */
static void test_topology_from_tables_4096_cpus_then_clipped(void **state)
{
	struct topology_options o = { .boot_apic_id = 0x1000 + NUMA_MAX_CPUS + 1 };

	for (uint32_t cpus = NUMA_MAX_CPUS; cpus <= NUMA_MAX_CPUS + 2; cpus += 2) {
		srat_begin(&srat, 3);
		for (uint32_t i = 0; i < cpus; i++)
			srat_x2apic(&srat, i & 1, 0x1000 + i, SRAT_CPU_ENABLED);
		srat_mem(&srat, 0, 0, 0x40000000, SRAT_MEM_ENABLED);
		srat_mem(&srat, 1, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
		tb_finish(&srat);
		build(cpus == NUMA_MAX_CPUS ? NULL : &o);
		assert_int_equal(topo.source, NUMA_SRC_SRAT);
		assert_int_equal(topo.nr_cpus, NUMA_MAX_CPUS);
		if (cpus == NUMA_MAX_CPUS) {
			assert_int_equal(topo.nr_cpus_clipped, 0);
			assert_int_equal(topology_node_of_apic(&topo, 0x1000 + 4095), 1);
			/* Long cpus lists continue on lines with the same prefix. */
			assert_true(test_cpus_lines_ok());
			assert_null(strstr(cap_buf, "not recorded"));
		} else {
			/* 0x2000 does not fit; 0x2001 is the boot CPU and takes
			 * the last slot from 0x1fff. */
			assert_int_equal(topo.nr_cpus_clipped, 2);
			assert_int_equal(topo.first_clipped_apic, 0x2000);
			assert_int_equal(topology_node_of_apic(&topo, 0x2001), 1);
			assert_true(topo.cpus[NUMA_MAX_CPUS - 1].flags & NUMA_CPU_BOOT);
			assert_int_equal(topology_node_of_apic(&topo, 0x1fff), NUMA_NO_NODE);
			assert_non_null(strstr(cap_buf, "NUMA: 2 CPU(s) past the limit of 4096 not "
					       "recorded (NR_CPUS), the first APIC 0x2000\n"));
		}
	}
}

static void test_topology_from_tables_513_memory_entries_reject(void **state)
{
	srat_begin(&srat, 1);
	for (uint32_t i = 0; i < NUMA_MAX_SRAT_MEM + 1; i++)
		srat_mem(&srat, 0, (uint64_t)i * 0x100000, 0x100000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("more than 512 memory affinity entries");
}

/* ------------------------------------------------------------ SLIT */

static void slit_case(uint64_t n, const uint8_t *m, const char *why)
{
	two_node_srat();
	slit_build(&slit, n, m);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.slit_source, NUMA_SLIT_DEFAULT);
	if (!strstr(topo.slit_reason, why))
		fail_msg("slit_reason \"%s\" lacks \"%s\"", topo.slit_reason, why);
	assert_non_null(strstr(cap_buf, "NUMA: default distances (10 local, 20 remote): "));
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 distances: 20 10\n"));
}

static void test_topology_from_tables_slit_invalid_each_way(void **state)
{
	const uint8_t diag[4] = { 10, 21, 21, 20 }, ten[4] = { 10, 10, 21, 10 };
	const uint8_t one[1] = { 10 };

	slit_case(2, diag, "SLIT: diagonal entry [1][1] is 20, not 10");
	slit_case(2, ten, "SLIT: off-diagonal entry [0][1] is 10, not above 10");
	slit_case(1, one, "SLIT: 1 localities, but the SRAT has PXM 1");
	slit_case(0, NULL, "SLIT: zero localities");
	slit_build(&slit, 2, diag);
	slit.data[36] = 5;                      /* 25 entries in 4 bytes */
	tb_finish(&slit);
	two_node_srat();
	build(NULL);
	assert_non_null(strstr(topo.slit_reason, "does not fit"));
	slit_build(&slit, 2, ten);
	slit.data[9] ^= 1;
	two_node_srat();
	build(NULL);
	assert_non_null(strstr(topo.slit_reason, "SLIT: checksum mismatch"));
}

static void test_topology_from_tables_slit_absent(void **state)
{
	two_node_srat();
	build(NULL);
	assert_int_equal(topo.slit_source, NUMA_SLIT_DEFAULT);
	assert_string_equal(topo.slit_reason, "no SLIT");
	assert_non_null(strstr(cap_buf, "NUMA: default distances (10 local, 20 remote): no SLIT\n"));
}

static void test_topology_from_tables_slit_indexed_by_pxm(void **state)
{
	/* PXMs 2 and 0 (node 0 = PXM 2): distances come from rows 2 and 0 of
	 * a 3x3 SLIT; row 1 (no node) is ignored, as Linux does. */
	const uint8_t d[9] = { 10, 15, 31, 15, 10, 17, 32, 17, 10 };

	srat_begin(&srat, 1);
	srat_cpu(&srat, 2, 0, SRAT_CPU_ENABLED);
	srat_cpu(&srat, 0, 1, SRAT_CPU_ENABLED);
	srat_mem(&srat, 2, 0, 0x40000000, SRAT_MEM_ENABLED);
	srat_mem(&srat, 0, 0x40000000, 0x40000000, SRAT_MEM_ENABLED);
	tb_finish(&srat);
	slit_build(&slit, 3, d);
	build(NULL);
	assert_int_equal(topo.slit_source, NUMA_SLIT_TABLE);
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 distances: 10 32\n"
					"NUMA: Node 1 distances: 31 10\n"));
	assert_null(strstr(cap_buf, "default distances"));
}

/* ------------------------------------------------------------ fallbacks */

static void test_topology_from_tables_numa_off(void **state)
{
	struct topology_options o = { .numa_off = true, .boot_apic_id = 1 };

	two_node_srat();
	madt_begin(&madt, 3);
	madt_lapic(&madt, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&madt, 1, 1, MADT_CPU_ENABLED);
	tb_finish(&madt);
	build(&o);
	assert_fake("NUMA turned off");
	assert_true(str_starts_line(cap_buf, "NUMA turned off\nFaking a node at "));
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 cpus: 0x00 0x01\n"));
	assert_null(strstr(cap_buf, "SRAT:"));
	assert_true(topo.cpus[1].flags & NUMA_CPU_BOOT);
}

static void test_topology_from_tables_srat_bad_checksum(void **state)
{
	two_node_srat();
	srat.data[9] += 0x5a;
	build(NULL);
	assert_fake("SRAT: rejected: checksum mismatch (bytes sum to 0x5a, not 0)");
	assert_int_equal(topo.nr_srat_mem, 0);
}

static void test_topology_from_tables_srat_truncated(void **state)
{
	two_node_srat();
	srat.len -= 10;                 /* buffer shorter than the header says */
	build(NULL);
	assert_fake("SRAT: rejected: length 200 runs past the end of the data (190 bytes)");
}

static void test_topology_from_tables_srat_overrun_entry(void **state)
{
	two_node_srat();
	srat.len -= 8;
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: subtable at offset 0xa0 (type 1, length 40) runs past the end");
}

static void test_topology_from_tables_srat_zero_length_entry(void **state)
{
	two_node_srat();
	srat.data[48 + 16 + 1] = 0;     /* second CPU entry's length */
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: subtable at offset 0x40 (type 0) has zero length");
}

static void test_topology_from_tables_srat_without_memory(void **state)
{
	srat_begin(&srat, 1);
	srat_cpu(&srat, 0, 0, SRAT_CPU_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("SRAT: rejected: no enabled memory affinity entries");
	/* Linux has no line of its own for this (acpi_numa_init() returns
	 * -ENOENT quietly). */
	assert_true(str_starts_line(cap_buf,
		"SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
		"SRAT: rejected: no enabled memory affinity entries\n"
		"No NUMA configuration found\n"
		"Faking a node at "));
}

static void test_topology_from_tables_srat_cpu_in_two_domains(void **state)
{
	two_node_srat();
	srat_cpu(&srat, 1, 0, SRAT_CPU_ENABLED);
	tb_finish(&srat);
	build(NULL);
	assert_fake("APIC 0x0 is in PXM 0 and again in PXM 1");
}

static void test_topology_from_tables_srat_error_passed_in(void **state)
{
	struct topology_tables t = { .srat_error = "SRAT at 0x7f000: 4096 bytes not readable" };

	topology_from_tables(&t, map, nr_map, NULL, &topo);
	assert_int_equal(topo.source, NUMA_SRC_FAKE);
	assert_string_equal(topo.reason, "SRAT: rejected: SRAT at 0x7f000: 4096 bytes not readable");
}

/* ------------------------------------------------------------ CPUs */

static void test_topology_from_tables_madt_cpus_merge(void **state)
{
	struct topology_options o = { .boot_apic_id = 0x77 };

	two_node_srat();
	madt_begin(&madt, 5);
	madt_lapic(&madt, 0, 1, MADT_CPU_ENABLED);      /* also in the SRAT */
	madt_lapic(&madt, 1, 0, MADT_CPU_ENABLED);
	madt_lapic(&madt, 2, 2, MADT_CPU_ENABLED);      /* MADT only: node 0 */
	madt_lapic(&madt, 3, 3, 0);                     /* disabled: not a CPU */
	madt_x2apic(&madt, 0x104, MADT_CPU_ONLINE_CAPABLE, 4);
	tb_finish(&madt);
	build(&o);
	assert_int_equal(topo.nr_cpus, 5);              /* 0, 1, 2, 0x104, boot 0x77 */
	assert_int_equal(topo.cpus[0].flags, NUMA_CPU_IN_SRAT | NUMA_CPU_IN_MADT);
	assert_int_equal(topo.cpus[2].apic_id, 2);
	assert_int_equal(topo.cpus[2].node, 0);
	assert_int_equal(topo.cpus[2].flags, NUMA_CPU_IN_MADT);
	assert_int_equal(topo.cpus[3].flags,
			 NUMA_CPU_IN_MADT | NUMA_CPU_X2APIC | NUMA_CPU_ONLINE_CAPABLE);
	assert_int_equal(topology_node_of_apic(&topo, 3), NUMA_NO_NODE);
	assert_int_equal(topo.cpus[4].apic_id, 0x77);
	assert_int_equal(topo.cpus[4].flags, NUMA_CPU_BOOT);
	/* MADT-only CPUs get no SRAT: line. */
	assert_null(strstr(cap_buf, "APIC 0x02"));
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 cpus: 0x00 0x02 0x104 0x77\n"));
}

static void test_topology_from_tables_broken_madt_keeps_earlier_cpus(void **state)
{
	two_node_srat();
	madt_begin(&madt, 3);
	madt_lapic(&madt, 0, 5, MADT_CPU_ENABLED);
	tb_u8(&madt, 0); tb_u8(&madt, 0);
	tb_finish(&madt);
	build(NULL);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topology_node_of_apic(&topo, 5), 0);
}

/* ------------------------------------------------------------ discover */

#define MEM_BASE  0x7f000000ull

static uint8_t membytes[0x10000];
static struct fake_mem mem = { MEM_BASE, membytes, sizeof(membytes), 0 };
static const struct acpi_access acc = { &mem, fake_map, NULL, 0 };

static void put_acpi(void)
{
	const uint64_t x[] = { MEM_BASE + 0x1000, MEM_BASE + 0x2000, MEM_BASE + 0x3000 };

	memset(membytes, 0, sizeof(membytes));
	two_node_srat();
	load_iasl(&slit, "qemu-2node-slit");
	load_iasl(&madt, "qemu-2node-apic");
	fake_put(&mem, x[0], &madt);
	fake_put(&mem, x[1], &srat);
	fake_put(&mem, x[2], &slit);
	fake_root(&mem, MEM_BASE + 0x100, true, x, 3);
	fake_rsdp(&mem, MEM_BASE, 2, 0, MEM_BASE + 0x100);
}

static void discover(const struct topology_options *opt, phys_addr_t rsdp)
{
	topology_discover(&acc, rsdp, map, nr_map, opt, &topo);
	cap_reset();
	topology_print(&topo, cap_printf);
}

static void test_topology_discover_through_rsdp(void **state)
{
	struct topology_options o = { .boot_apic_id = 1 };

	put_acpi();
	discover(&o, MEM_BASE);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.slit_source, NUMA_SLIT_TABLE);
	assert_int_equal(topo.nr_nodes, 2);
	assert_int_equal(topo.cpus[1].flags, NUMA_CPU_IN_SRAT | NUMA_CPU_IN_MADT | NUMA_CPU_BOOT);
	assert_non_null(strstr(cap_buf, "NUMA: Node 1 distances: 21 10\n"));
}

static void test_topology_discover_test_inject_checksum(void **state)
{
	struct topology_options o = { .boot_apic_id = 0 };

	put_acpi();
	const struct cmdline_table tab = { "acpi", topology_params, &o, false };

	assert_int_equal(cmdline_parse("quiet acpi_test=srat-checksum qemu_exit", &tab, 1, NULL), 2);
	assert_int_equal(o.test_inject, TOPOLOGY_TEST_SRAT_CHECKSUM);
	discover(&o, MEM_BASE);
	assert_fake("SRAT: rejected: checksum mismatch (bytes sum to 0x5a, not 0)");
	/* The firmware's copy is untouched. */
	assert_int_equal(acpi_checksum(membytes + 0x2000, srat.len), 0);
	assert_non_null(strstr(cap_buf, "NUMA: Node 0 cpus: 0x00 0x01\n"));
}

static void test_topology_discover_bad_srat_checksum_in_memory(void **state)
{
	put_acpi();
	membytes[0x2000 + 60] ^= 3;
	discover(NULL, MEM_BASE);
	assert_fake("SRAT: rejected: checksum mismatch (bytes sum to 0x03, not 0)");
}

/* acpi_test=srat-outside: the root's SRAT entry points into RAM; with the
 * map given, the loader never reads it and falls back with the reason. */
static void test_topology_discover_test_inject_srat_outside(void **state)
{
	static const struct physmap_entry pm[] = {
		{ 0x0, 0xa0000, PHYSMAP_USABLE, 0 },
		{ 0x100000, MEM_BASE, PHYSMAP_USABLE, 0 },
		{ MEM_BASE, MEM_BASE + 0x10000, PHYSMAP_ACPI_RECLAIM, 0 },
		{ MEM_BASE + 0x10000, 0x80000000ull, PHYSMAP_USABLE, 0 },
	};
	const struct acpi_access acc_pm = { &mem, fake_map, pm, ARRAY_SIZE(pm) };
	struct topology_options o = { .boot_apic_id = 0 };
	const struct cmdline_table tab = { "acpi", topology_params, &o, false };

	put_acpi();
	assert_int_equal(cmdline_parse("acpi_test=srat-outside", &tab, 1, NULL), 0);
	assert_int_equal(o.test_inject, TOPOLOGY_TEST_SRAT_OUTSIDE);
	topology_discover(&acc_pm, MEM_BASE, pm, ARRAY_SIZE(pm), &o, &topo);
	assert_int_equal(topo.source, NUMA_SRC_FAKE);
	assert_string_equal(topo.reason, "No NUMA configuration found (ACPI: XSDT[1] skipped: table"
			    " at 0x100000+36 not in ACPI/reserved memory (usable))");
	/* SLIT and MADT are still found; the firmware's XSDT is untouched */
	assert_int_equal(topo.nr_cpus, 2);
	assert_int_equal(acpi_checksum(membytes + 0x100, 36 + 3 * 8), 0);
	assert_int_equal(membytes[0x100 + 36 + 8 + 1], 0x20);   /* SRAT entry still 0x7f002000 */

	/* the same tables and map without the test option: two nodes */
	o.test_inject = 0;
	topology_discover(&acc_pm, MEM_BASE, pm, ARRAY_SIZE(pm), &o, &topo);
	assert_int_equal(topo.source, NUMA_SRC_SRAT);
	assert_int_equal(topo.nr_nodes, 2);
}

static void test_topology_discover_no_acpi(void **state)
{
	discover(NULL, 0);
	assert_fake("No NUMA configuration found");
	assert_string_equal(topo.reason, "No NUMA configuration found (ACPI: no RSDP)");
	put_acpi();
	membytes[3] = 'X';                      /* RSDP signature */
	discover(NULL, MEM_BASE);
	assert_string_equal(topo.reason, "No NUMA configuration found (ACPI: RSDP at 0x7f000000: "
			    "bad signature)");
}

static void test_topology_discover_no_srat(void **state)
{
	const uint64_t x[] = { MEM_BASE + 0x1000 };

	put_acpi();
	fake_root(&mem, MEM_BASE + 0x100, true, x, 1);  /* MADT only */
	fake_rsdp(&mem, MEM_BASE, 2, 0, MEM_BASE + 0x100);
	discover(NULL, MEM_BASE);
	assert_string_equal(topo.reason, "No NUMA configuration found");
	assert_true(str_starts_line(cap_buf, "No NUMA configuration found\nFaking a node at "));
	assert_int_equal(topo.nr_cpus, 2);
}

/* topology_params: whole values only; numa=on undoes numa=off (last wins). */
static void test_topology_params_values(void **state)
{
	struct topology_options o = { 0 };
	const struct cmdline_table tab = { "acpi", topology_params, &o, false };
	struct cmdline_result res;

	assert_int_equal(cmdline_parse("numa=offx acpi_test=srat-checksumx numa acpi_test", &tab, 1, &res), 4);
	assert_int_equal(res.nr_bad, 4);
	assert_false(o.numa_off);
	assert_int_equal(o.test_inject, 0);
	assert_non_null(strstr(res.bad, "`offx' invalid for parameter `numa': takes on or off\n"));
	assert_non_null(strstr(res.bad, "`srat-checksumx' invalid for parameter `acpi_test': takes srat-checksum or srat-outside\n"));
	assert_int_equal(cmdline_parse("loglevel=7\tnuma=off", &tab, 1, &res), 1);
	assert_true(o.numa_off);
	assert_int_equal(cmdline_parse("numa=off numa=on", &tab, 1, &res), 0);
	assert_false(o.numa_off);
	assert_int_equal(cmdline_parse("\"acpi_test=srat-checksum\"", &tab, 1, &res), 0);
	assert_int_equal(o.test_inject, TOPOLOGY_TEST_SRAT_CHECKSUM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_topology_from_tables_iasl_qemu_2node),
		T(test_topology_from_tables_iasl_big_x2apic),
		T(test_topology_print_fake_node),
		T(test_topology_from_tables_dense_ids_cpus_first),
		T(test_topology_from_tables_disabled_entries_make_no_node),
		T(test_topology_from_tables_memoryless_node_nearest),
		T(test_topology_nearest_with_memory_tie_lowest_id),
		T(test_topology_from_tables_all_hotplug_nodes_have_memory),
		T(test_topology_from_tables_generic_initiator_first),
		T(test_topology_from_tables_gi_domain_needs_slit_row),
		T(test_topology_from_tables_many_gi_counted),
		T(test_topology_from_tables_node0_hotplug_keeps_node0),
		T(test_topology_from_tables_range_without_ram_is_memoryless),
		T(test_topology_from_tables_ram_found_in_long_map),
		T(test_topology_from_tables_cpuless_node),
		T(test_topology_from_tables_hotplug_above_ram),
		T(test_topology_print_linux_merges),
		T(test_topology_print_linux_merges_blocked_and_overlap),
		T(test_topology_from_tables_hotplug_over_ram_kept),
		T(test_topology_from_tables_same_node_ranges_merge),
		T(test_topology_from_tables_overlap_rejects),
		T(test_topology_from_tables_coverage_hole_rejects),
		T(test_topology_rejected_srat_lines_keep_parsed_nodes),
		T(test_topology_from_tables_coverage_under_1mib_tolerated),
		T(test_topology_from_tables_coverage_1mib_rejected),
		T(test_topology_from_tables_loader_ram_counts),
		T(test_topology_from_tables_256_nodes_ok_257_rejects),
		T(test_topology_from_tables_4096_cpus_then_clipped),
		T(test_topology_from_tables_513_memory_entries_reject),
		T(test_topology_from_tables_slit_invalid_each_way),
		T(test_topology_from_tables_slit_absent),
		T(test_topology_from_tables_slit_indexed_by_pxm),
		T(test_topology_from_tables_numa_off),
		T(test_topology_from_tables_srat_bad_checksum),
		T(test_topology_from_tables_srat_truncated),
		T(test_topology_from_tables_srat_overrun_entry),
		T(test_topology_from_tables_srat_zero_length_entry),
		T(test_topology_from_tables_srat_without_memory),
		T(test_topology_from_tables_srat_cpu_in_two_domains),
		T(test_topology_from_tables_srat_error_passed_in),
		T(test_topology_from_tables_madt_cpus_merge),
		T(test_topology_from_tables_broken_madt_keeps_earlier_cpus),
		T(test_topology_discover_through_rsdp),
		T(test_topology_discover_test_inject_checksum),
		T(test_topology_discover_test_inject_srat_outside),
		T(test_topology_discover_bad_srat_checksum_in_memory),
		T(test_topology_discover_no_acpi),
		T(test_topology_discover_no_srat),
		T(test_topology_params_values),
#undef T
	};

	return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
