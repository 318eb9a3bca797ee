// SPDX-License-Identifier: Apache-2.0
// A404: SLA clocks on terminal states (and A412, resets that never apply, from the same analysis). Entering a
// terminal state resolves the case and no timer fires in a resolved case, but the runtime does not stop its
// clocks: a clock left running keeps its deadline in the case (and its snapshot), falls overdue, and reports
// an SLA breach for a case that is already settled; after `reopen` its old deadline is still the one that
// counts. So: clocks a terminal state starts (or resumes) on entry, and clocks that can still be running when
// one is entered, found by a may-analysis over the flow graph (paths, not guards: a transition whose guard
// never holds is left out).
#include <algorithm>
#include <deque>

#include "analysis/flow_checks.hpp"
#include "model/compiled.hpp"

namespace aftersale::analysis {

namespace {

constexpr std::uint8_t running = 1, paused = 2;
constexpr std::uint32_t no_site = npos;

// Where a clock was (re)started: the finding names it.
struct site {
  std::string text;
  source_span where;
  std::uint32_t state = npos;  // the state it belongs to (on_entry), or the transition leaves
};

// What may hold for every clock of the policy at one point of a path.
struct clock_states {
  bool reached = false;
  std::vector<std::uint8_t> bits;     // running | paused
  std::vector<std::uint32_t> origin;  // the site that last made it running
  std::vector<std::uint32_t> pred;    // entering a state: where it first arrived running from

  void apply(clock_action a, std::uint32_t clock, std::uint32_t where) {
    if (clock >= bits.size()) return;
    std::uint8_t& b = bits[clock];
    switch (a) {
      case clock_action::start:  // runs whatever it was
        b = running;
        origin[clock] = where;
        break;
      case clock_action::stop:
        b = 0;
        break;
      case clock_action::pause:  // only a running clock pauses
        b = static_cast<std::uint8_t>(((b & running) ? paused : 0) | (b & paused));
        break;
      case clock_action::resume:  // only a paused clock resumes
        if ((b & paused) && !(b & running)) origin[clock] = where;
        b = static_cast<std::uint8_t>(((b & paused) ? running : 0) | (b & running));
        break;
      case clock_action::reset:  // a running or paused clock runs again; an idle or stopped one stays
        if (b != 0) {
          b = running;
          origin[clock] = where;
        }
        break;
    }
  }

