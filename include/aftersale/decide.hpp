// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The decision evaluator.
///
///     auto policy = aftersale::load_policy_file("policies/default.yaml");
///     aftersale::request r;  // ... facts ...
///     aftersale::decision d = aftersale::decide(policy, r,
///     aftersale::sys_seconds{std::chrono::seconds{1791417600}}); if (d.status() ==
///     aftersale::decision_status::matched) {
///       std::cout << d.solution() << '\n';                 // "return_then_refund"
///       for (auto& dl : d.deadlines()) std::cout << d.clock_id(dl) << ' ' << aftersale::format_utc(dl.due)
///       << '\n';
///     }
///     std::cout << aftersale::explain(d);                  // why: which rule fired, why earlier ones did
///     not
///
/// "No rule matched" and "rules in conflict" are results, not exceptions. Every `decide`
/// throws `usage_error` (E500) for a null policy, and E501 for a bound request bound with
/// another policy (fact count differs), and `request_error` E308 when an aggregating table's
/// `sum` overflows 64 bits. `decide` is
/// thread-safe: it only reads the policy (docs/threads.md).
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

enum class decision_status : std::uint8_t {
  matched,   ///< one or more rules selected by the hit policy
  no_match,  ///< no rule matched the request
  conflict,  ///< `unique` matched several rules, or `any` matched rules with different outcomes
};

/// `matched`, `no_match`, `conflict`.
std::string_view to_string(decision_status s);

/// A deadline started by a decision: the clock and the absolute UTC instant it falls due.
struct deadline {
  std::uint32_t clock = npos;  ///< index into policy::clocks
  sys_seconds due{};
};

/// One rule selected by the hit policy, with what it computed.
struct rule_match {
  std::uint32_t rule = npos;          ///< index into the table's rules
  std::vector<deadline> deadlines;    ///< one per `then.clocks`, same order
  std::vector<std::int64_t> amounts;  ///< one per `then.amounts`, minor units (0 when absent)
  /// One per `then.amounts`: 1 when the amount has a value, 0 when it is absent because it
  /// refers to a fact (or an earlier amount) that has none.
  std::vector<std::uint8_t> amount_present;

  /// True when amount `i` has a value.
  bool has_amount(std::size_t i) const noexcept {
    return i < amount_present.size() && amount_present[i] != 0;
  }
};

/// Why one rule did or did not match, for explanations.
struct rule_trace {
  std::uint32_t rule = npos;
  std::uint32_t failed_condition = npos;  ///< index into the rule's conditions; npos = the rule matched
  bool fact_absent = false;               ///< the failed condition's fact had no value
  std::int64_t actual = 0;                ///< the value the failed condition saw (when present)
};

class observer;  // observer.hpp

struct decide_options {
  /// Record a trace: every rule the hit policy looked at, with the first condition that
  /// failed. Costs time proportional to the rules before the match.
  bool explain = true;
  /// Told of the decision (`observer::on_decision`) on the calling thread before `decide`
  /// returns; not owned. Null (the default): nothing is called and nothing is paid but a test
  /// of the pointer. See observer.hpp for what an observer may do.
  aftersale::observer* observer = nullptr;
};

/// Who made a decision and from what: the audit fields (docs/store.md, "Audit fields").
struct decision_audit {
  /// 16 lowercase hex digits: FNV-1a 64 of the policy's content hash, the table, the request's
  /// canonical form (every fact as bound against that exact policy, derived facts included)
  /// and `now`. Deterministic: the same policy text, request and instant give the same id, so
  /// replaying a logged request reproduces it, and two processes deciding the same request
  /// agree without coordination. It names the inputs, not an occurrence: deciding the same
  /// request twice at the same instant gives one id (the decisions are identical too).
  std::string decision_id;
  std::string policy_id;
  std::string policy_version;
  std::uint64_t policy_hash = 0;  ///< `policy_info::content_hash`: the exact text, bases included
  /// `policy_hash` as 16 lowercase hex digits (as decide's JSON and the store write it).
  std::string policy_hash_hex() const;
};

/// The result of `decide`. Holds the policy alive; ids are views into it.
class decision {
 public:
  decision(std::shared_ptr<const policy> p, std::uint32_t table, sys_seconds now, decision_status status,
           std::vector<rule_match> matches, std::vector<rule_trace> trace, bound_request facts,
           std::optional<std::int64_t> aggregate = std::nullopt);

  decision_status status() const noexcept { return status_; }
  bool matched() const noexcept { return status_ == decision_status::matched; }
  const policy& source_policy() const noexcept { return *policy_; }
  const std::shared_ptr<const policy>& policy_ptr() const noexcept { return policy_; }
  const decision_table& table() const;
  sys_seconds now() const noexcept { return now_; }
  /// The facts the decision saw, derived facts included.
  const bound_request& facts() const noexcept { return facts_; }

  /// Rules selected by the hit policy, in output order (for a conflict: the rules in conflict).
  const std::vector<rule_match>& matches() const noexcept { return matches_; }
  const std::vector<rule_trace>& trace() const noexcept { return trace_; }

