// SPDX-License-Identifier: Apache-2.0
// Exact checks of decision tables by region algebra: gaps (A406), overlaps (A407), shadowed
// rules (A408), (status × request) coverage (A409), A411 when a region outgrows its budget, and
// the table's intended gaps (A415-A417: answered by a rule, shown as notes, holding no request).
#include <aftersale/decide.hpp>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/finding.hpp"
#include "analysis/region.hpp"
#include "analysis/witness.hpp"
#include "model/semantics.hpp"

namespace aftersale::analysis {

namespace {

// True when some request of `b` exists. Only days/hours_since facts can make a non-empty box
// unrealisable (their source must produce the values), so other boxes skip realize().
bool realisable(const space& s, const box& b, sys_seconds at) {
  if (b.empty()) return false;
  bool timed = false;
  for (std::size_t d = 0; d < s.size() && !timed; ++d) {
    timed = s[d].time_source != npos && s[d].fact < s.source().facts.size() && b.dims[d] != s[d].domain;
  }
  return !timed || realize(s, b, at).has_value();
}

// The status the real evaluator gives `r` on table `table`, or nullopt when it refuses it.
std::optional<decision_status> evaluate(const policy& p, std::uint32_t table, const request& r,
                                        sys_seconds at) {
  const std::optional<decision> d = decide_witness(p, table, r, at);
  return d ? std::optional<decision_status>(d->status()) : std::nullopt;
}

std::string tick(const std::string& id) { return "`" + id + "`"; }

std::string join_ids(const std::vector<std::string>& ids, std::size_t cap) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < cap; ++i) {
    if (i) out += ", ";
    out += tick(ids[i]);
  }
  if (ids.size() > cap) out += " and " + std::to_string(ids.size() - cap) + " more";
  return out;
}

// `order_status` in [`paid`, `shipped`] / `amount` in 0.00..99.99 / `reason` absent.
std::string describe_values(const dimension& dim, const value_set& v) {
  std::vector<std::string> parts;
  const bool listed = dim.def->type == fact_type::enumeration || dim.def->type == fact_type::string ||
                      dim.def->type == fact_type::boolean;
  std::size_t count = 0;
  for (const auto& [lo, hi] : v.intervals()) {
    if (listed) {
      // The first eight values are named and the rest counted: never a loop over the interval.
      const std::uint64_t n = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
      for (std::uint64_t k = 0; k < n && count + k < 8; ++k)
        parts.push_back(tick(detail::format_value(*dim.def, lo + static_cast<std::int64_t>(k))));
      count += n;
    } else if (lo == hi) {
      parts.push_back(detail::format_value(*dim.def, lo));
    } else if (lo == std::numeric_limits<std::int64_t>::min()) {
      parts.push_back("<= " + detail::format_value(*dim.def, hi));
    } else if (hi == std::numeric_limits<std::int64_t>::max()) {
      parts.push_back(">= " + detail::format_value(*dim.def, lo));
    } else if (lo == dim.def->min.value_or(0) && (dim.def->min || dim.def->type == fact_type::money)) {
      parts.push_back("<= " + detail::format_value(*dim.def, hi));  // the fact's least value (money: 0, E305)
    } else if (dim.def->max && hi == *dim.def->max) {
      parts.push_back(">= " + detail::format_value(*dim.def, lo));  // the fact's greatest value
    } else {
      parts.push_back(detail::format_value(*dim.def, lo) + ".." + detail::format_value(*dim.def, hi));
    }
  }
  if (count > 8) parts.push_back("and " + std::to_string(count - 8) + " more");
  if (v.has_absent()) parts.push_back("absent");
  std::string out = tick(dim.def->name);
  if (parts.size() == 1) {
    if (!v.has_present()) return out + " absent";
    const auto& [lo, hi] = v.intervals()[0];
    if (listed || lo == hi) return out + " = " + parts[0];
    return out + (parts[0].front() == '<' || parts[0].front() == '>' ? " " : " in ") + parts[0];
  }
  out += " in [";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + "]";
}

