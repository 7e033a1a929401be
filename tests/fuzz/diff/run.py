#!/usr/bin/env python3
"""Differential fuzzing of tern against node (V8): see tests/fuzz/diff/README.md.

  run.py --tern BUILD/tests/fuzz/diff/tern-diff [--seed S] (--count N | --time SECONDS)

Seed s -> random bytes (Python's Random(s)) -> `wasm-opt -ttf` (features chosen by s) -> every
global exported -> a plan calling each export with arguments drawn from Random(s) -> tern-diff
and node_diff.js each run the plans of a batch of modules in one process -> traces compared
after mapping both engines' trap messages to one set of kinds. A mismatch or a crash keeps the
module and both traces under --findings. Prints a count line per batch and a summary at the end;
exits 1 if anything mismatched or crashed.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import wasm_module  # noqa: E402

# What tern and node 20 (V8 11.3) both support. Binaryen 108's reference types predate the
# final proposal (anyref as a supertype of funcref), so they are left out.
BASE_FEATURES = ["--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int",
                 "--enable-simd", "--enable-bulk-memory", "--enable-multivalue"]


def features_for(seed):
    """Odd seeds add threads (a shared memory and atomics); every fourth seed keeps raw NaNs
    (no --denan), the rest go through --denan so NaN payloads, which the spec leaves
    nondeterministic, cannot reach memory or integers."""
    flags = list(BASE_FEATURES)
    if seed % 2:
        flags.append("--enable-threads")
    denan = seed % 4 != 0
    return flags, denan


# Trap messages of both engines -> one kind.
TRAP_KINDS = [
    (r"^unreachable", "unreachable"),
    (r"out of bounds memory access|memory access out of bounds", "memory-oob"),
    (r"integer divide by zero|divide by zero|remainder by zero", "div-zero"),
    (r"integer overflow|divide result unrepresentable", "int-overflow"),
    (r"invalid conversion to integer|float unrepresentable in integer range", "float-to-int"),
    (r"undefined element|out of bounds table access|table index is out of bounds", "table-oob"),
    (r"uninitialized element|indirect call type mismatch|null function|signature mismatch", "indirect-call"),
    (r"call stack exhausted|^stack: ", "stack"),
    (r"unaligned atomic|unaligned access", "unaligned-atomic"),
    (r"expected shared memory|non-shared", "wait-unshared"),
    (r"^js type error", "js-type-error"),
    (r"^interrupted", "hang"),
]


def trap_kind(message):
    for pattern, kind in TRAP_KINDS:
        if re.search(pattern, message):
            return kind
    return "other(" + message + ")"


# (tern's kind, V8's kind) pairs that are both right:
# - V8 reports every failed float-to-int truncation as "float unrepresentable in integer range";
#   the spec (and tern) says "integer overflow" for an out-of-range value, "invalid conversion"
#   for NaN.
# - An atomic access that is both misaligned and out of bounds: the reference interpreter of the
#   threads proposal checks alignment first (tern does too), V8 checks bounds first.
ALLOWED_TRAP_PAIRS = {("int-overflow", "float-to-int"), ("unaligned-atomic", "memory-oob")}


def lines_agree(tern_line, node_line):
    if tern_line == node_line:
        return True
    t = re.match(r"^call (\S+) trap (\S+)$", tern_line)
    n = re.match(r"^call (\S+) trap (\S+)$", node_line)
    return bool(t and n and t.group(1) == n.group(1) and (t.group(2), n.group(2)) in ALLOWED_TRAP_PAIRS)


def traces_agree(tern_lines, node_lines):
    return len(tern_lines) == len(node_lines) and all(map(lines_agree, tern_lines, node_lines))


def first_difference(tern_lines, node_lines):
    for k in range(max(len(tern_lines), len(node_lines))):
        if k >= len(tern_lines) or k >= len(node_lines) or not lines_agree(tern_lines[k], node_lines[k]):
            return k
    return None


def normalize(lines):
    out = []
    for line in lines:
        m = re.match(r"^call (\S+) trap (.*)$", line)
        if m:
            line = "call %s trap %s" % (m.group(1), trap_kind(m.group(2)))
        elif line.startswith("inst error"):
            line = "inst error"
        out.append(line)
    return out


def arg_values(rng, ptype):
    """An argument as (type, unsigned decimal bits): edge values and random ones. Floats are
    never NaN: V8 may change a NaN's payload on the way in."""
    if ptype == "i32":
        v = rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, rng.getrandbits(32), rng.randrange(256)])
    elif ptype == "i64":
        v = rng.choice([0, 1, (1 << 64) - 1, (1 << 63) - 1, 1 << 63, rng.getrandbits(64), rng.randrange(256)])
    elif ptype == "f32":
        while True:
            v = rng.choice([0, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000, 0xFF800000, 0x4F000000,
                            rng.getrandbits(32)])
            if (v >> 23) & 0xFF != 0xFF or v & 0x7FFFFF == 0:
                break
    elif ptype == "f64":
        while True:
            v = rng.choice([0, 1 << 63, 0x3FF0000000000000, 0x41E0000000000000, 0x7FF0000000000000,
                            rng.getrandbits(64)])
            if (v >> 52) & 0x7FF != 0x7FF or v & ((1 << 52) - 1) == 0:
                break
    else:
        return None
    return [ptype, str(v)]


