#!/usr/bin/env bash
# Guest thread programs under `tern run` (needs wasi.thread-spawn in tern run):
#   guest_test.sh GROUP TERN SAMPLES_DIR
# kit-check: the thread kit's self-test, single-threaded and with 1, 4 and 8 threads.
# json-stress: 4 worker threads plus client and server, a fixed iteration count, run twice;
# both runs and an all-on-the-main-thread run (--serial) must print the same totals, exit 0;
# a short timed run; and a run past --max-threads must fail cleanly (exit 3).
set -u
group=$1 tern=$2 samples=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME ARGS...: runs tern with stdout in $tmp/NAME.out; fails unless it exits 0.
run() {
  local name=$1
  shift
  "$tern" run "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name: exit $rc (tern run $*)"
    sed 's/^/  stdout: /' "$tmp/$name.out" | tail -20 >&2
    sed 's/^/  stderr: /' "$tmp/$name.err" | head -40 >&2
  fi
}

case $group in
kit-check)
  for n in 0 1 4 8; do
    run "kit$n" "$samples/kit-check.wasm" "$n"
    grep -q "^kit-check: ok" "$tmp/kit$n.out" || fail "kit-check $n: no 'ok' line"
  done
  ;;
json-stress)
  args=(--threads 4 --iterations 300 --seed 7)
  run first "$samples/json-stress.wasm" "${args[@]}"
  run second "$samples/json-stress.wasm" "${args[@]}"
  run serial "$samples/json-stress.wasm" "${args[@]}" --serial
  totals() { grep -E '^(worker|client|server|total)' "$tmp/$1.out"; }
  [[ -n "$(totals first)" ]] || fail "json-stress: no checksums printed"
  grep -q "^total: .* mismatches 0$" "$tmp/first.out" || fail "json-stress: no clean total line"
  diff <(totals first) <(totals second) >&2 || fail "json-stress: two threaded runs differ"
  diff <(totals first) <(totals serial) >&2 || fail "json-stress: threaded and serial runs differ"
  # A short timed run: it must finish cleanly; its checksums are not compared.
  run timed "$samples/json-stress.wasm" --threads 4 --seconds 1
  grep -q "^timed: " "$tmp/timed.out" || fail "json-stress --seconds: no 'timed:' line"
  # thread-spawn refused (--max-threads): thread_create fails cleanly, the program exits 3.
  "$tern" run --max-threads 2 "$samples/json-stress.wasm" --threads 4 --iterations 10 >"$tmp/max.out" 2>"$tmp/max.err"
  rc=$?
  [[ $rc -eq 3 ]] || fail "json-stress past --max-threads: exit $rc, expected 3"
  grep -q "cannot start the worker thread" "$tmp/max.err" || fail "json-stress past --max-threads: no error message"
  ;;
*)
  echo "unknown group $group" >&2
  exit 2
  ;;
esac

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "ok"
