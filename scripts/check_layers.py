#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that no #include runs from a lower room to a higher one, and that
docs/architecture.md still describes the tree.

Every C++ file of src/, include/aftersale/ and bindings/ belongs to a room; each room has a
rank. A file may include headers of its own room and of rooms of a lower rank, never of a
higher rank, nor of another room of the same rank (load and decide are peers: neither may
lean on the other). Public headers belong to the room that implements them.

    scripts/check_layers.py [ROOT]      # exit 0: clean; 1: violations listed; 2: unknown file

The document matches the tree when it names every room folder (`src/<room>/`), every source
file of a room (`x.cpp` or its header `x.hpp`), and no `*.cpp`/`*.hpp` that does not exist.

Run by ctest as `layers`. Adding a room, or a public header, means adding it here and to the
picture in docs/architecture.md.
"""
import pathlib
import re
import sys

# Lowest first. Rooms of equal rank are peers.
RANKS = {
    "base": 0,
    "calendar": 1,
    "model": 2,
    "load": 3,
    "decide": 3,
    "case": 4,
    "analysis": 5,
    "codegen": 5,  # the code generator: reads model, calendar, decide and case; a peer of analysis
    "store": 5,  # the case store: above case, a peer of analysis (neither uses the other)
    "whatif": 4.5,  # what-if comparisons: above case (its strict JSON reader), below analysis and store
    "diagram": 6,
    "testing": 6,
    "umbrella": 6.5,  # include/aftersale/aftersale.hpp: the whole public API, for users
    "cli": 7,
    "bindings": 7,
}

# Public headers (include/aftersale/<name>) and the room that implements each.
PUBLIC = {
    "version.hpp": "base",
    "error.hpp": "base",
    "time.hpp": "base",
    "calendar.hpp": "calendar",
    "model.hpp": "model",
    "policy_handle.hpp": "model",
    "observer.hpp": "model",
    "load.hpp": "load",
    "request.hpp": "decide",
    "decide.hpp": "decide",
    "batch.hpp": "decide",
    "whatif.hpp": "whatif",
    "case.hpp": "case",
    "store.hpp": "store",
    "analysis.hpp": "analysis",
    "codegen.hpp": "codegen",
    "diagram.hpp": "diagram",
    "policy_test.hpp": "testing",
    # The umbrella header includes everything; nothing inside the library may include it.
    "aftersale.hpp": "umbrella",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def room_of_source(root: pathlib.Path, path: pathlib.Path) -> str | None:
    rel = path.relative_to(root).parts
    if rel[0] == "src" and len(rel) > 2:
        return rel[1]
    if rel[0] == "include" and rel[1] == "aftersale":
        return PUBLIC.get("/".join(rel[2:]))
    if rel[0] == "bindings":
        return "bindings"
    return None


def room_of_include(kind: str, name: str) -> str | None:
    if name.startswith("aftersale/"):
        return PUBLIC.get(name[len("aftersale/"):], "?")
    first = name.split("/", 1)[0]
    if kind == '"' and "/" in name and first in RANKS:
        return first
    return None  # a system or third-party header, or a file beside the includer


DOC_NAME = re.compile(r"`([A-Za-z0-9_./]+\.[ch]pp)`")


def check_architecture_doc(root: pathlib.Path, files: list[pathlib.Path]) -> list[str]:
    doc_path = root / "docs" / "architecture.md"
    doc = doc_path.read_text(encoding="utf-8")
    named = {pathlib.PurePosixPath(n).name for n in DOC_NAME.findall(doc)}
    existing = {p.name for d in ("src", "include", "bindings", "tests", "bench", "examples")
                for p in (root / d).rglob("*") if p.suffix in (".cpp", ".hpp")}
    problems = [f"docs/architecture.md: names `{n}`, which is not in the tree" for n in sorted(named - existing)]
    rooms = {p.parent.relative_to(root / "src") for p in files
             if p.parts[len(root.parts)] == "src" and p.parent != root / "src"}
    for room in sorted(str(r) for r in rooms):
        if room != "cli" and f"`src/{room}/`" not in doc:
            problems.append(f"docs/architecture.md: room `src/{room}/` is not described")
    for p in files:
        rel = p.relative_to(root)
        if rel.parts[0] != "src" or rel.parts[1] == "cli":
            continue
        if f"{p.stem}.cpp" not in named and f"{p.stem}.hpp" not in named:
            problems.append(f"docs/architecture.md: `{rel}` is in no room's description")
    return problems


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    files = [p for d in ("src", "include/aftersale", "bindings/src") for p in sorted((root / d).rglob("*"))
             if p.suffix in (".cpp", ".hpp")]
    violations, unknown = [], []
    for path in files:
        room = room_of_source(root, path)
        if room is None:
            unknown.append(str(path.relative_to(root)))
            continue
        text = path.read_text(encoding="utf-8")
        for m in INCLUDE.finditer(text):
            target = room_of_include(m.group(1), m.group(2))
            if target is None or target == room:
                continue
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path.relative_to(root)}:{line}"
            if target == "?":
                violations.append(f"{where}: `{m.group(2)}` is a public header this check does not know")
            elif RANKS[target] >= RANKS[room]:
                violations.append(f"{where}: room `{room}` includes `{m.group(2)}` of room `{target}`"
                                  f" ({'a peer' if RANKS[target] == RANKS[room] else 'a higher layer'})")
    doc_problems = check_architecture_doc(root, files)
    for d in doc_problems:
        print(d)
    for u in unknown:
        print(f"{u}: in no room (a file loose at the top of src/, or a public header missing from PUBLIC)")
    for v in violations:
        print(v)
    print(f"{len(files)} files checked, {len(violations)} layer violations, {len(unknown)} files in no room, "
          f"{len(doc_problems)} differences from docs/architecture.md")
    return 2 if unknown else 1 if violations or doc_problems else 0


if __name__ == "__main__":
    sys.exit(main())
