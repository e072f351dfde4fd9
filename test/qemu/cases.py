"""cases.py - the QEMU boot cases, and checks that compare each serial log
with what the case's QEMU arguments imply.

QEMU facts the checks rely on (QEMU 7.2, q35):
  - proximity domain p is QEMU's nodeid p; APIC id of CPU i is i (plain -smp);
  - RAM is laid out node by node from address 0; with >= 2.75 GiB the part
    above 2 GiB moves to 4 GiB, so a node can span the hole;
  - the SRAT ranges of the node holding address 0 leave out [640 KiB, 1 MiB);
  - the SRAT lists every possible CPU, and a disabled padding entry or two.
"""
import os
import re
import subprocess

import qemu
from harness import Case
from qemu import Topology, EXIT_FAILURE, parse_size

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEX = r"0x([0-9a-fA-F]+)"


# ------------------------------------------------------------------ log parsing

def numa_ranges(text):
    """node -> list of [start, end) from 'NUMA: Node n [mem a-b]' (not from
    Linux's merge lines, '... + [mem c-d] -> [mem e-f]')."""
    out = {}
    for m in re.finditer(rf"^NUMA: Node (\d+) \[mem {HEX}-{HEX}\](?: hotplug)?$", text, re.M):
        out.setdefault(int(m.group(1)), []).append((int(m.group(2), 16), int(m.group(3), 16) + 1))
    return out


def pxm_to_node(text):
    pm = {}
    for m in re.finditer(r"^SRAT: PXM (\d+) -> APIC 0x[0-9a-fA-F]+ -> Node (\d+)", text, re.M):
        pm[int(m.group(1))] = int(m.group(2))
    for m in re.finditer(r"^ACPI: SRAT: Node (\d+) PXM (\d+) ", text, re.M):
        pm[int(m.group(2))] = int(m.group(1))
    return pm


def node_cpus(text):
    out = {}
    for m in re.finditer(r"^NUMA: Node (\d+) cpus:(.*)$", text, re.M):
        out[int(m.group(1))] = sorted(int(t, 0) for t in m.group(2).split())
    return out


def node_distances(text):
    out = {}
    for m in re.finditer(r"^NUMA: Node (\d+) distances:(.*)$", text, re.M):
        out[int(m.group(1))] = [int(t) for t in m.group(2).split()]
    return out


def in_ranges(addr, ranges):
    return any(s <= addr < e for s, e in ranges)


# ------------------------------------------------------------------ checks

def check_topology(text, case):
    """Nodes, their memory, CPUs and distances match the -numa arguments."""
    t = case.topo
    errs = []
    pm = pxm_to_node(text)
    ranges = numa_ranges(text)
    cpus = node_cpus(text)
    dists = node_distances(text)
    if sorted(pm) != list(range(t.nodes)):
        errs.append(f"proximity domains seen {sorted(pm)}, QEMU has {t.nodes} nodes")
        return errs
    for pxm in range(t.nodes):
        n = pm[pxm]
        size = sum(e - s for s, e in ranges.get(n, []))
        want = t.node_mem[pxm]
        # QEMU leaves [640K, 1M) out of the node that holds address 0.
        slack = (384 << 10) if any(s == 0 for s, _ in ranges.get(n, [])) else 0
        if not (want - slack <= size <= want):
            errs.append(f"node {n} (pxm {pxm}): {size >> 20} MiB in NUMA lines, QEMU gave {want >> 20} MiB")
        if cpus.get(n, []) != sorted(t.node_cpus[pxm]):
            errs.append(f"node {n} (pxm {pxm}): cpus {cpus.get(n)} expected {sorted(t.node_cpus[pxm])}")
        row = dists.get(n)
        want_row = [0] * t.nodes
        for q in range(t.nodes):
            want_row[pm[q]] = t.dist[pxm][q] if t.nodes > 1 else 10
        if row != want_row:
            errs.append(f"node {n}: distances {row} expected {want_row}")
    srat_cpus = len(re.findall(r"^SRAT: PXM \d+ -> APIC", text, re.M))
    if srat_cpus != t.cpus:
        errs.append(f"{srat_cpus} 'SRAT: PXM' CPU lines, QEMU has {t.cpus} CPUs")
    return errs


def check_fake_node(text, case):
    errs = []
    m = re.search(rf"^Faking a node at \[mem {HEX}-{HEX}\]", text, re.M)
    if not m:
        return ["no 'Faking a node at' line"]
    if int(m.group(1), 16) != 0:
        errs.append("faked node does not start at 0")
    end = int(m.group(2), 16) + 1
    total = case.topo.total_mem
    top = total if total < (0xB0000000) else total + (2 << 30)   # q35 moves RAM above 2G to 4G
    if not (top - (64 << 20) <= end <= top):
        errs.append(f"faked node ends at {end:#x}, RAM ends near {top:#x}")
    if re.search(r"^NUMA: Node [1-9]", text, re.M):
        errs.append("more than one node after faking")
    return errs


def ram_ranges(text):
    """Merged [start, end) of the map's RAM (usable + loader-owned 'efi: mem:' lines)."""
    return merge((int(a, 16), int(b, 16) + 1) for a, b in re.findall(
        rf"^efi: mem: \[mem {HEX}-{HEX}\] (?:usable|loader)", text, re.M))


def check_pgd(text, case):
    """Each node's copy (tables and text) lies in that node's own memory.  A
    node has memory where the map's RAM lies inside its NUMA ranges, whether
    or not they are hot-pluggable (issue 8); such a node must have its own
    copy unless the loader said it had too little room."""
    errs = []
    ranges = numa_ranges(text)
    ram = ram_ranges(text)
    lines = re.findall(rf"^PGD: Node (\d+) at {HEX} \(node (\d+)\), (\d+) table pages, text at {HEX} \(node (\d+)\)",
                       text, re.M)
    # Injected SRATs come without -numa: count the nodes the kernel reports.
    nodes = len(node_distances(text)) or max(1, case.topo.nodes)
    if len(lines) != nodes:
        errs.append(f"{len(lines)} PGD lines for {nodes} nodes")
    for n, root, rnode, pages, txt, tnode in lines:
        n, rnode, tnode = int(n), int(rnode), int(tnode)
        root, txt, pages = int(root, 16), int(txt, 16), int(pages)
        fallback = re.search(rf"^loader: node {n} has too little free memory for its copy", text, re.M)
        has_ram = any(max(s, a) < min(e, b) for s, e in ranges.get(n, []) for a, b in ram)
        if has_ram and rnode != n and not fallback:
            errs.append(f"node {n} has RAM in its ranges but its copy is on node {rnode}")
        if root == 0:
            errs.append(f"node {n}: no copy (root 0)")
        if not in_ranges(root, ranges.get(rnode, [])):
            errs.append(f"node {n}: root {root:#x} is not in node {rnode}'s memory")
        if "ktext=off" not in case.cmdline and not in_ranges(txt, ranges.get(tnode, [])):
            errs.append(f"node {n}: text copy {txt:#x} is not in node {tnode}'s memory")
        # 5 + the direct map's edges + a PD and a PT around each node's
        # read-only text copy (issue 8): grows with the node count.
        if pages < 3 or pages > 16 + 2 * nodes:
            errs.append(f"node {n}: {pages} table pages is implausible")
    m = re.search(r"^pgtable: (\d+) copies (verified|FAILED), (\d+) mappings compared, (\d+) W\+X, "
                  r"(\d+) non-RAM, (\d+) writable text pages", text, re.M)
    if not m:
        errs.append("no 'pgtable: N copies verified, M mappings compared, a W+X, b non-RAM, "
                    "c writable text pages' line")
    else:
        wx, nonram, textrw = int(m.group(4)), int(m.group(5)), int(m.group(6))
        if m.group(2) != "verified" or wx or nonram or textrw:
            errs.append(f"page-table check: {m.group(2)}, {wx} W+X, {nonram} non-RAM, "
                        f"{textrw} writable text pages")
    if not re.search(r"^x86/mm: Checked W\+X mappings: passed, no W\+X pages found\.$", text, re.M):
        errs.append("no 'x86/mm: Checked W+X mappings: passed' line")
    m = re.search(rf"^pgtable: cpu 0 apic {HEX} node (\d+) cr3 {HEX}", text, re.M)
    if not m:
        errs.append("no 'pgtable: cpu 0 apic ... cr3' line")
    else:
        cr3_node, cr3 = int(m.group(2)), int(m.group(3), 16)
        roots = {int(n): int(r, 16) for n, r, *_ in lines}
        if roots.get(cr3_node) != cr3:
            errs.append(f"boot CPU cr3 {cr3:#x} is not node {cr3_node}'s copy {roots.get(cr3_node, 0):#x}")
    return errs


def check_srat_cpu_count(n):
    """Exactly n 'SRAT: PXM p -> APIC' lines, each APIC id once."""
    def check_srat_cpus(text, case):
        ids = re.findall(r"^SRAT: PXM \d+ -> APIC 0x([0-9a-f]+) -> Node \d+$", text, re.M)
        if len(ids) != n or len(set(ids)) != n:
            return [f"{len(ids)} SRAT CPU lines ({len(set(ids))} distinct), expected {n}"]
        return []
    return check_srat_cpus


def check_ktext_off(text, case):
    """With ktext=off every copy maps the one original text."""
    txt = set(re.findall(rf"^PGD: Node \d+ at {HEX} \(node \d+\), \d+ table pages, text at {HEX}", text, re.M))
    texts = {t for _, t in txt}
    return [] if len(texts) == 1 else [f"ktext=off but text addresses differ: {sorted(texts)}"]


