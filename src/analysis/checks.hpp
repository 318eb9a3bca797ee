#pragma once
// The checks `analyze()` runs, one file each (internal). Each appends its findings; none throws
// on a loaded policy.
#include <aftersale/analysis.hpp>

#include <string>
#include <utility>
#include <vector>

namespace aftersale::analysis {

/// A finding of `code` at `where`; the caller names its table or flow.
inline finding finding_at(error_code code, severity s, const source_span& where, std::string message,
                          std::string help) {
  finding f;
  f.diagnostic.code = code;
  f.diagnostic.severity = s;
  f.diagnostic.where = where;
  f.diagnostic.message = std::move(message);
  f.diagnostic.help = std::move(help);
  return f;
}

/// Gaps (A406), overlaps (A407), shadowed rules (A408), (status × request) coverage (A409)
/// and A411 budgets of every decision table: table_checks.cpp.
void check_tables(const policy& p, const analysis_options& options, analysis_report& report);

/// Unreachable states (A400), no way to a terminal state (A401), nondeterminism (A402),
/// guards that never hold (A403), clocks on terminal states (A404), missing customer labels
/// (A405) of every flow, with Boost.Graph: flow_checks.cpp.
void check_flows(const policy& p, const analysis_options& options, analysis_report& report);

/// Protected outcomes a store policy must not weaken (A410): protected_checks.cpp.
void check_protected(const policy& p, const analysis_options& options, analysis_report& report);

}  // namespace aftersale::analysis
