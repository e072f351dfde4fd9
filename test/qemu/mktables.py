#!/usr/bin/env python3
"""mktables.py OUTDIR - write the ACPI tables the QEMU cases inject with
`-acpitable file=...` (guest: q35, -m 2G, two CPUs, no -numa, so QEMU builds
no SRAT/SLIT of its own and ours are the only ones the loader finds):

  srat-2node.aml          valid: node 0 = [0, 1G) + APIC 0, node 1 = [1G, 2G) + APIC 1
  srat-bad-checksum.aml   srat-2node with its checksum byte off by one
  srat-overrun.aml        a memory-affinity entry whose length runs past the table
  slit-bad-diagonal.aml   2x2 SLIT with 11 on the diagonal

Layouts: ACPI 6.5 sections 5.2.16 (SRAT) and 5.2.17 (SLIT).
"""
import os
import struct
import sys


def table(sig, rev, body, fix_checksum=True):
    length = 36 + len(body)
    hdr = struct.pack("<4sIBB6s8sI4sI", sig, length, rev, 0, b"NUMABT", b"TESTTBL ", 1, b"NBT ", 1)
    raw = bytearray(hdr + body)
    if fix_checksum:
        raw[9] = (-sum(raw)) & 0xFF
    return raw


def cpu_affinity(pxm, apic, enabled=True):
    # type 0, length 16: pxm[7:0], apic id, flags, sapic eid, pxm[31:8], clock domain
    return struct.pack("<BBBBIB3sI", 0, 16, pxm & 0xFF, apic, 1 if enabled else 0, 0,
                       (pxm >> 8).to_bytes(3, "little"), 0)


def mem_affinity(pxm, base, size, flags=1, length=40):
    # type 1, length 40: pxm, reserved, base lo/hi, length lo/hi, reserved, flags, reserved
    return struct.pack("<BBIHIIIIIIQ", 1, length, pxm, 0, base & 0xFFFFFFFF, base >> 32,
                       size & 0xFFFFFFFF, size >> 32, 0, flags, 0)


def srat_body(entries):
    return struct.pack("<IQ", 1, 0) + b"".join(entries)


G = 1 << 30
TWO_NODES = [cpu_affinity(0, 0), cpu_affinity(1, 1),
             mem_affinity(0, 0, G), mem_affinity(1, G, G)]


def main(out):
    os.makedirs(out, exist_ok=True)
    good = table(b"SRAT", 3, srat_body(TWO_NODES))
    bad = bytearray(good)
    bad[9] = (bad[9] + 1) & 0xFF
    # The last entry claims 40 bytes but the table ends 16 bytes into it.
    overrun = table(b"SRAT", 3, srat_body(TWO_NODES[:3] + [mem_affinity(1, G, G)[:16]]))
    slit = table(b"SLIT", 1, struct.pack("<Q", 2) + bytes([11, 20, 20, 10]))
    for name, data in [("srat-2node.aml", good), ("srat-bad-checksum.aml", bad),
                       ("srat-overrun.aml", overrun), ("slit-bad-diagonal.aml", slit)]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
