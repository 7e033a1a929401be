#!/usr/bin/env bash
# Installs what tern needs (Debian packages, only the missing ones), then configures and
# builds it in build/. Safe to run again: nothing is installed twice and an existing build
# directory is reused.
#
#   scripts/setup.sh            # from anywhere; works in the repository the script is in
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# asmjit is not among them: meson builds it from Debian's source tarball (subprojects/asmjit.wrap,
# fetched from deb.debian.org on the first setup) through cmake.
packages=(
  meson ninja-build pkg-config cmake
  libboost-dev libjemalloc-dev doctest-dev nlohmann-json3-dev
  wabt binaryen
  clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 libclang-rt-19-dev-wasm32
)

missing=()
for p in "${packages[@]}"; do
  # dpkg -s also succeeds for a removed package whose configuration is left: check its Status.
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi

if [[ -f build/build.ninja ]]; then
  meson setup --reconfigure build
else
  meson setup build
fi
ninja -C build
