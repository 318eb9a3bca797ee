# SPDX-License-Identifier: Apache-2.0
"""The package: curated names, stub and marker files, the error hierarchy."""

import os
import pathlib
import re

import aftersale


def test_all_names_are_exported_and_exist():
    assert sorted(aftersale.__all__) == sorted(
        ["Case", "Deadline", "Decision", "Diagnostic", "Error", "Outcome", "Policy", "PolicyError", "RequestError",
         "RequestProblem", "SnapshotError", "UsageError",
         "__version__", "load", "loads", "loads_sources",
         "Finding", "lint",
         "TestReport", "CaseResult", "TestFailure", "Coverage", "TableCoverage", "FlowCoverage", "TestFileError",
         "run_tests",
         "Flow", "GraphvizError",
         "Store", "StoreError",
         "DiffReport"])
    for name in aftersale.__all__:
        assert getattr(aftersale, name) is not None


def test_version_is_the_library_version():
    # include/aftersale/version.hpp is the one source (docs/versioning.md).
    header = (pathlib.Path(os.environ["AFTERSALE_SOURCE_DIR"]) / "include" / "aftersale" / "version.hpp").read_text()
    numbers = [re.search(r"^#define AFTERSALE_VERSION_%s ([0-9]+)$" % part, header, re.M).group(1)
               for part in ("MAJOR", "MINOR", "PATCH")]
    assert aftersale.__version__ == ".".join(numbers)


def test_typing_files_ship_next_to_the_extension():
    folder = pathlib.Path(aftersale.__file__).parent
    assert (folder / "py.typed").is_file()
    stub = (folder / "_core.pyi").read_text()
    for name in aftersale.__all__:
        if name != "__version__":
            assert ("class " + name) in stub or ("def " + name) in stub, name


def test_error_hierarchy():
    assert issubclass(aftersale.Error, Exception)
    for sub in (aftersale.PolicyError, aftersale.RequestError, aftersale.SnapshotError, aftersale.TestFileError,
                aftersale.GraphvizError, aftersale.UsageError, aftersale.StoreError):
        assert issubclass(sub, aftersale.Error)
        assert sub.__module__ == "aftersale"
    assert not issubclass(aftersale.PolicyError, aftersale.RequestError)


def test_usage_error_is_its_own_class_with_a_code():
    # The translator maps the C++ usage_error (E5xx) here: a caller bug, not a bad request.
    assert not issubclass(aftersale.UsageError, aftersale.RequestError)
    assert "E5" in aftersale.UsageError.__doc__
