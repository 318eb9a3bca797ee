#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks (or, with --fix, adds) the license line at the top of every C++, CMake, Python and shell
# source we own:
#     // SPDX-License-Identifier: Apache-2.0     C++ (*.cpp, *.hpp, *.h, *.cc)
#     # SPDX-License-Identifier: Apache-2.0      CMake, Python (*.py, *.pyi, pyproject.toml), shell
# as the first line, or the second after a `#!` line. Skips fixtures and generated or copied files
# (build*/, tests/style/bad_tree/, tests/package/fixtures/, tests/fuzz/corpus/ and regressions/).
#
#   scripts/spdx.sh [--fix] [ROOT]     exit 0: every file has its line; 1: files listed
#
# --fix is idempotent: it inserts the line where it is missing and changes nothing else. A file
# that has an SPDX line somewhere else, or another license's, is reported and left alone.
# ctest `spdx` runs the check; docs/licenses.md.
set -euo pipefail

fix=0
if [ "${1:-}" = "--fix" ]; then
  fix=1
  shift
fi
root="$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
cd "$root"

expected_tail="SPDX-License-Identifier: Apache-2.0"

list_files() {
  if [ "$(git rev-parse --show-toplevel 2>/dev/null || true)" = "$root" ]; then
    git ls-files -z --cached --others --exclude-standard
  else
    find . -type f -not -path './.git/*' -printf '%P\0'
  fi
}

# The comment leader for a file, or nothing when the file is not a source we own.
leader_of() {
  local f="$1"
  case "$f" in
    build*/* | .git/* | tests/style/bad_tree/* | tests/package/fixtures/* | tests/fuzz/corpus/* | \
      tests/fuzz/regressions/*) return ;;
  esac
  case "$f" in
    *.cpp | *.hpp | *.h | *.cc) echo "//" ;;
    *.cmake | *.cmake.in | */CMakeLists.txt | CMakeLists.txt | *.py | *.pyi | pyproject.toml | *.sh) echo "#" ;;
    *)
      # Scripts without an extension (.ci/run): by their #! line.
      if [[ "$f" != */*.* && "$(basename "$f")" != *.* ]] && head -c 2 "$f" 2>/dev/null | grep -q '^#!' &&
        head -n 1 "$f" | grep -Eq '(ba)?sh|python'; then
        echo "#"
      fi
      ;;
  esac
}

missing=0
fixed=0
checked=0
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue
  leader="$(leader_of "$f")"
  [ -n "$leader" ] || continue
  checked=$((checked + 1))
  want="$leader $expected_tail"
  first="$(head -n 1 "$f")"
  line=1
  if [[ "$first" == '#!'* ]]; then
    line=2
  fi
  if [ "$(sed -n "${line}p" "$f")" = "$want" ]; then
    continue
  fi
  if grep -q 'SPDX-License-Identifier' "$f"; then
    echo "$f: has an SPDX-License-Identifier line, but line $line is not \`$want\`: fix it by hand"
    missing=$((missing + 1))
    continue
  fi
  if [ "$fix" -eq 1 ]; then
    tmp="$(mktemp)"
    if [ "$line" -eq 2 ]; then
      { head -n 1 "$f"; printf '%s\n' "$want"; tail -n +2 "$f"; } >"$tmp"
    else
      { printf '%s\n' "$want"; cat "$f"; } >"$tmp"
    fi
    cat "$tmp" >"$f" # keeps the file's mode (scripts stay executable)
    rm -f "$tmp"
    fixed=$((fixed + 1))
  else
    echo "$f:$line: missing \`$want\`"
    missing=$((missing + 1))
  fi
done < <(list_files)

echo "spdx: $checked files checked, $fixed fixed, $missing without the license line"
[ "$missing" -eq 0 ]