  // Joins another path's states; true when something was added.
  bool join(const clock_states& other, std::uint32_t from) {
    bool changed = !reached;
    reached = true;
    for (std::size_t c = 0; c < bits.size(); ++c) {
      const auto both = static_cast<std::uint8_t>(bits[c] | other.bits[c]);
      if ((other.bits[c] & running) && !(bits[c] & running)) {
        origin[c] = other.origin[c];
        pred[c] = from;
      }
      changed |= both != bits[c];
      bits[c] = both;
    }
    return changed;
  }
};

// A412: a `reset` whose clock is idle or stopped on every path that reaches it does nothing
// (a reset only restarts a counting clock). Checked at each on_entry action and each effect of
// a usable transition, over every run; a state no run reaches is A400's.
void check_resets(const policy& p, const flow_def& f, const std::vector<bool>& usable,
                  const std::vector<std::vector<clock_states>>& runs,
                  const std::vector<std::vector<std::uint32_t>>& entry_sites,
                  const std::vector<std::vector<std::uint32_t>>& effect_sites, analysis_report& report) {
  const std::size_t n = f.states.size();
  std::vector<std::vector<char>> entry_applies(n), effect_applies(f.transitions.size());
  std::vector<char> reached(n, 0), fired(f.transitions.size(), 0);
  for (std::size_t s = 0; s < n; ++s) entry_applies[s].assign(f.states[s].on_entry.size(), 0);
  for (std::size_t t = 0; t < f.transitions.size(); ++t)
    effect_applies[t].assign(f.transitions[t].effects.size(), 0);
  const auto counting = [](const clock_states& v, std::uint32_t clock) {
    return clock < v.bits.size() && v.bits[clock] != 0;
  };
  for (const std::vector<clock_states>& in : runs) {
    for (std::size_t s = 0; s < n; ++s) {
      if (!in[s].reached) continue;
      reached[s] = 1;
      clock_states v = in[s];
      for (std::size_t i = 0; i < f.states[s].on_entry.size(); ++i) {
        const clock_effect& k = f.states[s].on_entry[i];
        if (k.action == clock_action::reset && counting(v, k.clock)) entry_applies[s][i] = 1;
        v.apply(k.action, k.clock, entry_sites[s][i]);
      }
      for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
        const transition_def& td = f.transitions[t];
        if (td.from != s || !usable[t]) continue;
        fired[t] = 1;
        clock_states w = v;
        for (std::size_t i = 0; i < td.effects.size(); ++i) {
          const effect& e = td.effects[i];
          if (e.kind != effect_kind::clock) continue;
          if (e.clock_op == clock_action::reset && counting(w, e.target)) effect_applies[t][i] = 1;
          w.apply(e.clock_op, e.target, effect_sites[t][i]);
        }
      }
    }
  }
  const auto report_reset = [&](std::uint32_t clock, const source_span& where, const std::string& site) {
    const std::string id = clock < p.clocks.size() ? p.clocks[clock].id : "?";
    report.findings.push_back(
        flow_finding(error_code::reset_never_applies, severity::warning, f, where,
                     "`reset` of clock `" + id + "` " + site +
                         " never applies: the clock is idle or stopped on every "
                         "path there, and a reset only restarts a running or paused clock",
                     "write `start: " + id + "` to start the clock, or remove the reset"));
  };
  for (std::size_t s = 0; s < n; ++s) {
    if (!reached[s]) continue;
    for (std::size_t i = 0; i < f.states[s].on_entry.size(); ++i) {
      const clock_effect& k = f.states[s].on_entry[i];
      if (k.action == clock_action::reset && !entry_applies[s][i])
        report_reset(k.clock, k.where, "on entering `" + f.states[s].id + "`");
    }
  }
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    if (!fired[t]) continue;
    const transition_def& td = f.transitions[t];
    for (std::size_t i = 0; i < td.effects.size(); ++i) {
      const effect& e = td.effects[i];
      if (e.kind == effect_kind::clock && e.clock_op == clock_action::reset && !effect_applies[t][i])
        report_reset(e.target, e.where, "by the " + transition_text(p, f, t));
    }
  }
}

}  // namespace

