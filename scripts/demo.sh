#!/usr/bin/env bash
# The demo: builds tern and the samples (scripts/setup.sh), then shows `tern inspect` and
# `tern validate` on the modules built from samples/, and a truncated module being rejected,
# then runs the WASI samples with `tern run`: hello with arguments and an environment variable,
# wc over files in a preopened directory (and refused a path that leaves it), json on stdin.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/setup.sh

tern=build/host/cli/tern
run() {
  local shown=() a
  for a in "$@"; do
    if [[ $a == *[[:space:]]* ]]; then shown+=("\"$a\""); else shown+=("$a"); fi
  done
  echo
  echo "\$ ${shown[*]}"
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

# `tern run`: the WASI commands built from samples/ (skipped when wasi-libc was missing).
if [[ -f build/samples/hello.wasm ]]; then
  run "$tern" run --env GREETING=bonjour build/samples/hello.wasm one "two words"
fi
if [[ -f build/samples/wc.wasm ]]; then
  mkdir -p "$tmp/data"
  printf 'one two three\nfour five\n' >"$tmp/data/a.txt"
  cp README.md "$tmp/data/README.md"
  echo "outside the preopen" >"$tmp/secret.txt"
  run "$tern" run --dir "$tmp/data::/data" build/samples/wc.wasm /data/a.txt /data/README.md
  # The preopen is a sandbox: `..` cannot leave it.
  echo
  echo "\$ $tern run --dir $tmp/data::/data build/samples/wc.wasm /data/../secret.txt"
  if "$tern" run --dir "$tmp/data::/data" build/samples/wc.wasm /data/../secret.txt; then
    echo "demo: wc read a file outside its preopened directory" >&2
    exit 1
  else
    echo "(exit status $?, as expected: the file is outside the preopened directory)"
  fi
fi
if [[ -f build/samples/json.wasm ]]; then
  echo
  echo "\$ echo '{\"name\": \"tern\", \"tags\": [\"wasm\", \"wasi\"], \"version\": 1}' | $tern run build/samples/json.wasm"
  echo '{"name": "tern", "tags": ["wasm", "wasi"], "version": 1}' | "$tern" run build/samples/json.wasm
fi
