// SPDX-License-Identifier: Apache-2.0
// Guards of a flow as boxes (request facts and payload-aware variable domains), and the guards
// that can never hold (A403).
#include <algorithm>
#include <limits>

#include "analysis/flow_checks.hpp"

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
      if (v >= 0 && static_cast<std::uint64_t>(v) < d.values.size())
        return d.values[static_cast<std::size_t>(v)];
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
    // The width in unsigned arithmetic: `hi - lo` overflows for intervals wider than 2^63.
    if (lo == lowest || hi == highest ||
        static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) > 20) {
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
        reasons.push_back(texts[0] +
                          (g.payloads()
                               ? " passes no value of the variable's type"
                               : " asks for a value the flow never gives `" + name + "` (it can only be " +
                                     values_text(f.variables[v], g.variable_domain(v)) + ')'));
      } else if (conflict.size() == 1) {
        reasons.push_back(texts[0] + " holds for no value of `" + name + '`');
      } else {
        reasons.push_back('`' + name + "` can take no value");
      }
    }
    std::string message = "the guard of the " + transition_text(p, f, t) + " never holds";
    for (std::size_t i = 0; i < reasons.size(); ++i) message += (i == 0 ? ": " : "; ") + reasons[i];
    report.findings.push_back(
        flow_finding(error_code::guard_never_holds, severity::error, f, td.where, std::move(message),
                     "correct the condition, or remove the transition: it can never fire"));
  }
}

}  // namespace aftersale::analysis
