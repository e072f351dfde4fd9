#!/usr/bin/env python3
"""mkcorpus.py BUILD_DIR - (re)write the seed corpora in test/fuzz/corpus/.

Seeds are small valid (or just-broken) inputs the fuzzers mutate from:
tables from test/qemu/acpi/mktables.py and the iasl-compiled tables in
BUILD_DIR/host/acpi-tables/ (run `make acpi-tables BUILD=...` first), whole
"physical memory" images for rsdp_fuzz, composite inputs for topology_fuzz
and EFI memory maps for physmap_fuzz.  Run by hand when the input layouts
change; the corpora are committed.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "qemu", "acpi"))
import mktables  # noqa: E402

PHYS_BASE = 0x1000


def put(name, fname, data):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


def madt(entries, rev=1):
    body = struct.pack("<II", 0xFEE00000, 1) + b"".join(entries)
    return mktables.table(b"APIC", rev, b"SEEDMADT", body)


def lapic(uid, apic, flags=1):
    return struct.pack("<BBBBI", 0, 8, uid, apic, flags)


def x2apic(apic, flags=1, uid=0):
    return struct.pack("<BBHIII", 9, 16, 0, apic, flags, uid)


def root(sig, addrs, wide):
    fmt = "<Q" if wide else "<I"
    return mktables.table(sig, 1, b"SEEDROOT", b"".join(struct.pack(fmt, a) for a in addrs))


def rsdp(rev, rsdt, xsdt):
    r = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, b"SEED  ", rev, rsdt,
                              36 if rev >= 2 else 0, xsdt, 0, b"\0\0\0"))
    r[8] = (-sum(r[:20])) & 0xff
    if rev >= 2:
        r[32] = (-sum(r)) & 0xff
    return bytes(r if rev >= 2 else r[:20] + bytes(16))


def image(rev, tables, use_xsdt=True):
    """RSDP at offset 0, the root at 64, tables after it, 16-byte aligned."""
    addrs, blob, off = [], b"", 0
    root_len = 36 + len(tables) * (8 if use_xsdt else 4)
    start = 64 + ((root_len + 15) & ~15)
    for t in tables:
        addrs.append(PHYS_BASE + start + off)
        pad = (-len(t)) % 16
        blob += t + bytes(pad)
        off += len(t) + pad
    rt = root(b"XSDT" if use_xsdt else b"RSDT", addrs, use_xsdt)
    rp = rsdp(rev, 0 if use_xsdt else PHYS_BASE + 64, PHYS_BASE + 64 if use_xsdt else 0)
    img = rp + bytes(64 - len(rp)) + rt
    img += bytes(start - len(img))
    return img + blob


def topo_input(opts, apic, srat, slit, madt_t, ram):
    out = bytes([opts, apic])
    for t in (srat, slit, madt_t):
        out += struct.pack("<H", len(t)) + t
    for s, n in ram:
        out += struct.pack("<QQ", s, n)
    return out


def efi_map(descs, desc_size=48):
    out = b""
    for typ, start, pages in descs:
        d = struct.pack("<IIQQQQ", typ, 0, start, 0, pages, 0xF)
        out += d + bytes(desc_size - len(d))
    return out


def pe_image(sections, size=0x4000):
    """A PE32+ image as the firmware loads it (sections at their RVAs), laid
    out as objcopy writes the unified image: [(name, rva, data)]."""
    img = bytearray(size)
    struct.pack_into("<H", img, 0, 0x5A4D)
    struct.pack_into("<I", img, 0x3C, 0x80)
    img[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", img, 0x84, 0x8664, len(sections), 0, 0, 0, 240, 0x206)
    table = 0x84 + 20 + 240
    for i, (name, rva, data) in enumerate(sections):
        raw = (len(data) + 0x1FF) & ~0x1FF
        struct.pack_into("<8sIIIIIIHHI", img, table + 40 * i, name, len(data), rva, raw, 0, 0, 0,
                         0, 0, 0x40000040)
        img[rva:rva + len(data)] = data
    return bytes(img)


def pe_seeds():
    put("pe", "unified", pe_image([(b".text", 0x1000, b"\xc3" * 16),
                                   (b".cmdline", 0x2000, b"qemu_exit\n"),
                                   (b".kernel", 0x3000, b"\x7fELF" + bytes(60))]))
    put("pe", "plain-loader", pe_image([(b".text", 0x1000, b"\xc3" * 16),
                                        (b".reloc", 0x2000, bytes(12))], size=0x3000))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    pe_seeds()
    t = mktables.build()
    aml = {}
    adir = os.path.join(build, "host", "acpi-tables")
    for f in sorted(os.listdir(adir)) if os.path.isdir(adir) else []:
        if f.endswith(".aml"):
            with open(os.path.join(adir, f), "rb") as fh:
                aml[f[:-4]] = fh.read()
    if not aml:
        sys.exit(f"no iasl tables under {adir}: run make acpi-tables BUILD={build}")

    for n in ("srat-2node", "srat-overrun"):
        put("srat", n, t[n + ".aml"])
    for n in ("qemu-2node-srat", "big-x2apic-srat"):
        put("srat", n, aml[n])
    for n in ("slit-2node", "slit-bad-diagonal"):
        put("slit", n, t[n + ".aml"])
    for n in ("qemu-2node-slit", "big-x2apic-slit"):
        put("slit", n, aml[n])
    put("slit", "slit-8node", mktables.slit(
        [[10 if i == j else 10 + 6 * (1 + abs(i - j)) for j in range(8)] for i in range(8)]))
    for n in ("qemu-2node-apic", "big-x2apic-apic"):
        put("madt", n, aml[n])
    put("madt", "madt-mixed", madt([lapic(0, 0), lapic(1, 1, 0), x2apic(0x100), x2apic(0x101, 2),
                                    lapic(2, 0xff)], rev=5))

    qdir = os.path.join(ROOT, "test", "acpi", "tables", "qemu")
    for case in sorted(os.listdir(qdir)):
        for sig, name in (("srat", "srat"), ("slit", "slit"), ("apic", "madt")):
            f = os.path.join(qdir, case, sig + ".dat")
            if os.path.exists(f):
                with open(f, "rb") as fh:
                    put(name, "qemu-" + case, fh.read())

    put("rsdp", "v2-xsdt", image(2, [aml["qemu-2node-srat"], aml["qemu-2node-slit"],
                                     aml["qemu-2node-apic"]]))
    put("rsdp", "v0-rsdt", image(0, [aml["big-x2apic-srat"], aml["big-x2apic-apic"]],
                                 use_xsdt=False))

    two_g = [(0, 0xA0000), (0x100000, (2 << 30) - 0x100000)]
    put("topology", "qemu-2node", topo_input(0, 0, aml["qemu-2node-srat"], aml["qemu-2node-slit"],
                                             aml["qemu-2node-apic"], two_g))
    put("topology", "big-x2apic", topo_input(0, 0, aml["big-x2apic-srat"], aml["big-x2apic-slit"],
                                             aml["big-x2apic-apic"],
                                             [(0, 0x9F000), (0x100000, 0x7F000000),
                                              (1 << 32, 1 << 32)]))
    put("topology", "numa-off", topo_input(1, 0, t["srat-2node.aml"], b"", b"", two_g))

    ovmf = [(3, 0, 0xA0), (7, 0x100000, 0x700), (4, 0x800000, 0x100), (7, 0x900000, 0x7F000),
            (9, 0x7F900000, 0x10), (10, 0x7FA00000, 0x100), (0, 0x7FB00000, 0x500),
            (2, 0x1000000, 0x200), (11, 0xFEC00000, 1), (7, 1 << 32, 0x40000)]
    put("physmap", "ovmf-48", bytes([8, 0]) + efi_map(ovmf, 48))
    put("physmap", "ovmf-40-keep", bytes([0, 1 | (10 << 2)]) + struct.pack("<QQ", 0x1000002, 0x4000)
        + efi_map(ovmf, 40))
    put("physmap", "bad-desc-size", bytes([0xf5, 0]) + efi_map(ovmf[:2], 48))

    # cmdline: command lines as cmdline.txt or the UEFI shell would give them.
    put("cmdline", "every-option", b"qemu_exit selftest=1000 bench loglevel=8 debug quiet fault=pf "
        b"pgwalk=0xffffffff80200000 memblock=debug zoneinfo numa=off acpi_test=srat-checksum ktext=off "
        b"pgd_test=boot-elsewhere efi_fake_mem=64M@0x3c000000:0x40000,16M@0x7f000000:~0x8")
    put("cmdline", "quotes", b'key="a b" "numa=off" x=a"b c"d fault="gp" "flag" y=""')
    put("cmdline", "unterminated", b'qemu_exit console="ttyS0,115200 loglevel=7')
    put("cmdline", "bad-values", b"loglevel=99 selftest=0 pgwalk=xyz qemu_exit=1 memblock numa=maybe")
    put("cmdline", "unknown-and-dashes", b"root=/dev/sda qemu-exit -- init=/bin/sh = \"\" --x")


if __name__ == "__main__":
    main()
