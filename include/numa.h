/*
 * numa.h - the NUMA topology model: what the loader learns from SRAT, SLIT
 * and MADT before ExitBootServices and hands to the kernel (embedded in
 * struct handoff, so every field is fixed-width and the layout is part of
 * the handoff contract: append only).
 *
 * Node ids are dense (0..nr_nodes-1), given to proximity domains in order of
 * first appearance in the SRAT, as Linux's acpi_map_pxm_to_node() does.
 */
#ifndef NUMA_H
#define NUMA_H

#include "types.h"

/*
 * Limits (issue 8).  Linux x86-64 has MAX_NUMNODES 64 (NODES_SHIFT 6) unless
 * MAXSMP (1024, with NR_CPUS 8192) and NR_NODE_MEMBLKS = 2 * MAX_NUMNODES.
 * 256 nodes cover 8-socket machines with sub-NUMA clustering and CXL
 * domains; the distance matrix (nodes^2 bytes) is the one quadratic array
 * in the handoff, 64 KiB here.  More proximity domains than that reject the
 * SRAT, as Linux's "Too many proximity domains" does.  CPUs beyond
 * NUMA_MAX_CPUS are not recorded (counted in nr_cpus_clipped and reported),
 * as Linux ignores processors past NR_CPUS.
 */
#define NUMA_MAX_NODES     256    /* node ids 0..255 */
#define NUMA_MAX_CPUS      4096   /* CPUs (APIC or x2APIC ids) */
#define NUMA_MAX_MEMBLKS   512    /* merged per-node ranges, all nodes together */
#define NUMA_MAX_SRAT_MEM  512    /* raw SRAT memory entries kept for the log */
#define NUMA_NO_NODE       0xffffu

/* A set of node ids: one bit per node. */
#define NUMA_NODESET_WORDS  (NUMA_MAX_NODES / 64)
typedef struct { uint64_t w[NUMA_NODESET_WORDS]; } numa_nodeset_t;

static inline bool numa_nodeset_test(const numa_nodeset_t *s, uint32_t n)
{
	return n < NUMA_MAX_NODES && (s->w[n / 64] >> (n % 64)) & 1;
}

static inline void numa_nodeset_set(numa_nodeset_t *s, uint32_t n)
{
	if (n < NUMA_MAX_NODES)
		s->w[n / 64] |= 1ULL << (n % 64);
}

#define NUMA_LOCAL_DISTANCE   10
#define NUMA_REMOTE_DISTANCE  20

/* numa_cpu.flags */
#define NUMA_CPU_IN_SRAT        (1u << 0)  /* an enabled SRAT affinity entry named it */
#define NUMA_CPU_IN_MADT        (1u << 1)  /* MADT lists it enabled or online-capable */
#define NUMA_CPU_X2APIC         (1u << 2)  /* came from an x2APIC entry */
#define NUMA_CPU_ONLINE_CAPABLE (1u << 3)  /* MADT: disabled now, may be onlined later */
#define NUMA_CPU_BOOT           (1u << 4)  /* the CPU the loader ran on */

struct numa_cpu {
	uint32_t apic_id;       /* local APIC or x2APIC id */
	uint32_t pxm;           /* proximity domain (valid when IN_SRAT) */
	uint16_t node;          /* dense node id */
	uint16_t flags;         /* NUMA_CPU_* */
};
_Static_assert(sizeof(struct numa_cpu) == 12, "numa_cpu layout is handoff ABI");

/* numa_memblk.flags and numa_srat_mem.flags */
/* NUMA_MEM_HOTPLUG is the SRAT's flag, a property of the range as Linux's
 * memblock hotplug mark is: RAM inside a hot-pluggable range is the node's
 * memory like any other (placement, mm, the pgtable check).  NUMA_MEM_NO_RAM
 * (set by acpi/topology.c) says the memory map given to the topology has no
 * RAM byte in the range: a memblk so flagged makes no node "with memory"; an
 * SRAT range so flagged takes no part in Linux's merge lines (topology_print).
 * A loader before this rule leaves it clear on SRAT ranges. */
#define NUMA_MEM_HOTPLUG      (1u << 0)  /* SRAT: hot-pluggable */
#define NUMA_MEM_NONVOLATILE  (1u << 1)  /* SRAT: non-volatile */
#define NUMA_MEM_NO_RAM       (1u << 2)  /* memblk holds no usable or loader-owned RAM */

/* A merged, validated range of one node: [start, end). */
struct numa_memblk {
	uint64_t start;
	uint64_t end;
	uint32_t node;
	uint32_t flags;
};
_Static_assert(sizeof(struct numa_memblk) == 24, "numa_memblk layout is handoff ABI");