def make_plan(seed, path, info):
    exports = [(name, idx) for name, kind, idx in info.exports if kind == 0]
    has_hang_limit = any(name == "hangLimitInitializer" for name, _ in exports)
    calls = []
    for name, idx in exports:
        if name == "hangLimitInitializer":
            continue
        params, results = info.func_signature(idx)
        if has_hang_limit:
            calls.append({"export": "hangLimitInitializer", "args": [], "results": []})
        if any(t not in ("i32", "i64", "f32", "f64") for t in params + results):
            calls.append({"export": name, "skip": "type not passable to JS"})
            continue
        # Arguments depend on the seed and the export's name only, so they stay the same while
        # wasm-reduce removes other exports.
        rng = random.Random("%d:%s" % (seed, name))
        calls.append({"export": name, "args": [arg_values(rng, t) for t in params], "results": results})
    memory = "memory" if info.has_memory else ""
    globals_ = [{"name": name, "type": info.globals[idx]} for name, kind, idx in info.exports
                if kind == 3 and info.globals[idx] in ("i32", "i64", "f32", "f64")]
    return {"path": path, "seed": seed, "calls": calls, "memory": memory, "globals": globals_}


def generate(seed, workdir):
    """Seed -> patched module file and its plan (or None if wasm-opt failed)."""
    rng = random.Random(seed)
    size = rng.choice([512, 1024, 2048, 4096, 8192, 16384])
    raw = os.path.join(workdir, "%d.bin" % seed)
    wasm = os.path.join(workdir, "%d.ttf.wasm" % seed)
    with open(raw, "wb") as f:
        f.write(rng.randbytes(size))
    flags, denan = features_for(seed)
    cmd = ["wasm-opt", "-ttf", raw, "-o", wasm] + flags + (["--denan"] if denan else [])
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.unlink(raw)
    if r.returncode != 0:
        return None
    return prepare(seed, wasm, workdir)


def prepare(seed, wasm, workdir):
    with open(wasm, "rb") as f:
        data = f.read()
    info = wasm_module.ModuleInfo(data)
    patched, _ = wasm_module.export_globals(data, info)
    path = os.path.join(workdir, "%d.wasm" % seed)
    with open(path, "wb") as f:
        f.write(patched)
    if wasm != path:
        os.unlink(wasm)
    return make_plan(seed, path, wasm_module.ModuleInfo(patched))


def saved_plan(wat, wat2wasm, workdir):
    """A saved case (NAME.wat beside its plan NAME.json) as (NAME, runnable plan), the module
    built into workdir. Used by the checks of saved regressions and NaN-payload cases."""
    name = os.path.splitext(os.path.basename(wat))[0]
    wasm = os.path.join(workdir, name + ".wasm")
    subprocess.run([wat2wasm, "--enable-threads", wat, "-o", wasm], check=True)
    with open(os.path.splitext(wat)[0] + ".json") as f:
        return name, dict(json.load(f), path=wasm)


