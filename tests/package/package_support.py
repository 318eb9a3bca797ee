# SPDX-License-Identifier: Apache-2.0
"""What the package checks share: the version from its one source, commands, collected failures."""
import pathlib
import re
import subprocess
import sys


def library_version(source: pathlib.Path) -> str:
    """MAJOR.MINOR.PATCH from include/aftersale/version.hpp (the one source, docs/versioning.md)."""
    text = (source / "include" / "aftersale" / "version.hpp").read_text(encoding="utf-8")
    return ".".join(re.search(r"^#define AFTERSALE_VERSION_%s +([0-9]+)$" % part, text, re.M).group(1)
                    for part in ("MAJOR", "MINOR", "PATCH"))


def run(cmd, **kwargs) -> str:
    """Runs cmd; on failure prints its output and exits 1. Returns stdout."""
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        print(f"failed ({result.returncode}): {' '.join(str(c) for c in cmd)}\n{result.stdout}{result.stderr}")
        sys.exit(1)
    return result.stdout


class Checks:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self):
        self.failures = []

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def true(self, condition, message):
        if not condition:
            self.failures.append(message)

    def equal(self, got, want, what):
        if got != want:
            self.failures.append(f"{what}: {got!r}, expected {want!r}")

    def report(self) -> int:
        for f in self.failures:
            print(f"error: {f}")
        print(f"{len(self.failures)} failed checks")
        return 1 if self.failures else 0
