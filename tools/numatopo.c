/*
 * numatopo.c - print the NUMA topology the loader and kernel would derive
 * from a machine's ACPI tables, with the same code (acpi/) and the same
 * lines (topology_print).  Host tool; see tools/README.md.
 *
 *   numatopo SRAT.bin [SLIT.bin] [APIC.bin] [--mem START-END ...] [--memfile FILE]
 *   numatopo FOLDER      a `preflight` folder: srat.dat [slit.dat] [apic.dat] [memmap.txt]
 *
 * Table files come from `acpidump -b` (srat.dat, slit.dat, apic.dat) or
 * /sys/firmware/acpi/tables/{SRAT,SLIT,APIC}; each is recognised by its
 * signature, not its name.  Exit: 0 topology accepted, 1 bad input or the
 * SRAT rejected (fallback printed), 2 usage.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi.h"
#include "acpi/srat.h"
#include "acpi/topology.h"

#define MAX_RANGES  HANDOFF_PHYSMAP_MAX

static struct physmap_entry ram[MAX_RANGES];
static size_t nr_ram;

static int ram_cmp(const void *a, const void *b)
{
	const struct physmap_entry *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}
static struct numa_topology topo;

/* topology_print's lines; a kernel log level prefix ("<7>" on debug
 * lines) is dropped: the tool prints every line. */
