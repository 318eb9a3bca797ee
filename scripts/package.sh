#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the release packages into OUT (default build/package/dist):
#   libaftersale-dev_<v>-1_<arch>.deb   headers, libaftersale.a, CMake and pkg-config files, policies
#   aftersale_<v>-1_<arch>.deb          the command-line tool
#   python3-aftersale_<v>-1_<arch>.deb  the Python module for /usr/bin/python3
#   aftersale-<v>-cp3X-cp3X-linux_<arch>.whl   the same module as a wheel (pip, offline)
# Release builds in BUILD (default build/package), reused between runs (ccache makes a fresh one
# cheap when the sources are unchanged). Needs the packages of scripts/deps.sh (dpkg-dev:
# dpkg-shlibdeps computes the binaries' Depends; python3-setuptools, -wheel, -pip: the wheel).
#
#   scripts/package.sh [--build-dir BUILD] [--out OUT] [--jobs N]
# Prints one line per package: its name, size and path. docs/versioning.md, "Packages".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
build="$root/build/package"
out=""
jobs="${AFTERSALE_JOBS:-2}"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    *) echo "usage: scripts/package.sh [--build-dir BUILD] [--out OUT] [--jobs N]" >&2; exit 2 ;;
  esac
done
out="$(mkdir -p "${out:-$build/dist}" && cd "${out:-$build/dist}" && pwd)"
# On a fresh machine (as root) this installs what is missing (scripts/deps.sh).
source scripts/deps.sh
aftersale_ensure_deps
python=/usr/bin/python3 # Debian's pybind11 belongs to it; so does python3-aftersale
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# The Debian packages: one Release build with the CLI and the bindings, installed under /usr.
cmake -S "$root" -B "$build/deb" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
  -DCMAKE_INSTALL_PREFIX=/usr -DAFTERSALE_INSTALL=ON -DAFTERSALE_BUILD_EXAMPLES=ON \
  -DAFTERSALE_BUILD_PYTHON=ON -DPython_EXECUTABLE="$python" -DAFTERSALE_PYTHON_INSTALL_DIR:STRING=lib/python3/dist-packages \
  -DAFTERSALE_BUILD_TESTS=OFF -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_DEVELOPER_MODE=OFF -DAFTERSALE_SANITIZERS= >/dev/null
cmake --build "$build/deb" -j "$jobs"
rm -rf "$build/deb/packages"
(cd "$build/deb" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
rm -f "$out"/*.deb "$out"/*.whl
cp "$build/deb/packages"/*.deb "$out/"

# The wheel, the way a user builds it (pyproject.toml, Debian's setuptools, no network); the
# CMake build lives in BUILD/wheel so that the next run reuses it.
AFTERSALE_BUILD_DIR="$build/wheel" AFTERSALE_JOBS="$jobs" \
  "$python" -m pip wheel --no-build-isolation --no-index --no-deps --quiet "$root" -w "$out"

for f in "$out"/*.deb "$out"/*.whl; do
  printf '%-40s %8s bytes  %s\n' "$(basename "$f" | cut -d_ -f1 | cut -d- -f1-2)" "$(stat -c %s "$f")" "$f"
done
