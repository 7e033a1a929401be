#!/usr/bin/env bash
# wasi-threads through `tern run`, one group per meson test:
#   wasi_threads_test.sh GROUP TERN WASM_DIR
# WASM_DIR holds spawn.wasm and nostart.wasm (tests/threads/wat/). Every run has a time limit:
# a hang is a failure, not a stuck test.
set -u

group=$1 tern=$2 dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND (at most 20 s) with stdout/stderr in
# $tmp/out and $tmp/err.
expect() {
  local want=$1 what=$2
  shift 3
  timeout 20 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, expected $want ($*)"
    sed 's/^/  stdout: /' "$tmp/out" | head -20 >&2
    sed 's/^/  stderr: /' "$tmp/err" | head -20 >&2
  fi
}
contains() { grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(basename "$1"): $(head -c 600 "$1")"; }
same() { diff -u <(printf '%s\n' "$2") "$1" >"$tmp/diff" || { fail "$3:"; cat "$tmp/diff" >&2; }; }

case $group in
basic)
  # _start: four threads write "t\n" each through WASI.
  expect 0 "_start with four threads" -- "$tern" run "$dir/spawn.wasm"
  same "$tmp/out" "t
t
t
t" "four lines from four threads"
  # 16 threads: all finish; the tids are 1..16 (sum 136) as seen by both sides.
  expect 0 "spawn_count 16" -- "$tern" run --invoke spawn_count "$dir/spawn.wasm" 16
  same "$tmp/out" "16
136
136
1" "spawn_count results"
  for i in 1 2 3 4 5; do
    expect 0 "spawn_count 8, run $i" -- "$tern" run --max-threads 8 --thread-stack 1MiB --invoke spawn_count "$dir/spawn.wasm" 8
    same "$tmp/out" "8
36
36
1" "spawn_count 8 results, run $i"
  done
  ;;
limit)
  # Spawning past --max-threads: a negative tid and one warning line, no hang; the
  # released threads finish.
  expect 0 "over the limit, released" -- "$tern" run --max-threads 4 --invoke spawn_over "$dir/spawn.wasm" 7 1
  same "$tmp/out" "4
-1" "4 spawned, then -1"
  contains "$tmp/err" "warning: thread-spawn refused: 4 threads already running (--max-threads 4)" "limit warning"
  [[ $(grep -c warning "$tmp/err") -eq 1 ]] || fail "the limit warning is printed once: $(cat "$tmp/err")"
  expect 0 "--max-threads 0" -- "$tern" run --max-threads 0 --invoke spawn_over "$dir/spawn.wasm" 1 1
  same "$tmp/out" "0
-1" "no thread at all"
  # A module without wasi_thread_start: spawn fails with a negative tid.
  expect 0 "no wasi_thread_start" -- "$tern" run --invoke spawn "$dir/nostart.wasm"
  same "$tmp/out" "-2" "spawn without wasi_thread_start"
  ;;
stop)
  # The program ends when the entry point returns: threads still waiting are interrupted
  # and joined, and the exit status is the entry point's.
  expect 0 "threads still waiting at the end" -- "$tern" run --max-threads 4 --invoke spawn_over "$dir/spawn.wasm" 6 0
  same "$tmp/out" "4
-1" "4 spawned, left waiting"
  # proc_exit in the main thread while threads wait: its status, and no hang.
  expect 3 "proc_exit in main" -- "$tern" run --invoke spawn_then_exit "$dir/spawn.wasm"
  ;;
trap)
  # A trap in a spawned thread ends the program (the main thread is parked forever).
  expect 134 "trap in a thread" -- "$tern" run --invoke spawn_and_park "$dir/spawn.wasm" 2
  contains "$tmp/err" "spawn.wasm: trap: unreachable" "trap message"
  contains "$tmp/err" "in thread 1 (wasi_thread_start)" "trap names the thread"
  # proc_exit(7) in a spawned thread: exit status 7.
  expect 7 "proc_exit in a thread" -- "$tern" run --invoke spawn_and_park "$dir/spawn.wasm" 3
  # --timeout still stops a parked main thread.
  expect 124 "timeout" -- "$tern" run --timeout 200ms --invoke spawn_and_park "$dir/spawn.wasm" 5
  contains "$tmp/err" "timeout: still running after 200ms" "timeout message"
  ;;
usage)
  expect 2 "--max-threads x" -- "$tern" run --max-threads x "$dir/spawn.wasm"
  contains "$tmp/err" "--max-threads expects a count" "--max-threads message"
  expect 2 "--thread-stack 1KiB" -- "$tern" run --thread-stack 1KiB "$dir/spawn.wasm"
  contains "$tmp/err" "--thread-stack must be between 64KiB and 4GiB" "--thread-stack message"
  expect 0 "--help" -- "$tern" run --help
  contains "$tmp/out" "--max-threads N" "help lists --max-threads"
  ;;
*)
  echo "unknown group $group" >&2
  exit 2
  ;;
esac

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s) in group $group" >&2
  exit 1
fi
echo "group $group: ok"
