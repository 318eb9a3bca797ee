#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The docs check (ctest `docs.check`, label `docs`): the docs match the tool.

  check_docs.py --aftersale BUILD/src/cli/aftersale [--root DIR]

1. Runnable blocks. Every fenced block whose info string is `sh runnable` in ROOT/docs/*.md,
   ROOT/README.md and ROOT/CONTRIBUTING.md is run, in document order, one command at a time:
   each non-blank line that is not a `#` comment is a command; a line ending in `\\`, `|`, `&&`
   or `||` continues on the next. In a block written as a terminal session (its first command starts
   with `$ `), the commands are the `$ ` lines and the lines after each, up to the next `$ `
   line, are its expected output (stdout and stderr together), compared line by line: `…`
   inside a line stands for any text, and a line that is only `…` or `...` for any lines.
   Commands run with bash from the top of a scratch copy of ROOT (one copy per doc file, so a
   later block of a file sees what an earlier one wrote, and nothing lands in the tree), with
   the directory of the given `aftersale` first on PATH. Each must exit 0 within 120 s and
   print what the block shows; a failure prints `FILE:LINE: command failed (exit N): COMMAND`
   (or `output differs`) and the command's output.
2. Relative links. Every Markdown link `[text](target)` outside code in those files and in
   ROOT/tests/README.md and ROOT/policies/README.md whose target is not a URL must name a file
   or folder of the tree that exists, and a `#fragment` must name a heading of the target Markdown file
   (GitHub's anchors: lowercase, punctuation dropped, spaces to `-`, `-1`, `-2` for repeats).
   A target may be written `<with spaces>` and may hold percent-escapes (`%20`, `%E4%B8%AD`).
   A broken one prints `FILE:LINE: broken link `TARGET`: REASON`.

Exit 0 when everything holds, 1 otherwise; the last line counts what was checked.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

FENCE = re.compile(r"^( {0,3})(```+(?=[^`]*$)|~~~+)\s*(.*?)\s*$")  # a ``` info string has no backtick
# A link's target: `<...>` (may hold spaces) or a run without spaces; percent-escapes are decoded.
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(?:<([^<>\n]+)>|([^)\s<>]+))(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
COMMAND_TIMEOUT = 120
CONTINUATIONS = ("\\", "|", "&&", "||")


def doc_files(root):
    """The files whose runnable blocks run (and whose links are checked)."""
    files = sorted((root / "docs").glob("*.md"))
    files += [root / name for name in ("README.md", "CONTRIBUTING.md") if (root / name).is_file()]
    return files


def link_files(root):
    """The files whose relative links must resolve."""
    extra = [root / name for name in ("tests/README.md", "policies/README.md") if (root / name).is_file()]
    return doc_files(root) + extra


def fenced_blocks(lines):
    """Yields (info string, first body line number (1-based), body lines) per fenced block."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        marker, info = m.group(2), m.group(3)
        start, body = i + 2, []
        i += 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if close and close.group(2).startswith(marker) and close.group(3) == "":
                break
            body.append(lines[i])
            i += 1
        yield info, start, body
        i += 1


def commands(start, body):
    """The commands of a runnable block as (line number, command text, expected output lines or
    None when the block shows no output)."""
    first = next((line.strip() for line in body if line.strip() and not line.strip().startswith("#")), "")
    session = first.startswith("$ ")
    result, pending, pending_line = [], [], None
    for offset, line in enumerate(body):
        stripped = line.strip()
        if not pending:
            if session and not line.startswith("$ "):
                if result:
                    result[-1][2].append(line)
                continue
            if not stripped or stripped.startswith("#"):
                continue
            pending_line = start + offset
            line = line[2:] if session else line
        pending.append(line)
        if stripped.endswith(CONTINUATIONS):
            continue
        result.append((pending_line, "\n".join(pending), [] if session else None))
        pending = []
    if pending:
        result.append((pending_line, "\n".join(pending), [] if session else None))
    return result


def matches(expected, actual):
    """Whether output lines match the lines a block shows (`…` wildcards, `...` any lines)."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    # reachable[j]: the expected lines so far can match the first j output lines.
    reachable = [True] + [False] * len(actual)
    for line in expected:
        line = line.rstrip()
        if line.strip() in ("…", "..."):
            for j in range(1, len(actual) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in line.split("…")))
        reachable = [False] + [reachable[j] and pattern.fullmatch(actual[j].rstrip()) is not None
                               for j in range(len(actual))]
    return reachable[len(actual)]


def scratch_copy(root, into):
    """A copy of ROOT without build trees and version control, for commands to write in."""
    ignore = shutil.ignore_patterns(".git", "build", "build-*", "build_*", "__pycache__")
    shutil.copytree(root, into, ignore=ignore, symlinks=True)


def run(command, cwd, env):
    """Runs one command with bash in its own process group; returns (exit code or why it was
    stopped, stdout and stderr together). On timeout the whole group is killed, so a
    background child cannot keep the pipe open."""
    process = subprocess.Popen(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=COMMAND_TIMEOUT)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return f"timeout after {COMMAND_TIMEOUT} s", output


def run_blocks(root, doc, aftersale_dir, problems):
    """Runs the runnable blocks of one doc; returns (blocks, commands) counted."""
    rel = doc.relative_to(root)
    lines = doc.read_text(encoding="utf-8").split("\n")
    blocks = [(start, body) for info, start, body in fenced_blocks(lines) if info.split() == ["sh", "runnable"]]
    if not blocks:
        return 0, 0
    count = 0
    with tempfile.TemporaryDirectory(prefix="aftersale-docs-") as scratch:
        tree = Path(scratch) / "tree"
        scratch_copy(root, tree)
        env = dict(os.environ)
        env["PATH"] = aftersale_dir + os.pathsep + env.get("PATH", "")
        env["HOME"] = scratch
        for start, body in blocks:
            for line_no, command, expected in commands(start, body):
                count += 1
                code, output = run(command, tree, env)
                text = output.decode("utf-8", "replace").rstrip("\n")
                if code != 0:
                    what = f"command failed (exit {code})"
                elif expected is not None and not matches(expected, text.split("\n") if text else []):
                    what = "output differs from the doc"
                else:
                    continue
                shown = indent(text.split("\n")) if text else "    (no output)"
                if code == 0:
                    while expected and not expected[-1].strip():
                        expected = expected[:-1]
                    shown = f"  the doc shows:\n{indent(expected)}\n  the command printed:\n{shown}"
                problems.append(f"{rel}:{line_no}: {what}: {command.strip()}\n{shown}")
    return len(blocks), count


def indent(lines):
    return "\n".join("    " + line for line in lines)


def slug(heading):
    """GitHub's anchor for a heading text."""
    text = re.sub(r"`|\*\*|__", "", heading.strip()).lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def prose_lines(path):
    """Yields (line number, line) of a Markdown file outside its fenced code blocks."""
    in_code = None
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        m = FENCE.match(line)
        if m:
            if in_code is None:
                in_code = m.group(2)
            elif m.group(2).startswith(in_code) and m.group(3) == "":
                in_code = None
            continue
        if in_code is None:
            yield number, line


def anchors(path, cache):
    if path not in cache:
        found, seen = set(), {}
        for _, line in prose_lines(path):
            if h := re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line):
                base = slug(h.group(1))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        cache[path] = found
    return cache[path]


def check_links(root, doc, problems, cache):
    """Checks the relative links of one file; returns how many it checked."""
    rel = doc.relative_to(root)
    count = 0
    for number, line in prose_lines(doc):
        if line.startswith("    "):
            continue
        for bracketed, bare in LINK.findall(INLINE_CODE.sub("", line)):
            target = bracketed or bare
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # a URL (https:, mailto:, ...)
            count += 1
            path_part, _, fragment = (unquote(part) for part in target.partition("#"))
            dest = (doc.parent / path_part).resolve() if path_part else doc
            if path_part and dest != root and root not in dest.parents:
                problems.append(f"{rel}:{number}: broken link `{target}`: outside the project's tree")
                continue
            if path_part and not dest.exists():
                problems.append(f"{rel}:{number}: broken link `{target}`: no such file or folder")
                continue
            if fragment and dest.suffix == ".md" and dest.is_file() and fragment not in anchors(dest, cache):
                problems.append(f"{rel}:{number}: broken link `{target}`: no heading `#{fragment}` in "
                                f"{os.path.relpath(dest, root)}")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aftersale", required=True, help="the built aftersale binary")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                        help="the tree whose docs are checked (default: this project)")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    aftersale = Path(args.aftersale).resolve()
    if not aftersale.is_file():
        sys.exit(f"check_docs: error: `{args.aftersale}` is not a file")

    problems, blocks, runs, links, cache = [], 0, 0, 0, {}
    for doc in doc_files(root):
        b, c = run_blocks(root, doc, str(aftersale.parent), problems)
        blocks, runs = blocks + b, runs + c
    for doc in link_files(root):
        links += check_links(root, doc, problems, cache)
    for problem in problems:
        print(problem)
    print(f"docs check: {runs} commands in {blocks} runnable blocks, {links} relative links: "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
