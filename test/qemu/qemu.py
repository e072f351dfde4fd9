#!/usr/bin/env python3
"""qemu.py - build QEMU+OVMF command lines for a NUMA topology, and boot them.

Used by `make run` / `make debug` and by the serial harness (test/run_tests.py),
so a case in the harness and a preset on the command line describe a machine
the same way:

    Topology(nodes=4, cpus=8, mem="8G")                       equal split
    Topology(node_mem=["1G", "2G", "0", "3G"], ...)           unequal; "0" = memory-less
    Topology(node_cpus=[[0, 2], [1, 3]])                      explicit CPU lists (interleaved)
    Topology(dist=[[10, 20], [20, 10]])                       full SLIT; default 10/20

Command line:  qemu.py run|debug|print --nodes N --cpus C --mem M [--accel kvm]
               --image build/esp.img [--cmdline "..."] [--extra "qemu args"]
               [--firmware secboot --boot-file build/numaboot.snakeoil.efi]
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
# Secure Boot: OVMF built with SMM (its variable store must be reachable
# only from SMM) and Debian's variable store that enrolls the snakeoil key
# as PK/KEK/db and turns Secure Boot on.
OVMF_CODE_SECBOOT = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
OVMF_VARS_SNAKEOIL = "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"
FIRMWARE = {
    "plain": (OVMF_CODE, OVMF_VARS, "", []),
    "secboot": (OVMF_CODE_SECBOOT, OVMF_VARS_SNAKEOIL, ",smm=on",
                ["-global", "driver=cfi.pflash01,property=secure,value=on"]),
}
# disk.img (GPT): the ESP starts at sector 2048; mtools reaches it as img@@1M.
ESP_OFFSET = {"esp": "", "gpt": "@@1M"}
DEBUG_EXIT_PORT = 0xF4
EXIT_SUCCESS = (0x10 << 1) | 1   # kernel writes 0x10: QEMU exits 33
EXIT_FAILURE = (0x11 << 1) | 1   # kernel writes 0x11 (panic): QEMU exits 35


def parse_size(text):
    """'2G', '512M', '1536M', '0' -> bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMGT]?)i?B?\s*", str(text), re.I)
    if not m:
        raise ValueError(f"bad size {text!r} (want e.g. 512M, 2G)")
    mult = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    unit = m.group(2).upper()
    # A bare number is MiB, as QEMU's -m reads it.
    return int(m.group(1)) * mult[unit]


def fmt_size(nbytes):
    return f"{nbytes >> 20}M"


