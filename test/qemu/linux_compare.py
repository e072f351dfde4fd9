#!/usr/bin/env python3
"""linux_compare.py - boot Debian's own Linux kernel under the same QEMU
arguments as a QEMU case and print the lines that differ from this kernel's
log, for the line families this project prints the way Linux does.

    make linux-compare CASE=numa-4node-unequal-6g
    python3 test/qemu/linux_compare.py --build build CASE [CASE ...]

Linux is started by OVMF from QEMU's -kernel (its EFI stub), with
console=ttyS0 and no root file system: it prints its memory and NUMA setup,
panics at the root mount, and panic=-1 with -no-reboot ends QEMU.  Under
TCG that takes 30 s to a few minutes, so this is not part of `make test`.
Kernel: /boot/vmlinuz-*-amd64 (Debian's linux-image-amd64, installed by
tools/install-deps.sh linux), or --vmlinuz.

Output: a unified diff per case, Linux's lines as "-", ours as "+", after
dropping dmesg timestamps and trailing blanks.  Exit status 0 when the
families match, 1 when lines differ, 2 on a boot or usage failure.
"""
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import qemu                      # noqa: E402
from harness import run_case, clean   # noqa: E402

# The families this project prints in Linux's words (README "Serial report
# formats"); everything else in either log is not compared.
FAMILIES = re.compile(
    r"^(SRAT: |ACPI: SRAT: |NUMA: |No NUMA configuration found|NUMA turned off|Faking a node at "
    r"|Zone ranges:|  (DMA|DMA32|Normal) +(\[mem|empty)|Early memory node ranges|  node +\d+: \[mem "
    r"|Fallback order for Node )")
TIMESTAMP = re.compile(r"^\[ *\d+\.\d+\] ")
# Linux words of a case's command line that Linux understands the same way.
LINUX_OPTIONS = ("numa=off",)


def families(text):
    out = []
    for line in text.splitlines():
        line = TIMESTAMP.sub("", line).rstrip()
        if FAMILIES.match(line):
            out.append(line)
    return out


def find_vmlinuz():
    found = sorted(glob.glob("/boot/vmlinuz-*-amd64"))
    return found[-1] if found else None


def boot_linux(case, vmlinuz, timeout):
    """Linux's serial log under the case's machine."""
    work = tempfile.mkdtemp(prefix=f"linux-{case.name}-")
    try:
        vars_file = os.path.join(work, "OVMF_VARS.fd")
        shutil.copyfile(qemu.OVMF_VARS, vars_file)
        serial = os.path.join(work, "serial.log")
        if case.image_hook:     # generated tables (-acpitable file=@WORK@/...)
            case.image_hook(work)
        extra = [a.replace("@WORK@", work) for a in case.extra]
        append = " ".join(["console=ttyS0", "panic=-1"] +
                          [w for w in case.cmdline.split() if w in LINUX_OPTIONS])
        cmd = ["qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max"]
        cmd += case.topo.args()
        cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={qemu.OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_file}",
                "-kernel", vmlinuz, "-append", append,
                "-net", "none", "-display", "none", "-serial", f"file:{serial}", "-no-reboot"]
        cmd += extra
        t0 = time.time()
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"linux-compare: {case.name}: Linux still running after {timeout} s, using its log so far",
                  file=sys.stderr)
        with open(serial, "rb") as f:
            text = clean(f.read().decode("utf-8", "replace"))
        print(f"linux-compare: {case.name}: Linux booted in {time.time() - t0:.0f} s", file=sys.stderr)
        return text
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cases", nargs="+", help="QEMU case names (test/qemu/cases.py)")
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--vmlinuz", default=None)
    p.add_argument("--timeout", type=int, default=600)
    a = p.parse_args()

    os.environ.setdefault("BUILD_DIR", a.build)
    import cases as case_table  # after BUILD_DIR: cases read it
    by_name = {c.name: c for c in case_table.CASES}
    vmlinuz = a.vmlinuz or find_vmlinuz()
    if not vmlinuz or not os.access(vmlinuz, os.R_OK):
        print("linux-compare: no readable /boot/vmlinuz-*-amd64 (sh tools/install-deps.sh linux, as root)",
              file=sys.stderr)
        return 2
    status = 0
    for name in a.cases:
        case = by_name.get(name)
        if case is None:
            print(f"linux-compare: no case {name!r}; cases: {' '.join(sorted(by_name))}", file=sys.stderr)
            return 2
        errors, secs, logpath = run_case(case, os.path.join(a.build, "esp.img"), a.build)
        with open(logpath) as f:
            ours = families(f.read())
        if not ours:
            print(f"linux-compare: {name}: this kernel printed none of the lines ({logpath})", file=sys.stderr)
            return 2
        linux_text = boot_linux(case, vmlinuz, a.timeout)
        linux_log = os.path.join(a.build, "test-logs", f"{name}.linux.log")
        with open(linux_log, "w") as f:
            f.write(linux_text)
        theirs = families(linux_text)
        if not theirs:
            print(f"linux-compare: {name}: Linux printed none of the lines ({linux_log})", file=sys.stderr)
            return 2
        diff = list(difflib.unified_diff(theirs, ours, f"linux ({os.path.basename(vmlinuz)})", "numaboot",
                                         n=1, lineterm=""))
        print(f"=== {name}: {len(theirs)} Linux lines, {len(ours)} ours, "
              f"{sum(1 for d in diff if d[:1] == '-' and not d.startswith('---'))} only Linux's, "
              f"{sum(1 for d in diff if d[:1] == '+' and not d.startswith('+++'))} only ours "
              f"(logs: {logpath}, {linux_log})")
        for d in diff:
            print(d)
        status = status or (1 if diff else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
