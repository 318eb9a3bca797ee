# SPDX-License-Identifier: Apache-2.0
"""Builds the aftersale Python package's extension with CMake; the metadata is in pyproject.toml.

Offline, with Debian's setuptools (python3-setuptools, python3-wheel):

    /usr/bin/python3 -m venv --system-site-packages .venv && . .venv/bin/activate
    pip install --no-build-isolation --no-index .
    pip wheel --no-build-isolation --no-index . -w dist

The extension is built by CMake (AFTERSALE_BUILD_PYTHON) for the interpreter running pip;
pybind11 and the Python headers come from Debian (pybind11-dev, python3-dev).
Environment: AFTERSALE_JOBS sets the build's parallelism (default 2); AFTERSALE_BUILD_DIR names
the CMake build folder (default: inside setuptools' build_temp), so that repeated builds reuse it.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


def version():
    """MAJOR.MINOR.PATCH from include/aftersale/version.hpp, the one place they are written."""
    text = (ROOT / "include" / "aftersale" / "version.hpp").read_text()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        found = re.search(r"^#define AFTERSALE_VERSION_%s +([0-9]+)$" % part, text, re.M)
        if not found:
            raise RuntimeError("include/aftersale/version.hpp: no AFTERSALE_VERSION_%s" % part)
        parts.append(found.group(1))
    return ".".join(parts)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures and builds the `_core` target, then copies the module where setuptools wants it."""

    def build_extension(self, ext):
        target = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        build = pathlib.Path(os.environ.get("AFTERSALE_BUILD_DIR") or
                             pathlib.Path(self.build_temp).resolve() / "cmake").resolve()
        subprocess.check_call([
            "cmake", "-S", str(ROOT), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DAFTERSALE_BUILD_PYTHON=ON",
            "-DAFTERSALE_BUILD_TESTS=OFF",
            "-DAFTERSALE_BUILD_BENCH=OFF",
            "-DAFTERSALE_BUILD_EXAMPLES=OFF",
            "-DAFTERSALE_INSTALL=OFF",
            "-DPython_EXECUTABLE=" + sys.executable,
        ])
        subprocess.check_call(["cmake", "--build", str(build), "--target", "_core", "-j",
                               os.environ.get("AFTERSALE_JOBS", "2")])
        built = next((build / "bindings" / "python" / "aftersale").glob("_core*" + pathlib.Path(target).suffix))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    version=version(),
    ext_modules=[CMakeExtension("aftersale._core")],
    cmdclass={"build_ext": CMakeBuild},
)
