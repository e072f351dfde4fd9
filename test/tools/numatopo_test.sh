#!/bin/sh
# numatopo_test.sh - shell test of build/host/numatopo (tools/numatopo.c)
# over the iasl-compiled tables (build/host/acpi-tables/) and the tables of
# test/qemu/acpi/mktables.py: golden output, detection by signature, memory
# lists, and a clean exit 1 (never a crash: the tool is built with
# ASan/UBSan) on every bad file.  Run by test/run_tests.py (tools suite).
set -u
B=${BUILD_DIR:-build}
T=$B/host/acpi-tables
TOOL=$B/host/numatopo
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run NAME EXPECTED_EXIT ARGS... : output in $W/NAME.out/.err
run() {
	name=$1 want=$2
	shift 2
	"$TOOL" "$@" >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want: $(cat "$W/$name.err")"
	if grep -q "AddressSanitizer\|runtime error" "$W/$name.err"; then
		fail "$name: sanitizer report"
	fi
}

has() { grep -qF -- "$2" "$W/$1.out" "$W/$1.err" || fail "$1: no line \"$2\""; }

[ -x "$TOOL" ] || { echo "no $TOOL (make tools BUILD=$B)"; exit 1; }
for f in qemu-2node-srat qemu-2node-slit qemu-2node-apic big-x2apic-srat big-x2apic-slit big-x2apic-apic; do
	[ -f "$T/$f.aml" ] || { echo "no $T/$f.aml (make acpi-tables BUILD=$B)"; exit 1; }
done
python3 test/qemu/acpi/mktables.py "$W/q" || exit 1

cat >"$W/golden" <<'G'
SRAT: PXM 0 -> APIC 0x00 -> Node 0
SRAT: PXM 1 -> APIC 0x01 -> Node 1
ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]
ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x3fffffff]
ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]
NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x3fffffff] -> [mem 0x00000000-0x3fffffff]
NUMA: Node 0 [mem 0x00000000-0x0009ffff]
NUMA: Node 0 [mem 0x00100000-0x3fffffff]
NUMA: Node 1 [mem 0x40000000-0x7fffffff]
NUMA: Node 0 cpus: 0x00
NUMA: Node 1 cpus: 0x01
NUMA: Node 0 distances: 10 21
NUMA: Node 1 distances: 21 10
G

# 1. golden, with RAM derived from the SRAT (and said so on stderr)
run golden 0 "$T/qemu-2node-srat.aml" "$T/qemu-2node-slit.aml" "$T/qemu-2node-apic.aml"
cmp -s "$W/golden" "$W/golden.out" || fail "golden: output differs: $(diff "$W/golden" "$W/golden.out")"
has golden "no memory map given"

# 2. detection by signature: odd names, any order (as acpidump -b / sysfs names)
cp "$T/qemu-2node-srat.aml" "$W/apic.dat"
cp "$T/qemu-2node-apic.aml" "$W/SRAT"
cp "$T/qemu-2node-slit.aml" "$W/x"
run byname 0 "$W/x" "$W/SRAT" "$W/apic.dat" --mem 0x100000-0x7fffffff --mem 0-0x9ffff
cmp -s "$W/golden" "$W/byname.out" || fail "byname: output differs"

# 3. memory lists: dmesg e820 lines and /proc/iomem lines; a hole rejects
cat >"$W/e820" <<'E'
[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable
[    0.000000] BIOS-e820: [mem 0x000000007ffe0000-0x000000007fffffff] reserved
E
run e820 0 "$T/qemu-2node-srat.aml" --memfile "$W/e820"
printf '00000000-0009fbff : System RAM\n00100000-7ffdffff : System RAM\n  01000000-01ffffff : Kernel code\n' >"$W/iomem"
run iomem 0 "$T/qemu-2node-srat.aml" --memfile "$W/iomem"
run hole 1 "$T/qemu-2node-srat.aml" --mem 0x100000-0xbfffffff
# A rejected SRAT reads like Linux's: the entries as parsed, Linux's reason
# (numa_meminfo_cover_memory), ours, then dummy_numa_init()'s two lines.
cat >"$W/hole.golden" <<'G'
SRAT: PXM 0 -> APIC 0x00 -> Node 0
SRAT: PXM 1 -> APIC 0x01 -> Node 1
ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]
ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x3fffffff]
ACPI: SRAT: Node 1 PXM 1 [mem 0x40000000-0x7fffffff]
NUMA: nodes only cover 2047MB of your 3071MB e820 RAM. Not used.
SRAT: rejected: nodes cover only 2047 MiB of 3071 MiB usable RAM (first gap in the RAM range at 0x100000)
No NUMA configuration found
Faking a node at [mem 0x0000000000000000-0x00000000bfffffff]
NUMA: Node 0 [mem 0x00000000-0xbfffffff]
NUMA: Node 0 cpus: 0x00 0x01
NUMA: Node 0 distances: 10
G
cmp -s "$W/hole.golden" "$W/hole.out" || fail "hole: output differs: $(diff "$W/hole.golden" "$W/hole.out")"

