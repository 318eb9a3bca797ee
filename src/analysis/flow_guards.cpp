// Guards of a flow as boxes: which can never hold (A403) and which can hold together with an
// earlier one on the same trigger (A402).
#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "analysis/flow_checks.hpp"
#include "analysis/witness.hpp"

namespace aftersale::analysis {

namespace {

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

// Every present value of a variable's type (the encoding of `fact_def`).
value_set type_values(const fact_def& v) {
  const auto n = static_cast<std::int64_t>(v.values.size());
  switch (v.type) {
    case fact_type::enumeration:
      return n == 0 ? value_set{} : value_set::range(0, n - 1);
    case fact_type::boolean:
      return value_set::range(0, 1);
    case fact_type::string:
      return value_set::range(string_other, n - 1);
    default:
      return value_set::range(lowest, highest);
  }
}

// The values of `domain` a condition passes (absence passes only `missing`, as at run time).
value_set passing(const condition& c, const value_set& domain) {
  const value_set present = domain.subtract(value_set::absent_only());
  switch (c.op) {
    case condition_op::missing:
      return domain.has_absent() ? value_set::absent_only() : value_set{};
    case condition_op::exists:
      return present;
    default:
      break;
  }
  value_set tested;
  if (c.uses_set) {
    tested = value_set::of(c.set);
  } else if (c.lo <= c.hi) {
    tested = value_set::range(c.lo, c.hi);
  }
  return c.negate ? present.subtract(tested) : present.intersect(tested);
}

// A decision rule that opens `flow` and fills money variable `name` with an amount of its own.
bool decision_amount(const policy& p, const flow_def& flow, const std::string& name) {
  for (const decision_table& t : p.decisions) {
    for (const rule& r : t.rules) {
      if (r.then.flow != flow.id) continue;
      for (const amount_rule& a : r.then.amounts) {
        if (a.name == name) return true;
      }
    }
  }
  return false;
}

std::string value_text(const fact_def& d, std::int64_t v) {
  switch (d.type) {
    case fact_type::enumeration:
    case fact_type::string:
      if (v >= 0 && static_cast<std::uint64_t>(v) < d.values.size()) return d.values[static_cast<std::size_t>(v)];
      return d.type == fact_type::string ? "any other text" : std::to_string(v);
    case fact_type::boolean:
      return v ? "true" : "false";
    default:
      return std::to_string(v);
  }
}

// "`false`", "`a`, `b` or absent": the values a narrowed variable can hold.
std::string values_text(const fact_def& d, const value_set& s) {
  std::vector<std::string> parts;
  for (const auto& [lo, hi] : s.intervals()) {
    if (lo == lowest || hi == highest || hi - lo > 20) {
      parts.push_back("values from " + value_text(d, lo) + " to " + value_text(d, hi));
      continue;
    }
    for (std::int64_t v = lo;; ++v) {
      parts.push_back('`' + value_text(d, v) + '`');
      if (v == hi) break;
    }
  }
  if (s.has_absent()) parts.emplace_back("absent");
  if (parts.empty()) return "no value";
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == parts.size() ? " or " : ", ") + parts[i];
  }
  return out;
}

}  // namespace

flow_guards::flow_guards(const policy& p, const flow_def& f) : p_(&p), f_(&f), space_(p, f) {
  payloads_ = f.reopen_to < f.states.size() ||
              std::any_of(f.transitions.begin(), f.transitions.end(),
                          [](const transition_def& t) { return t.trigger == trigger_kind::event; });
  const auto base = static_cast<std::uint32_t>(p.facts.size());
  for (std::uint32_t v = 0; v < f.variables.size(); ++v) {
    const fact_def& var = f.variables[v];
    const value_set absent = var.default_value ? value_set{} : value_set::absent_only();
    const std::size_t d = space_.dimension_of(base + v);
    value_set domain = d == npos ? value_set{} : space_[d].domain;
    if (payloads_ || (var.type == fact_type::money && decision_amount(p, f, var.name))) {
      domain = domain.unite(type_values(var)).unite(absent);
    }
    variable_domains_.push_back(std::move(domain));
  }
  guards_.reserve(f.transitions.size());
  for (const transition_def& t : f.transitions) {
    std::vector<condition> facts;
    for (const condition& c : t.guard) {
      if (c.fact < base) facts.push_back(c);
    }
    box b = box_of(space_, facts);
    for (std::uint32_t v = 0; v < f.variables.size(); ++v) {
      const std::size_t d = space_.dimension_of(base + v);
      if (d < b.dims.size()) b.dims[d] = variable_domains_[v];
    }
    for (const condition& c : t.guard) {
      const std::size_t d = space_.dimension_of(c.fact);
      if (c.fact < base || c.fact - base >= f.variables.size() || d >= b.dims.size()) continue;
      b.dims[d] = b.dims[d].intersect(passing(c, variable_domains_[c.fact - base]));
    }
    guards_.push_back(std::move(b));
  }
}

