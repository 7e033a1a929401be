#!/usr/bin/env bash
# Runs the C++ embedding sample (samples/embed-cpp) on its guest and checks what it printed:
# host functions, WASI output, a buffer passed through guest memory, and a handled trap.
#   embed_cpp_test.sh EMBED-CPP GUEST.wasm
set -uo pipefail
host=$1
guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$host" "$guest" >"$tmp/out" 2>"$tmp/err"
status=$?
[[ $status -eq 0 ]] || fail "exit status $status, stderr: $(cat "$tmp/err")"

cat >"$tmp/want" <<'WANT'
add_scaled(4, 2) = 14
hello from the guest, through WASI
guest says: counted 9 words in 43 bytes
count_words = 9
shout: THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG
divide(7, 0) trapped: integer divide by zero
  innermost frame: FRAME
divide(7, 2) = 3
WANT
# The backtrace line carries a code offset that changes with the compiler: check its shape.
frame=$(sed -n 7p "$tmp/out")
[[ $frame =~ ^\ \ innermost\ frame:\ #0\ .*divide ]] || fail "backtrace line: '$frame'"
sed '7s/.*/  innermost frame: FRAME/' "$tmp/out" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got" || fail "output differs"

# Errors are reported, not thrown: a missing guest file.
"$host" "$tmp/missing.wasm" >"$tmp/out" 2>"$tmp/err"
status=$?
[[ $status -eq 1 ]] || fail "missing file: exit status $status"
grep -qx "embed-cpp: i/o error: cannot open $tmp/missing.wasm" "$tmp/err" || fail "missing file: stderr '$(cat "$tmp/err")'"
echo "embed-cpp: ok"
