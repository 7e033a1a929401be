#!/usr/bin/env bash
# Runs samples/embed-c against its guest and checks its output line by line.
#   embed_c_test.sh EMBED_C GUEST.wasm
# The expected values are worked out independently of the program: 6*7 + (6+7) = 55; FNV-1a
# of bytes (i*7+3) mod 256, i < 1000, is 0x0e5a3dd5 (python3 -c); (4*10)+1 = 41.
set -u
exe=$1
guest=$2
out=$("$exe" "$guest" 2>&1)
status=$?
fail=0

expect_line() {
  if ! grep -Fxq -- "$1" <<<"$out"; then
    echo "missing line: $1"
    fail=1
  fi
}
expect_match() {
  if ! grep -Eq -- "$1" <<<"$out"; then
    echo "no line matches: $1"
    fail=1
  fi
}

expect_line "import env.add: host function"
expect_line "import env.log: host function"
expect_line "import env.check: host function"
expect_line "mul_add(6, 7) = 55"
expect_line "host log: checksum of 1000 bytes"
expect_line "checksum: guest 0x0e5a3dd5, host 0x0e5a3dd5"
expect_line "shout: 19 characters: HELLO FROM THE HOST"
expect_line "guest says hello 1"
expect_line "guest says hello 2"
expect_line "crash: trap: integer divide by zero"
expect_line "crash: 3 wasm frames"
expect_match "^  #0 function [0-9]+ \(body at module offset 0x[0-9a-f]+\) in the guest instance$"
expect_line "validated(4) = 41"
expect_line "validated: trap: negative value rejected by the host"
expect_line "validated: 1 wasm frames"
expect_line "mul_add with one argument: trap: wasm_func_call: expected 2 arguments, got 1"
expect_line "log environment finalized after 1 messages"
expect_line "all checks passed"
if grep -q "FAILED" <<<"$out"; then
  echo "the sample reported a failed check"
  fail=1
fi
if [ "$status" -ne 0 ]; then
  echo "exit status $status"
  fail=1
fi
if [ "$fail" -ne 0 ]; then
  echo "---- output ----"
  echo "$out"
  exit 1
fi
echo "embed-c: all lines as expected"