class Topology:
    """A NUMA machine description.  nodes=0 means no -numa options at all."""

    def __init__(self, nodes=2, cpus=4, mem="2G", node_mem=None, node_cpus=None,
                 dist=None, remote=20, slots=0, maxmem=None, reserve=True):
        self.cpus = int(cpus)
        # slots/maxmem: memory hotplug; QEMU adds a hot-pluggable SRAT range.
        self.slots = slots
        self.maxmem = maxmem
        # reserve=False: guest RAM is not reserved up front on the host, so a
        # 64 GiB guest boots on a smaller machine (it touches little of it).
        self.reserve = reserve
        if node_mem is not None:
            self.node_mem = [parse_size(s) for s in node_mem]
            self.nodes = len(self.node_mem)
        else:
            self.nodes = int(nodes)
            total = parse_size(mem)
            if self.nodes:
                # Equal split in 2 MiB units; the last node takes the rest.
                unit = 2 << 20
                share = (total // self.nodes) // unit * unit
                self.node_mem = [share] * (self.nodes - 1) + [total - share * (self.nodes - 1)]
            else:
                self.node_mem = []
                self.total_mem = total
        if self.nodes:
            self.total_mem = sum(self.node_mem)
        if node_cpus is not None:
            if len(node_cpus) != self.nodes:
                raise ValueError("node_cpus needs one list per node")
            self.node_cpus = [list(c) for c in node_cpus]
        else:
            # Contiguous blocks, as firmware numbers sockets: node i gets
            # CPUs [i*C/N, (i+1)*C/N).  Fewer CPUs than nodes leaves the
            # last nodes CPU-less.
            self.node_cpus = [list(range(i * self.cpus // self.nodes,
                                         (i + 1) * self.cpus // self.nodes))
                              for i in range(self.nodes)] if self.nodes else []
        if dist is None:
            dist = [[10 if i == j else remote for j in range(self.nodes)]
                    for i in range(self.nodes)]
        self.dist = dist

    def args(self):
        m = fmt_size(self.total_mem)
        if self.maxmem:
            m += f",slots={self.slots},maxmem={self.maxmem}"
        a = ["-smp", str(self.cpus), "-m", m]
        for i in range(self.nodes):
            opt = f"node,nodeid={i}"
            if self.node_mem[i]:
                backend = f"memory-backend-ram,id=mem{i},size={fmt_size(self.node_mem[i])}"
                a += ["-object", backend + ("" if self.reserve else ",reserve=off")]
                opt += f",memdev=mem{i}"
            for c in self.node_cpus[i]:
                opt += f",cpus={c}"
            a += ["-numa", opt]
        if self.nodes > 1:
            for i in range(self.nodes):
                for j in range(self.nodes):
                    if i != j:
                        a += ["-numa", f"dist,src={i},dst={j},val={self.dist[i][j]}"]
        return a


def qemu_command(image, vars_file, topo, accel="tcg", extra=(), debug_exit=True,
                 serial="stdio", gdb=False, firmware="plain"):
    code, _, machine_opts, fw_args = FIRMWARE[firmware]
    if accel == "kvm":
        machine, cpu = "q35,accel=kvm", "host"
    else:
        # -cpu max gives TCG 1 GiB pages (pdpe1gb); QEMU 7.2 TCG has no x2APIC.
        machine, cpu = "q35,accel=tcg", "max"
    cmd = ["qemu-system-x86_64", "-machine", machine + machine_opts, "-cpu", cpu]
    cmd += topo.args() + fw_args
    cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={code}",
            "-drive", f"if=pflash,format=raw,file={vars_file}",
            "-drive", f"format=raw,file={image}",
            "-net", "none", "-display", "none", "-no-reboot"]
    if serial is not None:          # None: the caller passes its own -serial/-chardev
        cmd += ["-serial", serial]
    if debug_exit:
        cmd += ["-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04"]
    if gdb:
        cmd += ["-s", "-S"]
    cmd += list(extra)
    return cmd


def prepare_image(src_image, workdir, cmdline=None, delete=(), replace=None,
                  firmware="plain", layout="esp"):
    """Copy the image (layout "esp": a bare FAT image; "gpt": a GPT disk with
    the ESP at 1 MiB) into workdir; write cmdline.txt, delete or replace files
    with mtools.  Returns (image path, path of a fresh copy of the firmware's
    variable store)."""
    img = os.path.join(workdir, os.path.basename(src_image))
    shutil.copyfile(src_image, img)
    fat = img + ESP_OFFSET[layout]
    if cmdline is not None:
        path = os.path.join(workdir, "cmdline.txt")
        with open(path, "w") as f:
            f.write(cmdline + "\n")
        subprocess.run(["mcopy", "-o", "-i", fat, path, "::/EFI/BOOT/cmdline.txt"], check=True)
    for name in delete:
        subprocess.run(["mdel", "-i", fat, f"::/EFI/BOOT/{name}"], check=True)
    for name, data in (replace or {}).items():
        path = os.path.join(workdir, name)
        with open(path, "wb") as f:
            f.write(data)
        subprocess.run(["mcopy", "-o", "-i", fat, path, f"::/EFI/BOOT/{name}"], check=True)
    vars_file = os.path.join(workdir, "OVMF_VARS.fd")
    shutil.copyfile(FIRMWARE[firmware][1], vars_file)
    return img, vars_file


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["run", "debug", "print"])
    p.add_argument("--nodes", type=int, default=2)
    p.add_argument("--cpus", type=int, default=4)
    p.add_argument("--mem", default="2G")
    p.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    p.add_argument("--image", default="build/esp.img")
    p.add_argument("--cmdline", default=None, help="written to cmdline.txt in a copy of the image")
    p.add_argument("--extra", default="", help="more QEMU arguments")
    p.add_argument("--kernel", default="build/esp/EFI/BOOT/kernel.elf")
    p.add_argument("--firmware", default="plain", choices=sorted(FIRMWARE),
                   help="secboot: OVMF with SMM and the snakeoil keys enrolled, Secure Boot on")
    p.add_argument("--boot-file", default=None,
                   help="put this file in the image copy as \\EFI\\BOOT\\BOOTX64.EFI")
    a = p.parse_args()

    topo = Topology(nodes=a.nodes, cpus=a.cpus, mem=a.mem)
    work = tempfile.mkdtemp(prefix="numaboot-run-")
    try:
        replace = {}
        if a.boot_file:
            with open(a.boot_file, "rb") as f:
                replace["BOOTX64.EFI"] = f.read()
        img, vars_file = prepare_image(a.image, work, cmdline=a.cmdline or None,
                                       replace=replace, firmware=a.firmware)
        cmd = qemu_command(img, vars_file, topo, accel=a.accel, extra=shlex.split(a.extra),
                           gdb=(a.mode == "debug"), firmware=a.firmware)
        print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr)
        if a.mode == "print":
            return 0
        if a.mode == "debug":
            print(f"QEMU is halted with a gdb stub on :1234. In another terminal:\n"
                  f"  gdb {a.kernel} -ex 'target remote :1234' -ex 'hbreak kmain' -ex continue\n"
                  f"(hbreak: the kernel is not mapped until the loader switches CR3)",
                  file=sys.stderr)
        rc = subprocess.call(cmd)
        if rc == EXIT_SUCCESS:
            print("qemu: kernel reported success (exit 33)", file=sys.stderr)
            return 0
        if rc == EXIT_FAILURE:
            print("qemu: kernel reported failure (exit 35)", file=sys.stderr)
        return rc
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
