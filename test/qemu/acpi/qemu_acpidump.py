#!/usr/bin/env python3
"""qemu_acpidump.py OUTDIR -- QEMU-ARGS...

Boot OVMF's built-in UEFI shell under QEMU (TCG) with the given machine
arguments (-smp, -m, -numa ...), and save what the firmware really hands a
loader: srat.dat, slit.dat, apic.dat (the raw tables, as `acpidump -b` names
them; only those present) and memmap.txt (usable RAM of the UEFI memory map,
one START-END line each, for `numatopo --memfile`).  The shell is driven over
the serial console with `dmem` (ACPI 2.0 RSDP -> XSDT -> tables) and `memmap`.

Used to check acpi/ against real QEMU tables without the loader:
  qemu_acpidump.py /tmp/t -- -smp 2 -m 2G -object memory-backend-ram,id=m0,size=1G \\
      -numa node,nodeid=0,memdev=m0,cpus=0 ...
  build/host/numatopo /tmp/t/*.dat --memfile /tmp/t/memmap.txt
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
ANSI = re.compile(rb"\x1b\[[0-9;=]*[A-Za-z]")
USABLE = {"Available", "LoaderCode", "LoaderData", "BS_Code", "BS_Data"}


class Shell:
    def __init__(self, qemu_args, workdir):
        vars_copy = os.path.join(workdir, "vars.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        cmd = ["qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max",
               "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
               "-drive", f"if=pflash,format=raw,file={vars_copy}",
               "-net", "none", "-display", "none", "-serial", "stdio", "-no-reboot"] + qemu_args
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        while True:
            b = self.p.stdout.read1(4096)
            if not b:
                return
            with self.lock:
                self.buf += b

    def text(self):
        with self.lock:
            return ANSI.sub(b"", self.buf).decode("latin-1")

    def wait_prompt(self, start, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            t = self.text()[start:]
            if re.search(r"(Shell|FS\d+:\\)> \s*$", t):
                return t
            if self.p.poll() is not None:
                raise RuntimeError("QEMU exited:\n" + self.text()[-2000:])
            time.sleep(0.2)
        raise RuntimeError("no shell prompt:\n" + self.text()[-2000:])

    def run(self, line):
        start = len(self.text())
        self.p.stdin.write(line.encode() + b"\r")
        self.p.stdin.flush()
        time.sleep(0.3)
        return self.wait_prompt(start)

    def close(self):
        try:
            self.p.stdin.write(b"reset -s\r")
            self.p.stdin.flush()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


def dmem(sh, addr, length):
    out = sh.run(f"dmem {addr:x} {length:x}")
    data = bytearray()
    for m in re.finditer(r"^\s*[0-9A-Fa-f]+: ((?:[0-9A-Fa-f]{2}[ -])+)", out, re.M):
        data += bytes(int(x, 16) for x in re.findall(r"[0-9A-Fa-f]{2}", m.group(1)))
    if len(data) < length:
        raise RuntimeError(f"dmem {addr:#x} {length}: got {len(data)} bytes")
    return bytes(data[:length])


def main():
    if len(sys.argv) < 3 or sys.argv[2] != "--":
        sys.exit(__doc__)
    outdir, qemu_args = sys.argv[1], sys.argv[3:]
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        sh = Shell(qemu_args, work)
        try:
            deadline = time.time() + 120
            while "startup.nsh" not in sh.text():
                if time.time() > deadline or sh.p.poll() is not None:
                    raise RuntimeError("no UEFI shell:\n" + sh.text()[-2000:])
                time.sleep(0.5)
            sh.p.stdin.write(b"\r")
            sh.p.stdin.flush()
            sh.wait_prompt(0)
            m = re.search(r"ACPI 2\.0 Table\s+([0-9A-Fa-f]+)", sh.run("dmem"))
            rsdp = dmem(sh, int(m.group(1), 16), 36)
            assert rsdp[:8] == b"RSD PTR ", rsdp
            xsdt = int.from_bytes(rsdp[24:32], "little")
            xlen = int.from_bytes(dmem(sh, xsdt, 36)[4:8], "little")
            x = dmem(sh, xsdt, xlen)
            for i in range(36, xlen, 8):
                addr = int.from_bytes(x[i:i + 8], "little")
                hdr = dmem(sh, addr, 36)
                sig = hdr[:4].decode("latin-1")
                if sig in ("SRAT", "SLIT", "APIC"):
                    t = dmem(sh, addr, int.from_bytes(hdr[4:8], "little"))
                    with open(os.path.join(outdir, sig.lower() + ".dat"), "wb") as f:
                        f.write(t)
                    print(f"{sig} at {addr:#x}: {len(t)} bytes")
            mm = sh.run("memmap")
            lines = []
            for m in re.finditer(r"^(\S+)\s+([0-9A-Fa-f]{16})-([0-9A-Fa-f]{16})\s", mm, re.M):
                if m.group(1) in USABLE:
                    lines.append(f"0x{m.group(2)}-0x{m.group(3)}")
            with open(os.path.join(outdir, "memmap.txt"), "w") as f:
                f.write("# usable RAM from the UEFI memory map (OVMF shell `memmap`)\n")
                f.write("\n".join(lines) + "\n")
            print(f"memmap: {len(lines)} usable ranges")
        finally:
            sh.close()


if __name__ == "__main__":
    main()
