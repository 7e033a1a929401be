#!/usr/bin/env python3
"""Checks run.py's NaN-payload rule on saved cases (tests/fuzz/nan-payload/NAME.{wat,json}):
modules where tern and V8 store different NaN bits, both allowed by the spec (here f32.min of
a non-canonical NaN, whose low byte survives a later store). Needs node and binaryen.

  check_nan_payload.py TERN_DIFF WAT2WASM NODE CASES_DIR

For each case, two runs of run.py --plans:
1. the real tern-diff: the module must not count as a mismatch (nan_payload, or no difference);
2. a tern-diff whose last call result is altered (a wrong answer, as a compiler bug would give):
   the rerun under --denan must not explain it, so it must count as a mismatch.
"""
import glob
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402

# Runs the real tern-diff and flips the lowest bit of the last "call ... -> VALUE" it prints.
WRONG_TERN = r'''#!/usr/bin/env python3
import re, subprocess, sys
out = subprocess.run([%r] + sys.argv[1:], stdout=subprocess.PIPE, check=False).stdout.decode()
lines = out.split("\n")
for k in reversed(range(len(lines))):
    m = re.match(r"^(call \S+ -> 0x)([0-9a-f]+)$", lines[k])
    if m:
        lines[k] = m.group(1) + "%%0*x" %% (len(m.group(2)), int(m.group(2), 16) ^ 1)
        break
sys.stdout.write("\n".join(lines))
'''


def summary(output):
    m = re.search(r"^summary: .*$", output, re.M)
    return m.group(0) if m else "(no summary)"


def run_plan(tern, node, plan_path, findings):
    r = subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--tern", tern, "--node", node,
                        "--plans", plan_path, "--findings", findings],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    return r.returncode, out


def main():
    tern, wat2wasm, node, directory = sys.argv[1:5]
    wats = sorted(glob.glob(os.path.join(directory, "*.wat")))
    if not wats:
        print("check_nan_payload: no cases in " + directory, file=sys.stderr)
        return 1
    workdir = tempfile.mkdtemp(prefix="tern-nan-")
    wrong = os.path.join(workdir, "wrong-tern-diff")
    with open(wrong, "w") as f:
        f.write(WRONG_TERN % os.path.abspath(tern))
    os.chmod(wrong, os.stat(wrong).st_mode | stat.S_IXUSR)
    failed = 0
    try:
        for wat in wats:
            name, plan = run.saved_plan(wat, wat2wasm, workdir)
            plan_path = os.path.join(workdir, name + ".json")
            with open(plan_path, "w") as f:
                json.dump(plan, f)
            status, out = run_plan(tern, node, plan_path, os.path.join(workdir, "findings"))
            ok = status == 0 and "mismatches=0" in summary(out)
            print("%s %s: real tern-diff: %s" % ("ok  " if ok else "FAIL", name, summary(out)))
            failed += not ok
            status, out = run_plan(wrong, node, plan_path, os.path.join(workdir, "findings-wrong"))
            ok = status == 1 and "mismatches=1" in summary(out)
            print("%s %s: altered result: %s" % ("ok  " if ok else "FAIL", name, summary(out)))
            failed += not ok
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d cases, %d checks failed" % (len(wats), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
