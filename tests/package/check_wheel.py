#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The wheel of scripts/package.sh (pip wheel through pyproject.toml), checked (ctest `package.wheel`).

    check_wheel.py --dist DIR --work DIR --source ROOT

Its files (the module, the extension, the stub and py.typed, the license files, nothing else),
its metadata (name, version from version.hpp, license); then it is installed offline into a
fresh venv of /usr/bin/python3 and used from there: __version__ agrees with the installed
metadata, and a policy decides.
"""
import argparse
import email.parser
import fnmatch
import pathlib
import shutil
import sys
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from package_support import Checks, library_version, run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", type=pathlib.Path, required=True)
    ap.add_argument("--work", type=pathlib.Path, required=True)
    ap.add_argument("--source", type=pathlib.Path, required=True)
    args = ap.parse_args()
    args.source, args.dist, args.work = (a.resolve() for a in (args.source, args.dist, args.work))
    version = library_version(args.source)
    check = Checks()

    wheels = sorted(args.dist.glob("aftersale-*.whl"))
    check.equal([w.name.split("-")[1] for w in wheels], [version], "the wheels' versions")
    if check.failed:
        return check.report()
    wheel = wheels[0]
    info = f"aftersale-{version}.dist-info"
    with zipfile.ZipFile(wheel) as z:
        members = sorted(z.namelist())
        metadata = email.parser.Parser().parsestr(z.read(f"{info}/METADATA").decode())
    print(f"{wheel.name}: {wheel.stat().st_size} bytes, {len(members)} files")
    for m in members:
        print(f"  {m}")
    wanted = ["aftersale/__init__.py", "aftersale/dask.py", "aftersale/_core.cpython-*.so", "aftersale/_core.pyi", "aftersale/py.typed",
              f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD", f"{info}/top_level.txt", f"{info}/LICENSE",
              f"{info}/NOTICE"]
    for pattern in wanted:
        check.equal(len(fnmatch.filter(members, pattern)), 1, f"files matching {pattern}")
    extra = [m for m in members if not any(fnmatch.fnmatch(m, p) for p in wanted)]
    check.equal(extra, [], "files the wheel should not carry")
    check.equal(metadata["Name"], "aftersale", "Name")
    check.equal(metadata["Version"], version, "Version")
    check.equal(metadata["License"], "Apache-2.0", "License")
    check.true("License :: OSI Approved :: Apache Software License" in metadata.get_all("Classifier", []),
               "the Apache classifier")
    if check.failed:
        return check.report()

    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    venv = args.work / "venv"
    # --system-site-packages: pandas and friends from Debian stay visible; the wheel needs none.
    run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)])
    run([venv / "bin" / "python", "-m", "pip", "install", "--no-index", "--no-deps", "--quiet", wheel])
    script = ("import aftersale, datetime, importlib.metadata, pathlib, sys\n"
              f"assert pathlib.Path(aftersale.__file__).is_relative_to({str(venv)!r}), aftersale.__file__\n"
              "assert aftersale.__version__ == importlib.metadata.version('aftersale'), aftersale.__version__\n"
              f"assert aftersale.__version__ == {version!r}\n"
              "p = aftersale.load(sys.argv[1])\n"
              "d = p.decide({'order_status': 'delivered', 'reason': 'changed_mind', 'amount': 12900},"
              " datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.timezone.utc))\n"
              "assert d.solution == 'return_then_refund', d.solution\n"
              "print('wheel ok:', aftersale.__version__, d.solution)\n")
    print(run([venv / "bin" / "python", "-I", "-c", script, args.source / "tests" / "consumer" / "policy.yaml"],
              cwd=args.work).strip())
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
