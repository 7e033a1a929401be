#!/usr/bin/env bash
# The CLI's code cache: `tern compile` fills it, `tern run --cache DIR` uses it, a damaged or
# truncated entry costs one warning and is rewritten, eight concurrent `tern compile`
# processes leave one entry, --no-cache writes nothing, and the default directory follows
# $XDG_CACHE_HOME, else $HOME/.cache. Nothing here touches the real home directory.
# usage: cache_cli_test.sh TERN PYTHON3 SAMPLE.wasm
set -u
TERN=$1 PYTHON=$2 WASM=$3
WORK=$(mktemp -d /tmp/tern-cache-cli-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK/home XDG_CACHE_HOME=$WORK/xdg
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
entries() { find "$1" -name '*.tcode' 2>/dev/null | wc -l; }
temps() { find "$1" -name '*.tmp' 2>/dev/null | wc -l; }

# run_fib DIR: `tern run --invoke fib` through the cache in DIR; sets OUT and ERR.
run_fib() {
  OUT=$("$TERN" run --cache "$1" --invoke fib "$WASM" 20 2>"$WORK/stderr")
  ERR=$(cat "$WORK/stderr")
}

# ---- compile fills the cache; compile again is a hit; run uses it ----
C=$WORK/c1
out=$("$TERN" compile --cache "$C" "$WASM") || fail "tern compile failed"
[[ $out == *"compiled, cached in $C/"*".tcode" ]] || fail "first compile: $out"
expect_eq "$(entries "$C")" 1 "entries after compile"
out=$("$TERN" compile --cache "$C" "$WASM")
[[ $out == *"already cached"* ]] || fail "second compile should hit: $out"
FILE=$(find "$C" -name '*.tcode')
run_fib "$C"
expect_eq "$OUT" 6765 "fib through a warm cache"
expect_eq "$ERR" "" "stderr of a warm run"

# ---- a corrupt byte: one warning, the right answer, the entry rewritten ----
cp "$FILE" "$WORK/good"
size=$(stat -c %s "$FILE")
printf '\xff' | dd of="$FILE" bs=1 seek=$((size / 2)) conv=notrunc status=none
run_fib "$C"
expect_eq "$OUT" 6765 "fib after corruption"
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'warning: code cache')" 1 "warnings after corruption"
[[ $ERR == *"checksum mismatch"* ]] || fail "corruption warning: $ERR"
cmp -s "$FILE" "$WORK/good" || fail "the corrupt entry was not rewritten"

# ---- truncated ----
truncate -s 100 "$FILE"
run_fib "$C"
expect_eq "$OUT" 6765 "fib after truncation"
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'warning: code cache')" 1 "warnings after truncation"
cmp -s "$FILE" "$WORK/good" || fail "the truncated entry was not rewritten"

# ---- another tern version (checksum made valid again) ----
"$PYTHON" - "$FILE" <<'PY'
import hashlib, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
data[48:64] = b'9.9.9'.ljust(16, b'\0')
data[-32:] = hashlib.sha256(data[:-32]).digest()
open(path, 'wb').write(data)
PY
run_fib "$C"
expect_eq "$OUT" 6765 "fib after a version change"
[[ $ERR == *"written by tern 9.9.9"* ]] || fail "version warning: $ERR"
cmp -s "$FILE" "$WORK/good" || fail "the foreign-version entry was not rewritten"

# ---- eight concurrent writers ----
P=$WORK/parallel
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$TERN" compile --cache "$P" "$WASM" >"$WORK/par$i.out" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent tern compile failed"; done
expect_eq "$(entries "$P")" 1 "entries after 8 writers"
expect_eq "$(temps "$P")" 0 "temporary files after 8 writers"
cmp -s "$(find "$P" -name '*.tcode')" "$WORK/good" || fail "the concurrently written entry differs"
cat "$WORK"/par*.out | grep -q warning && fail "warnings from concurrent writers: $(cat "$WORK"/par*.out)"
run_fib "$P"
expect_eq "$OUT" 6765 "fib after 8 writers"
expect_eq "$ERR" "" "stderr after 8 writers"

# ---- defaults: $XDG_CACHE_HOME/tern, else $HOME/.cache/tern; --no-cache writes nothing ----
out=$("$TERN" run --no-cache --invoke fib "$WASM" 10)
expect_eq "$out" 55 "fib with --no-cache"
[ -e "$XDG_CACHE_HOME" ] && fail "--no-cache created $XDG_CACHE_HOME"
[ -e "$HOME" ] && fail "--no-cache created $HOME"
out=$("$TERN" run --invoke fib "$WASM" 10)
expect_eq "$out" 55 "fib with the default cache"
expect_eq "$(entries "$XDG_CACHE_HOME/tern")" 1 "entries in \$XDG_CACHE_HOME/tern"
out=$(env -u XDG_CACHE_HOME "$TERN" run --invoke fib "$WASM" 10)
expect_eq "$out" 55 "fib with the HOME cache"
expect_eq "$(entries "$HOME/.cache/tern")" 1 "entries in \$HOME/.cache/tern"

# ---- usage ----
"$TERN" compile >/dev/null 2>&1
expect_eq "$?" 2 "tern compile without a file"
"$TERN" compile --cache "$WORK/x" "$WORK/missing.wasm" >/dev/null 2>&1
expect_eq "$?" 1 "tern compile of a missing file"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "cache CLI: all checks passed"
