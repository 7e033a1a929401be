#!/bin/sh
# Run the tern benchmarks (tests/bench/): native vs tern vs V8 Liftoff vs V8 TurboFan.
# Assumes clang-19, wasm-ld-19, node and python3 are installed; builds nothing of tern
# itself: it uses $BUILD/tests/bench/tern-bench if it exists (BUILD defaults to build/).
# Arguments go to tests/bench/run.py, e.g. scripts/bench.sh --repeat 5 --kernels fib,vm
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$root/tests/bench/run.py" --build "${BUILD:-$root/build}" "$@"
