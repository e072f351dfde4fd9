#!/bin/sh
# decode_oops_test.sh - tools/decode-oops over a trace made from the built
# kernel.elf's own symbols: faulting instruction looked up as is, return
# addresses one byte back (a call ending a function is not named after the
# next one), inlined frames, lines that carry no address untouched, and
# exit 1 when the log does not come from this kernel.elf.  Also checks the
# symbol table the two-pass link embedded (tools/mkksyms.py) against nm.
# Run by test/run_tests.py (tools suite).
set -u
B=${BUILD_DIR:-build}
ELF=$B/esp/EFI/BOOT/kernel.elf
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$ELF" ] || { echo "FAIL: $ELF not built"; exit 1; }
addr() { nm "$ELF" | awk -v s="$1" '$3 == s { print $1 }'; }
hex() { python3 -c "import sys; print('%016x' % (int(sys.argv[1], 16) + int(sys.argv[2], 0)))" "$1" "$2"; }

KMAIN=$(addr kmain)
FAULT=$(addr fault_inject)
START=$(addr _start)
[ -n "$KMAIN" ] && [ -n "$FAULT" ] && [ -n "$START" ] || { echo "FAIL: kmain/fault_inject/_start not in $ELF"; exit 1; }

# The line of fault_inject's call in kmain, as addr2line sees it: find a
# return address inside kmain by disassembling the call.
CALLRET=$(objdump -d --no-show-raw-insn "$ELF" | awk -v f="<fault_inject>" '
	/^[0-9a-f]+ <kmain>:/ { in_k = 1; next }
	/^[0-9a-f]+ </ { in_k = 0 }
	in_k && index($0, "call") && index($0, f) { want = 1; next }
	in_k && want { sub(":", "", $1); print $1; exit }')
[ -n "$CALLRET" ] || fail "no call to fault_inject found in kmain"
CALLLINE=$(grep -n 'fault_inject(boot_opts.fault)' kernel/main.c | cut -d: -f1)

cat >"$W/log" <<LOG
traps: #PF Page Fault (vector 14), error code 0x0
Call Trace:
 [<$(hex "$FAULT" 0)>] fault_inject+0x0/0x10 (faulting instruction)
 [<$(printf '%016x' "0x$CALLRET")>] kmain+0x1/0x2
 [<$(hex "$START" 0x2f)>] _start+0x2f/0x33
Kernel panic - not syncing: Fatal exception
LOG
tools/decode-oops -e "$ELF" "$W/log" >"$W/out" 2>"$W/err"
rc=$?
[ "$rc" -eq 0 ] || fail "decode exit $rc: $(cat "$W/err")"
grep -q "fault_inject+0x0/0x10 (faulting instruction) kernel/main.c:[0-9]" "$W/out" ||
	fail "faulting instruction not resolved to kernel/main.c: $(cat "$W/out")"
grep -q "kmain+0x1/0x2 kernel/main.c:$CALLLINE\$" "$W/out" ||
	fail "return address not resolved to the call's line $CALLLINE: $(cat "$W/out")"
grep -q "_start+0x2f/0x33 kernel/entry.S:[0-9]" "$W/out" || fail "_start not in entry.S: $(cat "$W/out")"
grep -qx "Kernel panic - not syncing: Fatal exception" "$W/out" || fail "plain line changed"
grep -qx "Call Trace:" "$W/out" || fail "plain line changed"

# From stdin, and a log from another build: exit 1 with a note.
sed "s/fault_inject+0x0/kmain+0x0/" "$W/log" | tools/decode-oops -e "$ELF" >"$W/out2" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "mismatched log: exit $rc, expected 1"
grep -q "kernel.elf has fault_inject here: not the build that printed this" "$W/out2" ||
	fail "mismatch not said: $(cat "$W/out2")"
tools/decode-oops -e "$W/missing.elf" "$W/log" >/dev/null 2>"$W/err3" && fail "missing elf accepted"
grep -q "not found" "$W/err3" || fail "missing elf: no message"

# The embedded table names every function nm knows, at the same address.
python3 - "$ELF" <<'PY' || fails=$((fails + 1))
import struct, subprocess, sys
elf = sys.argv[1]
syms = {}
for line in subprocess.run(["nm", "-n", "-S", "--defined-only", elf], capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) >= 3:
        syms[f[-1]] = int(f[0], 16)
need = {"kmain", "fault_inject", "_start", "panic", "trap_handler", "stack_trace_print", "cmdline_parse"}
out = subprocess.run(["python3", "tools/mkksyms.py", elf, "/dev/stdout"], capture_output=True, text=True).stdout
missing = [n for n in need if '"%s\\0"' % n not in out]
if missing:
    print("FAIL: mkksyms table lacks", missing)
    sys.exit(1)
PY

[ "$fails" -eq 0 ] && echo "decode_oops_test: all passed"
exit "$fails"
