# SPDX-License-Identifier: Apache-2.0
# Build and test dependencies of aftersale on Debian 12, in one place.
# Sourced by demo.sh and test.sh:  source scripts/deps.sh && aftersale_ensure_deps
# docs/dependencies.md says why each package is here.

AFTERSALE_APT_PACKAGES=(
  cmake g++ make ccache git pkg-config
  clang-format-14               # the format check (ctest `format`, scripts/check_format.sh)
  libyaml-cpp-dev               # policy YAML parser
  libboost-dev libboost-graph-dev
  libhowardhinnant-date-dev tzdata  # time zones for business calendars (OS tz database)
  rapidjson-dev                 # strict SAX parser that reads case snapshots
  libsqlite3-dev                # the case store's embedded database (src/store/sqlite_backend.cpp)
  libpq-dev                     # libpq: the case store's PostgreSQL backend (src/store/postgres_backend.cpp)
  postgresql                    # the server the PostgreSQL store tests start a throwaway cluster of (scripts/pg_cluster.sh)
  sqlite3                       # the sqlite3 shell: CLI store tests craft damaged stores with it
  libcli11-dev nlohmann-json3-dev   # the aftersale command-line tool
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-14 libfuzzer-14-dev     # the fuzz targets (tests/fuzz, scripts/fuzz_ci.sh): libFuzzer needs clang
  nodejs                        # generates benchmark policies
  graphviz                      # `dot`: aftersale graph --format svg and its tests
  python3-dev pybind11-dev python3-pytest python3-pandas  # Python bindings (AFTERSALE_BUILD_PYTHON) and their tests
  dpkg-dev python3-setuptools python3-wheel python3-pip python3-venv  # packages: CPack debs, the wheel (scripts/package.sh)
  python3-matplotlib python3-nbclient python3-ipykernel python3-nbformat  # the example notebook, run headless by ctest
  python3-dask python3-distributed  # aftersale.dask and its LocalCluster tests (tests/python/test_dask.py)
)

# Installs the packages that are missing, with apt, without asking. Needs root only when
# something is missing; `apt-get update` runs once, and only then.
aftersale_ensure_deps() {
  local missing=() pkg
  for pkg in "${AFTERSALE_APT_PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "installing missing packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: these packages are missing and installing them needs root: ${missing[*]}" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
}
