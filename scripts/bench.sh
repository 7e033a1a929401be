#!/bin/sh
# Run the tern benchmarks (tests/bench/): native vs tern vs V8 Liftoff vs V8 TurboFan for the
# kernels, native vs `tern run` vs node's WASI for the WASI programs, plus instantiation and
# startup times. Assumes clang-19, wasm-ld-19, wasi-libc, libc++-19-dev-wasm32, node, hyperfine
# and python3 are installed; builds nothing of tern itself: it uses $BUILD/tests/bench/tern-bench
# and $BUILD/host/cli/tern if they exist (BUILD defaults to build/).
# Arguments go to tests/bench/run.py, e.g. scripts/bench.sh --repeat 5 --kernels fib,vm
# or scripts/bench.sh --suite wasi
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec python3 "$root/tests/bench/run.py" --build "${BUILD:-$root/build}" "$@"
