#!/usr/bin/env python3
"""tern benchmark runner: builds the kernels, runs every engine, prints tables.

Engines (each prints one JSON line {"checksum": "...", "compile_ms": x, "run_ms": y}):
  native    kernel + native_main.c compiled with clang -O2
  tern      $BUILD/tests/bench/tern-bench FILE.wasm [--compile-only] [--threads N]
  liftoff   node --liftoff-only node_harness.js FILE.wasm
  turbofan  node --no-liftoff   node_harness.js FILE.wasm

Times are best-of-N (--repeat). Kernels named simd_* are built with -msimd128
and must use simd128; all others are built with -mno-simd128 and must not.
Every engine must produce the native checksum;
a mismatch is printed loudly and makes the exit status 1. Timing never does.
Python 3 standard library only. See README.md.
"""
import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KERNEL_DIR = os.path.join(HERE, "kernels")
# Every header a kernel may include: a change to any of them rebuilds the kernels.
KERNEL_HEADERS = [os.path.join(KERNEL_DIR, f) for f in ("common.h", "simd.h")]
NATIVE_MAIN = os.path.join(HERE, "native_main.c")
HARNESS = os.path.join(HERE, "node_harness.js")
GEN_BIG = os.path.join(HERE, "gen_big.py")

# Plain MVP-ish wasm32: clang-19's default features, no SIMD, no libc, no imports.
WASM_CFLAGS = ["--target=wasm32", "-O2", "-mno-simd128", "-ffreestanding", "-I", KERNEL_DIR]
# Kernels whose name starts with this are SIMD kernels: built with -msimd128
# instead (and then required to use it). Their native build is unchanged: simd.h
# maps the same vector helpers to clang's generic vectors (SSE2 on x86-64).
SIMD_PREFIX = "simd_"
WASM_SIMD_CFLAGS = [f if f != "-mno-simd128" else "-msimd128" for f in WASM_CFLAGS]
# Linked with wasm-ld directly: the clang driver would run wasm-opt when it is
# on PATH, which makes the module depend on what happens to be installed.
WASM_LDFLAGS = ["--no-entry", "--export=run"]
NATIVE_CFLAGS = ["-O2", "-I", KERNEL_DIR]
# Eager compilation: otherwise V8 compiles each function on its first call, so
# compile_ms would be validation only and run_ms would include compilation.
NODE_EAGER = ["--no-wasm-lazy-compilation"]

ENGINES = ["native", "tern", "liftoff", "turbofan"]
NOT_BUILT = "tern: not built"

# ---- WASI suite (--suite wasi): whole programs built for wasm32-wasi from wasi/*.c, *.cpp.
WASI_DIR = os.path.join(HERE, "wasi")
WASI_HARNESS = os.path.join(HERE, "node_wasi_harness.js")
HELLO_C = os.path.join(REPO, "samples", "hello", "hello.c")
WASI_SYSROOT = "/usr"  # Debian's wasi-libc and libc++-19-dev-wasm32
# No FMA contraction anywhere, so fluid's float results are the same bits natively.
WASI_COMMON = ["-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-I", WASI_DIR]
WASI_CXX = ["-std=c++20", "-fno-exceptions", "-DJSON_NOEXCEPTION"]
# node: Liftoff only with eager compilation (as in the kernel suite), and node's defaults
# (lazy compilation, Liftoff first then TurboFan tier-up), the way `node app.js` runs.
WASI_ENGINES = ["native", "tern", "liftoff", "node"]
NODE_TIERS = {"liftoff": ["--liftoff-only"] + NODE_EAGER, "node": []}

# ---- threads suite (--suite threads): two threads over one shared memory, threads/contention.wat.
THREADS_WAT = os.path.join(HERE, "threads", "contention.wat")
THREADS_HARNESS = os.path.join(HERE, "node_threads_harness.js")
THREADS_ENGINES = ["tern", "liftoff", "node"]
# (JSON key, row label, True if higher is better); best-of-N picks per key.
THREADS_METRICS = [("incr_ms", "incr: 2 threads x N atomic adds, ms", False),
                   ("incr_ops_per_s", "incr: million atomic adds/s", True),
                   ("pingpong_round_trip_us", "ping-pong: wait/notify round trip, us", False)]


