// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The one source of aftersale's version numbers, for `#if` checks and for the CLI's
/// `--version`. CMake reads the three AFTERSALE_VERSION_* numbers from this file (project()
/// in CMakeLists.txt), setup.py reads them for the Python package's metadata, and the Python
/// module's `__version__` is AFTERSALE_VERSION_STRING compiled in. docs/versioning.md says what
/// each number promises.

/// The library (semantic versioning: docs/versioning.md).
#define AFTERSALE_VERSION_MAJOR 0
#define AFTERSALE_VERSION_MINOR 1
#define AFTERSALE_VERSION_PATCH 0

/// The policy file format this library reads (`format: 1` at the top of a policy).
#define AFTERSALE_POLICY_FORMAT_VERSION 1
/// The case snapshot format `to_json` writes (`"format": "aftersale-case/3"`); `from_json`
/// also reads every older one (docs/snapshots.md).
#define AFTERSALE_SNAPSHOT_FORMAT_VERSION 3

#define AFTERSALE_VERSION_STRINGIFY_(x) #x
#define AFTERSALE_VERSION_STRINGIFY(x) AFTERSALE_VERSION_STRINGIFY_(x)
/// "MAJOR.MINOR.PATCH", made from the numbers above so that it cannot disagree with them.
#define AFTERSALE_VERSION_STRING                                                            \
  AFTERSALE_VERSION_STRINGIFY(AFTERSALE_VERSION_MAJOR)                                      \
  "." AFTERSALE_VERSION_STRINGIFY(AFTERSALE_VERSION_MINOR) "." AFTERSALE_VERSION_STRINGIFY( \
      AFTERSALE_VERSION_PATCH)
/// One number that grows with every release, for `#if AFTERSALE_VERSION >= 100` (1.0.0).
#define AFTERSALE_VERSION \
  (AFTERSALE_VERSION_MAJOR * 10000 + AFTERSALE_VERSION_MINOR * 100 + AFTERSALE_VERSION_PATCH)
