"""harness.py - boot one case in QEMU+OVMF and judge its serial log.

A case (see cases.py) names a machine (qemu.Topology), a command line for
cmdline.txt, changes to the ESP copy (files deleted or replaced), extra QEMU
arguments, lines that must and must not appear (regexes), the QEMU exit code
(33 success, 35 kernel failure, None: the loader returns to the firmware and
QEMU keeps running, so the harness stops it once the expected lines are in),
and check functions that compare the log with what the QEMU arguments imply.

Which port carries the log: by default COM1 (`-serial file:<log>`); a case
can give its own `serial` arguments with @LOG@ for the log file, e.g. COM2
only (`-serial null -serial file:@LOG@`) or a PCI UART (`-serial none
-chardev file,id=c,path=@LOG@ -device pci-serial,chardev=c`).  An empty list
means no serial port at all: the log is then empty and the case judges the
exit code and its checks (e.g. the screen).

A case with `screen` regexes also watches the QEMU screen: the harness takes
a monitor screendump every few seconds, decodes it with the kernel's font
(screen.py) and is done when every `screen` regex matches a row; the rows
are then in case.screen_rows for the checks.  Such cases leave qemu_exit
out (the kernel halts, the screen stays) and use exit=None.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

import qemu
import screen as screenmod

ANSI = re.compile(r"\x1b\[[0-9;?=]*[A-Za-z]|\x1b[()][AB0-2]|\r")


class Case:
    def __init__(self, name, topo=None, cmdline="qemu_exit", exit=qemu.EXIT_SUCCESS,
                 expect=(), forbid=(), delete=(), replace=None, extra=(), checks=(),
                 timeout=150, image_hook=None, serial=None, screen=(), firmware="plain",
                 layout="esp", panics=False, post=None, prep=None):
        self.name = name
        self.topo = topo if topo is not None else qemu.Topology()
        self.cmdline = cmdline
        self.exit = exit
        self.expect = list(expect)
        self.forbid = list(forbid)
        if exit != qemu.EXIT_FAILURE and not panics:   # panics: e.g. panic=N resets
            self.forbid += [r"Kernel panic", r"^EXCEPTION"]
        self.delete = delete
        self.replace = replace
        self.extra = list(extra)
        self.checks = list(checks)
        self.timeout = timeout
        self.image_hook = image_hook  # fn(workdir) -> replace dict, for generated files
        self.serial = ["-serial", "file:@LOG@"] if serial is None else list(serial)
        self.screen = list(screen)
        self.screen_rows = []
        self.firmware = firmware      # qemu.FIRMWARE key: "plain" or "secboot"
        self.layout = layout          # "esp": build/esp.img; "gpt": build/disk.img
        self.post = post              # fn(case, work, image) -> errors, after QEMU stopped
        self.prep = prep              # fn(work, image): more mtools changes before the boot


def clean(text):
    return ANSI.sub("", text)


def run_case(case, image, build):
    """Returns (errors, seconds, log path)."""
    logdir = os.path.join(build, "test-logs")
    os.makedirs(logdir, exist_ok=True)
    logpath = os.path.join(logdir, case.name + ".log")
    work = tempfile.mkdtemp(prefix=f"case-{case.name}-")
    errors = []
    t0 = time.time()
    try:
        replace = dict(case.replace or {})
        if case.image_hook:
            replace.update(case.image_hook(work))
        if case.layout == "gpt":
            image = os.path.join(os.path.dirname(image), "disk.img")
        img, vars_file = qemu.prepare_image(image, work, cmdline=case.cmdline,
                                            delete=case.delete, replace=replace,
                                            firmware=case.firmware, layout=case.layout)
        if case.prep:
            case.prep(work, img)
        serial = os.path.join(work, "serial.log")
        extra = [a.replace("@LOG@", serial).replace("@WORK@", work) for a in case.serial + case.extra]
        if not case.serial:
            extra = ["-serial", "none"] + extra
        mon = os.path.join(work, "mon.sock")
        if case.screen:
            extra += ["-monitor", f"unix:{mon},server=on,wait=off"]
        last_shot = 0
        screen_ok = not case.screen
        cmd = qemu.qemu_command(img, vars_file, case.topo, extra=extra, serial=None,
                                firmware=case.firmware)
        with open(os.path.join(work, "qemu.err"), "w") as err:
            proc = subprocess.Popen(cmd, stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        text = ""
        rc = None
        seen_all_at = None
        while True:
            rc = proc.poll()
            if os.path.exists(serial):
                with open(serial, "rb") as f:
                    text = clean(f.read().decode("utf-8", "replace"))
            if rc is not None:
                break
            if time.time() - t0 > case.timeout:
                proc.kill()
                proc.wait()
                if case.exit is not None:
                    errors.append(f"timeout after {case.timeout} s (QEMU still running: a hang?)")
                break
            serial_ok = all(re.search(e, text, re.M) for e in case.expect)
            if case.screen and serial_ok and not screen_ok and time.time() - last_shot > 3:
                last_shot = time.time()
                ppm = os.path.join(work, "screen.ppm")
                if screenmod.screendump(mon, ppm):
                    case.screen_rows = screenmod.decode(ppm)
                    shutil.copyfile(ppm, os.path.join(logdir, case.name + ".ppm"))
                    screen_ok = all(any(re.search(e, r) for r in case.screen_rows)
                                    for e in case.screen)
            if case.exit is None and serial_ok and screen_ok:
                # Loader error cases: give the firmware a moment, then stop.
                seen_all_at = seen_all_at or time.time()
                if time.time() - seen_all_at > 2:
                    proc.kill()
                    proc.wait()
                    break
            time.sleep(0.5)
        with open(os.path.join(work, "qemu.err")) as f:
            qerr = f.read().strip()
        with open(logpath, "w") as f:
            f.write(text)
            f.write(f"\n--- qemu: {' '.join(cmd)}\n--- exit: {rc}\n{qerr}\n")
        if case.exit is not None and rc != case.exit:
            errors.append(f"QEMU exit code {rc}, expected {case.exit}" + (f" ({qerr[-300:]})" if qerr else ""))
        for e in case.expect:
            if not re.search(e, text, re.M):
                errors.append(f"missing line /{e}/")
        for e in case.forbid:
            m = re.search(e, text, re.M)
            if m:
                line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
                errors.append(f"forbidden line /{e}/: {line.strip()[:200]}")
        for e in case.screen:
            if not any(re.search(e, r) for r in case.screen_rows):
                errors.append(f"screen: no row matches /{e}/" + ("" if case.screen_rows else " (no screendump)"))
        if case.screen_rows:
            with open(logpath, "a") as f:
                f.write("--- screen:\n" + "\n".join(case.screen_rows) + "\n")
        if case.post:
            try:
                errors += case.post(case, work, img)
            except Exception as ex:
                errors.append(f"post check {case.post.__name__} raised {ex!r}")
        for check in case.checks:
            try:
                errors += check(text, case)
            except Exception as ex:  # a check that cannot parse the log is a failure
                errors.append(f"check {check.__name__} raised {ex!r}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return errors, time.time() - t0, logpath
