#!/usr/bin/env bash
# WASI and `tern run` tests, one group per meson test:
#   wasi_test.sh GROUP TERN PYTHON SAMPLES_DIR TESTS_DIR
# SAMPLES_DIR holds the samples (hello.wasm, wc.wasm, json.wasm, tour.wasm); TESTS_DIR the
# programs built from tests/wasi (escape.wasm, sleep.wasm and the *.wat modules).
set -u

group=$1 tern=$2 python=$3 samples=$4 tests=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND with stdout/stderr in $tmp/out, $tmp/err.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err" <"${stdin:-/dev/null}"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, expected $want ($*)"
    sed 's/^/  stdout: /' "$tmp/out" | head -40 >&2
    sed 's/^/  stderr: /' "$tmp/err" | head -40 >&2
  fi
}

# contains FILE TEXT DESCRIPTION
contains() { grep -qF -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1"): $(head -c 600 "$1")"; }; }
# same FILE EXPECTED-TEXT DESCRIPTION
same() { diff -u <(printf '%s\n' "$2") "$1" >"$tmp/diff" || { fail "$3:"; cat "$tmp/diff" >&2; }; }

case $group in
hello)
  expect 0 "hello" -- "$tern" run --env GREETING=hi "$samples/hello.wasm" one "two words" --not-an-option
  same "$tmp/out" "hello from wasm32-wasi
argc = 4
argv[0] = $samples/hello.wasm
argv[1] = one
argv[2] = two words
argv[3] = --not-an-option
HOME = (unset)
USER = (unset)
GREETING = hi" "hello output"
  HOME=/home/x USER=u expect 0 "--inherit-env" -- env HOME=/home/x USER=u "$tern" run --inherit-env "$samples/hello.wasm"
  contains "$tmp/out" "HOME = /home/x" "--inherit-env passes HOME"
  contains "$tmp/out" "USER = u" "--inherit-env passes USER"
  ;;
wc)
  mkdir -p "$tmp/data"
  printf 'one two three\nfour five\n\nsix\n' >"$tmp/data/a.txt"
  printf 'no newline at end' >"$tmp/data/b.txt"
  expect 0 "wc two files" -- "$tern" run --dir "$tmp/data::/data" "$samples/wc.wasm" /data/a.txt /data/b.txt
  same "$tmp/out" "      4       6      29 /data/a.txt
      0       4      17 /data/b.txt
      4      10      46 total" "wc output"
  expect 1 "wc missing file" -- "$tern" run --dir "$tmp/data::/data" "$samples/wc.wasm" /data/missing.txt
  contains "$tmp/err" "wc: /data/missing.txt: No such file or directory" "wc missing file message"
  expect 1 "wc without a preopen" -- "$tern" run "$samples/wc.wasm" /data/a.txt
  stdin="$tmp/data/a.txt" expect 0 "wc stdin" -- "$tern" run "$samples/wc.wasm"
  same "$tmp/out" "      4       6      29" "wc stdin output"
  ;;
json)
  printf '{"name": "tern", "tags": ["wasm", "jit"], "n": 21, "pi": 1.5, "nested": {"ok": true, "none": null}}' >"$tmp/in.json"
  stdin="$tmp/in.json" expect 0 "json" -- "$tern" run "$samples/json.wasm"
  "$python" - "$tmp/out" <<'PY' || fail "json output"
import json, sys
j = json.load(open(sys.argv[1]))
want = {
  "depth": 3,
  "counts": {"object": 2, "string": 3, "array": 1, "number": 2, "boolean": 1, "null": 1},
  "sum": 22.5,
  "keys": ["n", "name", "nested", "pi", "tags"],
  "transformed": {"name": "TERN", "tags": ["WASM", "JIT"], "n": 42, "pi": 3.0,
                  "nested": {"ok": True, "none": None}},
}
if j != want:
    print("got ", json.dumps(j, sort_keys=True), file=sys.stderr)
    print("want", json.dumps(want, sort_keys=True), file=sys.stderr)
    sys.exit(1)
PY
  printf '{"broken": ' >"$tmp/bad.json"
  stdin="$tmp/bad.json" expect 1 "json with invalid input" -- "$tern" run "$samples/json.wasm"
  contains "$tmp/err" "not valid JSON" "json invalid input message"
  ;;
tour)
  mkdir -p "$tmp/scratch"
  expect 0 "tour" -- "$tern" run --dir "$tmp/scratch::/scratch" "$samples/tour.wasm" /scratch
  contains "$tmp/out" "listing: file0 file1 file2" "tour lists the directory"
  contains "$tmp/out" "all checks passed" "tour checks"
  grep -q '^FAIL' "$tmp/out" && fail "tour: $(grep -A1 '^FAIL' "$tmp/out")"
  [[ -z $(ls -A "$tmp/scratch") ]] || fail "tour leaves the directory empty: $(ls -A "$tmp/scratch")"
  ;;
