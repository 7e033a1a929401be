#!/usr/bin/env bash
# CLI tests for `tern`, one group per meson test:
#   cli_test.sh GROUP TERN PYTHON VALID.wasm INVALID.wasm INVOKE.wasm
# GROUP is one of: version, usage, validate, inspect, invoke. VALID.wasm is tests/cli/shared.wat
# built with wat2wasm; INVALID.wasm is tests/cli/invalid.wat built with --no-check; INVOKE.wasm
# is tests/cli/invoke.wat built with --debug-names.
set -u

group=$1 tern=$2 python=$3 valid=$4 invalid=$5 invoke=${6:-}
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

case $group in
version)
  expect 0 "--version" -- "$tern" --version
  grep -qE '^tern [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out" || fail "--version prints 'tern X.Y.Z', got: $(cat "$tmp/out")"
  ;;
usage)
  expect 0 "--help" -- "$tern" --help
  contains "$tmp/out" "validate" "--help lists validate"
  contains "$tmp/out" "inspect" "--help lists inspect"
  contains "$tmp/out" "invoke" "--help lists invoke"
  for cmd in validate inspect invoke help; do
    expect 0 "help $cmd" -- "$tern" help "$cmd"
    contains "$tmp/out" "usage: tern $cmd" "help $cmd"
    expect 0 "$cmd --help" -- "$tern" "$cmd" --help
    contains "$tmp/out" "usage: tern $cmd" "$cmd --help"
  done
  expect 2 "no command" -- "$tern"
  expect 2 "unknown command" -- "$tern" frobnicate
  contains "$tmp/err" "unknown command 'frobnicate'" "unknown command message"
  expect 2 "unknown global option" -- "$tern" --frobnicate
  expect 2 "help for an unknown command" -- "$tern" help frobnicate
  expect 2 "unknown option" -- "$tern" validate --frobnicate "$valid"
  contains "$tmp/err" "unknown option '--frobnicate'" "unknown option message"
  expect 2 "validate without a file" -- "$tern" validate
  expect 2 "inspect without a file" -- "$tern" inspect
  expect 2 "inspect with two files" -- "$tern" inspect "$valid" "$valid"
  expect 2 "unknown feature" -- "$tern" validate --enable frobnicate "$valid"
  ;;
validate)
  expect 0 "valid module" -- "$tern" validate "$valid"
  [[ $(cat "$tmp/out") == "$valid: valid" ]] || fail "valid module prints 'FILE: valid', got: $(cat "$tmp/out")"

  head -c 20 "$valid" >"$tmp/truncated.wasm"
  expect 1 "truncated module" -- "$tern" validate "$tmp/truncated.wasm"
  grep -q "^$tmp/truncated.wasm: malformed: " "$tmp/err" || fail "truncated: expected 'FILE: malformed: ...', got: $(cat "$tmp/err")"
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "truncated: the error is one line, got: $(cat "$tmp/err")"

  printf '\0asm\1\0\0\0' >"$tmp/empty.wasm"
  expect 0 "empty module" -- "$tern" validate "$tmp/empty.wasm"
  : >"$tmp/zero.wasm"
  expect 1 "zero-byte file" -- "$tern" validate "$tmp/zero.wasm"
  contains "$tmp/err" "$tmp/zero.wasm: malformed: " "zero-byte file"

  expect 1 "invalid module" -- "$tern" validate "$invalid"
  contains "$tmp/err" "$invalid: invalid: " "invalid module"

  expect 1 "missing file" -- "$tern" validate "$tmp/no-such.wasm"
  contains "$tmp/err" "$tmp/no-such.wasm: i/o error: " "missing file"
  expect 1 "directory" -- "$tern" validate "$tmp"
  contains "$tmp/err" "$tmp: i/o error: " "directory"

  expect 1 "one bad file among good ones" -- "$tern" validate "$valid" "$tmp/truncated.wasm" "$valid"
  [[ $(grep -c ': valid$' "$tmp/out") -eq 2 ]] || fail "both good files are reported valid"
  expect 0 "--quiet" -- "$tern" validate -q "$valid"
  [[ ! -s "$tmp/out" ]] || fail "--quiet prints nothing for a valid module"

  "$tern" validate - <"$valid" >"$tmp/out" 2>&1 || fail "stdin: exit $?"
  contains "$tmp/out" "<stdin>: valid" "stdin"

  expect 1 "threads disabled" -- "$tern" validate --disable threads "$valid"
  contains "$tmp/err" "$valid: " "threads disabled names the file"
  ;;
inspect)
  expect 0 "inspect" -- "$tern" inspect "$valid"
  contains "$tmp/out" "memories (1)" "inspect lists the memory"
  grep -qE '^  0 +1 +2 +yes +defined$' "$tmp/out" || fail "memory row 'index 0 min 1 max 2 shared yes defined' missing: $(cat "$tmp/out")"
  contains "$tmp/out" "env     f" "inspect lists the import"
  contains "$tmp/out" "call_f" "inspect lists the function export"

  expect 0 "inspect --json" -- "$tern" inspect --json "$valid"
  "$python" - "$tmp/out" <<'PY' || fail "inspect --json content"