def run_side(cmd, plans, workdir, tag, stall_seconds):
    """Runs one engine over the plans, one process for as many modules as it survives.
    Returns {index: [lines]}; a module that killed the process gets ["crash STATUS STDERR"], one
    that stalled it (no module finished for stall_seconds) gets ["hang"], and the process is
    started again after it. Both drivers write each module's trace whole, once finished, so
    every trace read before the process ended is complete."""
    traces = {}
    start = 0
    while start < len(plans):
        plan_path = os.path.join(workdir, "plan-%s.json" % tag)
        with open(plan_path, "w") as f:
            json.dump({"modules": plans[start:]}, f)
        proc = subprocess.Popen(cmd + [plan_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        buf = b""
        last_progress = time.monotonic()
        current = None
        stalled = False
        while True:
            if not sel.select(timeout=1.0):
                if not stalled and time.monotonic() - last_progress > stall_seconds:
                    stalled = True
                    proc.kill()  # then read on until EOF
                continue
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            buf += chunk
            *complete, buf = buf.split(b"\n")
            for raw in complete:
                line = raw.decode("utf-8", "replace")
                if line.startswith("module "):
                    current = int(line.split()[1])
                    traces[start + current] = []
                    last_progress = time.monotonic()
                elif current is not None:
                    traces[start + current].append(line)
        proc.wait()
        stderr = proc.stderr.read().decode("utf-8", "replace")
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
        failed_at = start + (current + 1 if current is not None else 0)
        if (proc.returncode == 0 and not stalled) or failed_at >= len(plans):
            break
        traces[failed_at] = ["hang"] if stalled else ["crash %d %s" % (proc.returncode, stderr.strip()[-300:])]
        start = failed_at + 1
    return traces


def keep_finding(findings, kind, plan, tern_lines, node_lines):
    os.makedirs(findings, exist_ok=True)
    base = os.path.join(findings, "%s-%d" % (kind, plan["seed"]))
    shutil.copy(plan["path"], base + ".wasm")
    with open(base + ".json", "w") as f:
        json.dump(dict(plan, path=base + ".wasm"), f, indent=1)
    with open(base + ".tern.txt", "w") as f:
        f.write("\n".join(tern_lines) + "\n")
    with open(base + ".node.txt", "w") as f:
        f.write("\n".join(node_lines) + "\n")
    return base


def denan_plan(plan):
    """The plan with its module rewritten by binaryen's --denan: every NaN a float operation
    produces becomes 0. Returns None if wasm-opt failed."""
    flags, _ = features_for(plan["seed"])
    path = plan["path"][:-len(".wasm")] + ".denan.wasm"
    r = subprocess.run(["wasm-opt", plan["path"], "--denan", "-o", path] + flags,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return dict(plan, path=path) if r.returncode == 0 else None


def nan_payload_explains(candidates, tern_cmd, node_cmd, workdir, stall):
    """Which mismatches of raw-NaN modules are only NaN bits. The spec lets a float operation
    that returns a NaN choose its payload (and sign), so two correct engines may store or
    reinterpret different bits. Each candidate is run again by both engines with --denan
    applied to the same module: if the traces then agree, the difference came from NaN values
    alone. Returns the set of indexes into candidates that agree after --denan."""
    rewritten = [(k, denan_plan(plan)) for k, plan in enumerate(candidates)]
    rewritten = [(k, p) for k, p in rewritten if p is not None]
    plans = [p for _, p in rewritten]
    if not plans:
        return set()
    tern = run_side(tern_cmd, plans, workdir, "tern-denan", stall)
    node = run_side(node_cmd, plans, workdir, "node-denan", stall)
    explained = set()
    for i, (k, plan) in enumerate(rewritten):
        t, n = tern.get(i, ["missing"]), node.get(i, ["missing"])
        if not (t and t[0].startswith("crash")) and traces_agree(normalize(t), normalize(n)):
            explained.add(k)
        os.unlink(plan["path"])
    return explained


def compare(plans, tern, node, findings, stats, verbose, recheck):
    """Counts and keeps what differs. recheck(list of plans) -> set of indexes whose mismatch
    is explained by NaN payloads alone (see nan_payload_explains)."""
    suspects = []
    for i, plan in enumerate(plans):
        t = tern.get(i, ["missing"])
        n = node.get(i, ["missing"])
        stats["modules"] += 1
        stats["calls"] += sum(1 for c in plan["calls"] if "skip" not in c and c["export"] != "hangLimitInitializer")
        if t and t[0].startswith("crash"):
            stats["crashes"] += 1
            base = keep_finding(findings, "crash", plan, t, n)
            print("CRASH seed %d: %s (%s)" % (plan["seed"], t[0][:200], base), flush=True)
            continue
        tn, nn = normalize(t), normalize(n)
        if any("trap hang" in line for line in tn) or n == ["hang"]:
            stats["hangs"] += 1
            if not (n == ["hang"] or any("trap hang" in line for line in nn)):
                # tern gave up at its deadline where node finished: slow, but not wrong.
                stats["tern_deadline"] += 1
            continue
        if not traces_agree(tn, nn):
            suspects.append((plan, t, n, tn, nn))
        elif verbose:
            print("ok seed %d" % plan["seed"])
        if tn and tn[0] == "inst error":
            stats["inst_errors"] += 1
    # Only modules that kept raw NaNs can differ in NaN bits; a --denan module must match.
    raw_nan = [k for k, s in enumerate(suspects) if not features_for(s[0]["seed"])[1]]
    explained = {raw_nan[k] for k in recheck([suspects[k][0] for k in raw_nan])} if raw_nan else set()
    for k, (plan, t, n, tn, nn) in enumerate(suspects):
        first = first_difference(tn, nn)
        where = "at line %d: tern %r node %r" % (
            first, tn[first] if first < len(tn) else None, nn[first] if first < len(nn) else None)
        if k in explained:
            stats["nan_payload"] += 1
            base = keep_finding(findings, "nan", plan, t, n)
            print("nan-payload seed %d %s; agree after --denan (%s)" % (plan["seed"], where, base), flush=True)
        else:
            stats["mismatches"] += 1
            base = keep_finding(findings, "mismatch", plan, t, n)
            print("MISMATCH seed %d %s (%s)" % (plan["seed"], where, base), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tern", required=True, help="path of the tern-diff executable")
    ap.add_argument("--node", default="node")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--count", type=int, help="number of modules")
    ap.add_argument("--time", type=float, help="run for this many seconds")
    ap.add_argument("--batch", type=int, default=100, help="modules per engine process")
    ap.add_argument("--jobs", type=int, default=4, help="wasm-opt processes at once")
    ap.add_argument("--findings", default="fuzz-findings", help="where mismatching modules go")
    ap.add_argument("--timeout-ms", type=int, default=5000, help="tern's deadline per call")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--plans", nargs="*", help="rerun saved plans (*.json) instead of generating")
    args = ap.parse_args()
    if args.count is None and args.time is None and not args.plans:
        ap.error("give --count, --time or --plans")

    # mismatches: unexplained differences (exit status 1); nan_payload: differences that vanish
    # when NaNs cannot arise (--denan), which the spec allows.
    stats = dict(modules=0, calls=0, mismatches=0, nan_payload=0, crashes=0, hangs=0, tern_deadline=0,
                 inst_errors=0, generate_failed=0)
    tern_cmd = [args.tern, "--timeout-ms", str(args.timeout_ms)]
    node_cmd = [args.node, os.path.join(HERE, "node_diff.js")]
    stall = max(20, 3 * args.timeout_ms / 1000)
    recheck = lambda plans: nan_payload_explains(plans, tern_cmd, node_cmd, workdir, stall)  # noqa: E731
    started = time.monotonic()
    seed = args.seed
    workdir = tempfile.mkdtemp(prefix="tern-diff-")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    engines = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        if args.plans:
            plans = []
            for p in args.plans:
                with open(p) as f:
                    plans.append(json.load(f))
            tern = run_side(tern_cmd, plans, workdir, "tern", stall)
            node = run_side(node_cmd, plans, workdir, "node", stall)
            compare(plans, tern, node, args.findings, stats, args.verbose, recheck)
        # The next batch is generated while both engines run the current one.
        def batches():
            s = args.seed
            while True:
                n = args.batch if args.count is None else min(args.batch, args.seed + args.count - s)
                if n <= 0:
                    return
                yield list(range(s, s + n))
                s += n

        def submit(seeds):
            return seeds, [pool.submit(generate, s, workdir) for s in seeds]

        source = batches()
        pending = None if args.plans else next((submit(b) for b in source), None)
        while pending is not None:
            seeds, futures = pending
            plans = []
            for future in futures:
                plan = future.result()
                if plan is None:
                    stats["generate_failed"] += 1
                else:
                    plans.append(plan)
            seed = seeds[-1] + 1
            out_of_time = args.time is not None and time.monotonic() - started > args.time
            pending = None if out_of_time else next((submit(b) for b in source), None)
            tern_future = engines.submit(run_side, tern_cmd, plans, workdir, "tern", stall)
            node = run_side(node_cmd, plans, workdir, "node", stall)
            tern = tern_future.result()
            compare(plans, tern, node, args.findings, stats, args.verbose, recheck)
            for plan in plans:
                os.unlink(plan["path"])
            elapsed = time.monotonic() - started
            print("seeds %d..%d: %s, %.0f s, %.1f modules/s" % (
                args.seed, seed - 1, " ".join("%s=%d" % kv for kv in stats.items()), elapsed,
                stats["modules"] / max(elapsed, 1e-9)), flush=True)
    finally:
        pool.shutdown(cancel_futures=True)
        engines.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    print("summary: seeds %d..%d, %s, %.0f s" % (args.seed, seed - 1,
                                                 " ".join("%s=%d" % kv for kv in stats.items()), elapsed))
    return 1 if stats["mismatches"] or stats["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
