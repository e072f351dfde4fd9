#!/bin/sh
# pe_nxcompat_test.sh - tools/pe_nxcompat.py: the built BOOTX64.EFI carries
# NX_COMPAT; a copy with a writable+executable section, a 512-byte section
# alignment, or a relocation into code loses it with the reason; a file that
# is not PE is refused.  Run by test/run_tests.py (tools suite).
set -u
B=${BUILD_DIR:-build}
PE=$B/esp/EFI/BOOT/BOOTX64.EFI
SO=$B/loader.so
TOOL=tools/pe_nxcompat.py
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

python3 "$TOOL" --check "$PE" >"$W/ok.out" 2>&1 || fail "built image: $(cat "$W/ok.out")"

# mutate NAME PYTHON-EXPR-ON-d: a copy of the image edited in place
mutate() {
	cp "$PE" "$W/$1.efi"
	python3 - "$W/$1.efi" "$2" <<'PY'
import struct, sys
p, expr = sys.argv[1], sys.argv[2]
d = bytearray(open(p, "rb").read())
pe = struct.unpack_from("<I", d, 0x3C)[0]
nsec, optsize = struct.unpack_from("<H", d, pe + 6)[0], struct.unpack_from("<H", d, pe + 20)[0]
opt = pe + 24
sec = lambda name: next(opt + optsize + 40 * i for i in range(nsec)
                        if d[opt + optsize + 40 * i:][:8].rstrip(b"\0") == name)
exec(expr)
open(p, "wb").write(d)
PY
}

expect_refused() {
	python3 "$TOOL" "$SO" "$W/$1.efi" 2>"$W/$1.err" || fail "$1: tool failed: $(cat "$W/$1.err")"
	grep -q "NOT marked NX-compatible: .*$2" "$W/$1.err" || fail "$1: no reason \"$2\": $(cat "$W/$1.err")"
	python3 "$TOOL" --check "$W/$1.efi" >/dev/null 2>&1
	[ $? -eq 2 ] || fail "$1: --check does not report the bit clear"
}

mutate wx 'o = sec(b".data"); struct.pack_into("<I", d, o + 36, struct.unpack_from("<I", d, o + 36)[0] | 0x20000000)'
expect_refused wx "section .data is writable and executable"
mutate align 'struct.pack_into("<I", d, opt + 32, 0x200)'
expect_refused align "SectionAlignment 0x200"
# A base relocation block for the first page of .text.
mutate reloc 'o = sec(b".reloc"); t = sec(b".text"); va = struct.unpack_from("<I", d, t + 12)[0]; raw = struct.unpack_from("<I", d, o + 20)[0]; struct.pack_into("<IIHH", d, raw, va, 12, 0xA010, 0)'
expect_refused reloc "base relocation writes into executable section .text"

echo "not a PE" >"$W/junk.efi"
python3 "$TOOL" "$SO" "$W/junk.efi" 2>"$W/junk.err"
[ $? -eq 1 ] || fail "junk: expected exit 1"
grep -q "not a PE image" "$W/junk.err" || fail "junk: no reason"

[ $fails -eq 0 ] && echo "pe_nxcompat: all ok"
exit $fails
