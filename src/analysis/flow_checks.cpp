// SPDX-License-Identifier: Apache-2.0
// The flow checks: `check_flows` runs them per flow. This file holds the graph checks — A400
// (unreachable states), A401 (no way to a terminal state) — and A405 (labels); guards and
// clocks have their own files (see flow_checks.hpp).
#include "analysis/flow_checks.hpp"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <set>
#include <tuple>

#include "analysis/checks.hpp"
#include "analysis/flow_graph.hpp"

namespace aftersale::analysis {

std::string transition_text(const policy& p, const flow_def& f, std::uint32_t t) {
  const transition_def& td = f.transitions[t];
  const std::string route = "from `" + f.states[td.from].id + "` to `" + f.states[td.to].id + '`';
  switch (td.trigger) {
    case trigger_kind::event:
      return "transition on `" + (td.event < f.events.size() ? f.events[td.event] : "?") + "` " + route;
    case trigger_kind::automatic:
      return "automatic transition " + route;
    case trigger_kind::timer:
      if (td.timer.clock < p.clocks.size())
        return "timer transition on clock `" + p.clocks[td.timer.clock].id + "` " + route;
      return "timer transition " + route;
  }
  return "transition " + route;
}

std::string id_list(const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + ids[i];
  return out;
}

namespace {

std::string quoted(const std::string& id) { return '`' + id + '`'; }

// ---- A400 ----

void check_reachable(const flow_guards& g, const std::vector<bool>& reached, analysis_report& report) {
  const flow_def& f = g.flow();
  // Reachable once guards are ignored: the state is cut off only by guards that never hold.
  flow_graph_options all;
  all.reopen_edges = true;
  const std::vector<bool> ignoring_guards = reachable_from(make_flow_graph(f, all), f.start);
  for (std::uint32_t s = 0; s < f.states.size(); ++s) {
    if (reached[s]) continue;
    const state_def& st = f.states[s];
    std::string message = "state " + quoted(st.id) + " is unreachable: ";
    message += ignoring_guards[s]
                   ? "every path from the start " + quoted(f.states[f.start].id) +
                         " to it needs a transition whose guard never holds"
                   : "no transition leads to it from the start " + quoted(f.states[f.start].id);
    report.findings.push_back(flow_finding(error_code::unreachable_state, severity::warning, f, st.where,
                                           std::move(message),
                                           "add a transition to it, or remove the state if it is left over"));
  }
}

// ---- A401 ----

void check_way_out(const flow_guards& g, const flow_graph& graph, const std::vector<bool>& reached,
                   analysis_report& report) {
  const flow_def& f = g.flow();
  const std::size_t n = f.states.size();
  std::vector<bool> terminal(n);
  for (std::size_t s = 0; s < n; ++s) terminal[s] = f.states[s].terminal;
  const std::vector<bool> can_end = reaching(graph, terminal);
  std::vector<bool> stuck(n);
  bool any = false;
  for (std::size_t s = 0; s < n; ++s) any |= stuck[s] = reached[s] && !terminal[s] && !can_end[s];
  if (!any) return;

  std::vector<int> component(n);
  const int components = boost::strong_components(
      graph, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  // Members of each component, and whether an edge leaves it (a bottom component has none).
  std::vector<std::vector<std::uint32_t>> members(static_cast<std::size_t>(components));
  std::vector<bool> leaves(static_cast<std::size_t>(components), false), loops(members.size(), false);
  for (std::uint32_t s = 0; s < n; ++s) members[static_cast<std::size_t>(component[s])].push_back(s);
  for (auto [e, end] = boost::edges(graph); e != end; ++e) {
    const auto a = static_cast<std::size_t>(component[boost::source(*e, graph)]);
    const auto b = static_cast<std::size_t>(component[boost::target(*e, graph)]);
    if (a != b) leaves[a] = true;
    if (a == b) loops[a] = true;
  }
  auto names = [&](std::size_t c) {
    std::vector<std::string> ids;
    for (std::uint32_t s : members[c]) ids.push_back(quoted(f.states[s].id));
    return id_list(ids);
  };
  auto trap = [&](std::size_t c) {
    return loops[c] ? "the closed cycle " + names(c) : "the dead end " + names(c);
  };

  for (std::uint32_t s = 0; s < n; ++s) {
    if (!stuck[s]) continue;
    const state_def& st = f.states[s];
    const auto c = static_cast<std::size_t>(component[s]);
    std::string message;
    std::string help;
    if (boost::out_degree(s, graph) == 0) {
      const bool written = std::any_of(f.transitions.begin(), f.transitions.end(),
                                       [&](const transition_def& t) { return t.from == s; });
      message = "state " + quoted(st.id) + " is a dead end: it is not terminal and has no transition out" +
                (written ? " whose guard can hold" : "");
      help = "add a transition out of it, or mark it `terminal: true` if the case ends there";
    } else if (!leaves[c]) {
      message = "no terminal state can be reached from " + quoted(st.id) +
                ": it is caught in the closed cycle " + names(c) + " with no transition out of it";
      help = "add a transition from one of these states towards a terminal state";
    } else {
      // The bottom components it leads to: where every path from it ends up.
      const std::vector<bool> ahead = reachable_from(graph, s);
      std::vector<std::string> traps;
      std::set<std::size_t> seen;
      for (std::uint32_t v = 0; v < n; ++v) {
        const auto cv = static_cast<std::size_t>(component[v]);
        if (ahead[v] && !leaves[cv] && seen.insert(cv).second) traps.push_back(trap(cv));
      }
      message = "no terminal state can be reached from " + quoted(st.id) + ": every path from it ends in " +
                id_list(traps);
      help = "add a transition towards a terminal state on the way";
    }
    report.findings.push_back(flow_finding(error_code::no_way_out, severity::error, f, st.where,
                                           std::move(message), std::move(help)));
  }
}

// ---- A405 ----

// Locales (non-empty tags) any state label of the policy's flows is written in, sorted.
std::vector<std::string> policy_locales(const policy& p) {
  std::set<std::string> out;
  for (const flow_def& f : p.flows) {
    for (const state_def& s : f.states) {
      for (const localized_text* t : {&s.agent_label, &s.customer_label}) {
        for (const auto& [locale, text] : t->by_locale)
          if (!locale.empty()) out.insert(locale);
      }
    }
  }
  return {out.begin(), out.end()};
}

void check_labels(const flow_def& f, const std::vector<std::string>& locales, analysis_report& report) {
  for (const state_def& s : f.states) {
    if (s.customer_label.empty()) {
      report.findings.push_back(flow_finding(
          error_code::missing_label, severity::warning, f, s.where,
          "state " + quoted(s.id) + " has no customer label: customers would see the internal state id",
          "add `customer:` with the text customers see in this state"));
    }
    if (locales.size() < 2) continue;
    for (const auto& [label, who] :
         {std::pair{&s.customer_label, "customer"}, std::pair{&s.agent_label, "agent"}}) {
      if (label->empty()) continue;  // a missing customer label is reported above; agent labels are optional
      std::vector<std::string> missing;
      for (const std::string& l : locales) {
        const bool has = std::any_of(label->by_locale.begin(), label->by_locale.end(),
                                     [&](const auto& entry) { return entry.first == l; });
        if (!has) missing.push_back(quoted(l));
      }
      if (missing.empty()) continue;
      report.findings.push_back(flow_finding(
          error_code::missing_label, severity::warning, f, s.where,
          "the " + std::string(who) + " label of state " + quoted(s.id) + " has no " + id_list(missing) +
              " text, though the policy's flows are labelled in " + id_list([&] {
                std::vector<std::string> all;
                for (const std::string& l : locales) all.push_back(quoted(l));
                return all;
              }()),
          "write the label as `{" + locales.front() + ": ..., " + locales[1] + ": ...}` with every locale"));
    }
  }
}

}  // namespace

void check_flows(const policy& p, const analysis_options& options, analysis_report& report) {
  if (!options.check_flows) return;
  // With `policy.locales` every text's locales are A413's (text_checks.cpp); without, state
  // labels are checked against the locales the flows use.
  const std::vector<std::string> locales =
      p.info.locales.empty() ? policy_locales(p) : std::vector<std::string>{};
  for (const flow_def& f : p.flows) {
    if (f.states.empty() || f.start >= f.states.size()) continue;  // the loader refuses both
    const flow_guards guards(p, f);
    flow_graph_options usable;
    usable.usable = guards.usable_flags();
    usable.reopen_edges = true;
    const flow_graph graph = make_flow_graph(f, usable);
    const std::vector<bool> reached = reachable_from(graph, f.start);

    analysis_report part;
    check_reachable(guards, reached, part);
    check_way_out(guards, graph, reached, part);
    check_nondeterminism(guards, options, part);
    check_guards(guards, part);
    check_terminal_clocks(guards, options.max_regions, part);
    check_labels(f, locales, part);
    // Document order within the flow (analyze() orders the whole report the same way).
    std::stable_sort(part.findings.begin(), part.findings.end(), [](const finding& a, const finding& b) {
      return std::tie(a.diagnostic.where.line, a.diagnostic.where.column) <
             std::tie(b.diagnostic.where.line, b.diagnostic.where.column);
    });
    for (finding& x : part.findings) report.findings.push_back(std::move(x));
  }
}

}  // namespace aftersale::analysis
