#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job: build the aftersale CLI (Release), decide every example request with the
# default policy and walk one case through its flow. Installs missing Debian packages with apt
# first (run as root on a fresh box).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/deps.sh
aftersale_ensure_deps

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release \
  -DAFTERSALE_BUILD_TESTS=OFF -DAFTERSALE_BUILD_BENCH=OFF -DAFTERSALE_BUILD_EXAMPLES=ON
cmake --build build/release --target aftersale_cli -j"$(nproc)"

aftersale=build/release/src/cli/aftersale
echo
echo "\$ aftersale validate policies/default.yaml"
"$aftersale" validate policies/default.yaml
echo
echo "\$ aftersale decide --policy policies/default.yaml --request examples/requests/"
"$aftersale" decide --policy policies/default.yaml --request examples/requests/

# A case walked by hand through its flow, saved in a snapshot file between commands.
snapshot=build/release/demo-case.json
run() {
  echo
  echo "\$ aftersale $*"
  "$aftersale" "$@"
}
run case open policies/default.yaml -r examples/requests/02_return_refund_seven_day.json -o "$snapshot" --force \
  --locale en
# A refused event changes nothing and exits 3.
status=0
run case apply policies/default.yaml "$snapshot" --event approve --as customer --now 2026-10-14T10:20:00+08:00 ||
  status=$?
if [[ $status -ne 3 ]]; then
  echo "expected the customer's approve to be refused (exit 3), got exit $status" >&2
  exit 1
fi
run case apply policies/default.yaml "$snapshot" --event approve --as agent --id evt-1 --now 2026-10-14T10:30:00+08:00
# Two days pass without the parcel: the 48 h timer fires at its own due time.
run case advance policies/default.yaml "$snapshot" --now 2026-10-17T09:00:00+08:00
run case apply policies/default.yaml "$snapshot" --event return_shipped --as customer --now 2026-10-17T09:30:00+08:00
run case show policies/default.yaml "$snapshot" --customer --locale en --now 2026-10-17T09:30:00+08:00

# Tools for policy authors: static analysis, the policy's own tests with coverage, a diagram.
run lint policies/default.yaml
run test policies/tests --coverage
# A store policy on the baseline passes; its weakened variant is refused with a witness (exit 1).
# The stores extend policies/default.yaml, outside their folder: --policy-path allows it.
run lint --policy-path policies examples/stores/apparel.yaml
status=0
run lint --policy-path policies examples/stores/apparel_weakened.yaml || status=$?
if [[ $status -ne 1 ]]; then
  echo "expected lint to refuse the weakened store policy (exit 1), got exit $status" >&2
  exit 1
fi
# What would change if the store's policy were adopted, on a day of recorded traffic.
run diff policies/default.yaml examples/stores/apparel.yaml --policy-path policies \
  --requests examples/whatif/traffic.csv --now 2026-11-02T10:00:00+08:00 --samples 1
run graph policies/default.yaml --flow return_then_refund --format mermaid --locale en