/* One enabled SRAT memory-affinity entry, as found, for the ACPI: SRAT lines. */
struct numa_srat_mem {
	uint64_t start;
	uint64_t end;           /* exclusive */
	uint32_t pxm;
	uint16_t node;
	uint16_t flags;
};
_Static_assert(sizeof(struct numa_srat_mem) == 24, "numa_srat_mem layout is handoff ABI");

/* One SRAT Generic Initiator affinity entry (type 5), enabled or not, as
 * found: Linux prints each at debug level while it parses, in table order
 * with the CPU entries. */
#define NUMA_MAX_GI  64         /* entries kept for the log; more still get nodes */
struct numa_gi {
	uint32_t pxm;
	uint32_t cpus_before;   /* SRAT CPUs (cpus[] index) before it in the table */
	uint16_t node;          /* NUMA_NO_NODE when disabled */
	uint8_t  handle_type;   /* 0 ACPI (_HID, _UID), 1 PCI (segment, BDF) */
	uint8_t  flags;         /* the entry's flags, low byte (bit 0 enabled) */
	uint8_t  handle[16];
};
_Static_assert(sizeof(struct numa_gi) == 28, "numa_gi layout is handoff ABI");

/* An SRAT subtable of a type this code does not use (GICC, ITS, generic
 * port, future types), skipped by its length and named at debug level. */
#define NUMA_MAX_SRAT_SKIPPED  16
struct numa_srat_skipped {
	uint32_t offset;
	uint8_t  type;
	uint8_t  length;
	uint16_t reserved;
};
_Static_assert(sizeof(struct numa_srat_skipped) == 8, "numa_srat_skipped layout is handoff ABI");

/* numa_topology.source */
#define NUMA_SRC_SRAT   1   /* SRAT accepted */
#define NUMA_SRC_FAKE   2   /* no usable SRAT, numa=off, or rejected: one node */

/* numa_topology.slit_source */
#define NUMA_SLIT_TABLE    1   /* distances from a valid SLIT */
#define NUMA_SLIT_DEFAULT  2   /* 10 local / 20 remote (absent or invalid: see slit_reason) */

struct numa_topology {
	uint32_t source;                       /* NUMA_SRC_* */
	uint32_t slit_source;                  /* NUMA_SLIT_* */
	uint32_t nr_nodes;
	uint32_t nr_cpus;
	uint32_t nr_memblks;
	uint32_t nr_srat_mem;
	uint32_t srat_revision;                /* 0 when there is no SRAT */
	uint32_t reserved0;
	uint64_t fake_start;                   /* NUMA_SRC_FAKE: the faked node's span */
	uint64_t fake_end;
	char     reason[128];                  /* why NUMA_SRC_FAKE ("" otherwise) */
	union {
		/* NUMA_SRC_SRAT: why NUMA_SLIT_DEFAULT ("" otherwise) */
		char slit_reason[96];
		/* NUMA_SRC_FAKE after a rejected SRAT: the line Linux prints for
		 * the same rejection ("" when Linux has none); the faked node's
		 * distances need no reason */
		char linux_reason[96];
	};
	uint32_t node_pxm[NUMA_MAX_NODES];     /* node id -> proximity domain */
	uint8_t  distance[NUMA_MAX_NODES][NUMA_MAX_NODES];
	struct numa_cpu      cpus[NUMA_MAX_CPUS];          /* SRAT order, then MADT-only CPUs */
	struct numa_memblk   memblks[NUMA_MAX_MEMBLKS];    /* sorted by start */
	struct numa_srat_mem srat_mem[NUMA_MAX_SRAT_MEM];  /* SRAT order */
	/* handoff v7: generic initiators and skipped subtables (counts may
	 * exceed the arrays: the rest are counted, not kept) */
	uint32_t nr_gi;
	uint32_t nr_srat_skipped;
	struct numa_gi gi[NUMA_MAX_GI];                    /* SRAT order */
	struct numa_srat_skipped srat_skipped[NUMA_MAX_SRAT_SKIPPED];
	/* handoff v9: CPUs past NUMA_MAX_CPUS, not in cpus[] */
	uint32_t nr_cpus_clipped;
	uint32_t first_clipped_apic;           /* the first one's APIC id */
};

/* True if some memblk of `node` holds present RAM (Linux: the node has
 * memblock memory), whether or not its ranges are hot-pluggable.  The one
 * rule the loader's placement, mm and the kernel's pgtable check share. */
static inline bool numa_node_has_memory(const struct numa_topology *t, uint32_t node)
{
	uint32_t n = t->nr_memblks < NUMA_MAX_MEMBLKS ? t->nr_memblks : NUMA_MAX_MEMBLKS;

	for (uint32_t i = 0; i < n; i++)
		if (t->memblks[i].node == node && t->memblks[i].end > t->memblks[i].start &&
		    !(t->memblks[i].flags & NUMA_MEM_NO_RAM))
			return true;
	return false;
}

#endif /* NUMA_H */
