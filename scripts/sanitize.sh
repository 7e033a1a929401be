#!/usr/bin/env bash
# Sanitizer builds and their tests, through meson's builtin b_sanitize option:
#
#   scripts/sanitize.sh asan    # build-asan: ASan+UBSan; every meson test (unit, runtime, spec,
#                               # CLI, WASI, threads and the threaded guest stress tests)
#   scripts/sanitize.sh tsan    # build-tsan: ThreadSanitizer; the threaded tests (suites threads
#                               # and concurrency: 8 threads compiling, instantiating, calling)
#
# Extra arguments go to `meson test`. Run scripts/setup.sh first on a fresh machine (packages).
# Exits non-zero if the build or any test fails; ends with one line "sanitize MODE: ...".
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

mode=${1:-}
shift || true
case $mode in
  asan)
    build=build-asan
    sanitize=address,undefined
    # tern's traps are SIGSEGV/SIGBUS/SIGFPE/SIGILL handled by tern itself: ASan must not take
    # those signals. Leak checking is off: JIT code pages and the process-wide registries live
    # until exit by design. UBSan stops at the first report so a finding fails its test.
    export ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:detect_leaks=0:${ASAN_OPTIONS:-}
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}
    suite_args=()
    extra_options=()
    ;;
  tsan)
    build=build-tsan
    sanitize=thread
    # tests/threads/meson.build leaves out the cases that unwind a trap by _longjmp, which
    # ThreadSanitizer cannot follow.
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}
    suite_args=(--suite threads --suite concurrency)
    # The threaded tests need no HTTP server: leaving net/ (Beast) out saves a third of the build.
    extra_options=(-Dnet=false)
    ;;
  *)
    echo "usage: scripts/sanitize.sh asan|tsan [meson test arguments]" >&2
    exit 2
    ;;
esac

# Build options for speed, since CI builds tern three times (plain, ASan, TSan) on 2 cores:
# -O1 (what the sanitizers' authors recommend; compiles faster than -O2) and -g1 (function
# names and line tables: enough for the sanitizers' stack traces, much less to compile than
# full debug info). Assertions stay on (b_ndebug=if-release, and this is not a release build).
options=(-Db_sanitize="$sanitize" -Db_lundef=false -Doptimization=1 -Ddebug=false
         -Dcpp_args=-g1 -Dc_args=-g1 "${extra_options[@]}")
if [[ -f $build/build.ninja ]]; then
  meson configure "$build" "${options[@]}" >/dev/null || exit 1
else
  meson setup "$build" "${options[@]}" || { echo "sanitize $mode: setup failed"; exit 1; }
fi

# Only what the chosen tests need is built (meson test would build every target): the test
# executables and everything they depend on, from meson's own description of the build.
mapfile -t targets < <(python3 - "$build" "${suite_args[@]}" <<'PY'
import json, os, subprocess, sys
build, args = sys.argv[1], sys.argv[2:]
suites = {args[i + 1] for i in range(0, len(args), 2) if args[i] == "--suite"}
intro = lambda what: json.loads(subprocess.check_output(["meson", "introspect", what, build]))
files = {t["id"]: t["filename"] for t in intro("--targets")}
builddir = os.path.realpath(build)
wanted = set()
for test in intro("--tests"):
    if suites and not suites & {s.split(":")[-1] for s in test["suite"]}:
        continue
    for dep in test["depends"]:
        for f in files.get(dep, []):
            wanted.add(os.path.relpath(f, builddir))
    if os.path.realpath(test["cmd"][0]).startswith(builddir + os.sep):
        wanted.add(os.path.relpath(os.path.realpath(test["cmd"][0]), builddir))
print("\n".join(sorted(wanted)))
PY
)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "sanitize $mode: no test selected"
  exit 1
fi

start=$(date +%s)
if ! ninja -C "$build" -j"${JOBS:-2}" "${targets[@]}"; then
  echo "sanitize $mode: build failed"
  exit 1
fi
built=$(date +%s)

# Sanitized code runs several times slower: give every test three times its timeout.
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 3 "${suite_args[@]}" "$@"
status=$?
done_at=$(date +%s)

if [[ $status -eq 0 ]]; then
  echo "sanitize $mode: passed (build $((built - start)) s, tests $((done_at - built)) s)"
else
  echo "sanitize $mode: FAILED (meson test exit status $status; logs in $build/meson-logs/)"
fi
exit $status
