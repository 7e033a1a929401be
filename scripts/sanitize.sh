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
    ;;
  tsan)
    build=build-tsan
    sanitize=thread
    # tests/threads/meson.build leaves out the cases that unwind a trap by _longjmp, which
    # ThreadSanitizer cannot follow.
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}
    suite_args=(--suite threads --suite concurrency)
    ;;
  *)
    echo "usage: scripts/sanitize.sh asan|tsan [meson test arguments]" >&2
    exit 2
    ;;
esac

if [[ -f $build/build.ninja ]]; then
  meson configure "$build" -Db_sanitize="$sanitize" -Db_lundef=false >/dev/null || exit 1
else
  meson setup "$build" -Db_sanitize="$sanitize" -Db_lundef=false || { echo "sanitize $mode: setup failed"; exit 1; }
fi

start=$(date +%s)
if ! ninja -C "$build" -j"${JOBS:-2}"; then
  echo "sanitize $mode: build failed"
  exit 1
fi
built=$(date +%s)

# Sanitized code runs several times slower: give every test three times its timeout.
meson test -C "$build" --print-errorlogs --timeout-multiplier 3 "${suite_args[@]}" "$@"
status=$?
done_at=$(date +%s)

if [[ $status -eq 0 ]]; then
  echo "sanitize $mode: passed (build $((built - start)) s, tests $((done_at - built)) s)"
else
  echo "sanitize $mode: FAILED (meson test exit status $status; logs in $build/meson-logs/)"
fi
exit $status
