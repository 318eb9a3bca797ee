// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the one way a check builds a finding, so every finding has its diagnostic filled in
// the same way and names the table or the flow it is about.
#include <aftersale/analysis.hpp>
#include <string>

namespace aftersale::analysis {

/// A finding about decision table `t` at `where`.
finding table_finding(error_code code, severity s, const decision_table& t, const source_span& where,
                      std::string message, std::string help);

/// A finding about the policy as a whole (a text, a vocabulary entry) at `where`.
finding policy_finding(error_code code, severity s, const source_span& where, std::string message,
                       std::string help);

/// A finding about flow `f` at `where`.
finding flow_finding(error_code code, severity s, const flow_def& f, const source_span& where,
                     std::string message, std::string help);

}  // namespace aftersale::analysis
