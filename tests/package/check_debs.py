#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Debian packages of scripts/package.sh, checked without installing them (ctest `package.deb`).

    check_debs.py --dist DIR --work DIR --source ROOT --dev-depends "a, b" --runtime-depends "c, d"

Each package's name, version, Depends and files; then all three are extracted with `dpkg-deb -x`
into WORK/root and used from there: the CLI runs, the Python module decides with /usr/bin/python3,
and tests/consumer is built against the extracted tree with CMake (find_package) and with a
plain Makefile (pkg-config). --dev-depends and --runtime-depends are the Debian names of what the
library links (cmake/AftersaleDependencies.cmake): the -dev package must depend on the first,
the binaries (through dpkg-shlibdeps) on the second.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from package_support import Checks, library_version, run  # noqa: E402

PACKAGES = {
    "libaftersale-dev": ["usr/include/aftersale/aftersale.hpp", "usr/include/aftersale/version.hpp",
                         "usr/lib/*/libaftersale.a", "usr/lib/*/cmake/aftersale/aftersaleConfig.cmake",
                         "usr/lib/*/cmake/aftersale/aftersaleConfigVersion.cmake",
                         "usr/lib/*/cmake/aftersale/aftersaleTargets.cmake", "usr/lib/*/pkgconfig/aftersale.pc",
                         "usr/lib/*/cmake/aftersale/AftersaleCompilePolicy.cmake",
                         "usr/share/aftersale/policies/default.yaml"],
    "aftersale": ["usr/bin/aftersale", "usr/lib/*/cmake/aftersale/aftersaleCliTargets.cmake"],
    "python3-aftersale": ["usr/lib/python3/dist-packages/aftersale/__init__.py",
                          "usr/lib/python3/dist-packages/aftersale/dask.py",
                          "usr/lib/python3/dist-packages/aftersale/_core.cpython-*.so",
                          "usr/lib/python3/dist-packages/aftersale/_core.pyi",
                          "usr/lib/python3/dist-packages/aftersale/py.typed"],
}


def names(depends: str) -> set:
    """Package names of a Depends field, without versions; alternatives count each."""
    return {re.sub(r"\s*\(.*\)", "", alt).strip() for part in depends.split(",") for alt in part.split("|")
            if alt.strip()}


# The C and C++ runtime every binary loads.
RUNTIME = {"libc6", "libgcc-s1", "libstdc++6"}


