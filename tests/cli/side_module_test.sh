#!/usr/bin/env bash
# `tern run --preload` with the side-module sample (samples/side-module, built by
# samples/meson.build with clang-19):
#   side_module_test.sh TERN SAMPLES_DIR
# The expected checksums were computed by the same C code compiled natively.
set -u

tern=$1 samples=$2
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

main=$samples/main.wasm side=$samples/side.wasm
main_threads=$samples/main-threads.wasm side_threads=$samples/side-threads.wasm

# The main module calls the side module through function pointers from tern.dlsym.
expect 0 "main with its side module" -- "$tern" run --preload "side=$side" "$main"
cat >"$tmp/want" <<'OUT'
constructor ran: side_ready = 42
checksum("hello") = 57b62353
checksum("side modules") = 7452941b
stack_sum(1000) = 500500
calls: side 3, main 2
OUT
diff -u "$tmp/want" "$tmp/out" >&2 || fail "main with its side module: unexpected output"

expect 1 "main without --preload" -- "$tern" run "$main"
contains "$tmp/out" "side module 'side' is not loaded" "main without --preload"
expect 1 "main with the side module under another name" -- "$tern" run --preload "other=$side" "$main"

# Threads: every thread calls the side module through the table, on its own shadow stack.
for run in "4 200" "8 500"; do
  set -- $run
  expect 0 "threads $1 x $2" -- "$tern" run --preload "side=$side_threads" "$main_threads" "$1" "$2"
  contains "$tmp/out" "constructor ran: side_ready = 42" "threads $1 x $2"
  contains "$tmp/out" "main thread: checksum 7452941b, stack_sum(300) = 45150" "threads $1 x $2"
  contains "$tmp/out" "$1 threads x $2 iterations: mismatches 0" "threads $1 x $2"
  calls=$((2 + $1 * $2 * 2))
  contains "$tmp/out" "side calls $calls (expected $calls), main calls $((calls / 2))" "threads $1 x $2"
done

# The shared flag of the side module's env.memory import must match the main module's memory.
expect 1 "unshared side module into a shared memory" -- "$tern" run --preload "side=$side" "$main_threads"
contains "$tmp/err" "side module 'side': import #" "shared mismatch names the side module and the import"
contains "$tmp/err" "env.memory" "shared mismatch names env.memory"
contains "$tmp/err" "shared" "shared mismatch says what differs"
expect 1 "shared side module into an unshared memory" -- "$tern" run --preload "side=$side_threads" "$main"
contains "$tmp/err" "env.memory" "shared mismatch names env.memory"

# Bad --preload arguments.
expect 1 "a main module as a side module" -- "$tern" run --preload "side=$main" "$main"
contains "$tmp/err" "not a side module: no dylink.0 section" "no dylink.0"
expect 1 "a missing side module file" -- "$tern" run --preload "side=$tmp/missing.wasm" "$main"
contains "$tmp/err" "missing.wasm" "missing file is named"
expect 2 "the same name twice" -- "$tern" run --preload "side=$side" --preload "side=$side" "$main"
contains "$tmp/err" "already loaded" "the same name twice"
expect 2 "--preload without NAME=" -- "$tern" run --preload "$side" "$main"
contains "$tmp/err" "--preload expects NAME=FILE" "--preload syntax"

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "side modules: all checks passed"
