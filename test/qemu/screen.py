#!/usr/bin/env python3
"""screen.py - read what the kernel drew on the QEMU screen.

The harness takes a `screendump` through the QEMU monitor (a unix socket,
`-monitor unix:<path>,server=on,wait=off`) and decodes it cell by cell
against the very font the kernel was built with (tools/psf.py reads the
PSF): a cell whose foreground pixels match a glyph exactly is that
character, anything else is '\\x00'.  No OCR, no tolerance: a wrong pixel is
a wrong character.

    screen.py shot IMAGE OUT.png [--cmdline ...]   boot the image, wait for
        "boot: halting", keep the screen as a PNG (make screenshot)
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import psf  # noqa: E402

FONT = os.environ.get("CONSOLE_FONT", "/usr/share/consolefonts/default8x16.psf.gz")
FG = (0xAA, 0xAA, 0xAA)        # kernel/fbcon.c: light grey on black


def screendump(sock_path, out, timeout=20):
    """Ask the monitor for a PPM screendump into out; True when written."""
    if os.path.exists(out):
        os.unlink(out)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock_path)
        buf = b""
        while b"(qemu)" not in buf:
            buf += s.recv(4096)
        s.sendall(f"screendump {out}\n".encode())
        buf = b""
        while b"(qemu)" not in buf:
            buf += s.recv(4096)
    except OSError:
        return False
    finally:
        s.close()
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(out) and os.path.getsize(out) > 0:
            w, h, data = read_ppm(out)
            if w and len(data) == w * h * 3:
                return True
        time.sleep(0.2)
    return False


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not a P6 PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def decode(path, font_path=FONT):
    """Rows of text on the screen (trailing spaces stripped)."""
    font = psf.Font(font_path)
    w, h, px = read_ppm(path)
    fh = font.height
    table = {}
    for c in range(0x20, 0x7F):
        table.setdefault(font.glyph(chr(c))[:fh], chr(c))
    fgpix = bytes(FG)
    rows = []
    for r in range(h // fh):
        line = []
        for c in range(w // 8):
            bits = bytearray(fh)
            for y in range(fh):
                o = ((r * fh + y) * w + c * 8) * 3
                b = 0
                for x in range(8):
                    if px[o + x * 3:o + x * 3 + 3] == fgpix:
                        b |= 0x80 >> x
                bits[y] = b
            line.append(table.get(bytes(bits), "\x00"))
        rows.append("".join(line).rstrip(" "))
    return rows


def wrap_log(text, cols):
    """The kernel's lines as fbcon lays them out: tabs to 8, wrapped at cols."""
    out = []
    for line in text.split("\n"):
        exp = ""
        for ch in line:
            if ch == "\t":
                exp += " " * (8 - len(exp) % 8)
            else:
                exp += ch if " " <= ch < "\x7f" else "?"
        while len(exp) > cols:
            out.append(exp[:cols])
            exp = exp[cols:]
        out.append(exp)
    return [l.rstrip(" ") for l in out]


def shot(image, out_png, cmdline):
    sys.path.insert(0, HERE)
    import qemu
    work = tempfile.mkdtemp(prefix="numaboot-shot-")
    img, vars_file = qemu.prepare_image(image, work, cmdline=cmdline)
    mon = os.path.join(work, "mon.sock")
    log = os.path.join(work, "serial.log")
    cmd = qemu.qemu_command(img, vars_file, qemu.Topology(), serial=f"file:{log}",
                            extra=["-monitor", f"unix:{mon},server=on,wait=off"])
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t0 = time.time()
        while time.time() - t0 < 300:
            if os.path.exists(log) and re.search(r"^boot: halting", open(log, errors="replace").read(), re.M):
                break
            if proc.poll() is not None:
                raise SystemExit("QEMU exited before the kernel halted")
            time.sleep(0.5)
        ppm = os.path.join(work, "screen.ppm")
        if not screendump(mon, ppm):
            raise SystemExit("screendump failed")
        subprocess.run(["convert", ppm, out_png], check=True)
        print(f"screen.py: {out_png}: last line on screen: "
              f"{[r for r in decode(ppm) if r][-1]!r}", file=sys.stderr)
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "shot":
        shot(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        raise SystemExit(__doc__)
