#!/bin/sh
# Builds tern and runs the spec suite over the given .wast files or folders (relative to the
# suite root or the current directory); default: core/ and proposals/threads/.
# Options for spec-runner (--quiet, --verbose, --filter X, --list-failures) pass through.
# BUILD_DIR selects the build folder (default: build at the top of the source tree).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
[ -d "$build" ] || meson setup "$build" "$root"
ninja -C "$build"
# Default paths when no argument is a path (option values are not paths).
have_path=no
skip_next=no
for a in "$@"; do
  if [ $skip_next = yes ]; then skip_next=no; continue; fi
  case $a in
    --filter|--work-dir|--known-failures) skip_next=yes ;;
    -*) ;;
    *) have_path=yes ;;
  esac
done
if [ $have_path = no ]; then
  set -- "$@" core proposals/threads
fi
exec "$build/tests/spec/spec-runner" --work-dir "$build/tests/spec/spec-work" "$@"