# ---------------------------------------------------------------- building

def stale(target, sources):
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.getmtime(s) > t for s in sources)


def sh(cmd, **kw):
    try:
        subprocess.run(cmd, check=True, **kw)
    except subprocess.CalledProcessError as e:
        sys.exit(f"run.py: command failed ({e.returncode}): {' '.join(cmd)}")
    except FileNotFoundError:
        sys.exit(f"run.py: not found: {cmd[0]}")


def is_simd(name):
    return name.startswith(SIMD_PREFIX)


def build_wasm(args, src, out, simd=False):
    deps = [src, __file__] + KERNEL_HEADERS
    if stale(out, deps):
        obj = out[:-len(".wasm")] + ".o"
        sh([args.cc] + (WASM_SIMD_CFLAGS if simd else WASM_CFLAGS) + ["-c", "-o", obj, src])
        sh([args.wasm_ld] + WASM_LDFLAGS + ["-o", out, obj])
    return out


def build_native(args, src, out):
    deps = [src, NATIVE_MAIN, __file__] + KERNEL_HEADERS
    if stale(out, deps):
        sh([args.native_cc] + NATIVE_CFLAGS + ["-o", out, src, NATIVE_MAIN])
    return out


def build(args):
    os.makedirs(args.out, exist_ok=True)
    names = sorted(f[:-2] for f in os.listdir(KERNEL_DIR) if f.endswith(".c"))
    if args.kernels:
        wanted = args.kernels.split(",")
        unknown = set(wanted) - set(names)
        if unknown:
            sys.exit(f"run.py: unknown kernels: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
        names = wanted
    kernels = []
    for name in names:
        src = os.path.join(KERNEL_DIR, name + ".c")
        print(f"  build {name}", file=sys.stderr)
        kernels.append({
            "name": name,
            "simd": is_simd(name),
            "wasm": build_wasm(args, src, os.path.join(args.out, name + ".wasm"), simd=is_simd(name)),
            "native": build_native(args, src, os.path.join(args.out, name + ".native")),
        })
    big = None
    if not args.no_compile:
        big_c = os.path.join(args.out, f"big{args.big_functions}.c")
        if stale(big_c, [GEN_BIG]):
            sh([sys.executable, GEN_BIG, "--functions", str(args.big_functions), big_c])
        print(f"  build big module ({args.big_functions} functions; takes a while the first time)",
              file=sys.stderr)
        big = {
            "name": f"big{args.big_functions}",
            "simd": False,
            "wasm": build_wasm(args, big_c, os.path.join(args.out, f"big{args.big_functions}.wasm")),
            "native": build_native(args, big_c, os.path.join(args.out, f"big{args.big_functions}.native")),
        }
    for k in kernels + ([big] if big else []):
        check_module(k["wasm"], k["simd"])
    return kernels, big


# ---------------------------------------------------------------- wasm sections

def leb_u32(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def sections(path):
    """Yield (id, name-or-None, payload bytes) for each section of a module."""
    b = open(path, "rb").read()
    if b[:4] != b"\0asm":
        sys.exit(f"run.py: {path}: not a wasm module")
    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb_u32(b, i + 1)
        payload = b[i:i + size]
        name = None
        if sid == 0:
            n, j = leb_u32(payload, 0)
            name = payload[j:j + n].decode("utf-8", "replace")
        yield sid, name, payload
        i += size


def code_section_size(path):
    return sum(len(p) for sid, _, p in sections(path) if sid == 10)


def check_module(path, simd=False):
    """The kernels must need no imports; simd_* kernels must use simd128, the others must not."""
    uses_simd = False
    for sid, name, payload in sections(path):
        if sid == 2 and leb_u32(payload, 0)[0] != 0:
            sys.exit(f"run.py: {path} has imports; kernels must be self-contained")
        if name == "target_features" and b"simd128" in payload:
            uses_simd = True
    if uses_simd and not simd:
        sys.exit(f"run.py: {path} uses simd128; only {SIMD_PREFIX}* kernels may")
    if simd and not uses_simd:
        sys.exit(f"run.py: {path} does not list simd128; {SIMD_PREFIX}* kernels are SIMD kernels")


# ---------------------------------------------------------------- running

class EngineError(Exception):
    pass


def engine_cmd(args, engine, item, compile_only=False, single_thread=False):
    wasm = item["wasm"]
    extra = ["--compile-only"] if compile_only else []
    if engine == "native":
        return [item["native"]]
    if engine == "tern":
        if not os.path.exists(args.tern):
            return None
        return [args.tern, wasm] + extra + (["--threads", "1"] if single_thread else [])
    tier = ["--liftoff-only"] if engine == "liftoff" else ["--no-liftoff"]
    st = ["--single-threaded"] if single_thread else []
    return [args.node] + tier + st + NODE_EAGER + [HARNESS, wasm] + extra


def run_once(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise EngineError(f"timeout after {timeout}s")
    except OSError as e:
        raise EngineError(str(e))
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise EngineError(f"exit {p.returncode}: {err}")
    lines = [l for l in p.stdout.splitlines() if l.strip().startswith("{")]
    if not lines:
        raise EngineError(f"no JSON line in output: {p.stdout.strip()[:200]!r}")
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError as e:
        raise EngineError(f"bad JSON ({e}): {lines[-1][:200]!r}")


def best_of(args, cmd, key, repeat):
    """Run cmd `repeat` times; return (best value of `key`, checksums seen)."""
    best, checksums = None, set()
    for _ in range(repeat):
        r = run_once(cmd, args.timeout)
        if key not in r:
            raise EngineError(f"output has no {key!r}: {r}")
        v = float(r[key])
        best = v if best is None else min(best, v)
        if "checksum" in r:
            checksums.add(str(r["checksum"]))
    return best, checksums


# ---------------------------------------------------------------- formatting

def fmt_ms(v):
    if isinstance(v, str):
        return v
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_ratio(a, b):
    if not isinstance(a, float) or not isinstance(b, float) or b <= 0:
        return "-"
    return f"{a / b:.2f}"


def geomean(xs):
    xs = [x for x in xs if x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def table(headers, rows, right_from=1):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]

    def line(r):
        cells = []
        for i, c in enumerate(r):
            c = str(c)
            cells.append(c.rjust(widths[i]) if i >= right_from else c.ljust(widths[i]))
        return "| " + " | ".join(cells) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


# ---------------------------------------------------------------- main parts

def run_kernels(args, kernels, mismatches):
    results = {}
    for k in kernels:
        res, sums = {}, {}
        for engine in ENGINES:
            cmd = engine_cmd(args, engine, k)
            if cmd is None:
                res[engine] = NOT_BUILT
                continue
            print(f"  run {k['name']:<12} {engine}", file=sys.stderr)
            try:
                res[engine], sums[engine] = best_of(args, cmd, "run_ms", args.repeat)
            except EngineError as e:
                res[engine] = "error"
                print(f"  {engine} on {k['name']}: {e}", file=sys.stderr)
                mismatches.append(f"{k['name']}: {engine} failed: {e}")
        failed = [e for e in ENGINES if res[e] == "error"]
        res["check"], bad = check_checksums(k["name"], sums, mismatches, failed)
        res["bad"] = sorted(bad)
        res["checksums"] = {e: sorted(s) for e, s in sums.items()}
        res["simd"] = k["simd"]
        results[k["name"]] = res
    return results


def check_checksums(name, sums, mismatches, failed=()):
    """Compare every engine's checksums with native's. Returns (status, bad engines)."""
    ref = sums.get("native")
    if not ref or len(ref) != 1:
        mismatches.append(f"{name}: native checksum not stable: {sorted(ref or [])}")
        return "MISMATCH", set(sums)
    bad = set()
    for engine, s in sums.items():
        if s != ref:
            mismatches.append(f"{name}: {engine} checksum {sorted(s)} != native {sorted(ref)[0]}")
            bad.add(engine)
    if bad:
        return "MISMATCH " + ",".join(sorted(bad)), bad
    if failed:
        return "FAILED " + ",".join(sorted(failed)), bad
    return "ok", bad


KERNEL_PAIRS = [("tern", "liftoff"), ("tern", "native"), ("liftoff", "native"), ("turbofan", "native")]
WASI_PAIRS = [("tern", "liftoff"), ("tern", "node"), ("tern", "native"), ("liftoff", "native"), ("node", "native")]


def print_kernel_table(results, engines=ENGINES, pairs=KERNEL_PAIRS, first="kernel"):
    headers = [first] + [f"{e} ms" for e in engines] + [f"{a}/{b}" for a, b in pairs] + ["checksum"]
    rows, ratios = [], {p: [] for p in pairs}
    for name, r in results.items():
        # A time computed with a wrong checksum is shown with "!" and compared with nothing.
        ok = {e: r[e] if e not in r["bad"] else None for e in engines}
        row = [name] + [fmt_ms(r[e]) + (" !" if e in r["bad"] else "") for e in engines]
        for a, b in pairs:
            row.append(fmt_ratio(ok[a], ok[b]))
            if isinstance(ok[a], float) and isinstance(ok[b], float) and ok[b] > 0:
                ratios[(a, b)].append(ok[a] / ok[b])
        row.append(r["check"])
        rows.append(row)
    gm = ["geomean"] + [""] * len(engines)
    for p in pairs:
        g = geomean(ratios[p])
        gm.append(f"{g:.2f}" if g else "-")
    gm.append("")
    rows.append(gm)
    print(table(headers, rows))


def run_compile(args, big, mismatches):
    code = code_section_size(big["wasm"])
    configs = [
        ("tern", "tern --threads 1", True),
        ("tern", "tern (parallel)", False),
        ("liftoff", "liftoff --single-threaded", True),
        ("liftoff", "liftoff (default)", False),
        ("turbofan", "turbofan --single-threaded", True),
        ("turbofan", "turbofan (default)", False),
    ]
    # One full run per engine checks that the big module also computes the right thing.
    sums, failed = {}, []
    for engine in ENGINES:
        cmd = engine_cmd(args, engine, big)
        if cmd is None:
            continue
        try:
            _, sums[engine] = best_of(args, cmd, "run_ms", 1)
        except EngineError as e:
            mismatches.append(f"{big['name']}: {engine} failed: {e}")
            failed.append(engine)
    check, bad = check_checksums(big["name"], sums, mismatches, failed)
    rows, out = [], {}
    for engine, label, single in configs:
        cmd = engine_cmd(args, engine, big, compile_only=True, single_thread=single)
        if cmd is None:
            rows.append([label, NOT_BUILT, "-", "-"])
            continue
        print(f"  compile {big['name']} {label}", file=sys.stderr)
        try:
            ms, _ = best_of(args, cmd, "compile_ms", args.repeat)
        except EngineError as e:
            print(f"  {label}: {e}", file=sys.stderr)
            rows.append([label, "error", "-", "-"])
            continue
        out[label] = ms
        mbs = code / 1e6 / (ms / 1e3) if ms > 0 else float("inf")
        verdict = "MISMATCH" if engine in bad else "ok" if engine in sums else "FAILED"
        rows.append([label, fmt_ms(ms), f"{mbs:.1f}", verdict])
    funcs = args.big_functions
    print(f"\ncompile time: {os.path.basename(big['wasm'])}, {funcs + 1} functions, "
          f"code section {code / 1e6:.2f} MB ({code} bytes), {os.cpu_count()} CPUs, best of {args.repeat}")
    print(table(["engine", "compile ms", "MB/s of code", "checksum"], rows))
    return {"code_bytes": code, "compile_ms": out, "check": check}


# ---------------------------------------------------------------- WASI suite

def wasi_link(driver, obj, out):
    """Link a wasm32-wasi command the way the clang driver does, minus wasm-opt.

    clang runs wasm-opt after linking when it is on PATH (and clang-19's --no-wasm-opt drops
    the link step altogether), so take the driver's wasm-ld command line from -### and run
    only that."""
    p = subprocess.run([driver, "--target=wasm32-wasi", f"--sysroot={WASI_SYSROOT}", "-###", obj, "-o", out],
                       capture_output=True, text=True)
    for line in p.stderr.splitlines():
        argv = shlex.split(line)
        if argv and os.path.basename(argv[0]).startswith("wasm-ld"):
            sh(argv)
            return
    sys.exit(f"run.py: {driver} -### printed no wasm-ld command:\n{p.stderr}")


def wasi_include_dir(args):
    """A directory holding only a link to nlohmann/, so no host header leaks into wasm builds
    (the wasm32-wasi driver also searches /usr/include); the same trick as samples/meson.build."""
    d = os.path.join(args.out, "wasm-include")
    os.makedirs(d, exist_ok=True)
    link = os.path.join(d, "nlohmann")
    if not os.path.exists(link):
        os.symlink(os.path.join(args.json_include, "nlohmann"), link)
    return d


def build_wasi_program(args, name, src):
    cxx = src.endswith(".cpp")
    deps = [src, __file__, os.path.join(WASI_DIR, "wasi_bench.h")]
    wasm = os.path.join(args.out, name + ".wasm")
    native = os.path.join(args.out, name + ".native")
    lang = WASI_CXX if cxx else []
    if stale(wasm, deps):
        driver = args.cxx if cxx else args.cc
        obj = wasm[:-len(".wasm")] + ".wasi.o"
        inc = ["-isystem", wasi_include_dir(args)] if cxx else []
        sh([driver, "--target=wasm32-wasi", f"--sysroot={WASI_SYSROOT}"] + WASI_COMMON + lang + inc
           + ["-c", "-o", obj, src])
        wasi_link(driver, obj, wasm)
    if stale(native, deps):
        sh([args.native_cxx if cxx else args.native_cc] + WASI_COMMON + lang + ["-o", native, src])
    return {"name": name, "wasm": wasm, "native": native}


def build_wasi(args):
    os.makedirs(args.out, exist_ok=True)
    srcs = sorted(f for f in os.listdir(WASI_DIR) if f.endswith((".c", ".cpp")))
    names = {os.path.splitext(f)[0]: f for f in srcs}
    wanted = args.programs.split(",") if args.programs else sorted(names)
    unknown = set(wanted) - set(names)
    if unknown:
        sys.exit(f"run.py: unknown WASI programs: {', '.join(sorted(unknown))} (have: {', '.join(sorted(names))})")
    progs = []
    for name in wanted:
        print(f"  build wasi {name}", file=sys.stderr)
        progs.append(build_wasi_program(args, name, os.path.join(WASI_DIR, names[name])))
    hello = build_wasi_program(args, "hello", HELLO_C)
    return progs, hello


def wasi_cmd(args, engine, item):
    if engine == "native":
        return [item["native"]]
    if engine == "tern":
        return [args.tern_cli, "run", item["wasm"]] if os.path.exists(args.tern_cli) else None
    return [args.node] + NODE_TIERS[engine] + [WASI_HARNESS, item["wasm"]]


def run_wasi_programs(args, progs, mismatches):
    results = {}
    for prog in progs:
        res, sums = {}, {}
        for engine in WASI_ENGINES:
            cmd = wasi_cmd(args, engine, prog)
            if cmd is None:
                res[engine] = NOT_BUILT
                continue
            print(f"  run wasi {prog['name']:<10} {engine}", file=sys.stderr)
            try:
                res[engine], sums[engine] = best_of(args, cmd, "run_ms", args.repeat)
            except EngineError as e:
                res[engine] = "error"
                print(f"  {engine} on {prog['name']}: {e}", file=sys.stderr)
                mismatches.append(f"wasi {prog['name']}: {engine} failed: {e}")
        failed = [e for e in WASI_ENGINES if res[e] == "error"]
        res["check"], bad = check_checksums("wasi " + prog["name"], sums, mismatches, failed)
        res["bad"] = sorted(bad)
        res["checksums"] = {e: sorted(s) for e, s in sums.items()}
        results[prog["name"]] = res
    return results


def run_instantiation(args, items, mismatches):
    """Best and median time to a callable instance of an already compiled module."""
    engines = [("tern", lambda w: [args.tern, w, "--instantiate", str(args.instantiate_count)]
                if os.path.exists(args.tern) else None)]
    for tier in ("liftoff", "node"):
        engines.append((tier, lambda w, t=tier: [args.node] + NODE_TIERS[t]
                        + [WASI_HARNESS, "--instantiate", str(args.instantiate_count), w]))
    rows, out = [], {}
    for item in items:
        row, out[item["name"]] = [item["name"], f"{os.path.getsize(item['wasm']) / 1024:.0f}"], {}
        for engine, make in engines:
            cmd = make(item["wasm"])
            if cmd is None:
                row += [NOT_BUILT, "-"]
                continue
            print(f"  instantiate {item['name']:<10} {engine}", file=sys.stderr)
            try:
                r = run_once(cmd, args.timeout)
                best, median = float(r["instantiate_best_ms"]), float(r["instantiate_median_ms"])
            except (EngineError, KeyError) as e:
                mismatches.append(f"instantiate {item['name']}: {engine} failed: {e}")
                row += ["error", "-"]
                continue
            out[item["name"]][engine] = {"best_ms": best, "median_ms": median}
            row += [f"{best * 1e3:.0f}", f"{median * 1e3:.0f}"]
        rows.append(row)
    print(f"\ninstantiation: module already compiled, time to a callable instance in microseconds, "
          f"{args.instantiate_count} instantiations each (node: new WebAssembly.Instance with the WASI imports)")
    print(table(["module", "KiB", "tern best", "tern median", "liftoff best", "liftoff median",
                 "node best", "node median"], rows))
    return out


def run_startup(args, hello, mismatches):
    """Whole-process time of the hello sample, by hyperfine."""
    if not shutil.which(args.hyperfine):
        print(f"\nstartup: {args.hyperfine} not found, skipped")
        return None
    cmds = [("native", [hello["native"], "one", "two"])]
    if os.path.exists(args.tern_cli):
        cmds.append(("tern run", [args.tern_cli, "run", hello["wasm"], "one", "two"]))
    cmds.append(("node, liftoff only", [args.node] + NODE_TIERS["liftoff"] + [WASI_HARNESS, hello["wasm"], "one", "two"]))
    cmds.append(("node", [args.node, WASI_HARNESS, hello["wasm"], "one", "two"]))
    # The programs must say the same thing before they are timed: the greeting and arguments
    # (not argv[0], the file name, nor the environment: node and tern pass the guest none).
    outputs = {}
    for label, cmd in cmds:
        p = subprocess.run(cmd, capture_output=True, text=True)
        outputs[label] = [l for l in p.stdout.splitlines()
                          if l.startswith(("hello", "argc", "argv[")) and not l.startswith("argv[0]")]
        if p.returncode != 0 or outputs[label] != outputs["native"]:
            mismatches.append(f"startup: {label} printed something else than native hello (exit {p.returncode})")
    with tempfile.TemporaryDirectory() as tmp:
        export = os.path.join(tmp, "hyperfine.json")
        print("  startup: hyperfine", file=sys.stderr)
        hf = [args.hyperfine, "-N", "--warmup", "3", "--runs", str(args.startup_runs), "--export-json", export]
        for label, cmd in cmds:
            hf += ["-n", label, " ".join(shlex.quote(c) for c in cmd)]
        sh(hf, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = json.load(open(export))["results"]
    rows, out = [], {}
    native_mean = data[0]["mean"]
    for r in data:
        out[r["command"]] = {k: r[k] for k in ("mean", "stddev", "median", "min", "max")}
        rows.append([r["command"], f"{r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f}", f"{r['min'] * 1e3:.1f}",
                     f"{r['mean'] / native_mean:.1f}"])
    print(f"\nstartup: whole process of hello.wasm one two (samples/hello), hyperfine, "
          f"{args.startup_runs} runs after 3 warmups, ms")
    print(table(["command", "mean ± σ", "min", "x native"], rows))
    return out


# ---------------------------------------------------------------- threads suite

def build_threads(args):
    os.makedirs(args.out, exist_ok=True)
    wasm = os.path.join(args.out, "contention.wasm")
    if stale(wasm, [THREADS_WAT]):
        print("  build threads contention.wasm", file=sys.stderr)
        sh([args.wat2wasm, "--enable-threads", THREADS_WAT, "-o", wasm])
    return wasm


def threads_cmd(args, engine, wasm):
    sizes = ["--incr", str(args.incr), "--ping", str(args.pingpong_rounds)]
    if engine == "tern":
        return [args.tern_threads, wasm] + sizes if os.path.exists(args.tern_threads) else None
    return [args.node] + NODE_TIERS[engine] + [THREADS_HARNESS, wasm] + sizes


def run_threads(args, wasm, mismatches):
    """Best of N per metric and engine; every run must leave counter == 2N and turn == 2R."""
    results = {}
    for engine in THREADS_ENGINES:
        cmd = threads_cmd(args, engine, wasm)
        if cmd is None:
            results[engine] = NOT_BUILT
            continue
        print(f"  run threads {engine}", file=sys.stderr)
        best, check = {}, "ok"
        try:
            for _ in range(args.repeat):
                r = run_once(cmd, args.timeout)
                for key, _, higher in THREADS_METRICS:
                    if key not in r:
                        raise EngineError(f"output has no {key!r}: {r}")
                    v = float(r[key])
                    if key not in best or (v > best[key] if higher else v < best[key]):
                        best[key] = v
                for got, want in (("counter", "expected_counter"), ("turn", "expected_turn")):
                    if r.get(got) != r.get(want) or r.get(want) is None:
                        check = "MISMATCH"
                        mismatches.append(f"threads: {engine} {got} {r.get(got)} != {r.get(want)}")
        except EngineError as e:
            print(f"  {engine} on threads: {e}", file=sys.stderr)
            mismatches.append(f"threads: {engine} failed: {e}")
            results[engine] = "error"
            continue
        best["check"] = check
        results[engine] = best

    def cell(engine, key):
        r = results[engine]
        if isinstance(r, str):
            return r
        v = r[key] / 1e6 if key == "incr_ops_per_s" else r[key]
        return fmt_ms(v)

    def value(engine, key):
        r = results[engine]
        return r[key] if isinstance(r, dict) else None

    rows = []
    for key, label, _ in THREADS_METRICS:
        rows.append([label] + [cell(e, key) for e in THREADS_ENGINES]
                    + [fmt_ratio(value("tern", key), value(o, key)) for o in ("liftoff", "node")])
    rows.append([f"check: counter == {2 * args.incr}, turn == {2 * args.pingpong_rounds}"]
                + [r if isinstance(r, str) else r["check"] for r in (results[e] for e in THREADS_ENGINES)]
                + ["", ""])
    print(f"\nthreads: threads/contention.wasm, two threads (one instance each) over one shared memory; "
          f"N = {args.incr} adds per thread, R = {args.pingpong_rounds} round trips; best of {args.repeat}; "
          f"ratios < 1 mean tern is faster, except for adds/s (> 1: tern is faster); "
          f"liftoff = node --liftoff-only, node = node's default tiers (worker_threads)"
          + ("" if os.path.exists(args.tern_threads) else f"; tern: not built ({args.tern_threads})"))
    print(table(["metric", "tern", "liftoff", "node default", "tern/liftoff", "tern/node"], rows))
    return results


def main():
    ap = argparse.ArgumentParser(description="Build and run the tern benchmarks.")
    ap.add_argument("--build", default=os.environ.get("BUILD", os.path.join(REPO, "build")),
                    help="meson build dir, where tests/bench/tern-bench lives (default: $BUILD or build/)")
    ap.add_argument("--out", help="where kernels are built (default: BUILD/bench)")
    ap.add_argument("--tern", help="tern-bench binary (default: BUILD/tests/bench/tern-bench)")
    ap.add_argument("--suite", choices=["all", "kernels", "wasi", "threads"], default="all",
                    help="kernels: run() kernels and compile time; wasi: WASI programs, instantiation "
                         "and startup; threads: atomic contention and wait/notify ping-pong; "
                         "all (default): the three")
    ap.add_argument("--tern-cli", help="tern binary for the wasi suite (default: BUILD/host/cli/tern)")
    ap.add_argument("--programs", help="comma-separated subset of WASI programs (wasi/*.c, *.cpp)")
    ap.add_argument("--instantiate-count", type=int, default=50,
                    help="instantiations per module and engine (default 50)")
    ap.add_argument("--startup-runs", type=int, default=30, help="hyperfine runs per startup command (default 30)")
    ap.add_argument("--hyperfine", default="hyperfine", help="hyperfine binary (default hyperfine)")
    ap.add_argument("--cxx", default="clang++-19", help="C++ compiler for wasm32-wasi (default clang++-19)")
    ap.add_argument("--native-cxx", default="clang++-19", help="C++ compiler for native (default clang++-19)")
    ap.add_argument("--json-include", default="/usr/include",
                    help="directory holding nlohmann/json.hpp (default /usr/include)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    ap.add_argument("--kernels", help="comma-separated subset of kernels")
    ap.add_argument("--no-compile", action="store_true", help="skip the compile-time section")
    ap.add_argument("--big-functions", type=int, default=1500,
                    help="functions in the generated compile-time module (default 1500)")
    ap.add_argument("--cc", default="clang-19", help="C compiler for wasm32 (default clang-19)")
    ap.add_argument("--wasm-ld", default="wasm-ld-19", help="wasm linker (default wasm-ld-19)")
    ap.add_argument("--native-cc", default="clang-19", help="C compiler for native (default clang-19)")
    ap.add_argument("--node", default="node", help="node binary (default node)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per run (default 300)")
    ap.add_argument("--json", help="also write all results to this file")
    ap.add_argument("--tern-threads", help="tern-threads-bench binary for the threads suite "
                    "(default: BUILD/tests/bench/tern-threads-bench)")
    ap.add_argument("--wat2wasm", default="wat2wasm", help="wat2wasm binary (default wat2wasm)")
    ap.add_argument("--incr", type=int, default=10000000,
                    help="threads suite: atomic adds per thread (default 10000000)")
    ap.add_argument("--pingpong-rounds", type=int, default=20000,
                    help="threads suite: wait/notify round trips (default 20000)")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out or os.path.join(args.build, "bench"))
    args.tern = os.path.abspath(args.tern or os.path.join(args.build, "tests", "bench", "tern-bench"))
    args.tern_cli = os.path.abspath(args.tern_cli or os.path.join(args.build, "host", "cli", "tern"))
    args.tern_threads = os.path.abspath(args.tern_threads
                                        or os.path.join(args.build, "tests", "bench", "tern-threads-bench"))
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not 0 < args.incr < 2 ** 31 or not 0 < args.pingpong_rounds < 2 ** 31:
        ap.error("--incr and --pingpong-rounds must be in [1, 2^31)")
    do_kernels, do_wasi = args.suite in ("all", "kernels"), args.suite in ("all", "wasi")
    do_threads = args.suite in ("all", "threads")
    tools = [args.node]
    tools += [args.cc, args.native_cc] if do_kernels or do_wasi else []
    tools += [args.wasm_ld] if do_kernels else []
    tools += [args.cxx, args.native_cxx] if do_wasi else []
    tools += [args.wat2wasm] if do_threads else []
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"run.py: {tool} not found")

    mismatches = []
    results = compile_results = None
    if do_kernels:
        kernels, big = build(args)
        results = run_kernels(args, kernels, mismatches)
        print(f"\nrun() time in ms, best of {args.repeat}; ratios < 1 mean the left engine is faster; "
              + (f"tern-bench: {args.tern}" if os.path.exists(args.tern) else NOT_BUILT))
        print_kernel_table(results)
        compile_results = run_compile(args, big, mismatches) if big else None
    wasi_results = None
    if do_wasi:
        progs, hello = build_wasi(args)
        wasi_results = {"programs": run_wasi_programs(args, progs, mismatches)}
        print(f"\nWASI programs: work time in ms as timed by the program itself (clock_gettime around "
              f"the work; startup, compilation and input generation excluded), best of {args.repeat}; "
              f"tern = `tern run`, liftoff = node --liftoff-only, node = node's default tiers"
              + ("" if os.path.exists(args.tern_cli) else f"; tern: not built ({args.tern_cli})"))
        print_kernel_table(wasi_results["programs"], WASI_ENGINES, WASI_PAIRS, "program")
        wasi_results["instantiate"] = run_instantiation(args, progs + [hello], mismatches)
        wasi_results["startup"] = run_startup(args, hello, mismatches)
    threads_results = run_threads(args, build_threads(args), mismatches) if do_threads else None

    if mismatches:
        print("\n" + "!" * 72)
        print("!!! CHECKSUM MISMATCH / ENGINE FAILURE: the results marked above are WRONG")
        for m in mismatches:
            print("!!!   " + m)
        print("!" * 72)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeat": args.repeat, "kernels": results, "compile": compile_results, "wasi": wasi_results,
                       "threads": threads_results, "problems": mismatches}, f, indent=2)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