static void __printf(1, 2) out_stdout(const char *fmt, ...)
{
	va_list ap;

	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>')
		fmt += 3;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void __printf(1, 2) out_stderr(const char *fmt, ...)
{
	va_list ap;

	fputs("numatopo: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static __noreturn void usage(void)
{
	fputs("usage: numatopo SRAT.bin [SLIT.bin] [APIC.bin] [--mem START-END ...] [--memfile FILE]\n"
	      "       numatopo FOLDER   (what `preflight` wrote: srat.dat, slit.dat, apic.dat, memmap.txt)\n"
	      "  table files: from `acpidump -b` or /sys/firmware/acpi/tables/, any order\n"
	      "  --mem START-END   usable RAM, END inclusive (as dmesg prints it), hex or decimal\n"
	      "  --memfile FILE    usable RAM from dmesg e820 lines ([mem A-B] usable), /proc/iomem\n"
	      "                    (A-B : System RAM) or bare A-B lines\n"
	      "  without a memory list, RAM is taken to be the SRAT's enabled non-hotplug ranges\n",
	      stderr);
	exit(2);
}

static __noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fputs("numatopo: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Read a whole file of at most ACPI_TABLE_MAX_LEN bytes. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n = 0, cap = 4096;

	if (!f)
		die("%s: %s", path, strerror(errno));
	buf = malloc(cap);
	if (!buf)
		die("out of memory");
	for (;;) {
		size_t r;

		if (n == cap) {
			if (cap > ACPI_TABLE_MAX_LEN)
				die("%s: larger than %u bytes, not an ACPI table", path,
				    ACPI_TABLE_MAX_LEN);
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

static void add_ram(uint64_t start, uint64_t end_incl, const char *what)
{
	if (end_incl < start)
		die("%s: end below start", what);
	if (end_incl == UINT64_MAX)
		die("%s: end 0x%llx too large", what, (unsigned long long)end_incl);
	if (nr_ram >= MAX_RANGES)
		die("more than %d memory ranges", MAX_RANGES);
	ram[nr_ram].start = start;
	ram[nr_ram].end = end_incl + 1;
	ram[nr_ram].type = PHYSMAP_USABLE;
	ram[nr_ram].owner = OWNER_NONE;
	nr_ram++;
}

/* "A-B" with A and B in C notation (0x.. or decimal), or hex without 0x
 * when `hex` is set (/proc/iomem).  Returns 0 on success. */
static int parse_range(const char *s, bool hex, uint64_t *a, uint64_t *b)
{
	char *end;

	errno = 0;
	*a = strtoull(s, &end, hex ? 16 : 0);
	if (end == s || *end != '-' || errno)
		return -1;
	s = end + 1;
	*b = strtoull(s, &end, hex ? 16 : 0);
	if (end == s || errno)
		return -1;
	return 0;
}

static void read_memfile(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned lineno = 0, found = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		uint64_t a, b;
		char *p, what[600];

		lineno++;
		snprintf(what, sizeof(what), "%s:%u", path, lineno);
		if ((p = strstr(line, "[mem "))) {
			/* dmesg: "BIOS-e820: [mem 0x..-0x..] usable" */
			if (!strstr(p, "] usable"))
				continue;
			if (parse_range(p + 5, false, &a, &b))
				die("%s: cannot parse \"[mem A-B]\"", what);
		} else if (strstr(line, " : ")) {
			/* /proc/iomem: top-level "System RAM" only */
			if (line[0] == ' ' || !strstr(line, " : System RAM"))
				continue;
			if (parse_range(line, true, &a, &b))
				die("%s: cannot parse the /proc/iomem range", what);
		} else {
			p = line + strspn(line, " \t");
			if (*p == '#' || *p == '\n' || *p == '\0')
				continue;
			if (parse_range(p, false, &a, &b))
				die("%s: expected START-END", what);
		}
		add_ram(a, b, what);
		found++;
	}
	fclose(f);
	if (!found)
		die("%s: no usable RAM ranges found", path);
}

/* No memory list: RAM = the SRAT's enabled, non-hotplug ranges. */
static int ram_from_srat_cb(void *ctx, const struct srat_entry *e, char *reason, size_t rlen)
{
	(void)ctx;
	if (e->type != SRAT_TYPE_MEMORY || !e->enabled || !e->length ||
	    (e->flags & SRAT_MEM_HOT_PLUGGABLE))
		return 0;
	if (nr_ram >= MAX_RANGES)
		return 0;
	add_ram(e->base, e->base + e->length - 1, "SRAT");
	return 0;
}

/* A folder argument (what `preflight` wrote) becomes its files: the tables
 * that are there, and --memfile memmap.txt unless memory was given. */
static char **expand_folders(int *argc, char **argv)
{
	static const char *files[] = { "srat.dat", "slit.dat", "apic.dat" };
	static char paths[16][4096];
	static char *out[256];
	int n = 0, np = 0;

	if (*argc > 64)
		die("too many arguments");
	out[n++] = argv[0];
	for (int i = 1; i < *argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			out[n++] = argv[i];
			continue;
		}
		if (np + 4 > 16)
			die("more than 4 folders");
		for (size_t k = 0; k < 3; k++) {
			snprintf(paths[np], sizeof(paths[np]), "%s/%s", argv[i], files[k]);
			if (stat(paths[np], &st) == 0)
				out[n++] = paths[np++];
		}
		snprintf(paths[np], sizeof(paths[np]), "%s/memmap.txt", argv[i]);
		if (stat(paths[np], &st) == 0) {
			out[n++] = "--memfile";
			out[n++] = paths[np++];
		}
	}
	*argc = n;
	return out;
}

int main(int argc, char **argv)
{
	struct topology_tables tabs = { 0 };
	struct topology_options opt = { .boot_apic_id = TOPOLOGY_NO_BOOT_APIC, .warn = out_stderr };
	const char *names[3] = { NULL, NULL, NULL };
	bool have_mem = false;
	int status = 0;

	argv = expand_folders(&argc, argv);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--mem")) {
			uint64_t a, b;

			if (++i >= argc)
				usage();
			if (parse_range(argv[i], false, &a, &b))
				die("--mem %s: expected START-END", argv[i]);
			add_ram(a, b, argv[i]);
			have_mem = true;
		} else if (!strcmp(arg, "--memfile")) {
			if (++i >= argc)
				usage();
			read_memfile(argv[i]);
			have_mem = true;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help") || arg[0] == '-') {
			usage();
		} else {
			char reason[160];
			size_t len;
			uint8_t *t = read_file(arg, &len);
			int slot;

			if (len < sizeof(struct acpi_table_header))
				die("%s: %zu bytes, too short for an ACPI table", arg, len);
			if (!memcmp(t, "SRAT", 4))
				slot = 0;
			else if (!memcmp(t, "SLIT", 4))
				slot = 1;
			else if (!memcmp(t, "APIC", 4))
				slot = 2;
			else
				die("%s: signature \"%.4s\" is not SRAT, SLIT or APIC (MADT)", arg,
				    (const char *)t);
			if (names[slot])
				die("%s: a second %.4s table (first: %s)", arg, (const char *)t,
				    names[slot]);
			names[slot] = arg;
			/* The file must hold exactly one table.  A bad checksum is not
			 * fatal here: the kernel's fallback line is the report. */
			if (acpi_table_check(t, len, NULL, reason, sizeof(reason)) != ACPI_OK) {
				fprintf(stderr, "numatopo: error: %s: %s\n", arg, reason);
				status = 1;
			}
			if (((const struct acpi_table_header *)t)->length != len &&
			    ((const struct acpi_table_header *)t)->length < len)
				fprintf(stderr, "numatopo: warning: %s: %zu bytes after the table's "
					"length %u ignored\n", arg,
					len - ((const struct acpi_table_header *)t)->length,
					((const struct acpi_table_header *)t)->length);
			if (slot == 0) {
				tabs.srat = t;
				tabs.srat_len = len;
			} else if (slot == 1) {
				tabs.slit = t;
				tabs.slit_len = len;
			} else {
				tabs.madt = t;
				tabs.madt_len = len;
			}
		}
	}
	if (!names[0])
		usage();

	if (!have_mem) {
		char reason[160];

		if (srat_walk(tabs.srat, tabs.srat_len, ram_from_srat_cb, NULL, reason,
			      sizeof(reason)) != ACPI_OK)
			fprintf(stderr, "numatopo: error: %s: %s\n", names[0], reason);
		fprintf(stderr, "numatopo: no memory map given: usable RAM assumed to be the "
			"SRAT's %zu enabled non-hotplug range(s)\n", nr_ram);
	}

	/* topology_from_tables takes the map sorted, as mm/physmap.c hands it
	 * over; --mem, --memfile and SRAT ranges come in any order. */
	qsort(ram, nr_ram, sizeof(ram[0]), ram_cmp);
	topology_from_tables(&tabs, ram, nr_ram, &opt, &topo);
	topology_print(&topo, out_stdout);
	if (topo.source != NUMA_SRC_SRAT) {
		fprintf(stderr, "numatopo: error: the SRAT would not be used: %s\n", topo.reason);
		status = 1;
	}
	if (topo.slit_source == NUMA_SLIT_DEFAULT && names[1] && topo.source == NUMA_SRC_SRAT) {
		fprintf(stderr, "numatopo: error: the SLIT would not be used: %s\n",
			topo.slit_reason);
		status = 1;
	}
	free((void *)tabs.srat);
	free((void *)tabs.slit);
	free((void *)tabs.madt);
	return status;
}
