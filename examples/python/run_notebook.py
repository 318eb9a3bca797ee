#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Executes a notebook headless with nbclient (kernel `python3` of the interpreter running this
script) in the notebook's folder; exits non-zero when a cell raises.

    PYTHONPATH=build-python/bindings/python /usr/bin/python3 examples/python/run_notebook.py examples/python/notebook.ipynb
"""

import os
import pathlib
import sys

import nbclient
import nbformat


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = pathlib.Path(sys.argv[1]).resolve()
    notebook = nbformat.read(path, as_version=4)
    # The kernel runs in the notebook's folder: make PYTHONPATH entries absolute first.
    entries = [e for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e]
    os.environ["PYTHONPATH"] = os.pathsep.join(str(pathlib.Path(e).resolve()) for e in entries)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # the kernel's debugger warns on stderr otherwise
    # Headless: no display, charts rendered to images (the kernel inherits the environment).
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{path}: a cell raised:\n{e}", file=sys.stderr)
        return 1
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    images = sum(1 for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    print(f"{path.name}: {len(cells)} code cells ran, {images} chart(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