// The dimensions where `b` is narrower than the whole space, described.
std::string describe_box(const space& s, const box& b) {
  std::string out;
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (b.dims[d] == s[d].domain) continue;
    if (!out.empty()) out += ", ";
    out += describe_values(s[d], b.dims[d]);
  }
  return out.empty() ? "any request" : out;
}

struct table_context {
  const policy& p;
  const analysis_options& options;
  analysis_report& report;
  const space& s;
  std::uint32_t table_index;
  const decision_table& table;
  std::vector<box> rule_boxes;
  std::vector<box> intended_boxes;  // one per intended gap of the table
  std::vector<bool> relevant;       // per fact: some rule (or intended gap) of the table depends on it
  bool timed = false;               // some rule reads a days/hours_since fact: boxes may be unrealisable
};

// Per fact: whether a condition of the table depends on it (directly, or as the source of a
// derived fact a condition reads). Witnesses show only those, and the required facts so they
// stay valid requests: the rest cannot change the answer.
std::vector<bool> relevant_facts(const policy& p, const decision_table& t) {
  std::vector<bool> out(p.facts.size(), false);
  for (std::size_t i = 0; i < p.facts.size(); ++i) out[i] = p.facts[i].required;
  auto mark = [&](const std::vector<condition>& conditions) {
    for (const condition& c : conditions) {
      for (std::uint32_t f = c.fact, steps = 0; f < p.facts.size() && steps <= p.facts.size(); ++steps) {
        out[f] = true;
        f = p.facts[f].derive == derivation::none ? npos : p.facts[f].source;
      }
    }
  };
  for (const rule& r : t.rules) mark(r.conditions);
  for (const intended_gap& g : t.intended_gaps) mark(g.conditions);
  return out;
}

std::vector<witness_fact> shown_facts(const table_context& c, std::vector<witness_fact> all) {
  std::vector<witness_fact> out;
  for (std::size_t i = 0; i < all.size() && i < c.relevant.size(); ++i)
    if (c.relevant[i]) out.push_back(std::move(all[i]));
  return out;
}

void budget_note(table_context& c, const std::string& check) {
  c.report.findings.push_back(table_finding(
      error_code::analysis_budget, severity::note, c.table, c.table.where,
      "the " + check + " of table " + tick(c.table.id) + " was skipped: its regions outgrew the budget of " +
          std::to_string(c.options.max_regions),
      "raise the budget (`aftersale lint --max-regions N`) or split the table into smaller tables"));
}

// `intended gap 2 of table `t``, as messages name an item of `intended_gaps`.
std::string intended_name(const table_context& c, std::size_t k) {
  return "intended gap " + std::to_string(k + 1) + " of table " + tick(c.table.id);
}

// The requests of `from` no rule of the table matches, less `also` (the intended gaps), as
// disjoint boxes; nullopt (after an A411 note for `check`) past the region budget.
std::optional<region> unanswered(table_context& c, const box& from, const std::vector<box>& also,
                                 const std::string& check) {
  region out(from);
  const std::vector<box>* lists[] = {&c.rule_boxes, &also};
  for (const std::vector<box>* list : lists) {
    for (const box& b : *list) {
      if (out.empty()) return out;
      if (!out.subtract(b, c.options.max_regions)) {
        budget_note(c, check);
        return std::nullopt;
      }
    }
  }
  return out;
}

// A witness inside `b` that the real evaluator answers `no_match` on table `c.table`. Anything
// else would be an analysis bug, and no finding is better than a false one.
std::optional<witness_request> unanswered_witness(const table_context& c, const box& b) {
  std::optional<witness_request> w = realize(c.s, b, c.options.at);
  if (w && evaluate(c.p, c.table_index, w->request, c.options.at) != decision_status::no_match) w.reset();
  return w;
}

