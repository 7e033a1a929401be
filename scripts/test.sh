#!/usr/bin/env bash
# The test command: builds everything (scripts/setup.sh), runs every meson test (unit tests,
# the spec runner 'spec', the CLI tests) and ends with one line:
#   tests: N passed, N failed
# A build failure counts as one failed test. Exits non-zero if anything failed.
# Extra arguments go to `meson test` (e.g. a test name, or --suite cli).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! scripts/setup.sh; then
  echo "test.sh: setup or build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

log=build/meson-logs/testlog.json
rm -f "$log"
meson test -C build --print-errorlogs "$@"
status=$?

if [[ ! -f $log ]]; then
  echo "test.sh: meson test wrote no $log (exit status $status)" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

# testlog.json holds one JSON object per test; "result" is OK, EXPECTEDFAIL, SKIP, FAIL,
# UNEXPECTEDPASS, TIMEOUT or ERROR.
read -r passed failed skipped < <(python3 - "$log" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(passed, failed, skipped)
PY
) || { passed=0 failed=1 skipped=0; echo "test.sh: could not read $log" >&2; }

[[ $skipped -gt 0 ]] && echo "test.sh: $skipped test(s) skipped"
echo "tests: $passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
