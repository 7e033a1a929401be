#!/usr/bin/env bash
# `tern serve` as a command, with real clients: curl, and node's built-in fetch (node >= 18;
# skipped without node). Usage: serve_test.sh TERN BUILD_DIR_WITH_TEST_WASM
set -euo pipefail
tern=$1
wasm_dir=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; [[ -f $work/server.log ]] && sed 's/^/  server: /' "$work/server.log" >&2; exit 1; }
expect_eq() { [[ $1 == "$2" ]] || fail "$3: expected '$2', got '$1'"; }

# Starts `tern serve ARGS...` on an ephemeral port; sets $port and $server_pid.
start_server() {
  : >"$work/server.log"
  "$tern" serve --listen 127.0.0.1:0 "$@" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
    [[ -n $port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "tern serve exited: $(cat "$work/server.log")"
    sleep 0.05
  done
  fail "tern serve did not report its port"
}

stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  server_pid=
  expect_eq "$status" 0 "exit status after SIGTERM"
  grep -q 'tern serve: stopped' "$work/server.log" || fail "no 'stopped' line after SIGTERM"
}

# --- usage errors
set +e
"$tern" serve >/dev/null 2>&1; expect_eq $? 2 "no file"
"$tern" serve --abi soap "$wasm_dir/native.wasm" >/dev/null 2>&1; expect_eq $? 2 "bad --abi"
"$tern" serve --listen nowhere "$wasm_dir/native.wasm" >/dev/null 2>&1; expect_eq $? 2 "bad --listen"
"$tern" serve --abi native "$wasm_dir/cgi_hello.wasm" >/dev/null 2>"$work/err"; expect_eq $? 1 "module without tern_http_handle"
grep -q "tern_http_handle" "$work/err" || fail "the ABI error does not name tern_http_handle"
set -e

# --- native ABI with curl
start_server --abi native --timeout 300ms --max-body 1KiB --workers 2 --io-threads 2 "$wasm_dir/native.wasm"
base="http://127.0.0.1:$port"
expect_eq "$(curl -sS "$base/hello")" "hello from wasm" "GET /hello"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$base/missing")" 404 "GET /missing"
expect_eq "$(curl -sS -X POST -H 'Content-Type: text/x' --data-binary 'abc' -D "$work/h" "$base/echo?k=v")" "abc" "POST /echo"
grep -qi '^x-query: k=v' "$work/h" || fail "x-query header"
grep -qi '^content-type: text/x' "$work/h" || fail "content-type echoed"
expect_eq "$(curl -sS "$base/-/health")" "ok" "health"
# keep-alive: curl reuses one connection for several URLs
out=$(curl -sS -v "$base/count" "$base/count" "$base/count" 2>"$work/v")
expect_eq "$(grep -c 'Re-using existing connection' "$work/v")" 2 "curl reused its connection"
# chunked upload and 100-continue (curl sends Expect for bodies over 1 MiB only; force it)
expect_eq "$(printf 'chunky' | curl -sS -H 'Transfer-Encoding: chunked' --data-binary @- "$base/echo")" "chunky" "chunked upload"
expect_eq "$(curl -sS -H 'Expect: 100-continue' --data-binary 'cont' "$base/echo")" "cont" "100-continue"
# limits and failing guests
head -c 2000 /dev/zero | tr '\0' 'x' >"$work/big"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' --data-binary @"$work/big" "$base/echo")" 413 "body over --max-body"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' 'y')" "$base/hello")" 431 "header too large"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$base/trap")" 500 "trap"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$base/loop")" 504 "loop"
expect_eq "$(curl -sS "$base/hello")" "hello from wasm" "GET /hello after failures"

# node's fetch, several requests in parallel
if command -v node >/dev/null && node -e 'process.exit(typeof fetch === "function" ? 0 : 1)'; then
  node - "$base" <<'JS'
const base = process.argv[2];
(async () => {
  const hello = await fetch(`${base}/hello`);
  if (hello.status !== 200 || (await hello.text()) !== 'hello from wasm\n') throw new Error('GET /hello');
  if (hello.headers.get('x-guest') !== 'native') throw new Error('x-guest header');
  const bodies = Array.from({ length: 50 }, (_, i) => `node request ${i}`);
  const answers = await Promise.all(bodies.map(b => fetch(`${base}/echo`, { method: 'POST', body: b }).then(r => r.text())));
  answers.forEach((a, i) => { if (a !== bodies[i]) throw new Error(`echo ${i}: ${a}`); });
  const trap = await fetch(`${base}/trap`);
  if (trap.status !== 500) throw new Error('trap status ' + trap.status);
  const health = await fetch(`${base}/-/health`);
  if ((await health.text()) !== 'ok\n') throw new Error('health');
})().catch(e => { console.error('node fetch:', e.message); process.exit(1); });
JS
else
  echo "node with fetch not found: skipping the node client checks"
fi
grep -q '"GET /hello HTTP/1.1" 200 16' "$work/server.log" || fail "no access log line for GET /hello"
grep -q 'GET /trap: trap: unreachable' "$work/server.log" || fail "no log line for the trap"
stop_server

# --- CGI ABI, access log in a file
start_server --access-log "$work/access.log" "$wasm_dir/cgi_hello.wasm"
expect_eq "$(curl -sS "http://127.0.0.1:$port/x")" "hello from a wasm command" "CGI GET"
stop_server
grep -q '"GET /x HTTP/1.1" 200 26' "$work/access.log" || fail "--access-log FILE has no line for GET /x"

if [[ -f $wasm_dir/cgi_guest.wasm ]]; then
  start_server --timeout 300ms "$wasm_dir/cgi_guest.wasm"
  base="http://127.0.0.1:$port"
  expect_eq "$(curl -sS --data-binary 'to stdin' "$base/echo")" "to stdin" "CGI echo"
  expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$base/status")" 404 "CGI Status header"
  expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$base/loop")" 504 "CGI loop"
  curl -sS -H 'X-Test-Header: from curl' "$base/env?a=b" | grep -q '^HTTP_X_TEST_HEADER=from curl$' || fail "CGI HTTP_ variable"
  stop_server
fi
echo "serve_test: all passed"