// The pieces of `b` that lie apart: one box per combination of one interval (or "absent") of
// each ordered dimension (int, money, duration, timestamp, days/hours_since) that `b` narrows
// to a set of several; enum, bool and string dimensions stay whole (their values have no order, so a set
// of them is one region). `amount` in [<= 50.00, >= 500.01] is two regions, each its witness.
class pieces {
 public:
  pieces(const space& s, const box& b) : options_(b.dims.size()), at_(b.dims.size(), 0) {
    for (std::size_t d = 0; d < b.dims.size(); ++d) {
      const value_set& v = b.dims[d];
      const fact_type t = s[d].def->type;
      const bool ordered = t != fact_type::enumeration && t != fact_type::string && t != fact_type::boolean;
      // A dimension the gap does not narrow stays whole: it is not what sets the regions apart.
      if (!ordered || v == s[d].domain || v.intervals().size() + (v.has_absent() ? 1 : 0) <= 1) {
        options_[d].push_back(v);
        continue;
      }
      for (const auto& [lo, hi] : v.intervals()) options_[d].push_back(value_set::range(lo, hi));
      if (v.has_absent()) options_[d].push_back(value_set::absent_only());
    }
  }

  /// The next piece into `out`; false when there are no more.
  bool next(box& out) {
    if (done_) return false;
    out.dims.resize(options_.size());
    for (std::size_t d = 0; d < options_.size(); ++d) out.dims[d] = options_[d][at_[d]];
    std::size_t d = 0;  // an odometer over the dimensions' options
    for (; d < options_.size(); ++d) {
      if (++at_[d] < options_[d].size()) break;
      at_[d] = 0;
    }
    done_ = d == options_.size();
    return true;
  }

 private:
  std::vector<std::vector<value_set>> options_;
  std::vector<std::size_t> at_;
  bool done_ = false;
};

// Pieces counted past the ones shown, at most: the count is then "at least".
constexpr std::size_t max_counted_pieces = 100'000;

// A406: one finding per disjoint region of the gaps (intended gaps left out), each with its own
// witness, up to `options.gap_witnesses`; the last one shown counts the regions left.
void check_gaps(table_context& c) {
  const std::optional<region> gaps = unanswered(c, full_box(c.s), c.intended_boxes, "gap check");
  if (!gaps) return;
  struct gap {
    box where;
    witness_request witness;
  };
  std::vector<gap> shown;
  std::size_t total = 0, counted = 0;
  bool at_least = false;
  const std::size_t limit = std::max<std::size_t>(1, c.options.gap_witnesses);
  for (const box& b : gaps->boxes()) {
    pieces all(c.s, b);
    box piece;
    while (!at_least && all.next(piece)) {
      if (shown.size() >= limit) {
        at_least = ++counted > max_counted_pieces;
        total += !at_least && realisable(c.s, piece, c.options.at) ? 1 : 0;
        continue;
      }
      std::optional<witness_request> w = unanswered_witness(c, piece);
      if (!w) continue;
      ++total;
      shown.push_back({piece, std::move(*w)});
    }
  }
  const bool entry = c.p.info.entry == c.table_index;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    std::string message = "no rule of table " + tick(c.table.id) + " matches requests with " +
                          describe_box(c.s, shown[i].where);
    if (total > 1) {
      message += " (gap " + std::to_string(i + 1) + " of " + (at_least ? "at least " : "") +
                 std::to_string(total) + " disjoint regions";
      if (i + 1 == shown.size() && total > shown.size())
        message += "; … and " + std::string(at_least ? "at least " : "") +
                   std::to_string(total - shown.size()) + " more regions";
      message += ")";
    }
    std::string help =
        "add a catch-all rule at the end, or rules for the requests listed, or list them under "
        "`intended_gaps` "
        "if no answer is intended";
    if (entry) help += "; these requests get `no_match` from `decide`";
    finding f = table_finding(error_code::table_gap, severity::warning, c.table, c.table.where,
                              std::move(message), std::move(help));
    f.witness = shown_facts(c, std::move(shown[i].witness.facts));
    c.report.findings.push_back(std::move(f));
  }
}

