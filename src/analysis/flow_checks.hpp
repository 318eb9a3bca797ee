// SPDX-License-Identifier: Apache-2.0
#pragma once
// The parts of `check_flows` (internal), one file each:
//   flow_guards.cpp — guards as boxes, and A403 (guards that never hold)
//   flow_competing.cpp — A402 (two transitions can fire for the same case)
//   flow_checks.cpp — the graph checks A400 (unreachable), A401 (no way out), A405 (labels),
//                     and `check_flows` itself
//   flow_clocks.cpp — A404 (clocks on terminal states), A412 (resets that never apply)
#include <aftersale/analysis.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/finding.hpp"
#include "analysis/region.hpp"

namespace aftersale::analysis {

/// The guard of every transition of one flow as a box of `space(p, flow)`.
///
/// Request facts take the domains of `space`. Flow variables do not take its narrowed domains
/// when an event can carry a payload: the runtime assigns a payload's values (any value of the
/// variable's type) before the guards are checked, and they stay, so in a flow with events (or
/// `reopen:`, which carries a payload too) a variable can hold any value of its type. Only in a
/// flow without either are variables narrowed to their default and what `set`/`record`
/// effects (and decision amounts of the same name, at opening) give them.
class flow_guards {
 public:
  flow_guards(const policy& p, const flow_def& f);

  const policy& source() const noexcept { return *p_; }
  const flow_def& flow() const noexcept { return *f_; }
  const analysis::space& space() const noexcept { return space_; }
  /// True when events or `reopen` can assign any value to a variable (see the class comment).
  bool payloads() const noexcept { return payloads_; }
  /// The values variable `v` can hold, absent included when it has no default.
  const value_set& variable_domain(std::uint32_t v) const { return variable_domains_[v]; }

  /// The cases (request facts and variables) in which transition `t`'s guard holds.
  const box& guard(std::uint32_t t) const { return guards_[t]; }
  /// False when the guard of `t` can never hold (A403).
  bool usable(std::uint32_t t) const { return !guards_[t].empty(); }
  /// One flag per transition: `usable(t)`.
  std::vector<bool> usable_flags() const;

  /// The dimension condition `c` of a guard constrains (npos: none).
  std::size_t dimension_of(const condition& c) const noexcept { return space_.dimension_of(c.fact); }
  /// The name of the fact or variable a guard condition tests.
  const std::string& name_of(const condition& c) const;

 private:
  const policy* p_;
  const flow_def* f_;
  analysis::space space_;
  bool payloads_ = false;
  std::vector<value_set> variable_domains_;
  std::vector<box> guards_;
};

/// A403: one error per transition whose guard can never hold.
void check_guards(const flow_guards& g, analysis_report& report);

/// A402: transitions of one state on one event (or automatic ones, or timers due together) that
/// can fire for the same case, and those earlier ones leave no case to.
void check_nondeterminism(const flow_guards& g, const analysis_options& options, analysis_report& report);

/// A404: clocks started on entering a terminal state, or still running when one is entered; and
/// A412: a clock `reset` where the clock is never running or paused, from the same analysis.
/// Rules that open the flow are followed one by one (their clocks, the requests they decide);
/// `max_boxes` bounds the regions of those requests.
void check_terminal_clocks(const flow_guards& g, std::size_t max_boxes, analysis_report& report);

// ---- texts shared by the checks ----

/// "transition on `approve` from `a` to `b`", "automatic transition from `a` to `b`",
/// "timer transition on clock `c` from `a` to `b`".
std::string transition_text(const policy& p, const flow_def& f, std::uint32_t t);

/// "`a`, `b` and `c`".
std::string id_list(const std::vector<std::string>& ids);

}  // namespace aftersale::analysis
