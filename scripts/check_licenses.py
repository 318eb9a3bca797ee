#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks docs/licenses.md and NOTICE against what the build really finds and links.

    scripts/check_licenses.py [--root ROOT] [--build BUILD_DIR]   # exit 0: they agree; 1: differences listed

- every `find_package(X)` in our CMake files names a package that a row of docs/licenses.md lists
  (in the first table, "In what we distribute", when the call is in a file that builds what we
  ship: CMakeLists.txt, src/, bindings/, cmake/);
- every row's package is found by some `find_package` — except a row marked `planned`, which must
  then be found by none (once it is, the mark goes);
- with --build: every target the library links (BUILD_DIR/aftersale-linked-targets.txt, written by
  CMake) is in a row of the first table, and cmake/aftersaleConfig.cmake.in finds its package;
- NOTICE names every row of the first table with its license.

Run by ctest as `licenses`.
"""
import argparse
import pathlib
import re
import sys

FIND = re.compile(r"^\s*find_(?:package|dependency)\(\s*([A-Za-z0-9_.+-]+)", re.M)
SHIPPED_TABLE = "## In what we distribute"
# Folders whose CMake files build what we distribute; tests/ and bench/ only build and measure.
SHIPPED_DIRS = ("src", "bindings", "cmake")
# Our own package, which the consumer tests find, and CMake's modules that find tools rather than
# code (what pkg-config then finds is a dependency like any other, with its own row).
NOT_DEPENDENCIES = {"aftersale", "PkgConfig"}


def cmake_files(root: pathlib.Path):
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0].startswith("build") or rel.parts[0].startswith("."):
            continue
        if rel.parts[:3] in (("tests", "style", "bad_tree"), ("tests", "package", "fixtures")):
            continue  # fixture trees of the checks
        if path.name == "CMakeLists.txt" or path.suffix == ".cmake" or path.name.endswith(".cmake.in"):
            yield rel, path.read_text(encoding="utf-8")


def strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def read_tables(doc: str):
    """Rows of the markdown tables: (shipped?, cells) for rows whose header has `CMake package`."""
    rows, shipped, header = [], False, None
    for line in doc.splitlines():
        if line.startswith("## "):
            shipped, header = line.strip() == SHIPPED_TABLE, None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(line.replace("|", "").strip()) <= {"-", ":"}:
            continue
        if "CMake package" in header:
            rows.append((shipped, dict(zip(header, cells))))
    return rows


def name_of(cell: str) -> str:
    m = re.match(r"\[([^\]]+)\]", cell)
    return m.group(1) if m else cell.split("(")[0].strip()


def code_names(cell: str) -> set:
    return set(re.findall(r"`([^`]+)`", cell))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=pathlib.Path(__file__).resolve().parent.parent, type=pathlib.Path)
    parser.add_argument("--build", type=pathlib.Path)
    args = parser.parse_args()
    root = args.root.resolve()
    problems = []

    rows = read_tables((root / "docs" / "licenses.md").read_text(encoding="utf-8"))
    by_package = {}
    for shipped, row in rows:
        for package in code_names(row["CMake package"]):
            by_package[package] = (shipped, row)

    found = {}  # package -> files that find it
    for rel, text in cmake_files(root):
        for m in FIND.finditer(strip_comments(text)):
            found.setdefault(m.group(1), set()).add(rel)
    for package, files in sorted(found.items()):
        if package in NOT_DEPENDENCIES:
            continue
        where = ", ".join(sorted(str(f) for f in files))
        if package not in by_package:
            problems.append(f"docs/licenses.md: no row for `{package}` (found by {where})")
            continue
        ships = any(f.parts[0] in SHIPPED_DIRS or f == pathlib.Path("CMakeLists.txt") for f in files)
        if ships and not by_package[package][0]:
            problems.append(f"docs/licenses.md: `{package}` builds what we distribute ({where}): "
                            f"its row belongs in \"{SHIPPED_TABLE[3:]}\"")
    for package, (shipped, row) in sorted(by_package.items()):
        planned = "planned" in row.get("how it reaches users", row.get("used for", ""))
        if package not in found and not planned:
            problems.append(f"docs/licenses.md: `{package}` is found by no find_package in our CMake files")
        if package in found and planned:
            problems.append(f"docs/licenses.md: `{package}` is marked planned but the build finds it: "
                            f"say how it reaches users now")

    if args.build:
        linked_file = args.build / "aftersale-linked-targets.txt"
        linked = [t for t in linked_file.read_text(encoding="utf-8").split() if t]
        config = strip_comments((root / "cmake" / "aftersaleConfig.cmake.in").read_text(encoding="utf-8"))
        config_finds = set(FIND.findall(config))
        for target in linked:
            owners = [(p, s) for p, (s, row) in by_package.items() if target in code_names(row.get("CMake targets", ""))]
            if not owners or not any(s for _, s in owners):
                problems.append(f"docs/licenses.md: the library links `{target}`, which no row of "
                                f"\"{SHIPPED_TABLE[3:]}\" lists under CMake targets")
                continue
            for package, _ in owners:
                if package not in config_finds:
                    problems.append(f"cmake/aftersaleConfig.cmake.in: the library links `{target}` but the "
                                    f"config does not find_dependency({package})")
        print(f"{len(linked)} linked targets: {' '.join(linked)}")

    notice = (root / "NOTICE").read_text(encoding="utf-8")
    for shipped, row in rows:
        if not shipped:
            continue
        name = name_of(row["dependency"])
        line = next((l for l in notice.splitlines() if l.strip().startswith(name)), None)
        if line is None:
            problems.append(f"NOTICE: does not name `{name}`")
        elif row["license"].split(" (")[0] not in line:
            problems.append(f"NOTICE: `{name}` is not listed with its license {row['license']}")

    for p in problems:
        print(p)
    print(f"{len(found)} packages found by CMake, {len(rows)} rows in docs/licenses.md, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