// Each intended gap: A417 when no request can fall into it; A415 when rules answer part of it
// (that part is no gap); A416, a note, showing the part that is unanswered, with its reason.
void check_intended_gaps(table_context& c) {
  const auto& rules = c.table.rules;
  for (std::size_t k = 0; k < c.table.intended_gaps.size(); ++k) {
    const intended_gap& g = c.table.intended_gaps[k];
    const box& declared = c.intended_boxes[k];
    if (!realisable(c.s, declared, c.options.at)) {
      c.report.findings.push_back(table_finding(
          error_code::intended_gap_empty, severity::warning, c.table, g.where,
          intended_name(c, k) + " holds no request: its conditions exclude each other",
          "fix the conditions so that they describe the requests no rule is meant to answer, or remove the "
          "item"));
      continue;
    }
    std::vector<std::size_t> answering;
    std::optional<box> first_overlap;
    std::optional<witness_request> answered;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!intersects(declared, c.rule_boxes[i])) continue;
      std::optional<box> both = intersect(declared, c.rule_boxes[i]);
      if (!both) continue;
      std::optional<witness_request> w = realize(c.s, *both, c.options.at);
      if (!w) continue;
      answering.push_back(i);
      if (!answered && evaluate(c.p, c.table_index, w->request, c.options.at) != decision_status::no_match) {
        answered = std::move(w);
        first_overlap = std::move(both);
      }
    }
    if (answered) {
      std::vector<std::string> ids;
      for (std::size_t i : answering) ids.push_back(rules[i].id);
      finding f =
          table_finding(error_code::intended_gap_matched, severity::warning, c.table, g.where,
                        intended_name(c, k) + " is answered by " + (ids.size() == 1 ? "rule " : "rules ") +
                            join_ids(ids, 8) + " for requests with " + describe_box(c.s, *first_overlap) +
                            ": those requests are no gap",
                        "narrow the intended gap to the requests no rule answers, or remove it if the rules "
                        "now answer them "
                        "all");
      f.witness = shown_facts(c, std::move(answered->facts));
      for (std::size_t i : answering) f.related.push_back(rules[i].where);
      c.report.findings.push_back(std::move(f));
    }
    const std::optional<region> rest = unanswered(c, declared, {}, "intended-gap check");
    if (!rest) continue;
    for (const box& b : rest->boxes()) {
      std::optional<witness_request> w = unanswered_witness(c, b);
      if (!w) continue;
      finding f = table_finding(error_code::intended_gap, severity::note, c.table, g.where,
                                "table " + tick(c.table.id) + " leaves requests with " +
                                    describe_box(c.s, declared) + " unanswered on purpose: " + g.reason,
                                "");
      f.witness = shown_facts(c, std::move(w->facts));
      c.report.findings.push_back(std::move(f));
      break;
    }
  }
}

void check_overlaps(table_context& c) {
  const bool unique = c.table.hit_policy == hit_policy::unique;
  const auto& rules = c.table.rules;
  for (std::size_t j = 1; j < rules.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (!unique && detail::same_outcome(rules[i].then, rules[j].then)) continue;
      if (!intersects(c.rule_boxes[i], c.rule_boxes[j])) continue;
      std::optional<box> both = intersect(c.rule_boxes[i], c.rule_boxes[j]);
      if (!both) continue;
      std::optional<witness_request> w = realize(c.s, *both, c.options.at);
      if (!w) continue;
      if (evaluate(c.p, c.table_index, w->request, c.options.at) != decision_status::conflict) continue;
      std::string message = "rules " + tick(rules[i].id) + " and " + tick(rules[j].id) + " of " +
                            (unique ? "`unique`" : "`any`") + " table " + tick(c.table.id) +
                            " both match requests with " + describe_box(c.s, *both);
      if (!unique) message += ", and prescribe different outcomes";
      std::string help =
          unique ? "make the conditions exclude each other, or use hit policy `first` if the earlier rule "
                   "should win"
                 : "give both rules the same outcome, make their conditions exclude each other, or use hit "
                   "policy `first`";
      finding f = table_finding(error_code::table_overlap, unique ? severity::error : severity::warning,
                                c.table, rules[j].where, std::move(message), std::move(help));
      f.witness = shown_facts(c, std::move(w->facts));
      f.related.push_back(rules[i].where);
      c.report.findings.push_back(std::move(f));
    }
  }
}

