#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run before tagging a release (docs/versioning.md, "Releasing"). Fails unless:
#   - the version in include/aftersale/version.hpp (the one source) is what CMake, the CLI,
#     aftersale.pc, the Debian packages, the wheel and Python's __version__ say;
#   - CHANGELOG.md has an entry `## [X.Y.Z] - YYYY-MM-DD` for it;
#   - the docs quote no other version of aftersale (README, CONTRIBUTING, docs/);
#   - the packages build and their tests pass: ctest -L 'package|consumer' and the license,
#     SPDX, layer and format checks, in build/release-check (the packages in build/package).
#
#   scripts/release-check.sh [--skip-packages]     (--skip-packages: only the fast checks)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
skip_packages=0
[ "${1:-}" = "--skip-packages" ] && skip_packages=1
failures=0
fail() {
  echo "release-check: error: $*" >&2
  failures=$((failures + 1))
}

# The numbers as CMake reads them (cmake/AftersaleVersion.cmake).
numbers="$(mktemp)"
trap 'rm -f "$numbers"' EXIT
printf 'include("%s/cmake/AftersaleVersion.cmake")\nmessage(NOTICE "${AFTERSALE_VERSION} %s")\n' "$root" \
  '${AFTERSALE_POLICY_FORMAT_VERSION} ${AFTERSALE_SNAPSHOT_FORMAT_VERSION}' >"$numbers"
read -r version policy_format snapshot_format <<<"$(cmake -P "$numbers" 2>&1)"
echo "release-check: version $version (policy format $policy_format, snapshot format aftersale-case/$snapshot_format)"

# The changelog.
if ! grep -Eq "^## \[${version//./\\.}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$" CHANGELOG.md; then
  fail "CHANGELOG.md has no entry \`## [$version] - YYYY-MM-DD\`"
fi

# Versions of aftersale quoted in the docs: each must be this one (or its MAJOR.MINOR).
while IFS= read -r hit; do
  quoted="$(sed -E 's/.*@@//' <<<"$hit")"
  where="$(sed -E 's/@@.*//' <<<"$hit")"
  if [ "$quoted" != "$version" ] && [ "$quoted" != "${version%.*}" ]; then
    fail "$where quotes aftersale $quoted, not $version"
  fi
done < <(/usr/bin/python3 - "$root" <<'PY'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
patterns = [r"\baftersale (\d+\.\d+\.\d+)\b", r"find_package\(aftersale (\d+(?:\.\d+)+)",
            r"\b(?:lib)?aftersale(?:-dev)?[_-](\d+\.\d+\.\d+)", r"--atleast-version=(\d+(?:\.\d+)+) aftersale",
            r"aftersale==(\d+(?:\.\d+)+)", r"\bv(\d+\.\d+\.\d+)\b"]
files = [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").glob("*.md"))]
for f in files:
    if not f.exists():
        continue
    for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
        for p in patterns:
            for m in re.finditer(p, line):
                print(f"{f.relative_to(root)}:{n}@@{m.group(1)}")
PY
)

if [ "$skip_packages" -eq 0 ]; then
  # The packages (scripts/package.sh through ctest package.build) and every consumer test.
  source scripts/deps.sh
  aftersale_ensure_deps
  cmake -S . -B build/release-check -DCMAKE_BUILD_TYPE=Release -DAFTERSALE_BUILD_TESTS=ON \
    -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=OFF -DAFTERSALE_BUILD_PYTHON=OFF >/dev/null
  cmake_version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release-check/CMakeCache.txt)"
  [ "$cmake_version" = "$version" ] || fail "CMake's project version is $cmake_version"
  if ! ctest --test-dir build/release-check --output-on-failure \
    -R '^(licenses|spdx|layers|format|package\.|consumer\.)'; then
    fail "the package, consumer or license tests failed (above)"
  fi
  # What the packages were built from says the same (the package tests check the .deb and wheel
  # versions, __version__ and the first line of --version).
  cli="build/package/deb/src/cli/aftersale"
  expected="$(printf 'aftersale %s\npolicy format %s\nsnapshot format aftersale-case/%s' "$version" "$policy_format" "$snapshot_format")"
  if [ -x "$cli" ]; then
    [ "$("$cli" --version | head -n 3)" = "$expected" ] || fail "$cli --version says: $("$cli" --version)"
  else
    fail "$cli was not built"
  fi
  pc_version="$(sed -n 's/^Version: //p' build/package/deb/aftersale.pc 2>/dev/null || true)"
  [ "$pc_version" = "$version" ] || fail "aftersale.pc says Version: $pc_version"
  ls -l build/release-check/tests/package/dist/ 2>/dev/null || true
fi

if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "release-check: note: the work tree has uncommitted changes; tag a clean commit"
fi
if [ "$failures" -ne 0 ]; then
  echo "release-check: $failures problems; not ready to tag v$version"
  exit 1
fi
echo "release-check: ready to tag v$version"
