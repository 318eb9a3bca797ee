#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when clang-format-14 (.clang-format at the top) would change any tracked C++ file.
#   scripts/check_format.sh          # check (ctest `format`)
#   scripts/check_format.sh --fix    # rewrite the files in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tool="${CLANG_FORMAT:-clang-format-14}"
command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install clang-format-14)" >&2; exit 2; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp')
else
  mapfile -t files < <(find src include bindings tests bench examples -name '*.cpp' -o -name '*.hpp' | sort)
fi
if [ "${1:-}" = "--fix" ]; then
  "$tool" -i "${files[@]}"
  exit 0
fi
if ! "$tool" --dry-run --Werror "${files[@]}" 2>/tmp/check_format.$$; then
  grep -E '^[^ ].*: (warning|error):' /tmp/check_format.$$ | cut -d: -f1,2 | sort -u | head -50
  echo "clang-format would change the files above: run scripts/check_format.sh --fix"
  rm -f /tmp/check_format.$$
  exit 1
fi
rm -f /tmp/check_format.$$
echo "${#files[@]} files formatted as .clang-format says"
