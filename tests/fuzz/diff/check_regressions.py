#!/usr/bin/env python3
"""Runs every saved regression (tests/fuzz/regressions/NAME.{wat,json,expected}) through
tern-diff and checks its trace against the recorded V8 trace, with run.py's rules (trap kinds,
allowed pairs). Needs neither node nor binaryen.

  check_regressions.py TERN_DIFF WAT2WASM REGRESSIONS_DIR
"""
import glob
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402


def main():
    tern, wat2wasm, directory = sys.argv[1:4]
    wats = sorted(glob.glob(os.path.join(directory, "*.wat")))
    if not wats:
        print("check_regressions: no regressions in " + directory, file=sys.stderr)
        return 1
    workdir = tempfile.mkdtemp(prefix="tern-regress-")
    failed = 0
    try:
        for wat in wats:
            name, plan = run.saved_plan(wat, wat2wasm, workdir)
            with open(os.path.join(directory, name + ".expected")) as f:
                expected = f.read().splitlines()
            got = run.run_side([tern], [plan], workdir, "tern", 20).get(0, ["missing"])
            tn, en = run.normalize(got), run.normalize(expected)
            if run.traces_agree(tn, en):
                print("ok   %s (%d lines)" % (name, len(got)))
                continue
            failed += 1
            k = run.first_difference(tn, en)
            print("FAIL %s at line %d: tern %r, expected %r" % (
                name, k, tn[k] if k < len(tn) else None, en[k] if k < len(en) else None))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d regressions, %d failed" % (len(wats), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
