// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Static analysis of a compiled policy: what is wrong or suspicious before anything goes live.
///
///     auto p = aftersale::load_policy_file("policies/default.yaml");
///     aftersale::analysis_report r = aftersale::analyze(*p);
///     for (const auto& f : r.findings) std::cout << aftersale::to_string(f) << '\n';
///     if (r.has_errors()) return 1;
///
/// Decision tables are analysed exactly, not by sampling: every condition is a set of values
/// of one fact (intervals for int, money, duration and timestamp facts; sets for enum, bool
/// and string facts; "absent" as one more value for optional facts), a rule is the product of
/// its conditions, and gaps, overlaps and shadowed rules are computed by region algebra over
/// those products. Each finding that concerns requests carries a witness: a concrete request
/// that the real evaluator has been run on at `analysis_options::at` and that shows the problem.
///
/// Flows are analysed as graphs (Boost.Graph): reachability from the start, reachability of a
/// terminal state, guards that can never hold or can hold together, clocks on terminal states,
/// labels for customers. Codes are catalogued in docs/errors.md (A400-A417).
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <aftersale/time.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace aftersale {

struct analysis_options {
  /// The instant witness requests are evaluated at (derived facts such as
  /// `days_since_delivery` are realised by choosing their source timestamp relative to it).
  /// Default: 2026-01-07T04:00:00Z (a Wednesday, 12:00 in Asia/Shanghai).
  sys_seconds at{std::chrono::seconds{1767758400}};
  /// The two enum facts whose pairs `uncovered_pair` (A409) reports; when either is not an
  /// enum fact of the policy the coverage check is skipped.
  std::string status_fact = "order_status";
  std::string request_fact = "request";
  /// Upper bound on the number of disjoint regions one table's analysis may hold; past it the
  /// analysis stops that check and reports A411 instead of running away on huge tables.
  std::size_t max_regions = 200'000;
  /// A406: a table's gaps are reported one finding per disjoint region, each with its own
  /// witness, for at most this many regions (0 counts as 1); the last one shown says how many
  /// more there are.
  std::size_t gap_witnesses = 5;
  bool check_tables = true;
  bool check_flows = true;
};

/// One fact of a witness request, spelled as the request format takes it (`delivered`,
/// money in minor units `12900`, `true`, `48h`, an ISO timestamp), or `absent` when the
/// request leaves the fact out.
struct witness_fact {
  std::string fact;
  std::string value;
  bool absent = false;
  bool literal = false;  ///< int, money or bool: a JSON number / boolean, not a string
  bool derived = false;  ///< computed from other facts: shown, but not part of the request
};

/// What one finding is about and where: the diagnostic (code, severity, location, message,
/// help), a witness request when the finding concerns requests, and related locations (the
/// earlier rules that shadow a rule, the other transition of a nondeterministic pair, ...).
struct finding {
  aftersale::diagnostic diagnostic;
  std::vector<witness_fact> witness;  ///< empty when the finding has no witness request
  std::vector<source_span> related;
  std::string table;  ///< decision table id, when about a table
  std::string flow;   ///< flow id, when about a flow
};

/// The (status × request) coverage of one table: the pairs some rule can match, and those only
/// rules that mention neither fact (catch-alls) match.
struct pair_coverage {
  std::string table;
  std::vector<std::pair<std::string, std::string>> unhandled;  ///< no rule matches any request with the pair
  std::vector<std::pair<std::string, std::string>> catch_all_only;  ///< only rules constraining neither fact
  /// No rule matches the pair, and every request with it lies in the table's `intended_gaps`
  /// (not reported by A409).
  std::vector<std::pair<std::string, std::string>> intended;
};

struct analysis_report {
  std::vector<finding> findings;  ///< in document order of their location
  std::vector<pair_coverage> coverage;
  bool has_errors() const noexcept;
  std::size_t count(aftersale::severity s) const noexcept;
};

/// Analyses every decision table and flow of `p`. Never throws on a loaded policy.
analysis_report analyze(const policy& p, const analysis_options& options = {});

/// `file:line:col: warning[A406]: message`, the help line, then `  witness: fact=value, ...`
/// and `  see: file:line:col` lines.
std::string to_string(const finding& f);

/// The report as one JSON document (`{"findings": [...], "coverage": [...], "errors": N,
/// "warnings": N}`), for `aftersale lint --format json`.
/// @throws encoding_error when a message, id or value is not valid UTF-8.
std::string to_json(const analysis_report& r);

}  // namespace aftersale
