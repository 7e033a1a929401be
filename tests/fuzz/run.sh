#!/bin/sh
# Runs a fuzz target for SECONDS (default 600) on the seed corpus, in one process.
#
# usage: tests/fuzz/run.sh [SECONDS]
# environment:
#   TARGET     fuzz_decode (decode and validate; default) or fuzz_run (also compile,
#              instantiate and call; tern's trap signals are left to tern)
#   BUILD      the -Dfuzz=true build directory (default build-fuzz)
#   CORPUS     where new inputs are kept (default $BUILD/fuzz-corpus-$TARGET)
#   SEEDS      the seed corpus, made by seed_corpus.sh if missing (default $BUILD/fuzz-seeds)
#   ARTIFACTS  where crashes, timeouts and leaks go (default /tmp/tern-fuzz-artifacts/)
set -eu

seconds=${1:-600}
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build-fuzz}
corpus=${CORPUS:-$build/fuzz-corpus-${TARGET:-fuzz_decode}}
seeds=${SEEDS:-$build/fuzz-seeds}
artifacts=${ARTIFACTS:-/tmp/tern-fuzz-artifacts/}
target=${TARGET:-fuzz_decode}
fuzzer=$build/tests/fuzz/$target

[ -x "$fuzzer" ] || { echo "run.sh: $fuzzer not built (CXX=clang++-14 meson setup $build -Dfuzz=true && ninja -C $build tests/fuzz/$target)" >&2; exit 1; }
[ -d "$seeds" ] || "$here/seed_corpus.sh" "$seeds"
mkdir -p "$corpus" "$artifacts"

exec "$fuzzer" "$corpus" "$seeds" \
  -handle_segv=0 -handle_bus=0 -handle_fpe=0 -handle_ill=0 \
  -dict="$here/wasm.dict" \
  -max_len=65536 -timeout=5 -rss_limit_mb=2048 \
  -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts"
