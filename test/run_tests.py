#!/usr/bin/env python3
"""run_tests.py - run every test and close with one line "N passed, N failed".

Suites, in order (each can be picked with --only):
  unit   host unit tests: build/host/test/*/*_test (cmocka; every test point counts)
  tools  shell tests of the host tools: test/tools/*_test.sh (one point each)
  fuzz   each libFuzzer target for --fuzz-seconds over a scratch copy of its corpus
  qemu   the serial-console boot cases of test/qemu/cases.py, QEMU+OVMF under TCG

Exit status: 0 when nothing failed, 1 otherwise.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "qemu"))


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def ok(self, name, detail=""):
        self.passed += 1
        print(f"PASS {name}{' - ' + detail if detail else ''}", flush=True)

    def fail(self, name, why):
        self.failed += 1
        self.failures.append(name)
        print(f"FAIL {name}: {why}", flush=True)


CMOCKA_OK = re.compile(r"^\[\s+OK\s+\]\s+(\S+)", re.M)
CMOCKA_BAD = re.compile(r"^\[\s+(?:FAILED|ERROR)\s+\]\s+(\S+)$", re.M)


def run_unit(build, tally):
    bins = sorted(glob.glob(os.path.join(build, "host", "test", "*", "*_test")))
    if not bins:
        tally.fail("unit", f"no unit-test binaries under {build}/host/test")
    env = dict(os.environ, TEST_DATA_DIR=os.path.join(ROOT, "test"),
               BUILD_DIR=os.path.abspath(build), CMOCKA_MESSAGE_OUTPUT="STDOUT",
               ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
    for b in bins:
        name = os.path.relpath(b, os.path.join(build, "host", "test"))
        try:
            p = subprocess.run([b], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            tally.fail(name, "timed out after 600 s")
            continue
        out = p.stdout + p.stderr
        oks = CMOCKA_OK.findall(out)
        bads = set(CMOCKA_BAD.findall(out))
        for t in oks:
            if t not in bads:
                tally.ok(f"{name}:{t}")
        for t in sorted(bads):
            tally.fail(f"{name}:{t}", "see output below")
        if p.returncode != 0 and not bads:
            tally.fail(name, f"exit {p.returncode} with no failed test point (crash or sanitizer?)")
        if p.returncode != 0:
            sys.stdout.write(out[-4000:] + "\n")


def run_tools(build, tally):
    env = dict(os.environ, BUILD_DIR=os.path.abspath(build), TEST_DATA_DIR=os.path.join(ROOT, "test"))
    for script in sorted(glob.glob(os.path.join(ROOT, "test", "tools", "*_test.sh"))):
        name = "tools/" + os.path.basename(script)
        p = subprocess.run(["sh", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if p.returncode == 0:
            tally.ok(name)
        else:
            tally.fail(name, f"exit {p.returncode}\n{(p.stdout + p.stderr)[-3000:]}")


def run_fuzz(build, seconds, tally):
    fuzzers = sorted(glob.glob(os.path.join(build, "fuzz", "*_fuzz")))
    if not fuzzers:
        tally.fail("fuzz", f"no fuzzers under {build}/fuzz")
    for f in fuzzers:
        name = os.path.basename(f)
        corpus = os.path.join(ROOT, "test", "fuzz", "corpus", name[:-len("_fuzz")])
        with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
            if os.path.isdir(corpus):
                for c in os.listdir(corpus):
                    shutil.copy(os.path.join(corpus, c), scratch)
            # Crashing inputs outlive the scratch corpus: reproduce with
            # `build/fuzz/<name>_fuzz build/fuzz-artifacts/<name>-crash-…`.
            artdir = os.path.join(build, "fuzz-artifacts")
            os.makedirs(artdir, exist_ok=True)
            art = os.path.join(artdir, name[:-len("_fuzz")] + "-")
            cmd = [f, f"-max_total_time={seconds}", "-print_final_stats=1",
                   f"-artifact_prefix={art}", scratch]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
            execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", p.stderr)
            detail = f"{execs.group(1)} runs in {seconds} s" if execs else ""
            if p.returncode == 0:
                tally.ok(f"fuzz/{name}", detail)
            else:
                tally.fail(f"fuzz/{name}", f"exit {p.returncode} (inputs in {artdir})\n{p.stderr[-3000:]}")


def run_qemu(build, jobs, pattern, tally):
    import cases as qcases
    from harness import run_case
    image = os.path.join(build, "esp.img")
    if not os.path.exists(image):
        tally.fail("qemu", f"{image} missing (run make first)")
        return
    selected = [c for c in qcases.CASES if not pattern or re.search(pattern, c.name)]
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(run_case, c, image, build): c for c in selected}
        for fut in concurrent.futures.as_completed(futs):
            c = futs[fut]
            try:
                errors, secs, logpath = fut.result()
            except Exception as e:  # a harness bug is a failure, not a crash
                errors, secs, logpath = [f"harness error: {e!r}"], 0, None
            if errors:
                tally.fail(f"qemu/{c.name}", f"({secs:.0f} s, log {logpath})\n  " + "\n  ".join(errors))
            else:
                tally.ok(f"qemu/{c.name}", f"{secs:.0f} s")
    print(f"qemu: {len(selected)} cases in {time.time() - t0:.0f} s", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--only", choices=["unit", "tools", "fuzz", "qemu"], action="append")
    p.add_argument("--fuzz-seconds", type=int, default=8)
    p.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    p.add_argument("--cases", default=None, help="regex: only QEMU cases whose name matches")
    a = p.parse_args()
    os.environ["BUILD_DIR"] = os.path.abspath(a.build)   # the QEMU cases read built files
    suites = a.only or ["unit", "tools", "fuzz", "qemu"]
    tally = Tally()
    if "unit" in suites:
        run_unit(a.build, tally)
    if "tools" in suites:
        run_tools(a.build, tally)
    if "fuzz" in suites:
        run_fuzz(a.build, a.fuzz_seconds, tally)
    if "qemu" in suites:
        run_qemu(a.build, a.jobs, a.cases, tally)
    if tally.failures:
        print("failed: " + " ".join(tally.failures))
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
