"""pip install for the aftersale Python package, offline, with Debian's setuptools.

    /usr/bin/python3 -m venv --system-site-packages .venv && . .venv/bin/activate
    pip install --no-build-isolation --no-index .

The extension is built by CMake (AFTERSALE_BUILD_PYTHON) for the interpreter running pip;
pybind11 and the Python headers come from Debian (pybind11-dev, python3-dev).
AFTERSALE_JOBS sets the build's parallelism (default 2).
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
    text = (ROOT / "include" / "aftersale" / "version.hpp").read_text()
    return re.search(r'AFTERSALE_VERSION_STRING "([^"]+)"', text).group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures and builds the `_core` target, then copies the module where setuptools wants it."""

    def build_extension(self, ext):
        target = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
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
    name="aftersale",
    version=version(),
    description="After-sales policy as executable, testable data",
    packages=["aftersale"],
    package_dir={"": "bindings/python"},
    package_data={"aftersale": ["_core.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("aftersale._core")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.8",
    zip_safe=False,
)
