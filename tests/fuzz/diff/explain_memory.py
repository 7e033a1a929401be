#!/usr/bin/env python3
"""Explains a memory mismatch kept by run.py: reruns the finding with both engines dumping
their final memory (TERN_DIFF_DUMP) and classifies every differing byte range. A range where
both engines hold a NaN (as f32 or as f64, at the same aligned or unaligned position) is a NaN
payload difference the spec allows; anything else is unexplained.

  explain_memory.py --tern TERN_DIFF FINDING.json
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def is_nan32(b):
    (v,) = struct.unpack("<I", b)
    return (v >> 23) & 0xFF == 0xFF and v & 0x7FFFFF != 0


def is_nan64(b):
    (v,) = struct.unpack("<Q", b)
    return (v >> 52) & 0x7FF == 0x7FF and v & ((1 << 52) - 1) != 0


def nan_window(a, b, start, end):
    """A 4- or 8-byte window covering [start, end) in which both memories hold a NaN."""
    for width, test in ((4, is_nan32), (8, is_nan64)):
        for lo in range(max(0, end - width), start + 1):
            hi = lo + width
            if hi > len(a) or lo > start or hi < end:
                continue
            if test(a[lo:hi]) and test(b[lo:hi]):
                return lo, width
    return None


def diff_ranges(a, b):
    ranges, i = [], 0
    while i < len(a):
        if a[i] != b[i]:
            j = i
            while j < len(a) and a[j] != b[j]:
                j += 1
            ranges.append((i, j))
            i = j
        else:
            i += 1
    return ranges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tern", required=True)
    ap.add_argument("finding")
    args = ap.parse_args()
    with open(args.finding) as f:
        plan = json.load(f)
    dump = tempfile.mkdtemp(prefix="tern-explain-")
    try:
        plan_path = os.path.join(dump, "plan.json")
        with open(plan_path, "w") as f:
            json.dump({"modules": [plan]}, f)
        env = dict(os.environ, TERN_DIFF_DUMP=dump)
        subprocess.run([args.tern, plan_path], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(["node", os.path.join(HERE, "node_diff.js"), plan_path], env=env,
                       stdout=subprocess.DEVNULL, check=True)
        with open(os.path.join(dump, "0.tern.mem"), "rb") as f:
            a = f.read()
        with open(os.path.join(dump, "0.node.mem"), "rb") as f:
            b = f.read()
    finally:
        shutil.rmtree(dump, ignore_errors=True)
    if len(a) != len(b):
        print("UNEXPLAINED: memory sizes differ (%d, %d)" % (len(a), len(b)))
        return 1
    unexplained = 0
    for start, end in diff_ranges(a, b):
        w = nan_window(a, b, start, end)
        if w:
            lo, width = w
            print("nan    [%d, %d): f%d tern %s node %s" % (start, end, width * 8, a[lo:lo + width][::-1].hex(),
                                                            b[lo:lo + width][::-1].hex()))
        else:
            unexplained += 1
            print("OTHER  [%d, %d): tern %s node %s" % (start, end, a[start:end].hex(), b[start:end].hex()))
    print("%s: %s" % (args.finding, "unexplained differences" if unexplained else "only NaN payloads differ"))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
