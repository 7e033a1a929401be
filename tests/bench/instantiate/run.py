#!/usr/bin/env python3
"""Instantiation benchmark: instances per second and median latency of instantiate + call a
trivial export + drop, for tern fresh (Instance::instantiate), tern pooled (InstancePool) and
node (`new WebAssembly.Instance(module, imports)`), on the same modules in the same run.

  tests/bench/instantiate/run.py [--build DIR] [--iterations N] [--repeat R]

Needs `ninja -C DIR tern-instantiate-bench` (and the samples for json.wasm) and node. Prints
numbers; never fails on timing (exit 1 only if a driver fails)."""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def modules(build):
    bench = os.path.join(build, 'tests', 'bench', 'instantiate')
    return [
        # name, file, flags (init export, trivial export)
        ('small (WAT, 1 page)', os.path.join(bench, 'instantiate-small.wasm'), ['--call', 'ping']),
        ('C reactor (wasi-libc, 16 KiB data)', os.path.join(bench, 'instantiate-guest.wasm'),
         ['--init', '_initialize', '--call', 'ping']),
        # A command has no trivial export: instantiate + drop only.
        ('json sample (C++, no call)', os.path.join(build, 'samples', 'json.wasm'), []),
    ]


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(f'{" ".join(cmd)} failed ({out.returncode}):\n{out.stderr}')
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--iterations', type=int, default=2000)
    ap.add_argument('--repeat', type=int, default=5)
    args = ap.parse_args()
    tern = os.path.join(args.build, 'tests', 'bench', 'instantiate', 'tern-instantiate-bench')
    node_js = os.path.join(HERE, 'node_instantiate.js')
    common = ['--iterations', str(args.iterations), '--repeat', str(args.repeat)]
    failed = False
    print(f'instantiate + call + drop, best of {args.repeat} loops of {args.iterations}')
    print(f'{"module":38} {"engine":12} {"inst/s":>10} {"median us":>10}')
    for name, path, flags in modules(args.build):
        if not os.path.exists(path):
            print(f'{name:38} (skipped: {path} not built)')
            continue
        t = run([tern, path] + flags + common)
        n = run(['node', node_js, path] + flags + common)
        if t is None or n is None:
            failed = True
            continue
        rows = [('tern fresh', t['fresh']), ('tern pooled', t['pooled']), ('node', n['node'])]
        for i, (engine, r) in enumerate(rows):
            print(f'{name if i == 0 else "":38} {engine:12} {r["per_sec"]:>10.0f} {r["median_us"]:>10.2f}')
        p, f, v = t['pooled'], t['fresh'], n['node']
        print(f'{"":38} ratios: pooled/fresh {p["per_sec"] / f["per_sec"]:.2f}x inst/s, '
              f'pooled/node {p["per_sec"] / v["per_sec"]:.2f}x inst/s, '
              f'node/pooled median {v["median_us"] / p["median_us"]:.2f}x, '
              f'fresh/node {f["per_sec"] / v["per_sec"]:.2f}x inst/s')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
