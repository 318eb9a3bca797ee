#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the random policies of the compiled-code differential (tests/codegen/diff.cmake):
OUT/gen_<seed>.yaml for COUNT seeds from FIRST, each tests/differential/generate.py's
PolicyGen(seed, extended=True) — several tables and hit policies, every condition kind, derived
facts, amounts, aggregates, calendars with holidays, make-up days and DST.

    diff_policies.py OUT FIRST COUNT
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))

import generate  # noqa: E402


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    out, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for seed in range(first, first + count):
        text = generate.to_yaml(generate.PolicyGen(seed, extended=True).doc)
        with open(os.path.join(out, f"gen_{seed}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