import json, sys
j = json.load(open(sys.argv[1]))
def check(cond, what):
    if not cond:
        print("json check failed:", what, file=sys.stderr)
        print(json.dumps(j, indent=1), file=sys.stderr)
        sys.exit(1)
check(j["valid"] is True, "valid")
mem = j["memories"]
check(len(mem) == 1, "one memory")
check(mem[0]["shared"] is True, "memory is shared")
check(mem[0]["min"] == 1 and mem[0]["max"] == 2, "memory limits 1..2")
check(mem[0]["imported"] is False, "memory is defined")
check(j["functions"] == {"total": 2, "imported": 1, "defined": 1}, "function counts")
check([(i["module"], i["name"], i["kind"]) for i in j["imports"]] == [("env", "f", "func")], "imports")
check(sorted(e["name"] for e in j["exports"]) == ["call_f", "g", "mem", "tab"], "exports")
check(j["globals"][0]["mutable"] is True and j["globals"][0]["init"] == "i32.const 7", "global")
check(j["tables"][0]["type"] == "funcref" and j["tables"][0]["max"] is None, "table")
check(j["start"] is None, "no start")
check(len(j["types"]) >= 1, "types")
PY

  head -c 20 "$valid" >"$tmp/truncated.wasm"
  expect 1 "inspect --json on a truncated module" -- "$tern" inspect --json "$tmp/truncated.wasm"
  "$python" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j["valid"] is False and j["error"]["kind"] == "malformed" else 1)' \
    "$tmp/out" || fail "inspect --json error object: $(cat "$tmp/out")"
  contains "$tmp/err" "$tmp/truncated.wasm: malformed: " "inspect error line"
  ;;
invoke)
  # same TEXT DESCRIPTION: stdout is exactly TEXT (lines separated by \n).
  same() { [[ "$(cat "$tmp/out")" == "$1" ]] || fail "$2: stdout '$(cat "$tmp/out")', expected '$1'"; }
  expect 0 "invoke add" -- "$tern" invoke "$invoke" add 2 3
  same "5" "add 2 3"
  expect 0 "invoke add, hex and negative" -- "$tern" invoke "$invoke" add 0x10 -20
  same "-4" "add 0x10 -20"
  expect 0 "invoke add wraps" -- "$tern" invoke "$invoke" add 4294967295 2
  same "1" "add 4294967295 2"
  expect 0 "invoke add64" -- "$tern" invoke "$invoke" add64 9223372036854775807 -9223372036854775807
  same "0" "add64"
  expect 0 "invoke fdiv" -- "$tern" invoke "$invoke" fdiv 1 3
  same "0.3333333333333333" "fdiv 1 3 round-trips"
  expect 0 "invoke fdiv by zero" -- "$tern" invoke "$invoke" fdiv -1 0
  same "-inf" "fdiv -1 0"
  expect 0 "invoke fhalf" -- "$tern" invoke "$invoke" fhalf 0.1
  same "0.05" "fhalf 0.1 (f32, shortest form)"
  expect 0 "invoke pair" -- "$tern" invoke "$invoke" pair -7
  same $'-7\n-7' "two results, one per line"
  expect 0 "invoke nothing" -- "$tern" invoke "$invoke" nothing
  same "" "no results"
  expect 0 "invoke with options first" -- "$tern" invoke --enable tail-call "$invoke" add 1 1
  same "2" "options before FILE"

  expect 1 "invoke a trap" -- "$tern" invoke "$invoke" top 0
  contains "$tmp/err" "trap: integer divide by zero" "trap message"
  contains "$tmp/err" '#0 wasm function 6 "leaf" (+0x' "frame 0"
  contains "$tmp/err" '#1 wasm function 7 "mid" (+0x' "frame 1"
  contains "$tmp/err" '#2 wasm function 8 "top" (+0x' "frame 2"
  [[ $(grep -c '^#' "$tmp/err") -eq 3 ]] || fail "three frames: $(cat "$tmp/err")"
  [[ ! -s "$tmp/out" ]] || fail "nothing on stdout after a trap"
  expect 0 "invoke top 1" -- "$tern" invoke "$invoke" top 1
  same "2" "top 1"

  expect 1 "invoke a module with imports" -- "$tern" invoke "$valid" call_f 1
  contains "$tmp/err" "import #0 env.f" "import named"
  expect 1 "invoke a missing export" -- "$tern" invoke "$invoke" nope
  contains "$tmp/err" 'no exported function "nope"' "missing export"
  expect 1 "invoke an invalid module" -- "$tern" invoke "$invalid" f
  expect 1 "invoke a missing file" -- "$tern" invoke "$tmp/missing.wasm" f
  expect 2 "invoke too few arguments" -- "$tern" invoke "$invoke" add 1
  contains "$tmp/err" "add takes 2 argument(s)" "arity message"
  expect 2 "invoke a bad integer" -- "$tern" invoke "$invoke" add 1 x
  contains "$tmp/err" "argument 2: invalid i32 'x'" "bad integer message"
  expect 2 "invoke an out-of-range integer" -- "$tern" invoke "$invoke" add 1 4294967296
  expect 2 "invoke a bad float" -- "$tern" invoke "$invoke" fdiv 1 1.5x
  expect 2 "invoke without a function" -- "$tern" invoke "$invoke"
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
