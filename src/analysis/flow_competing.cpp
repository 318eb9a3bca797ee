// SPDX-License-Identifier: Apache-2.0
// A402: transitions that compete for the same case (same state and event, automatic ones of a
// state, timers due together), where an earlier one wins for some case or for all of them.
#include <algorithm>
#include <map>
#include <tuple>

#include "analysis/flow_checks.hpp"
#include "analysis/witness.hpp"

namespace aftersale::analysis {

namespace {

bool roles_meet(const transition_def& a, const transition_def& b) {
  if (a.trigger != trigger_kind::event || a.roles.empty() || b.roles.empty()) return true;
  return std::any_of(a.roles.begin(), a.roles.end(), [&](std::uint32_t r) {
    return std::find(b.roles.begin(), b.roles.end(), r) != b.roles.end();
  });
}

// Every role that may fire `later` may also fire `earlier`.
bool roles_cover(const transition_def& earlier, const transition_def& later) {
  if (earlier.trigger != trigger_kind::event || earlier.roles.empty()) return true;
  if (later.roles.empty()) return false;
  return std::all_of(later.roles.begin(), later.roles.end(), [&](std::uint32_t r) {
    return std::find(earlier.roles.begin(), earlier.roles.end(), r) != earlier.roles.end();
  });
}

// The roles that may fire both event transitions, as `id`s (an empty list allows every role;
// empty result: both allow every role, or not an event).
std::vector<std::string> shared_roles(const policy& p, const transition_def& a, const transition_def& b) {
  std::vector<std::string> out;
  if (a.trigger != trigger_kind::event) return out;
  const auto add = [&](std::uint32_t r) {
    const std::string_view id = entry_id(p.vocabulary.roles, r);
    if (!id.empty()) out.push_back('`' + std::string(id) + '`');
  };
  for (std::uint32_t r : a.roles) {
    if (std::find(b.roles.begin(), b.roles.end(), r) != b.roles.end()) add(r);
  }
  if (out.empty() && b.roles.empty()) {
    for (std::uint32_t r : a.roles) add(r);
  }
  if (out.empty() && a.roles.empty()) {
    for (std::uint32_t r : b.roles) add(r);
  }
  return out;
}

// "on `approve` from `a`", "automatic transitions from `a`", ...: what the group shares.
std::string group_text(const policy& p, const flow_def& f, const transition_def& t) {
  const std::string from = '`' + f.states[t.from].id + '`';
  switch (t.trigger) {
    case trigger_kind::event:
      return "transitions on `" + (t.event < f.events.size() ? f.events[t.event] : "?") + "` from " + from;
    case trigger_kind::automatic:
      return "automatic transitions from " + from;
    case trigger_kind::timer:
      return (t.timer.clock < p.clocks.size()
                  ? "timer transitions on clock `" + p.clocks[t.timer.clock].id + '`'
                  : std::string("timer transitions of one duration")) +
             " from " + from;
  }
  return from;
}

// Every point of `a` is in `b`.
bool within(const box& a, const box& b) {
  for (std::size_t d = 0; d < a.dims.size(); ++d) {
    if (!a.dims[d].subset_of(b.dims[d])) return false;
  }
  return true;
}

std::string line_of(const transition_def& t) { return "line " + std::to_string(t.where.line); }

// The witness: the point's facts and variables either guard tests.
std::vector<witness_fact> witness_of(const flow_guards& g, const box& point, const transition_def& a,
                                     const transition_def& b) {
  std::vector<std::string> names;
  for (const transition_def* t : {&a, &b}) {
    for (const condition& c : t->guard) {
      const std::size_t d = g.dimension_of(c);
      if (d < g.space().size() && g.space()[d].def) names.push_back(g.space()[d].def->name);
    }
  }
  std::vector<witness_fact> out;
  for (witness_fact& w : describe_point(g.space(), point)) {
    if (std::find(names.begin(), names.end(), w.fact) != names.end()) out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

void check_nondeterminism(const flow_guards& g, const analysis_options& options, analysis_report& report) {
  const policy& p = g.source();
  const flow_def& f = g.flow();
  // Transitions that compete: same state and event, automatic from one state, or timers of one
  // state falling due at the same instant (same clock, or same duration on the same calendar).
  using key = std::tuple<std::uint32_t, int, std::uint32_t, std::uint32_t, int, std::int64_t, std::uint32_t>;
  std::map<key, std::vector<std::uint32_t>> groups;
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    const transition_def& td = f.transitions[t];
    if (!g.usable(t)) continue;  // A403 already; it competes with nothing
    key k{td.from, static_cast<int>(td.trigger), npos, npos, 0, 0, npos};
    if (td.trigger == trigger_kind::event) std::get<2>(k) = td.event;
    if (td.trigger == trigger_kind::timer) {
      std::get<3>(k) = td.timer.clock;
      if (td.timer.clock == npos) {
        std::get<4>(k) = static_cast<int>(td.timer.after.kind);
        std::get<5>(k) = td.timer.after.amount;
        std::get<6>(k) = td.timer.calendar;
      }
    }
    groups[k].push_back(t);
  }
  std::vector<finding> found;
  for (const auto& [k, members] : groups) {
    for (std::size_t j = 1; j < members.size(); ++j) {
      const transition_def& later = f.transitions[members[j]];
      // Competing earlier transitions: those that can fire for some case `later` could.
      std::vector<std::uint32_t> overlapping, partial;
      for (std::size_t i = 0; i < j; ++i) {
        const transition_def& earlier = f.transitions[members[i]];
        if (!roles_meet(earlier, later) || !intersect(g.guard(members[i]), g.guard(members[j]))) continue;
        overlapping.push_back(members[i]);
        // An earlier guard inside the later one is the first-match idiom (the special case
        // written before the general one), not an accident: only partial overlaps are reported.
        if (!within(g.guard(members[i]), g.guard(members[j]))) partial.push_back(members[i]);
      }
      if (overlapping.empty()) continue;
      // Shadowed: earlier transitions every role of `later` may fire leave it no case.
      region rest(g.guard(members[j]));
      std::vector<std::uint32_t> covering;
      bool within_budget = true;
      for (std::uint32_t i : overlapping) {
        if (!roles_cover(f.transitions[i], later)) continue;
        covering.push_back(i);
        if (!rest.subtract(g.guard(i), options.max_regions)) {
          within_budget = false;
          break;
        }
      }
      const bool shadowed = within_budget && !covering.empty() && rest.empty();
      if (!shadowed && partial.empty()) continue;
      if (!shadowed) overlapping = partial;
      const transition_def& first = f.transitions[overlapping.front()];
      const std::optional<box> point = intersect(g.guard(overlapping.front()), g.guard(members[j]));
      std::string message;
      std::string help;
      if (shadowed) {
        std::vector<std::string> lines;
        for (std::uint32_t i : covering) lines.push_back(line_of(f.transitions[i]));
        message =
            "the " + transition_text(p, f, members[j]) + " never fires: the earlier " +
            (covering.size() == 1 ? "one at " : "ones at ") + id_list(lines) +
            (later.guard.empty() && f.transitions[covering.front()].guard.empty() && covering.size() == 1
                 ? " has the same trigger and no guard"
                 : " fire" + std::string(covering.size() == 1 ? "s" : "") + " in every case it could");
        help = "remove this transition, or narrow the earlier guard or roles so this one can fire";
      } else {
        const std::vector<std::string> roles = shared_roles(p, first, later);
        message = group_text(p, f, later) + " can both fire for the same case" +
                  (roles.empty() ? std::string() : " and role " + id_list(roles)) +
                  ": the first one written (to `" + f.states[first.to].id + "`, " + line_of(first) +
                  ") wins over this one (to `" + f.states[later.to].id + "`)";
        help = "make the guards (or roles) exclude each other, or put the transition that should win first";
      }
      finding out = flow_finding(error_code::nondeterministic, severity::warning, f, later.where,
                                 std::move(message), std::move(help));
      if (point) out.witness = witness_of(g, *point, first, later);
      for (std::uint32_t i : shadowed ? covering : overlapping) out.related.push_back(f.transitions[i].where);
      found.push_back(std::move(out));
    }
  }
  // Groups come out keyed by state; the report wants written order.
  std::stable_sort(found.begin(), found.end(), [](const finding& a, const finding& b) {
    return std::tie(a.diagnostic.where.line, a.diagnostic.where.column) <
           std::tie(b.diagnostic.where.line, b.diagnostic.where.column);
  });
  for (finding& x : found) report.findings.push_back(std::move(x));
}

}  // namespace aftersale::analysis