  // Convenience accessors for the first (for single-hit policies: the only) match.
  // Precondition for each: matched(); without a selected rule they throw usage_error (E504).
  // Naming, as in service_case: `x_index()` is an index into the policy (npos when none),
  // `x_id()` the id as text (empty when none). solution() and fee_payer() are text.
  const rule& first_rule() const;
  std::string_view rule_id() const;
  std::string_view solution() const;
  std::string_view fee_payer() const;  ///< empty when the rule names none
  /// Escalation level: index into vocabulary.roles, or npos when no escalation.
  std::uint32_t escalation_index() const;
  std::string_view escalation_id() const;  ///< empty when no escalation
  /// The same as escalation_id() (its older name).
  std::string_view escalation() const { return escalation_id(); }
  /// Order remark flag: index into vocabulary.flags, or npos when none.
  std::uint32_t remark_flag_index() const;
  std::string_view remark_flag_id() const;  ///< empty when none
  /// The same as remark_flag_id() (its older name).
  std::string_view remark_flag() const { return remark_flag_id(); }
  std::vector<std::string_view> evidence() const;

  // Texts of the first match, in `locale` (`policy::text`: the asked locale, else the policy's
  // `locale`, else the first written; "" asks for the policy's `locale`). A decision holds its
  // policy, so it can be shown in any locale without deciding again.
  std::vector<std::string_view> steps(std::string_view locale = {}) const;
  std::string_view customer_label(std::string_view locale = {}) const;  ///< empty when none
  std::string_view agent_label(std::string_view locale = {}) const;     ///< empty when none
  std::string_view remark(std::string_view locale = {}) const;          ///< the remark text; empty when none
  /// The label of a deadline's clock in `locale`; empty when the clock has none. (No match needed.)
  std::string_view clock_label(const deadline& d, std::string_view locale = {}) const;
  const std::vector<deadline>& deadlines() const;
  /// Computed amounts of the first match as (name, minor units); absent amounts are left out.
  std::vector<std::pair<std::string_view, std::int64_t>> amounts() const;
  std::string_view clock_id(const deadline& d) const;

  /// The table's `aggregate` over the selected rules (`table().aggregate` says which op and
  /// output): for `sum`, `min` and `max`, the amount in minor units; for `count`, the number of
  /// selected rules (0 when none matched). nullopt when the table aggregates nothing, when no
  /// rule matched (`sum`, `min`, `max`), or when a selected rule's amount is absent (it refers to
  /// a fact with no value: an unknown part makes the whole unknown, nothing is left out silently).
  /// A `sum` beyond 64 bits is never returned: `decide` throws `request_error` E308 instead.
  const std::optional<std::int64_t>& aggregate() const noexcept { return aggregate_; }

  /// The decision id (`decision_audit::decision_id`): 16 lowercase hex digits, computed on
  /// each call from the policy's content hash, the table, the facts and `now` (decide itself
  /// pays nothing for it). The number itself is `id_value()`.
  std::string id() const;
  std::uint64_t id_value() const noexcept;
  /// The decision id with the policy id, version and content hash that produced it.
  decision_audit audit() const;

 private:
  std::shared_ptr<const policy> policy_;
  std::uint32_t table_;
  sys_seconds now_;
  decision_status status_;
  std::vector<rule_match> matches_;
  std::vector<rule_trace> trace_;
  bound_request facts_;
  std::optional<std::int64_t> aggregate_;
};

/// Decides a bound request with the policy's entry table.
decision decide(std::shared_ptr<const policy> p, const bound_request& facts, sys_seconds now,
                decide_options options = {});
/// Binds then decides with the entry table. @throws request_error when the request does not fit.
decision decide(std::shared_ptr<const policy> p, const request& r, sys_seconds now,
                decide_options options = {});
/// Binds then decides with the named table. @throws request_error (E304 for an unknown table).
decision decide(std::shared_ptr<const policy> p, std::string_view table, const request& r, sys_seconds now,
                decide_options options = {});
/// Decides a bound request with table `table` (an index into policy::decisions).
/// @throws request_error (E304) when the policy has no such table.
decision decide(std::shared_ptr<const policy> p, std::uint32_t table, const bound_request& facts,
                sys_seconds now, decide_options options = {});

/// The hot path: index of the first rule of decision table `table` (an index into
/// policy::decisions) matching `facts`, or npos. Ignores the hit policy (for `first` tables
/// this is the answer). Derived facts must already be in `facts` (see `derive_facts`). No
/// allocation. Reads the table's index in `p.compiled`: npos also when `p` is not compiled
/// (see `compile_policy`) or has no such table.
std::uint32_t first_match(const policy& p, std::uint32_t table, const bound_request& facts) noexcept;

/// Fills the derived facts of `facts` for the instant `now`.
void derive_facts(const policy& p, bound_request& facts, sys_seconds now);

/// A readable, multi-line account of the decision: the rule that fired with its location,
/// and for every earlier rule the first condition that failed and the value it saw. Instants
/// (deadlines, timestamp facts) are written in the policy's default calendar's zone with the
/// offset, `2026-11-11 21:30 +08:00`; in UTC when the policy has no calendar.
std::string explain(const decision& d);

/// The aggregate of an aggregating `collect` table as one line of text (`sum of amount
/// \`compensation\` = 35.00`, `count of the selected rules = 2`, or why it is absent); "" when
/// the table aggregates nothing. `explain` prints it after the rules that fired.
std::string aggregate_line(const decision& d);

}  // namespace aftersale