std::vector<bool> flow_guards::usable_flags() const {
  std::vector<bool> out(guards_.size());
  for (std::size_t t = 0; t < guards_.size(); ++t) out[t] = !guards_[t].empty();
  return out;
}

const std::string& flow_guards::name_of(const condition& c) const {
  const auto base = p_->facts.size();
  static const std::string unknown = "?";
  if (c.fact < base) return p_->facts[c.fact].name;
  if (c.fact - base < f_->variables.size()) return f_->variables[c.fact - base].name;
  return unknown;
}

// ---- A403 ----

void check_guards(const flow_guards& g, analysis_report& report) {
  const policy& p = g.source();
  const flow_def& f = g.flow();
  const auto base = static_cast<std::uint32_t>(p.facts.size());
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    if (g.usable(t)) continue;
    const transition_def& td = f.transitions[t];
    const box& b = g.guard(t);
    std::vector<std::string> reasons;
    for (std::size_t d = 0; d < b.dims.size(); ++d) {
      if (!b.dims[d].empty()) continue;
      std::vector<const condition*> conflict;
      for (const condition& c : td.guard) {
        if (g.dimension_of(c) == d) conflict.push_back(&c);
      }
      std::vector<std::string> texts;
      for (const condition* c : conflict) texts.push_back('`' + g.name_of(*c) + ": " + c->text + '`');
      const fact_def* def = g.space()[d].def;
      const std::string name = def ? def->name : "?";
      if (conflict.size() > 1) {
        reasons.push_back(id_list(texts) + " exclude each other");
      } else if (conflict.size() == 1 && conflict[0]->fact >= base) {
        const std::uint32_t v = conflict[0]->fact - base;
        reasons.push_back(texts[0] + (g.payloads() ? " passes no value of the variable's type"
                                                   : " asks for a value the flow never gives `" + name +
                                                         "` (it can only be " +
                                                         values_text(f.variables[v], g.variable_domain(v)) + ')'));
      } else if (conflict.size() == 1) {
        reasons.push_back(texts[0] + " holds for no value of `" + name + '`');
      } else {
        reasons.push_back('`' + name + "` can take no value");
      }
    }
    std::string message = "the guard of the " + transition_text(p, f, t) + " never holds";
    for (std::size_t i = 0; i < reasons.size(); ++i) message += (i == 0 ? ": " : "; ") + reasons[i];
    report.findings.push_back(flow_finding(error_code::guard_never_holds, severity::error, f, td.where,
                                           std::move(message),
                                           "correct the condition, or remove the transition: it can never fire"));
  }
}

// ---- A402 ----

namespace {

bool roles_meet(const transition_def& a, const transition_def& b) {
  if (a.trigger != trigger_kind::event || a.roles.empty() || b.roles.empty()) return true;
  return std::any_of(a.roles.begin(), a.roles.end(),
                     [&](std::uint32_t r) { return std::find(b.roles.begin(), b.roles.end(), r) != b.roles.end(); });
}

// Every role that may fire `later` may also fire `earlier`.
bool roles_cover(const transition_def& earlier, const transition_def& later) {
  if (earlier.trigger != trigger_kind::event || earlier.roles.empty()) return true;
  if (later.roles.empty()) return false;
  return std::all_of(later.roles.begin(), later.roles.end(), [&](std::uint32_t r) {
    return std::find(earlier.roles.begin(), earlier.roles.end(), r) != earlier.roles.end();
  });
}

std::vector<std::string> shared_roles(const policy& p, const transition_def& a, const transition_def& b) {
  std::vector<std::string> out;
  if (a.trigger != trigger_kind::event) return out;
  for (std::uint32_t r : a.roles) {
    if (std::find(b.roles.begin(), b.roles.end(), r) != b.roles.end() && r < p.vocabulary.roles.size())
      out.push_back('`' + p.vocabulary.roles[r].id + '`');
  }
  if (out.empty() && b.roles.empty()) {
    for (std::uint32_t r : a.roles)
      if (r < p.vocabulary.roles.size()) out.push_back('`' + p.vocabulary.roles[r].id + '`');
  }
  if (out.empty() && a.roles.empty()) {
    for (std::uint32_t r : b.roles)
      if (r < p.vocabulary.roles.size()) out.push_back('`' + p.vocabulary.roles[r].id + '`');
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
      return (t.timer.clock < p.clocks.size() ? "timer transitions on clock `" + p.clocks[t.timer.clock].id + '`'
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
        message = "the " + transition_text(p, f, members[j]) + " never fires: the earlier " +
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