sandbox)
  mkdir -p "$tmp/sb/box/sub"
  echo outside >"$tmp/sb/outside.txt"
  echo inside >"$tmp/sb/box/inside.txt"
  ln -s .. "$tmp/sb/box/link_up"
  ln -s / "$tmp/sb/box/link_abs"
  ln -s ../outside.txt "$tmp/sb/box/link_file_out"
  ln -s inside.txt "$tmp/sb/box/link_in"
  ln -s ../inside.txt "$tmp/sb/box/sub/link_sibling"
  (cd "$tmp/sb" && find . | sort >"$tmp/before")
  expect 0 "escape attempts" -- "$tern" run --dir "$tmp/sb/box::/box" "$tests/escape.wasm"
  contains "$tmp/out" "all checks passed" "escape attempts all fail"
  grep '^FAIL' "$tmp/out" >&2
  (cd "$tmp/sb" && find . | sort >"$tmp/after")
  diff -u "$tmp/before" "$tmp/after" >&2 || fail "the sandbox run changed the directory tree"
  [[ $(cat "$tmp/sb/outside.txt") == outside ]] || fail "outside.txt was modified"
  # wasi-libc's own path handling on top: nothing outside the preopen opens.
  expect 1 "wc of ../outside.txt" -- "$tern" run --dir "$tmp/sb/box::/box" "$samples/wc.wasm" /box/../outside.txt
  expect 1 "wc through link_up" -- "$tern" run --dir "$tmp/sb/box::/box" "$samples/wc.wasm" /box/link_up/outside.txt
  expect 0 "wc through link_in" -- "$tern" run --dir "$tmp/sb/box::/box" "$samples/wc.wasm" /box/link_in
  ;;
exit)
  expect 7 "proc_exit(7)" -- "$tern" run "$tests/exit.wasm"
  [[ ! -s "$tmp/err" ]] || fail "proc_exit prints nothing: $(cat "$tmp/err")"
  expect 0 "_start returns" -- "$tern" run "$samples/hello.wasm"
  ;;
trap)
  expect 134 "trap" -- "$tern" run "$tests/trap.wasm"
  contains "$tmp/err" "$tests/trap.wasm: trap: unreachable" "trap message"
  grep -A1 '"inner"' "$tmp/err" | grep -q '"outer"' || fail "trap backtrace names inner, then outer: $(cat "$tmp/err")"
  ;;
invoke)
  expect 0 "invoke add" -- "$tern" run --invoke add "$tests/reactor.wasm" 1 2
  same "$tmp/out" "initialized
43" "reactor gets _initialize, then add"
  expect 0 "invoke neg64" -- "$tern" run --invoke neg64 "$tests/reactor.wasm" 0x7fffffffffffffff
  same "$tmp/out" "initialized
-9223372036854775807" "i64 result"
  expect 0 "invoke half" -- "$tern" run --invoke half "$tests/reactor.wasm" 5
  contains "$tmp/out" "2.5" "f64 result"
  expect 0 "invoke pair" -- "$tern" run --invoke pair "$tests/reactor.wasm" -1.25
  same "$tmp/out" "initialized
-1.25
-1" "two results"
  expect 2 "wrong argument count" -- "$tern" run --invoke add "$tests/reactor.wasm" 1
  contains "$tmp/err" "'add' takes 2 argument(s)" "argument count message"
  expect 2 "bad argument" -- "$tern" run --invoke add "$tests/reactor.wasm" 1 zz
  contains "$tmp/err" "invalid i32 'zz'" "bad argument message"
  expect 2 "no such export" -- "$tern" run --invoke nope "$tests/reactor.wasm"
  expect 0 "reactor without --invoke" -- "$tern" run "$tests/reactor.wasm"
  ;;
link)
  expect 1 "unknown import" -- "$tern" run "$tests/unknown_import.wasm"
  contains "$tmp/err" "import #1 env.host_magic: unknown import" "unknown import names it"
  expect 1 "wrong signature" -- "$tern" run "$tests/bad_signature.wasm"
  contains "$tmp/err" "import #0 wasi_snapshot_preview1.fd_write: the module imports it as (i32, i32) -> (i32)" "signature mismatch"
  ;;
timeout)
  start=$(date +%s%N)
  expect 124 "busy loop" -- "$tern" run --timeout 200ms "$tests/loop.wasm"
  contains "$tmp/err" "timeout" "timeout message"
  stdin=/dev/null expect 124 "sleeping guest" -- "$tern" run --timeout 300ms "$tests/sleep.wasm" 30
  elapsed=$((($(date +%s%N) - start) / 1000000))
  [[ $elapsed -lt 5000 ]] || fail "timeouts took ${elapsed}ms"
  expect 0 "short sleep" -- "$tern" run --timeout 10s "$tests/sleep.wasm" 0
  contains "$tmp/out" "awake" "short sleep"
  ;;
memory)
  expect 0 "grow without a limit" -- "$tern" run "$tests/grow.wasm"
  expect 3 "grow past --max-memory" -- "$tern" run --max-memory 1MiB "$tests/grow.wasm"
  expect 1 "--max-memory below the minimum" -- "$tern" run --max-memory 1KiB "$tests/grow.wasm"
  ;;
usage)
  expect 0 "run --help" -- "$tern" run --help
  contains "$tmp/out" "usage: tern run" "run --help"
  expect 2 "no file" -- "$tern" run
  expect 2 "bad --env" -- "$tern" run --env NOVALUE "$samples/hello.wasm"
  expect 2 "bad --timeout" -- "$tern" run --timeout soon "$samples/hello.wasm"
  expect 2 "bad --max-memory" -- "$tern" run --max-memory 12XB "$samples/hello.wasm"
  expect 1 "missing --dir" -- "$tern" run --dir "$tmp/none" "$samples/hello.wasm"
  contains "$tmp/err" "cannot open directory" "missing --dir message"
  expect 1 "missing file" -- "$tern" run "$tmp/none.wasm"
  ;;
*)
  echo "unknown group '$group'" >&2
  exit 2
  ;;
esac

if [[ $failures -ne 0 ]]; then
  echo "$group: $failures check(s) failed" >&2
  exit 1
fi
echo "$group: all checks passed"