void check_terminal_clocks(const flow_guards& g, std::size_t max_boxes, analysis_report& report) {
  const policy& p = g.source();
  const flow_def& f = g.flow();
  const detail::flow_dispatch& dispatch = detail::dispatch_of(p, f);
  const std::size_t n = f.states.size();
  std::vector<site> sites;
  auto add_site = [&](std::string text, const source_span& where, std::uint32_t state) {
    sites.push_back(site{std::move(text), where, state});
    return static_cast<std::uint32_t>(sites.size() - 1);
  };
  clock_states none;
  none.bits.assign(p.clocks.size(), 0);
  none.origin.assign(p.clocks.size(), no_site);
  none.pred.assign(p.clocks.size(), npos);

  std::vector<std::vector<std::uint32_t>> entry_sites(n);  // per state: a site per on_entry action
  for (std::size_t s = 0; s < n; ++s) {
    for (const clock_effect& k : f.states[s].on_entry)
      entry_sites[s].push_back(
          add_site("on entering `" + f.states[s].id + '`', k.where, static_cast<std::uint32_t>(s)));
  }
  std::vector<std::vector<std::uint32_t>> effect_sites(f.transitions.size());
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    for (const effect& e : f.transitions[t].effects)
      effect_sites[t].push_back(e.kind == effect_kind::clock ? add_site("by the " + transition_text(p, f, t),
                                                                        e.where, f.transitions[t].from)
                                                             : no_site);
  }
  auto after_entry = [&](const clock_states& in, std::size_t s) {
    clock_states v = in;
    for (std::size_t i = 0; i < f.states[s].on_entry.size(); ++i) {
      const clock_effect& k = f.states[s].on_entry[i];
      v.apply(k.action, k.clock, entry_sites[s][i]);
    }
    return v;
  };

  // What may hold on entering each state (before its on_entry), to a fixed point, for a case
  // opened with `opened` running whose transitions are those flagged in `usable`.
  auto propagate = [&](const clock_states& opened, const std::vector<bool>& usable) {
    std::vector<clock_states> in(n, none);
    std::deque<std::uint32_t> work;
    in[f.start].join(opened, npos);
    work.push_back(f.start);
    while (!work.empty()) {
      const std::uint32_t s = work.front();
      work.pop_front();
      const clock_states out = after_entry(in[s], s);
      auto reach = [&](std::uint32_t to, const clock_states& v) {
        if (to < n && in[to].join(v, s)) work.push_back(to);
      };
      for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
        const transition_def& td = f.transitions[t];
        if (td.from != s || !usable[t]) continue;
        clock_states v = out;
        for (std::size_t i = 0; i < td.effects.size(); ++i) {
          const effect& e = td.effects[i];
          if (e.kind == effect_kind::clock) v.apply(e.clock_op, e.target, effect_sites[t][i]);
        }
        reach(td.to, v);
      }
      if (f.states[s].terminal) reach(f.reopen_to, out);  // `reopen` leaves the clocks as they were
    }
    return in;
  };

  // One run for a case opened without a decision (no clock running), and one per rule that
  // opens the flow: its clocks run from the start, and the request facts stay those its `when`
  // allows all along, so transitions whose guard contradicts it are left out.
  const auto base = p.facts.size();
  // An automatic transition that fires for every request in `facts` whatever the variables
  // hold empties its state on entry: nothing after it (events, timers, later automatic
  // transitions) fires there. Such transitions are cut from `usable`.
  auto transient = [&](const region& facts, std::vector<bool>& usable) {
    for (std::size_t st = 0; st < n && st < dispatch.automatic_from.size(); ++st) {
      std::uint32_t certain = npos;
      for (std::uint32_t t : dispatch.automatic_from[st]) {
        if (!usable[t]) continue;
        const transition_def& td = f.transitions[t];
        const bool on_variables =
            std::any_of(td.guard.begin(), td.guard.end(), [&](const condition& c) { return c.fact >= base; });
        const bool always =
            !on_variables && std::all_of(facts.boxes().begin(), facts.boxes().end(), [&](const box& b) {
              for (std::size_t d = 0; d < b.dims.size(); ++d) {
                if (g.space()[d].fact < base && !b.dims[d].subset_of(g.guard(t).dims[d])) return false;
              }
              return true;
            });
        if (always) {
          certain = t;
          break;
        }
      }
      if (certain == npos) continue;
      const std::vector<std::uint32_t>& autos = dispatch.automatic_from[st];
      const auto last = std::find(autos.begin(), autos.end(), certain) + 1;
      for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
        if (f.transitions[t].from == st && std::find(autos.begin(), last, t) == last) usable[t] = false;
      }
    }
  };

  std::vector<std::vector<clock_states>> runs;
  {
    clock_states opened = none;
    opened.reached = true;
    std::vector<bool> usable = g.usable_flags();
    transient(region(full_box(g.space())), usable);
    runs.push_back(propagate(opened, usable));
  }
  for (const decision_table& table : p.decisions) {
    std::vector<box> rule_boxes;  // each rule's `when`, built once the table opens this flow
    for (std::size_t ri = 0; ri < table.rules.size(); ++ri) {
      const rule& r = table.rules[ri];
      if (r.then.flow != f.id) continue;
      if (rule_boxes.empty()) {
        for (const rule& any : table.rules) rule_boxes.push_back(box_of(g.space(), any.conditions));
      }
      clock_states opened = none;
      opened.reached = true;
      for (std::uint32_t c : r.then.clocks) {
        if (c < opened.bits.size() && !(opened.bits[c] & running))
          opened.apply(clock_action::start, c, add_site("by decision rule `" + r.id + '`', r.where, npos));
      }
      // The requests the rule decides: its `when`, less what earlier rules of a `first` table
      // take (past the budget the region stays wider, which only keeps more transitions).
      region facts(rule_boxes[ri]);
      if (table.hit_policy == hit_policy::first) {
        for (std::size_t e = 0; e < ri && !facts.empty(); ++e) {
          if (!intersect(rule_boxes[e], rule_boxes[ri])) continue;
          if (!facts.subtract(rule_boxes[e], max_boxes)) break;
        }
      }
      if (facts.empty()) continue;
      std::vector<bool> usable = g.usable_flags();
      for (std::uint32_t t = 0; t < usable.size(); ++t) {
        if (!usable[t]) continue;
        const box& guard = g.guard(t);
        usable[t] = std::any_of(facts.boxes().begin(), facts.boxes().end(), [&](const box& b) {
          for (std::size_t d = 0; d < guard.dims.size(); ++d) {
            if (g.space()[d].fact < base && guard.dims[d].intersect(b.dims[d]).empty()) return false;
          }
          return true;
        });
      }
      transient(facts, usable);
      runs.push_back(propagate(opened, usable));
    }
  }

  check_resets(p, f, g.usable_flags(), runs, entry_sites, effect_sites, report);

  for (std::size_t s = 0; s < n; ++s) {
    const state_def& st = f.states[s];
    if (!st.terminal) continue;
    std::vector<bool> started_here(p.clocks.size(), false);
    for (const clock_effect& k : st.on_entry) {
      if ((k.action != clock_action::start && k.action != clock_action::resume) || k.clock >= p.clocks.size())
        continue;
      started_here[k.clock] = true;
      finding x = flow_finding(
          error_code::timer_on_terminal, severity::warning, f, st.where,
          "terminal state `" + st.id + "` " + (k.action == clock_action::start ? "starts" : "resumes") +
              " clock `" + p.clocks[k.clock].id +
              "` on entry: no timer fires in a resolved case, and the clock "
              "would fall overdue there",
          "remove the clock action from this terminal state, or move it to the state before");
      x.related.push_back(k.where);
      report.findings.push_back(std::move(x));
    }
    std::vector<clock_states> entered;  // what may hold once `st` is entered, per run
    std::vector<const std::vector<clock_states>*> entered_in;
    for (const std::vector<clock_states>& in : runs) {
      if (!in[s].reached) continue;
      entered.push_back(after_entry(in[s], s));
      entered_in.push_back(&in);
    }
    for (std::size_t c = 0; c < p.clocks.size(); ++c) {
      if (started_here[c]) continue;
      const auto run = std::find_if(entered.begin(), entered.end(),
                                    [&](const clock_states& v) { return (v.bits[c] & running) != 0; });
      if (run == entered.end()) continue;
      const site* from = run->origin[c] < sites.size() ? &sites[run->origin[c]] : nullptr;
      // One such path, walked back from `st` to the state where the clock started.
      const std::vector<clock_states>& in = *entered_in[static_cast<std::size_t>(run - entered.begin())];
      std::vector<std::string> path{'`' + st.id + '`'};
      for (std::uint32_t x = static_cast<std::uint32_t>(s), steps = 0; steps < n; ++steps) {
        if (from && from->state == x && x != s) break;
        const std::uint32_t back = in[x].pred[c];
        if (back >= n) break;
        // From a terminal state the only way on is `reopen`.
        path.insert(path.begin(),
                    '`' + f.states[back].id + '`' + (f.states[back].terminal ? " (reopened)" : ""));
        x = back;
      }
      std::string route;
      for (const std::string& step : path) route += (route.empty() ? "" : " → ") + step;
      finding x = flow_finding(
          error_code::timer_on_terminal, severity::warning, f, st.where,
          "clock `" + p.clocks[c].id + "` can still be running when the case reaches terminal state `" +
              st.id + "`" +
              (from ? ": it is started " + from->text + " and nothing stops it on the way " + route
                    : std::string()),
          "stop it on entering `" + st.id + "` (`on_entry: {stop: [" + p.clocks[c].id +
              "]}`) or on the transitions leading there");
      if (from) x.related.push_back(from->where);
      report.findings.push_back(std::move(x));
    }
  }
}

}  // namespace aftersale::analysis
