#!/usr/bin/env python3
"""Shrinks a kept finding with binaryen's wasm-reduce and saves it as a regression.

  reduce.py --tern TERN_DIFF FINDING.json NAME [--exact | --nan]

FINDING.json is a plan kept by run.py (mismatch-SEED.json beside mismatch-SEED.wasm). The
module is reduced while tern and node still disagree on it (with --exact: while their
normalized traces differ at all, i.e. also for the allowed trap pairs, to keep an explained
difference as a test of tern's own trap kinds; with --nan: while the final memories differ
only in NaN payloads, to find the operation behind such a difference). Writes tests/fuzz/regressions/NAME.wat,
NAME.json (the plan) and NAME.expected (V8's trace of the reduced module).

  reduce.py --check TERN_DIFF [--exact] PLAN.json   (used by wasm-reduce as its test command)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402
import explain_memory  # noqa: E402

REGRESSIONS = os.path.join(HERE, "..", "regressions")
FEATURES = run.BASE_FEATURES + ["--enable-threads"]


def traces(tern, plan, workdir):
    t = run.run_side([tern], [plan], workdir, "tern", 20).get(0, ["missing"])
    n = run.run_side(["node", os.path.join(HERE, "node_diff.js")], [plan], workdir, "node", 20).get(0, ["missing"])
    return t, n


def nan_verdict(tern, plan, workdir):
    """For --nan: "nan-only" while the final memories differ, and only in NaN payloads."""
    plan_path = os.path.join(workdir, "nan-plan.json")
    with open(plan_path, "w") as f:
        json.dump({"modules": [plan]}, f)
    env = dict(os.environ, TERN_DIFF_DUMP=workdir)
    for cmd in ([tern, plan_path], ["node", os.path.join(HERE, "node_diff.js"), plan_path]):
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            return "failed"
    try:
        with open(os.path.join(workdir, "0.tern.mem"), "rb") as f:
            a = f.read()
        with open(os.path.join(workdir, "0.node.mem"), "rb") as f:
            b = f.read()
    except OSError:
        return "no memory"
    ranges = explain_memory.diff_ranges(a, b) if len(a) == len(b) else None
    if not ranges:
        return "same"
    return "nan-only" if all(explain_memory.nan_window(a, b, s, e) for s, e in ranges) else "other"


def verdict(tern, wasm, seed, exact, nan=False):
    """A line that stays the same as long as the engines disagree the same way."""
    workdir = tempfile.mkdtemp(prefix="tern-reduce-")
    try:
        local = os.path.join(workdir, "m.wasm")
        shutil.copy(wasm, local)
        plan = run.prepare(seed, local, workdir)
        if nan:
            return nan_verdict(tern, plan, workdir)
        t, n = traces(tern, plan, workdir)
        tn, nn = run.normalize(t), run.normalize(n)
        if t and t[0].startswith("crash"):
            return "crash"
        k = None
        if exact:
            k = next((i for i in range(max(len(tn), len(nn)))
                      if i >= len(tn) or i >= len(nn) or tn[i] != nn[i]), None)
        else:
            k = run.first_difference(tn, nn)
        if k is None:
            return "agree"
        strip = lambda lines: lines[k].split(" ", 2)[::2] if k < len(lines) else None  # noqa: E731
        return "differ tern=%s node=%s" % (strip(tn), strip(nn))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tern", help="tern-diff executable")
    ap.add_argument("--check", help="print the verdict for this module (wasm-reduce's test command)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--nan", action="store_true", help="reduce while only NaN payloads in memory differ")
    ap.add_argument("finding", nargs="?")
    ap.add_argument("name", nargs="?")
    args = ap.parse_args()
    if args.check:
        print(verdict(args.tern, args.check, args.seed, args.exact, args.nan))
        return 0

    with open(args.finding) as f:
        finding = json.load(f)
    seed = finding["seed"]
    start = verdict(args.tern, finding["path"], seed, args.exact, args.nan)
    print("before: " + start)
    if start in ("agree", "same"):
        print("reduce.py: the engines agree on this module", file=sys.stderr)
        return 1
    workdir = tempfile.mkdtemp(prefix="tern-reduce-")
    test = os.path.join(workdir, "test.wasm")
    work = os.path.join(workdir, "work.wasm")
    command = "%s %s --tern %s --seed %d %s %s --check %s" % (
        sys.executable, os.path.abspath(__file__), os.path.abspath(args.tern), seed,
        "--exact" if args.exact else "", "--nan" if args.nan else "", test)
    subprocess.run(["wasm-reduce", finding["path"], "--command", command, "-t", test, "-w", work,
                    "-b", os.path.dirname(shutil.which("wasm-opt")) + "/", "-to", "60", "-f"] + FEATURES,
                   check=True, stdout=subprocess.DEVNULL)
    print("after: " + verdict(args.tern, work, seed, args.exact, args.nan))

    os.makedirs(REGRESSIONS, exist_ok=True)
    base = os.path.join(REGRESSIONS, args.name)
    # The module as the engines ran it (globals and memory exported by run.prepare), as text;
    # the plan and V8's trace are made from what wat2wasm rebuilds from that text.
    plan = run.prepare(seed, work, workdir)
    subprocess.run(["wasm2wat", "--enable-threads", plan["path"], "-o", base + ".wat"], check=True)
    rebuilt = os.path.join(workdir, "rebuilt.wasm")
    subprocess.run(["wat2wasm", "--enable-threads", base + ".wat", "-o", rebuilt], check=True)
    plan = run.prepare(seed, rebuilt, workdir)
    _, node_trace = traces(args.tern, plan, workdir)
    plan.pop("path")
    with open(base + ".json", "w") as f:
        json.dump(plan, f, indent=1)
        f.write("\n")
    with open(base + ".expected", "w") as f:
        f.write("\n".join(node_trace) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)
    print("saved " + base + ".{wat,json,expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
