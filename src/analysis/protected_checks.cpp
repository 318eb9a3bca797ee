// SPDX-License-Identifier: Apache-2.0
// Protected outcomes (A410): a store policy must not weaken what its base guarantees.
//
// For each protected outcome, the requests of its scope are split by the table's rules in hit
// order (`first`: the part of rule i is scope ∩ rule i minus the earlier rules), every part whose
// rule's outcome misses a requirement is a finding at that rule, and what no rule matches is a
// finding at the table. Exact for `first` tables; for the other hit policies the part of rule i
// is scope ∩ rule i and a finding is kept only where the evaluator selects rule i (a rule that
// is selected only in a corner of its part no witness box reaches can be missed). Each finding carries a
// witness request the real evaluator has been run on, and shows the outcome the base gives that request
// beside the store's. A policy without a base is checked against its own protections.
#include <aftersale/decide.hpp>
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/clock_compare.hpp"
#include "analysis/finding.hpp"
#include "analysis/region.hpp"
#include "analysis/witness.hpp"

namespace aftersale::analysis {

namespace {

std::string tick(std::string_view id) { return "`" + std::string(id) + "`"; }

std::string list_ids(const std::vector<vocabulary_entry>& vocab, const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    out += ids[i] == npos ? "`none`" : tick(vocab[ids[i]].id);
  }
  return out;
}

std::string duration_text(const clock_duration& d) {
  auto plural = [](std::int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  switch (d.kind) {
    case clock_kind::elapsed:
      if (d.amount % 3600 == 0) return plural(d.amount / 3600, "hour");
      if (d.amount % 60 == 0) return plural(d.amount / 60, "minute");
      return plural(d.amount, "second");
    case clock_kind::business_time:
      if (d.amount % 3600 == 0) return plural(d.amount / 3600, "business hour");
      return plural(d.amount / 60, "business minute");
    case clock_kind::calendar_days:
      return plural(d.amount, "day");
    case clock_kind::business_days:
      return plural(d.amount, "business day");
  }
  return {};
}

const business_calendar* calendar_of(const policy& p, const clock_def& c) {
  const std::uint32_t i = c.calendar != npos ? c.calendar : p.info.default_calendar;
  return i < p.calendars.size() ? &p.calendars[i] : nullptr;
}

// The policy that declared protected outcome `id`: the deepest base that still has it.
const policy& declaring(const policy& p, const std::string& id) {
  const policy* at = &p;
  while (at->base) {
    const auto& list = at->base->protected_outcomes;
    if (std::none_of(list.begin(), list.end(), [&](const protected_outcome& o) { return o.id == id; })) break;
    at = at->base.get();
  }
  return *at;
}

struct context {
  const policy& p;
  const analysis_options& options;
  analysis_report& report;
  const space& s;
  std::uint32_t table_index;
  const decision_table& table;
  const protected_outcome& o;
  const policy& owner;  // where `o` was declared: its clocks' calendars are the yardstick
};

// What the outcome of one rule misses of the protection; empty when it meets every requirement.
std::vector<std::string> shortfalls(const context& c, const rule_outcome& out) {
  std::vector<std::string> missing;
  const auto& v = c.p.vocabulary;
  if (!c.o.solutions.empty() &&
      std::find(c.o.solutions.begin(), c.o.solutions.end(), out.solution) == c.o.solutions.end()) {
    missing.push_back("the solution must be one of " + list_ids(v.solutions, c.o.solutions));
  }
  // A solution the declaring policy does not know (a store added it) cannot be judged outside
  // `if_solution`: the requirements apply to it, or renaming a return would escape them.
  const auto& known = c.owner.vocabulary.solutions;
  const bool unknown_to_owner =
      out.solution < v.solutions.size() && std::none_of(known.begin(), known.end(), [&](const auto& sol) {
        return sol.id == v.solutions[out.solution].id;
      });
  const bool applies =
      c.o.if_solutions.empty() || unknown_to_owner ||
      std::find(c.o.if_solutions.begin(), c.o.if_solutions.end(), out.solution) != c.o.if_solutions.end();
  if (!applies) return missing;
  if (!c.o.fee_payers.empty() &&
      std::find(c.o.fee_payers.begin(), c.o.fee_payers.end(), out.fee_payer) == c.o.fee_payers.end()) {
    missing.push_back("the fee payer must be " + list_ids(v.parties, c.o.fee_payers));
  }
  for (const protected_clock& req : c.o.clocks) {
    const clock_def& clock = c.p.clocks[req.clock];
    if (std::find(out.clocks.begin(), out.clocks.end(), req.clock) == out.clocks.end()) {
      missing.push_back("clock " + tick(clock.id) + " must start (within " + duration_text(req.within) + ")");
    }
  }
  return missing;
}

std::string describe(const policy& p, const rule_outcome& out, const protected_outcome& o) {
  const std::string_view solution = entry_id(p.vocabulary.solutions, out.solution);
  const std::string_view payer = entry_id(p.vocabulary.parties, out.fee_payer);
  std::string text = "gives " + (solution.empty() ? std::string("no solution") : tick(std::string(solution)));
  text += ", fee payer " + (payer.empty() ? std::string("`none`") : tick(std::string(payer)));
  if (!o.clocks.empty()) {
    std::vector<std::string> clocks;
    for (std::uint32_t i : out.clocks)
      clocks.push_back(tick(p.clocks[i].id) + " " + duration_text(p.clocks[i].within));
    text += ", clocks ";
    if (clocks.empty()) text += "none";
    for (std::size_t i = 0; i < clocks.size(); ++i) text += (i ? ", " : "") + clocks[i];
  }
  return text;
}

// What the base decides for the witness: the store's extra facts are left out.
std::string base_outcome(const context& c, const request& store_request, std::vector<source_span>& related) {
  const policy& base = *c.p.base;
  const auto table = base.find_decision(c.table.id);
  if (!table) return "the base has no table " + tick(c.table.id);
  request r;
  for (const auto& [name, value] : store_request.values()) {
    if (base.find_fact(name)) r.set(name, value);
  }
  std::optional<decision> d = decide_witness(base, *table, r, c.options.at);
  if (!d) return "the base refuses this request";
  if (!d->matched()) return "the base matches no rule";
  related.push_back(d->first_rule().where);
  return "the base's rule " + tick(d->rule_id()) + " " + describe(base, d->first_rule().then, c.o);
}

void report(context& c, const std::uint32_t rule_index, const std::vector<std::string>& missing,
            witness_request w) {
  const bool no_rule = rule_index == npos;
  finding f = table_finding(error_code::protected_weakened, severity::error, c.table,
                            no_rule ? c.table.where : c.table.rules[rule_index].where, {}, {});
  std::string what = no_rule ? "no rule of table " + tick(c.table.id) + " matches"
                             : "rule " + tick(c.table.rules[rule_index].id) + " " +
                                   describe(c.p, c.table.rules[rule_index].then, c.o);
  std::string message = "protected outcome " + tick(c.o.id) + (c.p.base ? " is weakened: " : " is not met: ");
  for (std::size_t i = 0; i < missing.size(); ++i) message += (i ? "; " : "") + missing[i];
  if (c.p.base) {
    message += "; " + base_outcome(c, w.request, f.related) + ", the store's " + what;
  } else {
    message += "; " + what;
  }
  f.diagnostic.message = std::move(message);
  f.diagnostic.help =
      c.p.base ? "requests like the witness must keep what the base protects: narrow the rule, or place "
                 "it after the rules that give the protected outcome"
               : "make every request of the protected scope get an outcome that meets its requirements";
  f.related.insert(f.related.begin(), c.o.where);
  f.witness = std::move(w.facts);
  c.report.findings.push_back(std::move(f));
}

// The first request of `part` the evaluator really decides with `rule_index` (npos: no rule).
std::optional<witness_request> confirmed(const context& c, const region& part, std::uint32_t rule_index) {
  for (const box& b : part.boxes()) {
    std::optional<witness_request> w = realize(c.s, b, c.options.at);
    if (!w) continue;
    std::optional<decision> d = decide_witness(c.p, c.table_index, w->request, c.options.at);
    if (!d) continue;
    // Multi-hit tables apply every selected rule: the rule counts when it is among them.
    const bool selected =
        d->matched() && std::any_of(d->matches().begin(), d->matches().end(),
                                    [&](const rule_match& m) { return m.rule == rule_index; });
    if (rule_index == npos ? d->status() == decision_status::no_match : selected) return w;
  }
  return std::nullopt;
}

void budget_note(context& c) {
  c.report.findings.push_back(table_finding(error_code::analysis_budget, severity::note, c.table, c.o.where,
                                            "the check of protected outcome " + tick(c.o.id) +
                                                " was stopped: its regions outgrew the budget of " +
                                                std::to_string(c.options.max_regions),
                                            "raise `max_regions`, or narrow the protected scope"));
}

std::string on_calendar(const business_calendar* cal) {
  return cal ? " on calendar " + tick(cal->id()) : std::string(" in UTC");
}

std::string when(const business_calendar* cal, sys_seconds t) {
  return cal ? cal->format_readable(t) : format_utc(t);
}

// The line the store wrote that makes its clock what it is: the clock, else the calendar it runs
// on, else (both inherited: a calendar changed by `policy.calendar`) the clock.
source_span store_line(const policy& p, const clock_def& clock, const business_calendar* cal) {
  const std::string& own = p.source ? p.source->file : p.info.where.file;
  if (clock.where.file == own || !cal || cal->definition().where.file != own) return clock.where;
  return cal->definition().where;
}

// The durations of the protected clocks (one finding per protected clock, not per rule: the
// duration is the clock's): due no later than the protection's limit, for every start, on the
// calendar the declaring policy gives the clock.
void check_clock_limits(context& c) {
  for (const protected_clock& req : c.o.clocks) {
    const clock_def& clock = c.p.clocks[req.clock];
    const business_calendar* mine = calendar_of(c.p, clock);
    const auto theirs = c.owner.find_clock(clock.id);
    const business_calendar* yardstick = theirs ? calendar_of(c.owner, c.owner.clocks[*theirs]) : mine;
    const clock_comparison cmp = compare_clocks(clock.within, mine, req.within, yardstick, c.options.at);
    if (cmp.within) continue;
    const bool store = c.p.base != nullptr;
    const std::string whose = store ? "the base's" : "the protection's";
    std::string message = "protected outcome " + tick(c.o.id) + (store ? " is weakened: " : " is not met: ") +
                          "clock " + tick(clock.id) + " runs " + duration_text(clock.within) +
                          on_calendar(mine) + ", which is not always within " + duration_text(req.within) +
                          on_calendar(yardstick) + " (" + whose + ")";
    if (cmp.witness) {
      const later_start& w = *cmp.witness;
      message += ": for a start at " + when(yardstick, w.start) + " " + whose + " deadline is " +
                 when(yardstick, w.limit_due) + ", " + (store ? "the store's " : "the clock's ") +
                 when(mine, w.clock_due);
    } else {
      message += ": durations of different kinds cannot be compared for every start";
    }
    std::string help;
    if (same_definition(mine, yardstick) && clock.within.kind == req.within.kind) {
      help = "shorten clock " + tick(clock.id) + " to at most " + duration_text(req.within);
    } else if (mine && yardstick && clock.within.kind == req.within.kind) {
      const bool redefined = mine->id() == yardstick->id();
      help = "give calendar " + tick(mine->id()) + " working time whenever " +
             (redefined ? "the base's " : "") + tick(yardstick->id()) +
             " works (hours, holidays and make-up days), shorten clock " + tick(clock.id) +
             (redefined ? ", or keep the base's definition of " + tick(yardstick->id())
                        : ", or keep it on " + tick(yardstick->id()));
    } else {
      help = "write clock " + tick(clock.id) + " as " + duration_text(req.within) + on_calendar(yardstick) +
             " or shorter, or as a wall-clock duration (`hours`) no longer than " + duration_text(req.within);
    }
    finding f = table_finding(error_code::protected_weakened, severity::error, c.table,
                              store_line(c.p, clock, mine), std::move(message), std::move(help));
    f.related.push_back(req.where);
    if (theirs && store) f.related.push_back(c.owner.clocks[*theirs].where);
    c.report.findings.push_back(std::move(f));
  }
}

void check_one(context& c) {
  const box scope = box_of(c.s, c.o.scope);
  if (scope.empty()) return;
  const bool first = c.table.hit_policy == hit_policy::first;
  region rest{scope};
  for (std::uint32_t i = 0; i < c.table.rules.size() && !rest.empty(); ++i) {
    const box rule_box = box_of(c.s, c.table.rules[i].conditions);
    const region part = rest.intersect(rule_box);
    if (!part.empty()) {
      const std::vector<std::string> missing = shortfalls(c, c.table.rules[i].then);
      if (!missing.empty()) {
        if (auto w = confirmed(c, part, i)) report(c, i, missing, std::move(*w));
      }
    }
    // Only in a `first` table do earlier rules take requests away from later ones; elsewhere a
    // witness is confirmed by the evaluator choosing that rule.
    if (first && !rest.subtract(rule_box, c.options.max_regions)) return budget_note(c);
  }
  if (!first) {
    for (const rule& r : c.table.rules) {
      if (!rest.subtract(box_of(c.s, r.conditions), c.options.max_regions)) return budget_note(c);
    }
  }
  if (!rest.empty()) {
    if (auto w = confirmed(c, rest, npos))
      report(c, npos, {"requests of its scope must get a rule"}, std::move(*w));
  }
}

}  // namespace

void check_protected(const policy& p, const analysis_options& options, analysis_report& report) {
  if (p.protected_outcomes.empty()) return;
  const space s(p);
  for (const protected_outcome& o : p.protected_outcomes) {
    if (o.table >= p.decisions.size()) continue;
    context c{p, options, report, s, o.table, p.decisions[o.table], o, declaring(p, o.id)};
    check_one(c);
    check_clock_limits(c);
  }
}

}  // namespace aftersale::analysis
