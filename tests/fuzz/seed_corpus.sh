#!/bin/sh
# Builds a seed corpus for fuzz_decode from the spec test suite: every .wast of core/ and
# proposals/threads/ is converted with wast2json, and every binary module it produces
# (valid, invalid and malformed ones alike) is copied into the corpus directory.
#
# usage: tests/fuzz/seed_corpus.sh [CORPUS_DIR] [TESTSUITE_DIR]
#   CORPUS_DIR     default: build-fuzz/fuzz-seeds
#   TESTSUITE_DIR  default: /work/shared/testsuite
set -eu

corpus=${1:-build-fuzz/fuzz-seeds}
suite=${2:-/work/shared/testsuite}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$corpus"
converted=0
failed=0
for wast in "$suite"/core/*.wast "$suite"/proposals/threads/*.wast; do
  [ -f "$wast" ] || continue
  group=$(basename "$(dirname "$wast")")
  name=$(basename "$wast" .wast)
  out="$work/$group-$name"
  mkdir -p "$out"
  if wast2json --enable-all "$wast" -o "$out/$name.json" >/dev/null 2>&1; then
    converted=$((converted + 1))
  else
    failed=$((failed + 1))
    echo "seed_corpus: wast2json failed on $wast (skipped)" >&2
    continue
  fi
  for wasm in "$out"/*.wasm; do
    [ -f "$wasm" ] || continue
    cp "$wasm" "$corpus/$group-$(basename "$wasm")"
  done
done
echo "seed_corpus: $converted .wast files converted, $failed failed, $(ls "$corpus" | wc -l) modules in $corpus"