# 4. the large table set: SLIT unusable -> exit 1, lines still printed
run big 1 "$T/big-x2apic-srat.aml" "$T/big-x2apic-slit.aml" "$T/big-x2apic-apic.aml"
has big "SRAT: PXM 65536 -> APIC 0x0201 -> Node 2"
has big "NUMA: default distances (10 local, 20 remote): SLIT: 4 localities, but the SRAT has PXM 65536"

# 5. broken tables: the kernel's fallback line and exit 1
run csum 1 "$W/q/srat-bad-checksum.aml" "$T/qemu-2node-apic.aml"
has csum "SRAT: rejected: checksum mismatch"
has csum "NUMA: Node 0 cpus: 0x00 0x01"
run overrun 1 "$W/q/srat-overrun.aml"
has overrun "runs past the end of the table"
run diag 1 "$W/q/srat-2node.aml" "$W/q/slit-bad-diagonal.aml" --mem 0-0x7fffffff
has diag "SLIT: diagonal entry [1][1] is 20, not 10"

# 6. files that are not tables at all: a clear error, exit 1
: >"$W/empty"
run empty 1 "$W/empty"
has empty "too short for an ACPI table"
head -c 30 "$T/qemu-2node-srat.aml" >"$W/short"
run short 1 "$W/short"
printf 'XXXX this is not an ACPI table at all, but long enough........' >"$W/junk"
run junk 1 "$W/junk"
has junk "is not SRAT, SLIT or APIC"
head -c 100 "$T/qemu-2node-srat.aml" >"$W/trunc"
run trunc 1 "$W/trunc"
has trunc "runs past the end of the data"
run missing 1 "$W/does-not-exist"
run twice 1 "$T/qemu-2node-srat.aml" "$T/qemu-2node-srat.aml"
has twice "a second SRAT table"
run badmem 1 "$T/qemu-2node-srat.aml" --mem 0x2000-0x1000
printf 'garbage line\n' >"$W/badmemfile"
run badmemfile 1 "$T/qemu-2node-srat.aml" --memfile "$W/badmemfile"
run usage 2
run noslit 2 "$T/qemu-2node-slit.aml"

# 7. real QEMU + OVMF tables and memory maps (test/acpi/tables/qemu/README.md)
for d in test/acpi/tables/qemu/*/; do
	c=$(basename "$d")
	run "qemu-$c" 0 "$d/apic.dat" "$d/srat.dat" "$d/slit.dat" --memfile "$d/memmap.txt"
	cmp -s "$d/expected.txt" "$W/qemu-$c.out" ||
		fail "qemu-$c: output differs: $(diff "$d/expected.txt" "$W/qemu-$c.out")"
done
# The real 2-node SRAT against a map with RAM the SRAT does not cover.
run qemu-hole 1 test/acpi/tables/qemu/2node/srat.dat --memfile test/acpi/tables/qemu/2node/memmap.txt \
	--mem 0x100000000-0x1001fffff
has qemu-hole "SRAT: rejected: nodes cover only"

# 8. real machines' tables (test/acpi/tables/real/README.md): expected.txt
# with RAM taken from each SRAT, and the MSI board against a 2 GiB QEMU
# guest's memory map, which Linux rejects with the line quoted there.
for d in test/acpi/tables/real/*/; do
	c=$(basename "$d")
	run "real-$c" 0 "$d"*.dat
	cmp -s "$d/expected.txt" "$W/real-$c.out" ||
		fail "real-$c: output differs: $(diff "$d/expected.txt" "$W/real-$c.out")"
done
M=test/acpi/tables/real/MSI_MS_MS-7885_A386B4BDC94D
run real-msi-2g 1 "$M/srat.dat" "$M/slit.dat" "$M/apic.dat" --memfile test/acpi/tables/qemu/2node/memmap.txt
cmp -s "$M/expected-qemu-2g.txt" "$W/real-msi-2g.out" ||
	fail "real-msi-2g: output differs: $(diff "$M/expected-qemu-2g.txt" "$W/real-msi-2g.out")"
has real-msi-2g "NUMA: nodes only cover 1022MB of your 2041MB e820 RAM. Not used."

# 9. random corruptions of a valid SRAT never crash the tool
i=0
while [ $i -lt 40 ]; do
	python3 - "$T/qemu-2node-srat.aml" "$W/fz" $i <<'P'
import random, sys
d = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(int(sys.argv[3]))
for _ in range(r.randint(1, 6)):
    d[r.randrange(4, len(d))] = r.randrange(256)
if r.random() < 0.3:
    d = d[:r.randrange(36, len(d))]
open(sys.argv[2], "wb").write(bytes(d))
P
	"$TOOL" "$W/fz" >"$W/fz.out" 2>"$W/fz.err"
	rc=$?
	[ $rc -le 1 ] || fail "random corruption $i: exit $rc: $(tail -3 "$W/fz.err")"
	i=$((i + 1))
done

[ $fails -eq 0 ] && echo "numatopo: all checks passed"
exit $((fails != 0))
