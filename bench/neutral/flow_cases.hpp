// SPDX-License-Identifier: Apache-2.0
#pragma once
// The neutral flow workload's cases (data/flow-cases-100k.bin, `ASF1`, see
// shared/bench/README.md "Formats"), read once for every engine.
#include <cstdint>
#include <string>
#include <vector>

namespace aftersale::bench {

/// Cases in file order: the context of case i and its events
/// `events[begin[i] .. begin[i + 1])`, each an index into the neutral flow's `events`.
struct neutral_flow_cases {
  std::vector<std::int32_t> amount_cents;
  std::vector<bool> inspection_ok;
  std::vector<std::uint32_t> begin;  ///< size() + 1 entries
  std::vector<std::uint8_t> events;
  int max_events = 0;  ///< the longest sequence: the number of dispatch rounds

  std::size_t size() const { return amount_cents.size(); }
};

/// Reads an `ASF1` file; `event_count` is the number of neutral events (every index must be
/// below it). @throws std::runtime_error on a missing, malformed or truncated file.
neutral_flow_cases read_flow_cases_bin(const std::string& path, std::size_t event_count);

/// The checksum line of one case: `final_state|refunded_cents\n`.
std::string flow_case_line(const std::string& state, std::int64_t refunded_cents);

}  // namespace aftersale::bench