def check_mm(text, case):
    """Per-node memmap is node-local, Memory: totals add up, zone lines exist."""
    errs = []
    ranges = numa_ranges(text)
    fake = re.search(rf"^Faking a node at \[mem {HEX}-{HEX}\]", text, re.M)
    if fake:
        ranges = {0: [(int(fake.group(1), 16), int(fake.group(2), 16) + 1)]}
    memmaps = re.findall(rf"^mm: node (\d+) memmap (\d+) at {HEX} \(node (\d+)\)", text, re.M)
    # Nodes with usable RAM (a node whose range the firmware fills has none).
    with_mem = sorted({int(n) for n in re.findall(r"^  node +(\d+): \[mem ", text, re.M)})
    if sorted(int(n) for n, *_ in memmaps) != with_mem:
        errs.append(f"memmap lines for nodes {[int(n) for n, *_ in memmaps]}, nodes with memory {with_mem}")
    for n, size, at, on in memmaps:
        if int(on) != int(n) or not in_ranges(int(at, 16), ranges.get(int(n), [])):
            errs.append(f"node {n}: memmap at {at} (node {on}) is not node-local")
    zones = re.findall(r"^Node (\d+), zone\s+(\w+): present (\d+) managed (\d+) free (\d+)", text, re.M)
    if not zones:
        errs.append("no 'Node n, zone Z: present P managed M free F' lines")
    managed = sum(int(z[3]) for z in zones)
    for z in zones:
        if not int(z[3]) <= int(z[2]):
            errs.append(f"node {z[0]} zone {z[1]}: managed > present")
    m = re.search(r"^Memory: (\d+)K/(\d+)K available", text, re.M)
    if not m:
        errs.append("no 'Memory: xK/yK available' line")
    else:
        avail, total = int(m.group(1)), int(m.group(2))
        if avail != managed * 4:
            errs.append(f"Memory: {avail}K available but zones manage {managed * 4}K")
        if avail > total:
            errs.append("Memory: available exceeds total")
        ram = case.topo.total_mem >> 10
        if not (ram * 0.85 <= total <= ram):
            errs.append(f"Memory: total {total}K for a {ram}K guest")
    buddy = re.findall(r"^Node (\d+), zone\s+(\w+)((?: +\d+){11})\s*$", text, re.M)
    if not buddy:
        errs.append("no buddyinfo lines")
    if not re.search(r"^mm: buddy online: \d+ nodes, \d+ pages free, memmap \d+ bytes \(\d+ bytes/page\), init \d+ us",
                     text, re.M):
        errs.append("no 'mm: buddy online' line")
    return errs


def merge(ranges):
    out = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def check_zones(text, case):
    """The zone and node lines agree with the memory map and the topology:
    early node ranges are exactly the map's RAM (usable + loader-owned)
    without page 0 (Linux's e820 trim) and lie in their node's NUMA ranges;
    the first populated zone line starts where the first early range does;
    each zone's present pages are the early ranges inside the zone's bounds;
    buddyinfo counts add up to each zone's free pages."""
    errs = []
    ram = merge((max(int(a, 16), 0x1000), int(b, 16) + 1) for a, b in re.findall(
        rf"^efi: mem: \[mem {HEX}-{HEX}\] (?:usable|loader)", text, re.M) if int(b, 16) >= 0x1000)
    early = [(int(n), int(a, 16), int(b, 16) + 1) for n, a, b in re.findall(
        rf"^  node +(\d+): \[mem {HEX}-{HEX}\]", text, re.M)]
    if not early:
        return ["no 'Early memory node ranges' lines"]
    if merge((a, b) for _, a, b in early) != ram:
        errs.append("early node ranges differ from the memory map's usable + loader ranges "
                    "less page 0")
    zone0 = re.search(rf"^  (?:DMA|DMA32|Normal) +\[mem {HEX}-", text, re.M)
    if not zone0 or int(zone0.group(1), 16) != min(a for _, a, _ in early):
        errs.append(f"first zone line starts at {zone0.group(1) if zone0 else None}, "
                    f"not at the first early range {min(a for _, a, _ in early):#x}")
    numa = numa_ranges(text)
    fake = re.search(rf"^Faking a node at \[mem {HEX}-{HEX}\]", text, re.M)
    if fake:
        numa = {0: [(int(fake.group(1), 16), int(fake.group(2), 16) + 1)]}
    for n, a, b in early:
        if not any(s <= a and b <= e for s, e in numa.get(n, [])):
            errs.append(f"early range {a:#x}-{b - 1:#x} of node {n} is outside node {n}'s NUMA ranges")
    bounds = {"DMA": (0, 16 << 20), "DMA32": (16 << 20, 4 << 30), "Normal": (4 << 30, 1 << 64)}
    present = {(int(n), z): int(p) for n, z, p in re.findall(
        r"^Node (\d+), zone\s+(\w+): present (\d+)", text, re.M)}
    want = {}
    for n, a, b in early:
        for z, (lo, hi) in bounds.items():
            pages = (min(b, hi) - max(a, lo)) // 4096
            if pages > 0:
                want[(n, z)] = want.get((n, z), 0) + pages
    if present != want:
        errs.append(f"zone present pages {present} but the early ranges give {want}")
    free = {(int(n), z): int(f) for n, z, f in re.findall(
        r"^Node (\d+), zone\s+(\w+): present \d+ managed \d+ free (\d+)", text, re.M)}
    for n, z, counts in re.findall(r"^Node (\d+), zone\s+(\w+)((?: +\d+){11})\s*$", text, re.M):
        total = sum(int(c) << order for order, c in enumerate(counts.split()))
        if free.get((int(n), z)) != total:
            errs.append(f"node {n} zone {z}: buddyinfo adds up to {total} pages, free says {free.get((int(n), z))}")
    return errs


def check_ktap(text, case):
    """Every KTAP document in the log (mm's, then smp's) has its plan met and
    no 'not ok' line."""
    errs = []
    docs = re.split(r"^KTAP version 1\s*$", text, flags=re.M)[1:]
    if not docs:
        return ["no 'KTAP version 1' header"]
    for i, doc in enumerate(docs):
        plan = re.search(r"^1\.\.(\d+)", doc, re.M)
        oks = re.findall(r"^ok \d+ ", doc, re.M)
        bad = re.findall(r"^not ok \d+ .*$", doc, re.M)
        errs += [f"KTAP document {i + 1}: {b}" for b in bad]
        if not plan or int(plan.group(1)) != len(oks) + len(bad) or not oks:
            errs.append(f"KTAP document {i + 1}: plan {plan.group(1) if plan else None}, "
                        f"{len(oks)} ok, {len(bad)} not ok")
    return errs


def linux_fallback_orders(dist, has_mem):
    """Linux 6.1's build_zonelists()/find_next_best_node() over the printed
    distances, as at boot (no node has CPUs in its mask yet): the oracle for
    the 'Fallback order' lines (hand-worked examples in test/mm/node_test.c)."""
    nodes = len(dist)
    load = [0] * nodes
    out = []
    for n in range(nodes):
        order, used, prev = [n], {n}, n
        while True:
            best, best_val = None, None
            for m in range(nodes):
                if m in used or not has_mem[m]:
                    continue
                val = (dist[n][m] + (m < n)) * 1024 + load[m]
                if best_val is None or val < best_val:
                    best, best_val = m, val
            if best is None:
                break
            used.add(best)
            if dist[n][best] != dist[n][prev]:
                load[best] += 1
            order.append(best)
            prev = best
        out.append(order)
    return out


def check_fallback(text, case):
    """One 'Fallback order for Node n' line per node, in Linux's order."""
    dists = node_distances(text)
    nodes = len(dists)
    with_mem = {int(n) for n in re.findall(r"^  node +(\d+): \[mem ", text, re.M)}
    got = {int(n): [int(x) for x in rest.split()]
           for n, rest in re.findall(r"^Fallback order for Node (\d+):(.*)$", text, re.M)}
    want = linux_fallback_orders([dists[n] for n in range(nodes)], [n in with_mem for n in range(nodes)])
    errs = []
    if sorted(got) != list(range(nodes)):
        return [f"Fallback order lines for nodes {sorted(got)}, {nodes} nodes"]
    for n in range(nodes):
        if got[n] != want[n]:
            errs.append(f"Fallback order for Node {n}: {got[n]}, Linux's algorithm gives {want[n]}")
    return errs


def check_screen_matches_serial(text, case):
    """Serial and screen show the same lines: the rows decoded from the
    screendump are the tail of the kernel's serial log, laid out as fbcon
    does (wrapped at its columns), and the log was long enough to scroll."""
    import screen
    m = re.search(r"^console: fb0 \d+x\d+ stride \d+ at 0x[0-9a-f]+, (\d+)x(\d+) text", text, re.M)
    if not m:
        return ["no 'console: fb0 ... text' line"]
    cols, nrows = int(m.group(1)), int(m.group(2))
    rows = list(case.screen_rows)
    if len(rows) < nrows:
        return [f"screen has {len(rows)} text rows, the kernel said {nrows}"]
    rows = rows[:nrows]
    while rows and rows[-1] == "":
        rows.pop()
    start = text.find("numaboot version")
    if start < 0:
        return ["no kernel banner in the serial log"]
    want = screen.wrap_log(text[start:], cols)
    while want and want[-1] == "":
        want.pop()
    errs = []
    if len(want) <= nrows:
        errs.append(f"only {len(want)} log lines: the screen never scrolled")
    tail = want[-len(rows):] if rows else []
    for i, (got, exp) in enumerate(zip(rows, tail)):
        if got != exp:
            errs.append(f"screen row {i}: {got!r} but the serial log has {exp!r}")
            break
    if len(rows) < nrows - 1:
        errs.append(f"only {len(rows)} of {nrows} rows in use after scrolling")
    return errs


