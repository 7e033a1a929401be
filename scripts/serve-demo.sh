#!/usr/bin/env bash
# tern's main job on a sample: builds everything (scripts/setup.sh), starts `tern serve` with
# the JSON sample (samples/http/json-api) on 127.0.0.1, sends it requests with curl and stops
# it. With --keep the server stays up (Ctrl-C stops it).
#
#   scripts/serve-demo.sh [--keep] [--port N]    (default port 8080)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
keep=0
port=8080
while [[ $# -gt 0 ]]; do
  case $1 in
    --keep) keep=1 ;;
    --port) port=$2; shift ;;
    *) echo "usage: scripts/serve-demo.sh [--keep] [--port N]" >&2; exit 2 ;;
  esac
  shift
done

scripts/setup.sh
tern=build/host/cli/tern
wasm=build/samples/json-api.wasm
[[ -f $wasm ]] || { echo "serve-demo: $wasm was not built (samples need clang-19 and wasi-libc)" >&2; exit 1; }

set -x
"$tern" serve --abi native --listen "127.0.0.1:$port" --workers 2 --timeout 2s "$wasm" &
{ set +x; } 2>/dev/null
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/-/health" >/dev/null 2>&1 && break
  sleep 0.1
done

set -x
curl -sS -d '{"b": [1, 2.5, "x"], "a": {"z": null, "y": true}}' "http://127.0.0.1:$port/transform"; echo
curl -sS "http://127.0.0.1:$port/counter"; echo
curl -sS "http://127.0.0.1:$port/hello?name=tern"
curl -sS -o /dev/null -w '%{http_code} (a guest trap answers 500; the server keeps serving)\n' "http://127.0.0.1:$port/trap"
curl -sS "http://127.0.0.1:$port/hello"
{ set +x; } 2>/dev/null
if [[ $keep -eq 1 ]]; then
  echo "serve-demo: serving on http://127.0.0.1:$port/ (Ctrl-C stops)"
  wait $server
fi