def needed(binary: pathlib.Path) -> list:
    """The NEEDED entries of an ELF file (readelf -d)."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run(["readelf", "-d", binary]))


def owners_of(soname: str) -> set:
    """The Debian packages that hold a shared library on this machine (libm.so.6: libc6, and
    libc6-i386 for /lib32)."""
    result = subprocess.run(["dpkg-query", "-S", f"*/{soname}"], capture_output=True, text=True)
    if result.returncode != 0:
        return set()
    return {name.split(":")[0].strip() for line in result.stdout.splitlines()
            for name in line.rsplit(": ", 1)[0].split(",")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", type=pathlib.Path, required=True)
    ap.add_argument("--work", type=pathlib.Path, required=True)
    ap.add_argument("--source", type=pathlib.Path, required=True)
    ap.add_argument("--dev-depends", required=True)
    ap.add_argument("--runtime-depends", default="")
    ap.add_argument("--cxx", default="c++")
    args = ap.parse_args()
    args.source, args.dist, args.work = (a.resolve() for a in (args.source, args.dist, args.work))
    version = library_version(args.source)
    check = Checks()

    debs = {}
    for deb in sorted(args.dist.glob("*.deb")):
        package = run(["dpkg-deb", "-f", str(deb), "Package"]).strip()
        debs[package] = deb
    check.equal(sorted(debs), sorted(PACKAGES), "the packages built")

    if args.work.exists():
        shutil.rmtree(args.work)
    root = args.work / "root"
    root.mkdir(parents=True)
    for package, deb in sorted(debs.items()):
        fields = {f: run(["dpkg-deb", "-f", str(deb), f]).strip() for f in ("Version", "Depends", "Architecture")}
        print(f"{package}: {deb.stat().st_size} bytes, Version {fields['Version']}, Depends: {fields['Depends']}")
        check.equal(fields["Version"], f"{version}-1", f"{package}: Version")
        depends = names(fields["Depends"])
        if package == "libaftersale-dev":
            # Users of the static library link what it links: every -dev package of it.
            expected = names(args.dev_depends) | {"tzdata"}
            check.equal(depends, expected, f"{package}: Depends")
        else:
            # dpkg-shlibdeps names what the binary loads; each must be a library we link (so in
            # docs/licenses.md) or the C/C++ runtime. Which of them it loads is checked below.
            allowed = names(args.runtime_depends) | RUNTIME | {"tzdata", "python3"}
            check.true(depends <= allowed, f"{package}: Depends on {sorted(depends - allowed)}, which the "
                                           f"library does not link (cmake/AftersaleDependencies.cmake)")
            check.true({"tzdata", "libc6", "libstdc++6"} <= depends, f"{package}: Depends lacks the runtime")
            check.true(package != "python3-aftersale" or "python3" in depends, f"{package}: no python3")
        files = [line.split()[-1].lstrip("./") for line in run(["dpkg-deb", "-c", str(deb)]).splitlines()
                 if not line.endswith("/")]
        for pattern in PACKAGES.get(package, []) + [f"usr/share/doc/{package}/copyright",
                                                     f"usr/share/doc/{package}/NOTICE"]:
            check.true(any(pathlib.PurePosixPath(f).match(pattern) for f in files),
                       f"{package}: no file {pattern}")
        run(["dpkg-deb", "-x", str(deb), str(root)])
        # Each shared library a binary of the package loads comes from a package it depends on.
        for binary in [f for f in files if f.startswith("usr/bin/") or f.endswith(".so")]:
            for lib in needed(root / binary):
                owners = owners_of(lib)
                check.true(not owners or owners & depends,
                           f"{package}: {binary} loads {lib} (package {' or '.join(sorted(owners))}), "
                           f"not in Depends")
    if check.failed:
        return check.report()

    usr = root / "usr"
    env = dict(os.environ, LC_ALL="C.UTF-8")
    # The CLI, from the extracted tree, on the extracted default policy.
    cli = run([str(usr / "bin" / "aftersale"), "--version"], env=env)
    check.true(cli.startswith(f"aftersale {version}\n"), f"aftersale --version: {cli!r}")
    policy = usr / "share" / "aftersale" / "policies" / "default.yaml"
    run([str(usr / "bin" / "aftersale"), "validate", str(policy)], env=env)

    # The Python module with Debian's interpreter, away from the source tree.
    site = usr / "lib" / "python3" / "dist-packages"
    script = ("import aftersale, datetime, sys\n"
              f"assert aftersale.__file__.startswith({str(site)!r}), aftersale.__file__\n"
              f"assert aftersale.__version__ == {version!r}, aftersale.__version__\n"
              "p = aftersale.load(sys.argv[1])\n"
              "d = p.decide({'order_status': 'delivered', 'reason': 'changed_mind', 'amount': 12900},"
              " datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.timezone.utc))\n"
              "assert d.solution == 'return_then_refund', d.solution\n"
              "print('python3-aftersale ok:', d.solution)\n")
    out = run(["/usr/bin/python3", "-c", script, str(args.source / "tests" / "consumer" / "policy.yaml")],
              env=dict(env, PYTHONPATH=str(site)), cwd=args.work)
    print(out.strip())

    # tests/consumer with CMake, find_package against the extracted tree.
    consumer = args.source / "tests" / "consumer"
    major_minor = ".".join(version.split(".")[:2])
    build = args.work / "cmake-consumer"
    run(["cmake", "-S", str(consumer), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_CXX_COMPILER={args.cxx}",
         "-DCMAKE_CXX_STANDARD=17", "-DAFTERSALE_CONSUMER_MODE=find_package",
         f"-DAFTERSALE_CONSUMER_REQUEST={major_minor}",
         f"-DCMAKE_PREFIX_PATH={usr}", f"-DAFTERSALE_EXPECTED_PREFIX={usr}"])
    run(["cmake", "--build", str(build), "-j", "2"])
    print(run([str(build / "consumer"), str(consumer / "policy.yaml")]).strip())
    # The same build compiled the packaged default policy and a store policy on it with
    # aftersale_compile_policy (the packaged CLI, aftersale::cli).
    policies = usr / "share" / "aftersale" / "policies"
    print(run([str(build / "compiled"), str(policies / "default.yaml"), str(consumer / "store.yaml"),
               str(policies)]).strip())

    # And with the Makefile and pkg-config, which must resolve the .pc file's prefix to the tree.
    pcdir = next((usr / "lib").glob("*/pkgconfig"))
    pc_env = dict(env, PKG_CONFIG_PATH=str(pcdir))
    prefix = pathlib.Path(run(["pkg-config", "--variable=prefix", "aftersale"], env=pc_env).strip()).resolve()
    check.equal(prefix, usr.resolve(), "aftersale.pc's prefix")
    make_out = args.work / "make-consumer"
    make_out.mkdir()
    run(["make", "-f", str(consumer / "Makefile"), f"OUT={make_out}", f"CXX={args.cxx}"], env=pc_env)
    print(run([str(make_out / "consumer"), str(consumer / "policy.yaml")]).strip())
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
