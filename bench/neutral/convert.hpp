// SPDX-License-Identifier: Apache-2.0
#pragma once
// Converts a table of the neutral benchmark workload (JSON, see shared/bench/README.md
// "Formats") into a policy in our YAML format, so the benchmark runs through the real
// loader. Outputs map to: solution, fee_payer (a party), escalation (`supervisor` when
// `escalate` is true) and one started clock `sla_<n>h` per distinct `sla_hours`.
#include <nlohmann/json.hpp>
#include <string>

namespace aftersale::bench {

/// The YAML policy text for a neutral table; `policy_id` names the policy. Rule ids are
/// lowercased (`R001` → `r001`) to fit the id syntax. @throws std::runtime_error on a
/// table outside the neutral format (unknown cell op, column type or hit policy).
std::string neutral_table_to_yaml(const nlohmann::json& table, const std::string& policy_id);

/// The table id the converted policy uses as its entry.
inline constexpr const char* neutral_table_id = "neutral";

}  // namespace aftersale::bench