def post_preflight(case, work, image, folder="/EFI/BOOT"):
    """After a `preflight` run: the files are in the image's folder (mtools),
    the log holds the loader's lines, and numatopo reads the folder and
    prints the topology QEMU was given."""
    out = os.path.join(work, "preflight")
    os.makedirs(out, exist_ok=True)
    errs = []
    for name in ("numaboot.log", "srat.dat", "slit.dat", "apic.dat", "memmap.txt"):
        r = subprocess.run(["mcopy", "-n", "-i", image, f"::{folder}/{name}", out],
                           capture_output=True, text=True)
        if r.returncode:
            errs.append(f"{name} not in the image: {r.stderr.strip()}")
    if errs:
        return errs
    log = open(os.path.join(out, "numaboot.log"), errors="replace").read()
    for want in (r"^loader: command line \((cmdline\.txt|load options)\): \"preflight\"$",
                 r"^loader: preflight: 2 copies verified, \d+ mappings compared, 0 W\+X",
                 r"^loader: preflight: wrote srat\.dat \(\d+ bytes\)$",
                 r"^loader: preflight: ready to boot; survey written, returning to the firmware"):
        if not re.search(want, log, re.M):
            errs.append(f"numaboot.log has no line /{want}/")
    if re.search(r"exiting boot services", log):
        errs.append("numaboot.log says the loader exited boot services")
    mm = open(os.path.join(out, "memmap.txt")).read()
    if len(re.findall(r"^efi: mem: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] usable$", mm, re.M)) < 2:
        errs.append("memmap.txt has fewer than 2 usable ranges")
    tool = os.path.join(os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")), "host", "numatopo")
    r = subprocess.run([tool, out], capture_output=True, text=True)
    if r.returncode:
        errs.append(f"numatopo {out} failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    fake = Case("numatopo", topo=case.topo)
    errs += [f"numatopo: {e}" for e in check_topology(r.stdout, fake)]
    return errs


def readme_shell_commands():
    """The UEFI shell commands of README.md's real-machine section, as written."""
    text = open(os.path.join(ROOT, "README.md")).read()
    block = text[text.index("<!-- shell-route:"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    return [line.split("> ", 1)[1].strip() for line in block.splitlines() if "> " in line]


def prep_readme_shell(work, image):
    """The ESP as README.md says to lay it out (\\EFI\\numaboot\\, nothing in
    \\EFI\\BOOT\\, so OVMF falls through to its shell) and the README's shell
    commands as startup.nsh."""
    build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
    src = os.path.join(build, "esp", "EFI", "BOOT")
    subprocess.run(["mmd", "-i", image, "::/EFI/numaboot"], check=True)
    subprocess.run(["mcopy", "-i", image, os.path.join(src, "BOOTX64.EFI"),
                    os.path.join(src, "kernel.elf"), "::/EFI/numaboot/"], check=True)
    subprocess.run(["mdeltree", "-i", image, "::/EFI/BOOT"], check=True)
    nsh = os.path.join(work, "startup.nsh")
    with open(nsh, "w", newline="") as f:
        f.write("".join(c + "\r\n" for c in readme_shell_commands()))
    subprocess.run(["mcopy", "-i", image, nsh, "::/startup.nsh"], check=True)


def post_readme_shell(case, work, image):
    return post_preflight(case, work, image, folder="/EFI/numaboot")


def check_screen_last_row(text, case):
    """The last line drawn is the kernel's last line."""
    rows = [r for r in case.screen_rows if r]
    if not rows or rows[-1] != "boot: halting (interrupts off)":
        return [f"last row on screen is {rows[-1] if rows else None!r}"]
    return []




def fake_size(text):
    """efi_fake_mem numbers: 0x hex or decimal bytes, optional K/M/G."""
    m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)([KMG]?)", text, re.I)
    return int(m.group(1), 0) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2).upper()]


def fake_mem_ranges(cmdline):
    """(start, end, 'sp'|'nowb') from efi_fake_mem=size@start:attr items."""
    m = re.search(r"efi_fake_mem=(\S+)", cmdline)
    out = []
    for item in (m.group(1).split(",") if m else []):
        size, rest = item.split("@")
        start, attr = rest.split(":")
        size, start = fake_size(size), fake_size(start)
        out.append((start, start + size, "nowb" if attr.startswith("~") else "sp"))
    return out


def check_fake_mem(text, case):
    """efi_fake_mem ranges: soft reserved (SP) or reserved (no WB) in the
    kernel's map, and no page table, text copy, memmap or node descriptor
    inside them."""
    errs = []
    fakes = fake_mem_ranges(case.cmdline)
    if not fakes:
        return ["case has no efi_fake_mem ranges"]
    for a, b, kind in fakes:
        covered = 0
        for s, e, what in re.findall(rf"^efi: mem: \[mem {HEX}-{HEX}\] (.*)$", text, re.M):
            s, e = max(int(s, 16), a), min(int(e, 16) + 1, b)
            if s >= e:
                continue
            ok = {"sp": ["soft reserved"], "nowb": ["reserved", "ACPI data", "ACPI NVS"]}[kind]
            if what in ok:
                covered += e - s
            elif what.startswith("loader (") and what not in ("loader (page tables)", "loader (kernel text copy)"):
                covered += e - s          # the firmware's own allocations for the loader stay kept
            else:
                errs.append(f"[{s:#x}-{e - 1:#x}] inside efi_fake_mem {kind} range is '{what}'")
        if kind == "sp" and covered != b - a:
            errs.append(f"SP range [{a:#x}-{b - 1:#x}]: only {covered >> 10} KiB soft reserved/kept")
    addrs = [int(x, 16) for x in re.findall(rf"^PGD: Node \d+ at {HEX}", text, re.M)]
    addrs += [int(x, 16) for x in re.findall(rf"^PGD: .* text at {HEX}", text, re.M)]
    addrs += [int(x, 16) for x in re.findall(rf"^mm: node \d+ (?:memmap \d+|descriptor) at {HEX}", text, re.M)]
    if len(addrs) < 4:
        errs.append(f"only {len(addrs)} PGD/memmap/descriptor addresses in the log")
    for x in addrs:
        if any(a <= x < b for a, b, _ in fakes):
            errs.append(f"early allocation at {x:#x} lies in an efi_fake_mem range")
    return errs


def check_pagesets(text, case):
    """`zoneinfo`: every populated zone lists a pageset per CPU of its node,
    with batch and high as Linux 6.1 sizes them from managed pages and the
    low watermark printed above (mm/pcp.h), and the CPUs of all zones of a
    node add up to the guest's CPUs."""
    errs = []
    blocks = re.findall(r"^Node (\d+), zone +(\w+)\n  pages free +\d+\n +min +\d+\n +low +(\d+)\n"
                        r" +high +\d+\n +spanned +\d+\n +present +\d+\n +managed +(\d+)\n  pagesets\n"
                        r"((?:    cpu: \d+\n +count: \d+\n +high: +\d+\n +batch: +\d+\n)*)"
                        r"  start_pfn: +\d+$", text, re.M)
    populated = re.findall(r"^Node (\d+), zone\s+(\w+): present", text, re.M)
    if len(blocks) != len(populated):
        return [f"{len(blocks)} zoneinfo blocks for {len(populated)} populated zones"]
    cpus_seen = set()
    for node, zone, low, managed, sets in blocks:
        low, managed = int(low), int(managed)
        batch = max(min(managed >> 10, 256) // 4, 1)
        batch = max((1 << ((batch + batch // 2).bit_length() - 1)) - 1, 1)
        pcps = re.findall(r"cpu: (\d+)\n +count: (\d+)\n +high: +(\d+)\n +batch: +(\d+)", sets)
        if not pcps:
            errs.append(f"node {node} zone {zone}: no pagesets")
            continue
        high = max(low // len(pcps), 4 * batch)
        for cpu, count, h, b in pcps:
            cpus_seen.add(int(cpu))
            if (int(h), int(b)) != (high, batch):
                errs.append(f"node {node} zone {zone} cpu {cpu}: high {h} batch {b}, Linux's sizing gives {high} {batch}")
    if len(cpus_seen) != case.topo.cpus:
        errs.append(f"pagesets for CPUs {sorted(cpus_seen)}, guest has {case.topo.cpus}")
    return errs


def nearest_with_memory(n, ranges, dists):
    """The node Linux-style fallback picks for memory-less node n: smallest
    distance, ties to the lowest id."""
    if ranges.get(n):
        return n
    row = dists.get(n, [])
    cands = [m for m in ranges if ranges[m]]
    return min(cands, key=lambda m: (row[m] if m < len(row) else 255, m)) if cands else n


def check_smp(text, case, skipped=()):
    """One 'smp: cpu' line per QEMU CPU (minus the skipped ones), each CPU on
    its own node's copy: cr3 equals that node's PGD root and lies in the
    memory of the node it names, which is the CPU's node, or its nearest
    node with memory (or where the loader put the copy); then 'k of K'."""
    errs = []
    ranges = numa_ranges(text)
    fake = re.search(rf"^Faking a node at \[mem {HEX}-{HEX}\]", text, re.M)
    if fake:
        ranges = {0: [(int(fake.group(1), 16), int(fake.group(2), 16) + 1)]}
    dists = node_distances(text)
    roots = {int(n): (int(r, 16), int(rn)) for n, r, rn in re.findall(
        rf"^PGD: Node (\d+) at {HEX} \(node (\d+)\)", text, re.M)}
    lines = re.findall(rf"^smp: cpu (\d+) apic {HEX} node (\d+) cr3 {HEX} \(node (\d+)\)$", text, re.M)
    want = case.topo.cpus - len(skipped)
    if len(lines) != want:
        errs.append(f"{len(lines)} 'smp: cpu' lines, expected {want}")
    if sorted({int(a, 16) for _, a, *_ in lines}) != sorted(a for a in range(case.topo.cpus) if a not in skipped):
        errs.append(f"APIC ids {sorted(int(a, 16) for _, a, *_ in lines)} in smp lines")
    cpus = node_cpus(text)
    for c, apic, n, cr3, m in lines:
        c, apic, n, cr3, m = int(c), int(apic, 16), int(n), int(cr3, 16), int(m)
        if apic not in cpus.get(n, [apic]):
            errs.append(f"cpu {c} apic {apic:#x} says node {n}, the NUMA lines do not list it there")
        if n in roots and roots[n][0] != cr3:
            errs.append(f"cpu {c}: cr3 {cr3:#x} is not node {n}'s copy {roots[n][0]:#x}")
        if not in_ranges(cr3, ranges.get(m, [])):
            errs.append(f"cpu {c}: cr3 {cr3:#x} is not in node {m}'s memory")
        home = roots.get(n, (0, n))[1]
        if m != n and m != nearest_with_memory(n, ranges, dists) and m != home:
            errs.append(f"cpu {c} on node {n} runs on a copy in node {m}, neither its own nor the nearest with memory")
    m = re.search(r"^smp: (\d+) of (\d+) CPUs online", text, re.M)
    if not m or int(m.group(1)) != want or int(m.group(2)) != case.topo.cpus:
        errs.append(f"'smp: k of K CPUs online' says {m.group(0) if m else None}, expected {want} of {case.topo.cpus}")
    if not re.search(r"^pgtable: \d+ copies verified, .* after SMP start-up", text, re.M):
        errs.append("no 'pgtable: N copies verified ... after SMP start-up' line")
    return errs


def check_smp_skip2(text, case):
    return check_smp(text, case, skipped=(2,))


FULL = [check_topology, check_pgd, check_mm, check_zones, check_fallback, check_smp]

# ------------------------------------------------------------------ corrupt inputs

def corrupt_kernel(work):
    """A kernel.elf with a valid ELF magic but a program header table that
    points past the end of the file."""
    src = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"), "esp", "EFI", "BOOT", "kernel.elf")
    with open(src, "rb") as f:
        data = bytearray(f.read())
    data[32:40] = (len(data) + 4096).to_bytes(8, "little")   # e_phoff beyond the file
    return {"kernel.elf": bytes(data)}


def acpi_tables(*names):
    """-acpitable arguments for tables built by test/qemu/acpi/mktables.py."""
    def hook(work):
        subprocess.run(["python3", os.path.join(ROOT, "test", "qemu", "acpi", "mktables.py"), work],
                       check=True)
        return {}
    args = []
    for n in names:
        args += ["-acpitable", f"file=@WORK@/{n}"]
    return hook, args


def built_table(name):
    """-acpitable arguments for a table iasl compiled from test/acpi/tables/<name>.dsl."""
    build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
    return ["-acpitable", f"file={os.path.join(build, 'host', 'acpi-tables', name + '.aml')}"]


COM2_ONLY = ["-serial", "null", "-serial", "file:@LOG@"]


def build_dir():
    return os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"))


# Symbolised traces (issue 9): the trace of fault=<kind> names fault_inject,
# kmain and _start as Linux's %pS/%pB do, and the chain reaches _start.
TRACE = r"^ \[<ffffffff8[0-9a-f]{7}>\] "
SYM = r"\+0x[0-9a-f]+/0x[0-9a-f]+"
FAULT_TRACE = [TRACE + r"fault_inject" + SYM + r" \(faulting instruction\)$",
               TRACE + r"kmain" + SYM + "$", TRACE + r"_start" + SYM + "$"]


def check_oops_decoded(text, case):
    """tools/decode-oops (addr2line over this build's kernel.elf) resolves
    every frame of the trace: fault_inject and kmain to kernel/main.c,
    _start to kernel/entry.S; at least fault_inject's frame is there."""
    elf = os.path.join(build_dir(), "esp", "EFI", "BOOT", "kernel.elf")
    p = subprocess.run([os.path.join(ROOT, "tools", "decode-oops"), "-e", elf], input=text,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return [f"decode-oops exit {p.returncode}: {(p.stdout + p.stderr)[-500:]}"]
    errs, seen = [], set()
    for line in p.stdout.splitlines():
        m = re.search(r"\[<[0-9a-f]{16}>\] (fault_inject|kmain|_start)\+0x[0-9a-f]+/0x[0-9a-f]+.* (\S+):(\d+)$", line)
        if not m:
            continue
        seen.add(m.group(1))
        want = "kernel/entry.S" if m.group(1) == "_start" else "kernel/main.c"
        if m.group(2) != want:
            errs.append(f"{m.group(1)} decoded to {m.group(2)}, expected {want}: {line.strip()}")
    if "fault_inject" not in seen:
        errs.append("no decoded fault_inject frame:\n" + p.stdout[-1500:])
    return errs


SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"


SB_TOPO = Topology(nodes=2, cpus=2, mem="2G")


def boot_file(unified=True, sign=True, tamper=False, cmdline="qemu_exit"):
    """An image hook that puts a Secure Boot variant of the loader in place
    of BOOTX64.EFI: the unified image made by the Makefile's own rule (its
    `.cmdline` from `cmdline`), signed by `make sign` with the snakeoil key
    OVMF_VARS_4M.snakeoil.fd trusts; or the plain loader, signed; unsigned;
    or signed and then one byte of the embedded kernel.elf flipped."""
    def hook(work):
        build = build_dir()
        key = os.path.join(build, "test-keys", "snakeoil.key")
        signed = os.path.join(work, "signed.efi")
        if unified:
            cmdfile = os.path.join(work, "uki-cmdline.txt")
            with open(cmdfile, "w") as f:
                f.write(cmdline + "\n")
            unsigned = os.path.join(work, "uki.efi")
            make = ["make", "-s", "--no-print-directory", "-C", ROOT, f"BUILD={build}",
                    f"UKI={unsigned}", f"UKI_CMDLINE={cmdfile}", f"SIGNED={signed}",
                    f"KEY={key}", f"CERT={SNAKEOIL_CERT}", "sign" if sign else unsigned]
            subprocess.run(make, check=True, stdout=subprocess.DEVNULL)
        else:
            unsigned = os.path.join(build, "esp", "EFI", "BOOT", "BOOTX64.EFI")
            subprocess.run(["sbsign", "--key", key, "--cert", SNAKEOIL_CERT, "--output", signed,
                            unsigned], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        with open(signed if sign else unsigned, "rb") as f:
            data = bytearray(f.read())
        if tamper:
            at = data.find(b"\x7fELF") + 0x1000     # inside the embedded kernel's text
            data[at] ^= 0x01
        return {"BOOTX64.EFI": bytes(data)}
    return hook


# ------------------------------------------------------------------ the cases

def _acpi_case(name, tables, topo, expect, **kw):
    hook, args = acpi_tables(*tables)
    return Case(name, topo=topo, image_hook=hook, extra=args, expect=expect, **kw)


# ------------------------------------------------------------------ real machines' tables

REAL = os.path.join(ROOT, "test", "acpi", "tables", "real")
REAL_SUPERMICRO = "Supermicro_X10_X10DAi_4A64A6094FE3"
REAL_MSI = "MSI_MS_MS-7885_A386B4BDC94D"
REAL_K10 = "ASRock_K10_K10N78D_3E547E3B9CE5"
REAL_X299 = "EVGA_X299_X299-MICRO_4B645993A72D"
# 96 GiB of guest RAM the host never commits (QEMU maps it lazily).
BIG_RAM = ["-object", "memory-backend-ram,id=pc.ram,size=96G,reserve=off", "-machine", "memory-backend=pc.ram"]


def real_tables(machine):
    """-acpitable arguments for a machine's SRAT (and SLIT): QEMU builds no
    SRAT of its own without -numa; the guest's own MADT stays."""
    args = []
    for n in ("srat.dat", "slit.dat"):
        path = os.path.join(REAL, machine, n)
        if os.path.exists(path):
            args += ["-acpitable", f"file={path}"]
    return args


def check_real_tables(machine):
    """The kernel's SRAT/NUMA block is what numatopo prints for the same
    tables over the guest's RAM (the 'efi: mem:' usable and loader lines):
    the loader read the injected tables whole through the firmware, and the
    kernel printed them in Linux's order."""
    def check(text, case):
        tool = os.path.join(os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")), "host", "numatopo")
        ram = merge((int(a, 16), int(b, 16) + 1) for a, b in re.findall(
            rf"^efi: mem: \[mem {HEX}-{HEX}\] (?:usable|loader)", text, re.M))
        if not ram:
            return ["no 'efi: mem:' RAM lines"]
        tables = [os.path.join(REAL, machine, n) for n in ("srat.dat", "slit.dat")
                  if os.path.exists(os.path.join(REAL, machine, n))]
        args = [tool] + tables
        for a, b in ram:
            args += ["--mem", f"{a:#x}-{b - 1:#x}"]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode > 1:
            return [f"numatopo failed ({r.returncode}): {r.stderr.strip()[-300:]}"]
        # Without the machine's MADT numatopo knows only the SRAT's CPUs; the
        # kernel adds the guest's own, so compare everything but the cpus lines.
        want = [l for l in r.stdout.splitlines() if " cpus:" not in l]
        got = [l for l in text.splitlines()
               if re.match(r"(SRAT: |ACPI: SRAT: |NUMA: |No NUMA |Faking a node)", l) and " cpus:" not in l]
        return [] if got == want else [f"kernel's topology lines differ from numatopo's: "
                                       f"{[l for l in got if l not in want][:3]} / {[l for l in want if l not in got][:3]}"]
    check.__name__ = f"check_real_tables({machine})"
    return check


EIGHT_DIST = [[10 if i == j else 10 + 6 * (1 + abs(i - j)) for j in range(8)] for i in range(8)]

# pgtable_test=<rule> (test only): the kernel breaks one rule of its page-table
# check once, in a copy the boot CPU does not run on; the check must catch
# it, print non-zero counts where the rule counts pages, and panic naming it.
PGCHECK_BREAKS = [
    ("wx", r"rule 3 \(W\^X\)", r"1 W\+X"),
    ("user", r"rule 3 \(no user pages\)", None),
    ("nx", r"rule 3 \(NX outside text\)", None),
    ("node-local", r"rule 1 \(node-local tables\)", None),
    ("same-translation", r"rule 2 \(same translation\)", None),
    ("dmap-nonram", r"rule 4 \(direct map is RAM only\)", r"\d+ W\+X, [1-9]\d* non-RAM"),
    ("text-alias-rw", r"rule 5 \(read-only text alias\)", r"[1-9]\d* writable text pages"),
    ("lower-half", r"rule 3 \(no lower half\)", None),
    ("text-bytes", r"rule 2 \(identical text\)", None),
]


def _pgcheck_case(rule, reason, count):
    expect = [rf"^pgtable: pgtable_test={rule}: (?!cannot)",
              rf"^Kernel panic - not syncing: pgtable: verification failed: {reason}"]
    if count:
        expect.append(rf"^pgtable: 2 copies FAILED, \d+ mappings compared, .*{count}")
    return Case(f"pgcheck-{rule}", cmdline=f"pgtable_test={rule} qemu_exit", exit=EXIT_FAILURE,
                expect=expect, forbid=[r"^boot: done"], timeout=120)


CASES = [
    # -- boot path (issue 2)
    Case("boot-default", expect=[r"^boot: done", r"^efi: mem: \[mem 0x0000000000000000-"],
         checks=FULL),
    Case("loader-missing-kernel", delete=["kernel.elf"], exit=None, timeout=90,
         expect=[r"kernel\.elf", r"beside BOOTX64\.EFI"], forbid=[r"^boot: done"]),
    Case("loader-corrupt-kernel", image_hook=corrupt_kernel, exit=None, timeout=90,
         expect=[r"kernel\.elf", r"(?i)program header"], forbid=[r"^boot: done"]),
    Case("kernel-fault-pf", cmdline="qemu_exit fault=pf", exit=EXIT_FAILURE,
         expect=[r"^traps: #PF Page Fault \(vector 14\)", r"^BUG: unable to handle page fault for address: ",
                 r"^RIP: 0008:fault_inject\+0x[0-9a-f]+/0x[0-9a-f]+$",
                 r"^RSP: 0010:[0-9a-f]{16} EFLAGS: [0-9a-f]{8}$", r"^RAX: ", r"^CR0: .*CR2: ", r"^Call Trace:",
                 r"^Kernel panic - not syncing: Fatal exception: #PF"] + FAULT_TRACE,
         forbid=[r"^boot: done", r"trace ends", r"trace cut"], checks=[check_oops_decoded]),
    Case("kernel-fault-df", cmdline="qemu_exit fault=df", exit=EXIT_FAILURE,
         expect=[r"#DF Double Fault \(vector 8\)", r"^RIP: ", r"^Kernel panic - not syncing: Fatal exception: #DF"]
         + FAULT_TRACE, forbid=[r"^boot: done", r"trace ends", r"trace cut"], checks=[check_oops_decoded]),
    # A corrupt link in the chain (saved RBP 0x1000): the walk stops there, saying so.
    Case("kernel-fault-badframe", cmdline="qemu_exit fault=badframe", exit=EXIT_FAILURE,
         expect=[r"^traps: #UD Invalid Opcode", FAULT_TRACE[0], FAULT_TRACE[1],
                 r"^ <frame chain goes down the stack at 0000000000001000: trace ends>$",
                 r"^Kernel panic - not syncing: Fatal exception: #UD"],
         forbid=[r"^boot: done", TRACE + r"_start"], checks=[check_oops_decoded]),
    # panic() walks from its own frame: the caller and the whole chain, symbolised.
    Case("kernel-fault-bug", cmdline="qemu_exit fault=bug", exit=EXIT_FAILURE,
         expect=[r"^Kernel panic - not syncing: kernel/main\.c:\d+: fault=bug",
                 r"^panic: called from \[<ffffffff8[0-9a-f]{7}>\] fault_inject" + SYM + "$",
                 TRACE + r"fault_inject" + SYM + "$"] + FAULT_TRACE[1:],
         forbid=[r"^boot: done", r"trace ends", r"trace cut"], checks=[check_oops_decoded]),
    Case("kernel-fault-nested", cmdline="qemu_exit fault=nested", exit=EXIT_FAILURE,
         expect=[r"^Kernel panic - nested panic: "], forbid=[r"^boot: done"]),
    # -- one command-line parser (issue 9): a bad value reported by the stage
    # that owns the option, once; unknown words in Linux's one line; quoting.
    Case("cmdline-report", cmdline='qemu_exit memblock=debug bogus x="a b" loglevel=99 numa=maybe ktext=off',
         expect=[r"^loader: cmdline: `maybe' invalid for parameter `numa': takes on or off$",
                 r"^cmdline: `99' invalid for parameter `loglevel': needs N in 0\.\.15$",
                 r'^Unknown kernel command line parameters "bogus x=\"a b\"", ignored',
                 r"^bootmem: memory ", r"^boot: done"],
         forbid=[r"^cmdline: .*numa", r"^Unknown kernel command line .*(memblock|ktext|numa)",
                 r"^loader: cmdline: .*(bogus|loglevel)"]),
    # The VGA window (0xb8000) is not RAM: the direct map leaves it out, in a
    # 4 KiB page table because RAM ends at 640 KiB inside the same 2 MiB.
    Case("kernel-pgwalk-vga-unmapped", cmdline="qemu_exit pgwalk=ffff8880000b8000",
         expect=[r"^pgtable: walk va 0xffff8880000b8000 root ",
                 r"^  PT\[184\] @0x[0-9a-f]+ = 0x0000000000000000 not present", r"^boot: done"],
         forbid=[r"-> pa 0xb8000"]),

    # -- Secure Boot and the USB disk image (issue 12).  The ESP also holds a
    # cmdline.txt that would panic the kernel and (but for the plain loader's
    # case) no kernel.elf: what boots must come from the signed image.  Two
    # CPUs: under TCG every SMI stops all vCPUs, so SMM firmware slows down
    # with each one.
    Case("secboot-signed-unified", firmware="secboot", topo=SB_TOPO, image_hook=boot_file(), timeout=240,
         cmdline="fault=panic qemu_exit", delete=["kernel.elf"],
         expect=[r"^loader: Secure boot enabled", r"^loader: unified image: \.kernel \d+ bytes",
                 r"^loader: Secure Boot: cmdline\.txt ignored \(not covered by the signature\)",
                 r'^loader: command line \(\.cmdline section\): "qemu_exit"',
                 r"^Command line: qemu_exit$", r"^secureboot: Secure boot enabled",
                 r"^handoff: .* unified$", r"^boot: done"]),
    Case("secboot-unsigned-refused", firmware="secboot", topo=SB_TOPO, image_hook=boot_file(sign=False),
         exit=None, timeout=240, expect=[r"HARDDISK.*: Access Denied"], forbid=[r"loader:"]),
    Case("secboot-tampered-refused", firmware="secboot", topo=SB_TOPO, image_hook=boot_file(tamper=True),
         exit=None, timeout=240, expect=[r"HARDDISK.*: Access Denied"], forbid=[r"loader:"]),
    Case("secboot-loose-kernel-refused", firmware="secboot", topo=SB_TOPO, image_hook=boot_file(unified=False),
         exit=None, timeout=240,
         expect=[r"^loader: Secure boot enabled",
                 r"^loader: Secure Boot is on and this image carries no kernel: Security Violation"],
         forbid=[r"^loader: kernel\.elf \d+ bytes", r"^boot: done"]),
    Case("unified-image-no-secboot", image_hook=boot_file(sign=False, cmdline="selftest"),
         delete=["kernel.elf"],
         expect=[r"^loader: Secure boot disabled", r"^loader: unified image: ",
                 r'^loader: command line \(cmdline\.txt\): "qemu_exit"',
                 r"^secureboot: Secure boot disabled", r"^boot: done"]),
    Case("disk-gpt", layout="gpt", expect=[r"^boot: done"], checks=[check_mm]),

    # -- topology (issue 3), each also checks page-table copies and mm
    Case("numa-none", topo=Topology(nodes=0, cpus=2, mem="2G"),
         expect=[r"^No NUMA configuration found"], checks=[check_fake_node, check_mm, check_zones]),
    Case("numa-2node-slit", topo=Topology(nodes=2, cpus=2, mem="2G", dist=[[10, 21], [21, 10]]),
         checks=FULL),
    Case("numa-4node-unequal-6g",
         topo=Topology(node_mem=["1G", "2G", "0", "3G"], cpus=4,
                       dist=[[10, 16, 22, 22], [16, 10, 22, 22], [22, 22, 10, 16], [22, 22, 16, 10]]),
         checks=FULL, timeout=200),
    Case("numa-cpuless-node", topo=Topology(nodes=2, cpus=2, mem="2G", node_cpus=[[0, 1], []]),
         cmdline="selftest=2000 qemu_exit", checks=FULL + [check_ktap], timeout=300),
    Case("numa-8node", topo=Topology(nodes=8, cpus=8, mem="2G", dist=EIGHT_DIST),
         cmdline="selftest=2000 qemu_exit", checks=FULL + [check_ktap], timeout=400),
    # The node limit: 64 nodes of 32 MiB, only 4 with CPUs.
    Case("numa-64node", topo=Topology(nodes=64, cpus=4, mem="2G"), checks=FULL, timeout=240),
    Case("numa-hotplug", topo=Topology(nodes=2, cpus=2, mem="2G", slots=2, maxmem="8G"),
         expect=[r"^ACPI: SRAT: Node \d+ PXM \d+ \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] hotplug"],
         checks=FULL),
    Case("numa-interleaved-cpus", topo=Topology(nodes=2, cpus=4, mem="2G", node_cpus=[[0, 2], [1, 3]]),
         cmdline="selftest=2000 qemu_exit", checks=FULL + [check_ktap], timeout=300),

    # -- SMP (issue 10).  The cases above start every CPU and check that each
    # runs on its node's copy (check_smp); these add what they cannot show.
    # Test option: CPU 2 gets INIT but no STARTUP; boot goes on without it.
    # An application processor panics while the others run: it owns the
    # panic, stops the 3 others by NMI before printing, and exits QEMU.
    Case("smp-panic-on-ap", cmdline="qemu_exit fault=smp-panic", exit=EXIT_FAILURE,
         expect=[r"^smp: 4 of 4 CPUs online", r"^fault: injecting 'smp-panic' on cpu 3",
                 r"^Kernel panic - not syncing: fault=smp-panic: deliberate panic on cpu 3 \(node 1\)",
                 r"^panic: cpu 3 stopped 3 of 3 other CPUs \(NMI\)",
                 r"^---\[ end Kernel panic - not syncing: fault=smp-panic"],
         forbid=[r"^boot: done", r"nested panic"]),
    Case("smp-skip-sipi", cmdline="smp_skip_sipi=2 qemu_exit",
         expect=[r"^smp: cpu 2 apic 0x2 node 1 did not come online \(no STARTUP sent .*\): skipped",
                 r"^smp: 3 of 4 CPUs online", r"^boot: done"],
         checks=[check_topology, check_pgd, check_smp_skip2]),
    Case("numa-off", cmdline="numa=off qemu_exit", expect=[r"^NUMA turned off"],
         checks=[check_fake_node, check_mm, check_zones]),
    # QEMU and OVMF both recompute the checksum of an -acpitable table, so the
    # loader corrupts a private copy of the SRAT it was given (acpi_test=).
    _acpi_case("acpi-srat-bad-checksum", ["srat-2node.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               cmdline="acpi_test=srat-checksum qemu_exit",
               expect=[r"^SRAT: rejected: checksum mismatch"], checks=[check_fake_node]),
    # The loader (test option) is handed a copy of the XSDT whose SRAT entry
    # points at 1 MiB, plain RAM: the pointer is refused before it is read,
    # and the 2-node guest boots on one faked node with the reason.
    Case("acpi-srat-pointer-into-ram", cmdline="acpi_test=srat-outside qemu_exit",
         expect=[r"^loader: topology: one node, 4 CPUs \(No NUMA configuration found \(ACPI: XSDT\[\d+\] skipped: "
                 r"table at 0x100000\+36 not in ACPI/reserved memory \(usable\)\)\)",
                 r"^No NUMA configuration found \(ACPI: XSDT\[\d+\] skipped: table at 0x100000\+36 not in"],
         checks=[check_fake_node, check_mm, check_zones]),
    _acpi_case("acpi-srat-overrun", ["srat-overrun.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               expect=[r"(?i)SRAT.*(overrun|past the end|beyond)"], checks=[check_fake_node]),
    _acpi_case("acpi-slit-bad-diagonal", ["srat-2node.aml", "slit-bad-diagonal.aml"],
               Topology(nodes=0, cpus=2, mem="2G"),
               expect=[r"(?i)SLIT.*diagonal", r"^NUMA: Node 1 distances: 20 10"]),

    # -- hot-pluggable memory (issue 8): the flag is a property of the range.
    # Every range flags = 3 (enabled + hot-pluggable), as Hyper-V/Azure
    # guests have it: once no copy was built and the loader jumped with CR3 = 0.
    _acpi_case("numa-hotplug-all-ranges", ["srat-2node-hotplug.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               expect=[r"^ACPI: SRAT: Node 0 PXM 0 \[mem 0x00000000-0x0009ffff\] hotplug$",
                       r"^ACPI: SRAT: Node 1 PXM 1 \[mem 0x40000000-0x7fffffff\] hotplug$",
                       r"^NUMA: Node 1 \[mem 0x40000000-0x[0-9a-f]+\] hotplug$",   # clipped to RAM's end
                       r"^PGD: Node 0 at 0x[0-9a-f]+ \(node 0\)", r"^PGD: Node 1 at 0x[0-9a-f]+ \(node 1\)"],
               forbid=[r"use a copy on another node", r"memory-less"], checks=[check_pgd, check_mm, check_zones]),
    # Only node 0's ranges hot-pluggable: node 0's CPU once ran on node 1's copy.
    _acpi_case("numa-hotplug-node0", ["srat-2node-hotplug0.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               expect=[r"^ACPI: SRAT: Node 0 PXM 0 \[mem 0x00100000-0x3fffffff\] hotplug$",
                       r"^ACPI: SRAT: Node 1 PXM 1 \[mem 0x40000000-0x7fffffff\]$",
                       r"^PGD: Node 0 at 0x[0-9a-f]+ \(node 0\)",
                       r"^pgtable: cpu 0 apic 0x0 node 0 cr3 "],
               forbid=[r"use a copy on another node", r"memory-less"], checks=[check_pgd, check_mm, check_zones]),
    # -- limits (issue 8 item 4): 128 proximity domains and 600 x2APIC
    # entries (more than the old 64 / 1024-entry SRAT limits allowed in one
    # table), 2 GiB on two of them: every domain is a node, every CPU listed.
    _acpi_case("acpi-srat-128pxm-600cpu", ["srat-128pxm-600cpu.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               expect=[r"^loader: topology: 128 nodes, 600 CPUs",
                       r"^SRAT: PXM 127 -> APIC 0x007f -> Node 127$", r"^SRAT: PXM 87 -> APIC 0x0257 -> Node 87$",
                       r"^NUMA: Node 127 cpus: 0x7f 0xff 0x17f 0x1ff$",
                       r"^NUMA: Node 1 \[mem 0x40000000-0x[0-9a-f]+\]$",
                       r"^NUMA: Node 127 distances \(from node 64\): 20 20 .* 20 10$"],
               forbid=[r"not recorded", r"^SRAT: rejected", r"^Faking a node"],
               checks=[check_pgd, check_mm, check_zones, check_srat_cpu_count(600)], timeout=300),
    # A firmware map longer than 2048 descriptors (test-only efi_test=long-map
    # splits 3000 pages of free memory into one descriptor each) normalises
    # through a scratch sized from it, and 1 GiB of "RAM" at 64 TiB (beyond
    # the direct map) is dropped with a warning instead of failing the build.
    Case("efi-long-map-ram-above-64t", cmdline="efi_test=long-map efi_test=ram-above-64t qemu_exit",
         expect=[r"^loader: 1024 MiB of RAM above 64 TiB is beyond the direct map and will not be used$",
                 r"^loader: memory map (3\d\d\d) descriptors of \d+ bytes -> \d+ entries"],
         forbid=[r"0x0000400000000000"], checks=FULL),
    # -- SRAT Generic Initiator affinity (issue 8 item 7): one first in the
    # table takes node 0, as Linux numbers domains across CPU and GI entries
    # in table order; the GI node is memory-less and CPU-less.  Linux prints
    # the entry at debug level, so the case asks for it (loglevel=8).
    _acpi_case("acpi-srat-generic-initiator", ["srat-gi-first.aml"], Topology(nodes=0, cpus=2, mem="2G"),
               cmdline="loglevel=8 qemu_exit",
               expect=[r"^SRAT Generic Initiator\(Seg:0 BDF:16\) in proximity domain 7 enabled$",
                       r"^SRAT: PXM 0 -> APIC 0x00 -> Node 1$", r"^SRAT: PXM 1 -> APIC 0x01 -> Node 2$",
                       r"^NUMA: Node 0 cpus:$", r"^PGD: Node 0 at 0x[0-9a-f]+ \(node 1\)",
                       r"^mm: node 0 descriptor at 0x[0-9a-f]+ \(node 1\), memory-less"],
               checks=[check_pgd, check_mm, check_zones]),
    # The loader checks the boot CPU's root before leaving the firmware: a
    # test-only option builds the boot copy without the trampoline mapping.
    Case("pgd-boot-root-checked", cmdline="pgd_test=no-trampoline qemu_exit", exit=None, timeout=120,
         expect=[r"^loader: not jumping to the kernel: the boot CPU's page tables \(root 0x[0-9a-f]+\) do not "
                 r"map the trampoline page at 0x[0-9a-f]+", r"^loader: returning to the firmware: Load Error"],
         forbid=[r"^boot: done", r"exiting boot services"]),

    # -- page-table copies (issue 4)
    # Node 1 is the top 1 MiB, all reserved/ACPI NVS: no RAM in its range, so
    # it is memory-less (Linux: no memblock memory) and shares node 0's copy.
    Case("pgd-node-without-ram", topo=Topology(node_mem=["1023M", "1M"], cpus=2),
         expect=[r"^PGD: Node 1 at 0x[0-9a-f]+ \(node 0\)", r"^mm: node 1 descriptor at 0x[0-9a-f]+ \(node 0\), memory-less"],
         forbid=[r"too little free memory", r"use a copy on another node", r"^mm: node \d+ has"],
         checks=FULL),
    Case("ktext-off", cmdline="ktext=off qemu_exit", checks=[check_pgd, check_ktext_off]),

    # The boot CPU's own node has no memory: it must run on the nearest
    # node's copy, which is also the one that maps the loader's trampoline.
    Case("pgd-boot-cpu-memoryless-node",
         topo=Topology(node_mem=["0", "1G", "1G"], cpus=3, dist=[[10, 30, 20], [30, 10, 20], [20, 20, 10]]),
         expect=[r"^PGD: Node 0 at 0x[0-9a-f]+ \(node 2\)", r"^pgtable: cpu 0 apic 0x0 node 0 cr3 "],
         checks=FULL),

    # A node with RAM but no room for its copy (test-only pgd_test=node1-full
    # makes every claim in node 1 fail: real firmware can fill a small node,
    # QEMU's OVMF does not do it reproducibly): the loader puts the copy on
    # the nearest node and says so; the kernel's check accepts that.
    Case("pgd-node-too-small", topo=Topology(nodes=2, cpus=2, mem="2G"), cmdline="pgd_test=node1-full qemu_exit",
         expect=[r"^loader: node 1 has too little free memory for its copy .*: using node 0's memory",
                 r"^PGD: Node 1 at 0x[0-9a-f]+ \(node 0\)",
                 r"^pgtable: 1 node\(s\) with memory use a copy on another node"],
         checks=FULL),

    # The loader (test option) enters the kernel on node 1's copy: the boot
    # CPU must move to its own node's copy before anything else.
    Case("pgd-boot-cpu-switches-copy", cmdline="pgd_test=boot-elsewhere qemu_exit",
         expect=[r"^loader: pgd_test=boot-elsewhere: entering the kernel on node 1's copy",
                 r"^pgtable: cpu 0 apic 0x0 node 0 cr3 0x[0-9a-f]+ \(switched from 0x[0-9a-f]+\)"],
         checks=FULL),

    # A CPU without 1 GiB pages (qemu64): the direct map falls back to 2 MiB
    # pages, one page directory per GiB in every copy.
    # 0x150000000 lies in node 3's RAM, 256 MiB from any edge: a whole
    # gigabyte of RAM, so without pdpe1gb its leaf is a 2 MiB page in every
    # copy (with -cpu max it would be 1 GiB).  The table count itself
    # follows the map's RAM edges (4 KiB pages there), so it is not pinned.
    Case("pgd-2m-pages", topo=Topology(node_mem=["1G", "2G", "0", "3G"], cpus=4), extra=["-cpu", "qemu64"],
         cmdline="qemu_exit pgwalk=ffff888150000000",
         expect=[r"^loader: boot CPU APIC id 0x0, .*1G pages no",
                 r"^PGD: Node 3 at 0x[0-9a-f]+ \(node 3\), \d+ table pages",
                 r"^  PD\[128\] @0x[0-9a-f]+ = 0x[0-9a-f]+ .* -> pa 0x150000000 \(2M\)"],
         forbid=[r"-> pa 0x1[0-9a-f]+ \(1G\)"],
         checks=FULL),

    # -- memory types and attributes (issue 8.3): the top 64 MiB of node 0
    # marked specific-purpose, the top 16 MiB of node 1 stripped of WB --
    # exactly where the copies, memmap and node descriptors go by default.
    Case("efi-fake-mem-sp-nowb", cmdline="efi_fake_mem=64M@0x3c000000:0x40000,16M@0x7f000000:~0x8 qemu_exit",
         expect=[r"^loader: efi_fake_mem \(test only\): \[mem 0x000000003c000000-0x000000003fffffff\] attributes \|0x40000 ",
                 r"^loader: efi: 65536 KiB specific-purpose memory \(EFI_MEMORY_SP\): soft reserved",
                 r"^efi: mem: \[mem 0x000000003c000000-0x000000003fffffff\] soft reserved$",
                 r"^efi: .*soft reserved 65536K \(64 MiB\)"],
         checks=FULL + [check_fake_mem]),
    # An EFI reserved range beside RAM (efi_fake_mem strips EFI_MEMORY_WB from
    # 8 KiB inside node 0's RAM): the direct map leaves exactly those pages
    # out, 4 KiB pages around them; every boot's check counts 0 non-RAM pages.
    Case("dmap-reserved-beside-ram", cmdline="efi_fake_mem=8K@0x10001000:~0x8 pgwalk=ffff888010001000 qemu_exit",
         expect=[r"^efi: mem: \[mem 0x0000000010001000-0x0000000010002fff\] reserved$",
                 r"^  PD\[128\] @0x[0-9a-f]+ = 0x[0-9a-f]+ P W",
                 r"^  PT\[1\] @0x[0-9a-f]+ = 0x0000000000000000 not present"],
         forbid=[r"-> pa 0x10001000"], checks=FULL),
    # -- consoles (issue 11): the kernel log reaches the UART the firmware uses
    # OVMF's ConOut holds both legacy ports (COM1 on a null backend): both get the log.
    Case("console-com2-only", serial=COM2_ONLY,
         expect=[r"^loader: serial console: firmware console \(ConOut\): ttyS0 io 0x3f8, ttyS1 io 0x2f8$",
                 r"^console: ttyS1 io 0x2f8 115200 \(firmware console\), firmware divisor kept$",
                 r"^boot: done"]),
    # An SPCR naming COM2 wins over ConOut: COM1 gets nothing.
    Case("console-spcr-com2", serial=COM2_ONLY, extra=built_table("spcr-com2"),
         expect=[r"^loader: serial console: SPCR: ttyS1 io 0x2f8$",
                 r"^console: ttyS1 io 0x2f8 115200 \(SPCR\)$", r"^boot: done"],
         forbid=[r"^console: ttyS0"]),
    # Only a COM3 that OVMF does not know: found by probing; its divisor is
    # QEMU's reset value (12: 9600 baud), which the kernel keeps and reports.
    Case("console-com3-probed",
         serial=["-serial", "none", "-chardev", "file,id=com3,path=@LOG@",
                 "-device", "isa-serial,iobase=0x3e8,irq=4,chardev=com3"],
         expect=[r"^console: ttyS2 io 0x3e8 9600 \(probed\), firmware divisor kept$", r"^boot: done"]),
    # The command line overrides everything, baud rate included.
    Case("console-cmdline-baud", serial=COM2_ONLY, cmdline="console=ttyS1,57600 qemu_exit",
         expect=[r"^loader: serial console: command line: ttyS1 io 0x2f8$",
                 r"^console: ttyS1 io 0x2f8 57600 \(command line\)$", r"^boot: done"],
         forbid=[r"^console: ttyS0", r"^cmdline: "]),
    Case("console-pci-serial",
         serial=["-serial", "none", "-chardev", "file,id=pcicon,path=@LOG@",
                 "-device", "pci-serial,chardev=pcicon"],
         expect=[r"^loader: serial console: firmware console \(ConOut\): uart io 0x[0-9a-f]+$",
                 r"^console: uart io 0x[0-9a-f]+ 115200 \(firmware console\)", r"^boot: done"]),
    # The framebuffer: the screen shows the serial log's last lines, in the
    # kernel's font, after scrolling (no qemu_exit: the screen must stay).
    Case("console-fb-screen", cmdline="", exit=None, expect=[r"^boot: halting"],
         screen=[r"^boot: halting \(interrupts off\)$"],
         checks=[check_screen_matches_serial, check_screen_last_row]),
    # No serial port at all: the screen still shows the boot to its end
    # (the "console: no serial port" line has scrolled off by then).
    Case("console-none", serial=[], cmdline="", exit=None,
         screen=[r"^mm: buddy online: 2 nodes", r"^boot: done$",
                 r"^boot: halting \(interrupts off\)$"],
         checks=[check_screen_last_row]),

    *[_pgcheck_case(*b) for b in PGCHECK_BREAKS],
    # -- pre-flight (issue 11): everything up to the jump, files in the ESP
    # folder, back to the firmware; the files are read back with mtools.
    Case("preflight", cmdline="preflight", exit=None,
         expect=[r"^loader: preflight: wrote memmap\.txt", r"^loader: returning to the firmware: Success"],
         forbid=[r"exiting boot services", r"^numaboot version"], post=post_preflight),

    # README.md's real-machine section, UEFI shell route, followed as written:
    # preflight, the log typed back, then a kernel boot that resets (-no-reboot: exit 0).
    Case("readme-shell-route", cmdline=None, exit=0, prep=prep_readme_shell, post=post_readme_shell,
         timeout=240,
         expect=[r"^FS0:\\EFI\\numaboot\\> BOOTX64\.EFI preflight",
                 r"^loader: command line \(load options\): \"preflight\"$",
                 r"^loader: preflight: ready to boot; survey written",
                 r"^FS0:\\EFI\\numaboot\\> type numaboot\.log",
                 r"^loader: command line \(load options\): \"reboot\"$",
                 r"^boot: done$", r"^reboot: ACPI reset register: I/O port 0xcf9 <- 0x[0-9a-f]+$"],
         forbid=[r"^reboot: still running"]),

    # -- reset (issue 11): QEMU runs with -no-reboot, so a reset ends it with
    # status 0; nothing may be printed after the method that worked.
    Case("reboot-acpi", cmdline="reboot", exit=0,
         expect=[r"^loader: reset: ACPI reset register I/O 0xcf9 value 0x[0-9a-f]+$",
                 r"^boot: done", r"^reboot: restarting system \(reboot=acpi first\)$",
                 r"^reboot: ACPI reset register: I/O port 0xcf9 <- 0x[0-9a-f]+$"],
         forbid=[r"^reboot: still running", r"^reboot: keyboard", r"^boot: halting"]),
    Case("reboot-kbd", cmdline="reboot=kbd", exit=0,
         expect=[r"^reboot: restarting system \(reboot=kbd first\)$",
                 r"^reboot: keyboard controller: port 0x64 <- 0xfe$"],
         forbid=[r"^reboot: ACPI", r"^reboot: still running", r"^reboot: triple"]),
    Case("reboot-triple", cmdline="reboot=triple", exit=0,
         expect=[r"^reboot: restarting system \(reboot=triple first\)$",
                 r"^reboot: triple fault \(empty IDT\)$"],
         forbid=[r"^reboot: ACPI", r"^reboot: keyboard"]),
    # panic=1: the panic is printed, one second passes, the machine resets.
    Case("reboot-panic-timeout", cmdline="fault=panic panic=1", exit=0, panics=True,
         expect=[r"^Kernel panic - not syncing: fault=panic", r"^Rebooting in 1 seconds\.\.$",
                 r"^reboot: ACPI reset register: I/O port 0xcf9 <- 0x[0-9a-f]+$"],
         forbid=[r"^reboot: still running", r"^panic: halting", r"^boot: done"]),

    # -- strict firmware and 5-level paging (issue 8.6).  Debian 12's OVMF
    # (2022.11) never enables LA57, even on a CPU with it, and has no
    # EFI_MEMORY_ATTRIBUTE_PROTOCOL: the loader enters 5-level paging itself
    # after ExitBootServices (paging_test=la57, test only) and must leave it
    # through the same 32-bit path real LA57 firmware takes.
    Case("paging-la57-round-trip", cmdline="paging_test=la57 qemu_exit", extra=["-cpu", "max,la57=on"],
         expect=[r"^loader: paging_test=la57 \(test only\): entering 5-level paging after ExitBootServices",
                 r"^loader: trampoline at 0x[0-9a-f]{1,8}: no EFI_MEMORY_ATTRIBUTE_PROTOCOL",
                 r"^loader: paging_test=la57: now in 5-level paging \(CR4.LA57=1, PML5 at 0x[0-9a-f]+\)",
                 r"^loader: left 5-level paging: CR4.LA57=0, 4-level copy of PML5\[0\] at 0x[0-9a-f]+$",
                 r"^boot: done"],
         checks=[check_pgd]),
    # CR0.WP is set by the trampoline on the kernel's own tables: without it
    # a ring-0 write to read-only text would succeed silently.
    Case("kernel-fault-wp", cmdline="qemu_exit fault=wp", exit=EXIT_FAILURE,
         expect=[r"^traps: #PF Page Fault \(vector 14\), error code 0x3",
                 r"^Kernel panic - not syncing: Fatal exception: #PF"], forbid=[r"^boot: done"]),
    Case("paging-la57-cpu-without", cmdline="paging_test=la57 qemu_exit", extra=["-cpu", "max,la57=off"],
         expect=[r"^loader: paging_test=la57 \(test only\): this CPU has no LA57", r"^boot: done"]),

    # -- real machines' SRAT/SLIT (issue 9; test/acpi/tables/real/README.md).  One case per
    # thing the tables prove; the other machines share these shapes and have numatopo goldens.
    # A 2-socket board in a 2 GiB guest: node 1's RAM (from 82 GiB) is absent, so node 1 is a
    # memory-less node with the SRAT's 20 CPUs, listed first in its own fallback order.
    Case("real-2socket-2g", topo=Topology(nodes=0, cpus=2, mem="2G"), extra=real_tables(REAL_SUPERMICRO),
         expect=[r"^SRAT: PXM 1 -> APIC 0x20 -> Node 1$", r"^NUMA: Node 1 distances: 21 10$",
                 r"^Fallback order for Node 0: 0$", r"^Fallback order for Node 1: 1 0$",
                 r"^mm: node 1 descriptor at 0x[0-9a-f]+ \(node 0\), memory-less$"],
         forbid=[r"^  node +1: "],
         checks=[check_real_tables(REAL_SUPERMICRO), check_mm, check_zones, check_fallback]),
    # The same board in a 96 GiB guest: RAM [4 GiB, 98 GiB) reaches node 1 at 82 GiB.
    Case("real-2socket-96g", topo=Topology(nodes=0, cpus=2, mem="96G"),
         extra=real_tables(REAL_SUPERMICRO) + BIG_RAM, timeout=300,
         expect=[r"^  node   1: \[mem 0x0000001480000000-0x000000187fffffff\]$",
                 r"^Fallback order for Node 0: 0 1$", r"^Fallback order for Node 1: 1 0$",
                 r"^mm: node 1 memmap \d+ at 0x[0-9a-f]+ \(node 1\)$"],
         checks=[check_real_tables(REAL_SUPERMICRO), check_mm, check_zones, check_fallback, check_pgd]),
    # An SRAT covering 1 GiB of a 2 GiB guest: Linux's reason, ours, then the faked node.
    Case("real-msi-rejected-2g", topo=Topology(nodes=0, cpus=2, mem="2G"), extra=real_tables(REAL_MSI),
         expect=[r"^NUMA: nodes only cover 10\d\dMB of your 20\d\dMB e820 RAM\. Not used\.$",
                 r"^SRAT: rejected: nodes cover only 10\d\d MiB of 20\d\d MiB usable RAM",
                 r"^No NUMA configuration found$"],
         checks=[check_real_tables(REAL_MSI), check_fake_node, check_mm, check_zones]),
    # AMD K10: no SLIT at all; RAM holes at 640 KiB and 3.25 GiB.
    Case("real-k10-noslit-2g", topo=Topology(nodes=0, cpus=2, mem="2G"), extra=real_tables(REAL_K10),
         expect=[r"^NUMA: default distances \(10 local, 20 remote\): no SLIT$",
                 r"^NUMA: Node 0 \[mem 0x00100000-0xcfffffff\]$"],
         checks=[check_real_tables(REAL_K10), check_mm, check_zones, check_fallback]),
    # Intel X299: a 1x1 SLIT; a single-node SRAT that is too small for a 96 GiB guest
    # (it ends at 34.5 GiB): rejected with Linux's figures for big memory.
    Case("real-x299-rejected-96g", topo=Topology(nodes=0, cpus=2, mem="96G"),
         extra=real_tables(REAL_X299) + BIG_RAM, timeout=300,
         expect=[r"^NUMA: nodes only cover 3\d{4}MB of your 9\d{4}MB e820 RAM\. Not used\.$",
                 r"^No NUMA configuration found$"],
         checks=[check_real_tables(REAL_X299), check_fake_node, check_mm]),

    # -- buddy (issue 5)
    # The in-guest benchmark prints TSC-cycle figures (numbers, not judged here)
    # and runs 1M self-test operations per node.
    Case("mm-bench", cmdline="bench qemu_exit", timeout=400,
         expect=[r"^mm_bench: memmap init \+ hand-over per page: \d+\.\d+ cycles",
                 r"^mm_bench: order-0 alloc\+free round trip: \d+\.\d+ cycles",
                 r"^mm_bench: order-9 alloc\+free round trip: \d+\.\d+ cycles",
                 r"^mm_bench: stress of 1000000 ops per node passed",
                 # issue 13: every CPU allocating at once (numbers, not judged)
                 r"^mm_bench: order-0 alloc\+free on 1 CPU at once, local frees: \d+ cycles per pair",
                 r"^mm_bench: order-0 alloc\+free on 4 CPUs at once, remote frees: \d+ cycles per pair",
                 # issue 10: cycles to write one change into both copies and to
                 # shoot down the 3 other CPUs (numbers, not judged)
                 r"^smp_bench: change 1 page in 2 copies: \d+ cycles to write the copies, \d+ cycles to shoot down 3 other CPUs",
                 r"^smp_bench: map 1 page in 2 copies \(tables present\): \d+ cycles"],
         forbid=[r"^mm_bench: order-0 alloc\+free on .*: failed"],
         checks=[check_smp]),
    Case("mm-selftest-2node", cmdline="selftest zoneinfo mm_init_compare qemu_exit",
         expect=[r"^  pagesets$", r"^    cpu: 3$",
                 # issue 13: each node's memory by its own 2 CPUs, one-CPU figure in the same boot
                 r"^mm: node 0 init \d+ pages on [12] CPUs in \d+ us",
                 r"^mm: node 1 init \d+ pages on [12] CPUs in \d+ us",
                 r"^mm: parallel init: 2 nodes on 4 CPUs in \d+ us \(one CPU: \d+ us, speed-up \d+\.\d\)"],
         checks=FULL + [check_ktap, check_pagesets], timeout=300),
    Case("mm-selftest-4node-6g", cmdline="selftest qemu_exit",
         topo=Topology(node_mem=["1G", "2G", "0", "3G"], cpus=4), checks=FULL + [check_ktap],
         timeout=400),
]
