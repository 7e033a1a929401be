#!/usr/bin/env bash
# The demo: builds tern and the samples (scripts/setup.sh), then shows `tern inspect` and
# `tern validate` on the modules built from samples/, and a truncated module being rejected.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/setup.sh

tern=build/host/cli/tern
run() {
  echo
  echo "\$ $*"
  "$@"
}

shopt -s nullglob
samples=(build/samples/*.wasm)
if [[ ${#samples[@]} -eq 0 ]]; then
  echo "demo: no samples were built (clang-19, wasi-libc or wat2wasm missing); using the test modules"
  samples=(build/tests/cli/shared.wasm)
fi

run "$tern" --version
for wasm in "${samples[@]}"; do
  run "$tern" inspect "$wasm"
done
json_sample=${samples[0]}
[[ -f build/samples/shared_memory.wasm ]] && json_sample=build/samples/shared_memory.wasm
run "$tern" inspect --json "$json_sample"
run "$tern" validate "${samples[@]}"

# A module cut short must be rejected with one line naming the file, and exit status 1.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 40 "${samples[0]}" >"$tmp/truncated.wasm"
echo
echo "\$ $tern validate $tmp/truncated.wasm"
if "$tern" validate "$tmp/truncated.wasm"; then
  echo "demo: a truncated module was accepted" >&2
  exit 1
else
  echo "(exit status $?, as expected)"
fi
