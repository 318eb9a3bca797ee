// SPDX-License-Identifier: Apache-2.0
#pragma once
// The neutral workload's requests and checksums, read from the data gen.js wrote into
// the build tree (AFTERSALE_NEUTRAL_DIR).
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aftersale::bench {

/// Expected decision checksums of the neutral workload, from shared/bench/README.md.
inline constexpr const char* checksum_60 = "697ef18256762e83";
inline constexpr const char* checksum_1000 = "3ccb428e9e4d77c0";

/// Any fixed instant for deciding the neutral workload: the converted clocks count elapsed hours.
inline const sys_seconds bench_now{std::chrono::seconds{1795392000}};  // 2026-11-23T00:00:00Z

/// FNV-1a 64, as in shared/bench/limit_harness.hpp.
struct fnv64 {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
  std::string hex() const;
};

/// `.bin` requests: n records of `fields` int32 in the table's column order.
struct neutral_inputs {
  int n = 0;
  int fields = 0;
  std::vector<std::int32_t> records;
};

/// Reads an `ASI1` file. @throws std::runtime_error on a missing or malformed file.
neutral_inputs read_inputs_bin(const std::string& path);

/// Reads a JSON file. @throws std::runtime_error when it cannot be read or parsed.
nlohmann::json read_json(const std::string& path);

/// Each record as an aftersale request (enum index → value id, bool 0/1 → false/true)
/// bound to `p` with aftersale::bind. @throws std::runtime_error when the columns do not
/// fit the table.
std::vector<bound_request> bind_inputs(const policy& p, const nlohmann::json& table,
                                       const neutral_inputs& in);

/// `solution|sla_hours|fee_payer|escalate\n` of a rule's compiled outcome: the SLA from
/// the hours of the (single) clock it starts, escalate = it names an escalation role.
std::string outcome_line(const policy& p, const rule_outcome* o);

/// The same line from a full decision: the SLA from its deadline minus `now`.
std::string decision_line(const decision& d);

}  // namespace aftersale::bench