// Rules no request satisfies, in any table.
std::vector<bool> check_unsatisfiable(table_context& c) {
  std::vector<bool> never(c.table.rules.size(), false);
  for (std::size_t i = 0; i < c.table.rules.size(); ++i) {
    if (realisable(c.s, c.rule_boxes[i], c.options.at)) continue;
    never[i] = true;
    const rule& r = c.table.rules[i];
    c.report.findings.push_back(
        table_finding(error_code::shadowed_rule, severity::warning, c.table, r.where,
                      "rule " + tick(r.id) + " of table " + tick(c.table.id) +
                          " can never match: no request satisfies all of its conditions",
                      "remove the rule or fix the conditions that exclude each other"));
  }
  return never;
}

void check_shadowed(table_context& c, const std::vector<bool>& never) {
  const auto& rules = c.table.rules;
  for (std::size_t i = 1; i < rules.size(); ++i) {
    if (never[i]) continue;
    region rest(c.rule_boxes[i]);
    std::vector<std::size_t> covering;
    for (std::size_t j = 0; j < i && !rest.empty(); ++j) {
      if (!intersects(c.rule_boxes[i], c.rule_boxes[j])) continue;
      if (c.timed) {
        std::optional<box> both = intersect(c.rule_boxes[i], c.rule_boxes[j]);
        if (!both || !realisable(c.s, *both, c.options.at)) continue;
      }
      covering.push_back(j);
      if (!rest.subtract(c.rule_boxes[j], c.options.max_regions)) {
        budget_note(c, "shadowed-rule check");
        return;
      }
    }
    const bool shadowed = std::none_of(rest.boxes().begin(), rest.boxes().end(),
                                       [&](const box& b) { return realisable(c.s, b, c.options.at); });
    if (!shadowed) continue;
    std::vector<std::string> ids;
    for (std::size_t j : covering) ids.push_back(rules[j].id);
    finding f = table_finding(error_code::shadowed_rule, severity::warning, c.table, rules[i].where,
                              "rule " + tick(rules[i].id) + " of `first` table " + tick(c.table.id) +
                                  " can never fire: it is covered by earlier " +
                                  (ids.size() == 1 ? "rule " : "rules ") + join_ids(ids, 8),
                              "remove the rule, or move it before the rules that cover it if it should win");
    for (std::size_t j : covering) f.related.push_back(rules[j].where);
    c.report.findings.push_back(std::move(f));
  }
}

// Whether rule `r` has a condition on fact `fact` or on a fact sharing its dimension.
bool constrains(const space& s, const rule& r, std::size_t dim) {
  return std::any_of(r.conditions.begin(), r.conditions.end(),
                     [&](const condition& cond) { return s.dimension_of(cond.fact) == dim; });
}

condition equals(std::uint32_t fact, std::int64_t value) {
  condition c;
  c.fact = fact;
  c.op = condition_op::eq;
  c.lo = c.hi = value;
  return c;
}

// True when every request of `pair` (which no rule matches) lies in the table's intended gaps.
bool intended_only(const table_context& c, const box& pair) {
  if (c.intended_boxes.empty()) return false;
  region rest(pair);
  for (const box& b : c.intended_boxes) {
    if (rest.empty()) break;
    if (!rest.subtract(b, c.options.max_regions)) return false;
  }
  return std::none_of(rest.boxes().begin(), rest.boxes().end(),
                      [&](const box& b) { return realisable(c.s, b, c.options.at); });
}

