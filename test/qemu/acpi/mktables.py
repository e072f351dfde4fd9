#!/usr/bin/env python3
"""mktables.py OUTDIR - write the ACPI tables the QEMU boot cases inject with
`-acpitable file=OUTDIR/<name>`, for a guest started with -m 2G -smp 2 and
no -numa (so QEMU builds no SRAT/SLIT of its own):

  srat-2node.aml         valid SRAT rev 1: APIC 0 + [0,640K) + [1M,1G) on PXM 0,
                         APIC 1 + [1G,2G) on PXM 1
  slit-2node.aml         valid SLIT for it (10 21 / 21 10)
  slit-bad-diagonal.aml  SLIT whose [1][1] entry is 20, not 10
  srat-2node-hotplug.aml   srat-2node with every memory entry flags = 3
                         (enabled + hot-pluggable), as Hyper-V/Azure guests
  srat-2node-hotplug0.aml  srat-2node with only node 0's entries hot-pluggable
  srat-gi-first.aml      SRAT rev 3: a Generic Initiator (PCI 0000:00:02.0,
                         PXM 7) first, then srat-2node's entries: Linux gives
                         PXM 7 node 0 (table order across CPU and GI entries)
  srat-128pxm-600cpu.aml SRAT rev 3: 600 x2APIC entries, CPU i (x2APIC id i)
                         in PXM i % 128, then srat-2node's memory on PXM 0
                         and 1: 128 nodes, 126 of them CPU-only.  QEMU's own
                         MADT lists APIC 0 and 1 (-smp 2); the others are
                         SRAT-only CPUs, which the topology accepts.
  srat-overrun.aml       srat-2node with its last memory entry cut 8 bytes
                         short: the entry's length (40) runs past the table
  srat-bad-checksum.aml  srat-2node with a wrong checksum byte.  NOTE: QEMU
                         (hw/acpi/core.c acpi_table_install) and OVMF's
                         AcpiTableDxe both recompute the checksum of an
                         -acpitable table, so this file reaches the guest
                         fixed; boot tests use the loader's command-line
                         option acpi_test=srat-checksum instead.  The file
                         serves the host tool and tests.

QEMU rewrites each table's length field to the file size and recomputes its
checksum; only the bytes after the 36-byte header reach the guest as written.
"""
import os
import struct
import sys


def checksum_fix(t):
    t = bytearray(t)
    t[9] = 0
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def header(sig, body_len, rev, oem_table):
    return struct.pack("<4sIBB6s8sI4sI", sig, 36 + body_len, rev, 0, b"NUMATS",
                       oem_table, 1, b"NUMA", 1)


def table(sig, rev, oem_table, body):
    return checksum_fix(header(sig, len(body), rev, oem_table) + body)


def srat_cpu(pxm, apic, flags=1):
    return struct.pack("<BBBBIB3sI", 0, 16, pxm & 0xff, apic, flags, 0,
                       (pxm >> 8).to_bytes(3, "little"), 0)


def srat_mem(pxm, base, length, flags=1):
    return struct.pack("<BBIHQQIIQ", 1, 40, pxm, 0, base, length, 0, flags, 0)


def srat_gi(pxm, seg, bdf, flags=1):
    """Generic Initiator affinity (type 5) with a PCI device handle."""
    return struct.pack("<BBBBIHH12sII", 5, 32, 0, 1, pxm, seg, bdf, bytes(12), flags, 0)


def srat_x2apic(pxm, apic, flags=1):
    return struct.pack("<BBHIIIII", 2, 24, 0, pxm, apic, flags, 0, 0)


def srat(entries, rev=1, oem=b"NUMA2NOD"):
    return table(b"SRAT", rev, oem, struct.pack("<IQ", 1, 0) + b"".join(entries))


def slit(matrix, oem=b"NUMA2NOD"):
    n = len(matrix)
    return table(b"SLIT", 1, oem, struct.pack("<Q", n) + bytes(v for row in matrix for v in row))


G = 1 << 30
TWO_NODE = [
    srat_cpu(0, 0), srat_cpu(1, 1),
    srat_mem(0, 0, 0xA0000), srat_mem(0, 0x100000, G - 0x100000), srat_mem(1, G, G),
]


def two_node(flags0=1, flags1=1):
    return [
        srat_cpu(0, 0), srat_cpu(1, 1),
        srat_mem(0, 0, 0xA0000, flags0), srat_mem(0, 0x100000, G - 0x100000, flags0),
        srat_mem(1, G, G, flags1),
    ]


def build():
    out = {}
    out["srat-2node.aml"] = srat(TWO_NODE)
    out["srat-2node-hotplug.aml"] = srat(two_node(3, 3), oem=b"HOTPLUG ")
    out["srat-2node-hotplug0.aml"] = srat(two_node(3, 1), oem=b"HOTPLUG0")
    big = [srat_x2apic(i % 128, i) for i in range(600)]
    big += [srat_mem(0, 0, 0xA0000), srat_mem(0, 0x100000, G - 0x100000), srat_mem(1, G, G)]
    out["srat-128pxm-600cpu.aml"] = srat(big, rev=3, oem=b"BIG128  ")
    out["srat-gi-first.aml"] = srat([srat_gi(7, 0, 0x10)] + TWO_NODE, rev=3, oem=b"GIFIRST ")
    out["slit-2node.aml"] = slit([[10, 21], [21, 10]])
    out["slit-bad-diagonal.aml"] = slit([[10, 21], [21, 20]], oem=b"BADDIAG ")
    t = bytearray(srat(TWO_NODE, oem=b"OVERRUN "))[:-8]
    t[4:8] = struct.pack("<I", len(t))
    out["srat-overrun.aml"] = checksum_fix(t)
    t = bytearray(srat(TWO_NODE, oem=b"BADCSUM "))
    t[9] = (t[9] + 0x5a) & 0xff
    out["srat-bad-checksum.aml"] = bytes(t)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in build().items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
