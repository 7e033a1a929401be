# Shared by the CLI test scripts (sourced): a temporary directory $tmp removed on exit, a
# failure counter, and expect/contains checks that report with fail().
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND with stdout/stderr in $tmp/out, $tmp/err.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, expected $want ($*)"
    sed 's/^/  stdout: /' "$tmp/out" >&2
    sed 's/^/  stderr: /' "$tmp/err" >&2
  fi
}

# contains FILE TEXT DESCRIPTION
contains() { grep -qF -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1"): $(head -c 400 "$1")"; }; }