void check_coverage(table_context& c, std::uint32_t status, std::uint32_t request_fact) {
  const std::size_t ds = c.s.dimension_of(status);
  const std::size_t dr = c.s.dimension_of(request_fact);
  if (ds == npos || dr == npos) return;
  const auto& rules = c.table.rules;
  // A table that never looks at either fact is not about them (a fee or escalation table).
  std::vector<bool> specific(rules.size());
  bool any_specific = false;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    specific[i] = constrains(c.s, rules[i], ds) || constrains(c.s, rules[i], dr);
    any_specific = any_specific || specific[i];
  }
  if (!any_specific) return;
  const fact_def& fs = c.p.facts[status];
  const fact_def& fr = c.p.facts[request_fact];
  pair_coverage cov;
  cov.table = c.table.id;
  for (std::size_t a = 0; a < fs.values.size(); ++a) {
    for (std::size_t b = 0; b < fr.values.size(); ++b) {
      const box pair = box_of(c.s, {equals(status, static_cast<std::int64_t>(a)),
                                    equals(request_fact, static_cast<std::int64_t>(b))});
      if (!realisable(c.s, pair, c.options.at))
        continue;  // the two facts exclude each other (maps of one enum)
      bool by_specific = false, by_catch_all = false;
      for (std::size_t i = 0; i < rules.size() && !by_specific; ++i) {
        if (!specific[i] && by_catch_all) continue;
        if (!intersects(pair, c.rule_boxes[i])) continue;
        if (c.timed) {
          std::optional<box> both = intersect(pair, c.rule_boxes[i]);
          if (!both || !realisable(c.s, *both, c.options.at)) continue;
        }
        (specific[i] ? by_specific : by_catch_all) = true;
      }
      if (by_specific) continue;
      if (!by_catch_all && intended_only(c, pair)) {
        cov.intended.emplace_back(fs.values[a], fr.values[b]);
        continue;
      }
      (by_catch_all ? cov.catch_all_only : cov.unhandled).emplace_back(fs.values[a], fr.values[b]);
    }
  }
  if (!cov.unhandled.empty()) {
    std::string list;
    for (std::size_t i = 0; i < cov.unhandled.size() && i < 12; ++i) {
      list += (i ? ", " : "") + std::string("(") + tick(cov.unhandled[i].first) + ", " +
              tick(cov.unhandled[i].second) + ")";
    }
    if (cov.unhandled.size() > 12) list += " and " + std::to_string(cov.unhandled.size() - 12) + " more";
    c.report.findings.push_back(
        table_finding(error_code::uncovered_pair, severity::warning, c.table, c.table.where,
                      "table " + tick(c.table.id) + " handles no request for " +
                          std::to_string(cov.unhandled.size()) + " (" + tick(fs.name) + ", " + tick(fr.name) +
                          ") " + (cov.unhandled.size() == 1 ? "pair: " : "pairs: ") + list,
                      "add rules for these pairs, or a catch-all rule if one answer fits them all"));
  }
  c.report.coverage.push_back(std::move(cov));
}

}  // namespace

void check_tables(const policy& p, const analysis_options& options, analysis_report& report) {
  if (!options.check_tables) return;
  const space s(p);
  const std::optional<std::uint32_t> status = p.find_fact(options.status_fact);
  const std::optional<std::uint32_t> request_fact = p.find_fact(options.request_fact);
  const bool pairs = status && request_fact && p.facts[*status].type == fact_type::enumeration &&
                     p.facts[*request_fact].type == fact_type::enumeration;
  for (std::uint32_t t = 0; t < p.decisions.size(); ++t) {
    table_context c{p, options, report, s, t, p.decisions[t], {}, {}, relevant_facts(p, p.decisions[t])};
    c.rule_boxes.reserve(c.table.rules.size());
    for (const rule& r : c.table.rules)
      for (const condition& cond : r.conditions) {
        const std::size_t d = s.dimension_of(cond.fact);
        c.timed = c.timed || (d != npos && s[d].time_source != npos);
      }
    for (const rule& r : c.table.rules) c.rule_boxes.push_back(box_of(s, r.conditions));
    for (const intended_gap& g : c.table.intended_gaps) c.intended_boxes.push_back(box_of(s, g.conditions));
    const std::vector<bool> never = check_unsatisfiable(c);
    check_gaps(c);
    check_intended_gaps(c);
    if (c.table.hit_policy == hit_policy::unique || c.table.hit_policy == hit_policy::any) check_overlaps(c);
    if (c.table.hit_policy == hit_policy::first) check_shadowed(c, never);
    if (pairs) check_coverage(c, *status, *request_fact);
  }
}

}  // namespace aftersale::analysis
