#!/usr/bin/env python3
"""pgtable_cost.py [BUILD] - what the per-node page-table copies cost, measured
in QEMU+OVMF: boots 1, 2, 4 and 8 equal nodes with 1 GiB and 64 GiB of RAM in
all and prints, from the loader's own lines, the table pages per copy, the
time spent claiming node memory, copying kernel text and building tables, and
the loader's total time (TSC, rate measured with Stall), and the kernel's
check of all copies (leaves compared, time).  A benchmark: it prints numbers
and asserts nothing.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qemu"))
import qemu  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
image = os.path.join(build, "esp.img")
print(f"{'nodes x RAM':<14}{'pages/copy (boot)':>18}{'all pages':>10}{'claim us':>10}"
      f"{'text us':>9}{'tables us':>10}{'loader us':>10}{'tables %':>9}{'check leaves':>13}{'check us':>9}")
for total in ("1G", "64G"):
    for nodes in (1, 2, 4, 8):
        topo = qemu.Topology(nodes=nodes, cpus=nodes, mem=total, reserve=False)
        with tempfile.TemporaryDirectory() as work:
            img, vars_file = qemu.prepare_image(image, work, cmdline="qemu_exit")
            cmd = qemu.qemu_command(img, vars_file, topo, serial="stdio")
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
        pages = [int(p) for p in re.findall(r"^loader: PGD: Node \d+ at \S+ \(node \d+\), (\d+) table pages", out, re.M)]
        split = re.search(r"claiming pages (\d+) us, copying text (\d+) us, building tables (\d+) us", out)
        boot = re.search(r"^boot: loader (\d+) us", out, re.M)
        check = re.search(r"^pgtable: \d+ copies verified, (\d+) mappings compared, .*\((\d+) leaves checked, (\d+) us\)",
                          out, re.M)
        if not (pages and split and boot):
            print(f"{nodes} x {total}: no loader/boot lines (see a manual boot)")
            continue
        claim, text, tables = (int(x) for x in split.groups())
        loader = int(boot.group(1))
        print(f"{nodes:>2} x {total:<9}{min(pages):>12} ({max(pages)}){sum(pages):>10}{claim:>10}{text:>9}"
              f"{tables:>10}{loader:>10}{100.0 * tables / loader:>8.2f}%"
              f"{(int(check.group(1)) + int(check.group(2))) if check else -1:>13}"
              f"{int(check.group(3)) if check else -1:>9}")
