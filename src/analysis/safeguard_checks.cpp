// SPDX-License-Identifier: Apache-2.0
// Safeguards (A418): a base marks rules that guard against abuse or keep a legal floor
// (`safeguard: true`: the blacklist, fraud claims, a failed inspection). A store's new rule placed
// ahead of one of them in a `first` table takes the requests both match — a blacklisted buyer
// gets the store's free exchange. For each new store rule R and each safeguard S after it, the
// requests that reach R (R's box minus every rule before it) and match S are computed exactly;
// when R's outcome differs from S's (solution or fee payer) and the part is not empty, a witness
// request is built, the store's evaluator confirms it selects R, and the base's decision for it
// is shown beside the store's. Overrides keep the base rule's place and are not checked here.
#include <aftersale/decide.hpp>
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "analysis/checks.hpp"
#include "analysis/finding.hpp"
#include "analysis/region.hpp"
#include "analysis/witness.hpp"

namespace aftersale::analysis {

namespace {

std::string tick(std::string_view id) { return "`" + std::string(id) + "`"; }

std::string outcome_text(const policy& p, const rule_outcome& out) {
  const std::string_view solution = entry_id(p.vocabulary.solutions, out.solution);
  const std::string_view payer = entry_id(p.vocabulary.parties, out.fee_payer);
  return (solution.empty() ? std::string("no solution") : tick(solution)) + ", fee payer " +
         (payer.empty() ? std::string("`none`") : tick(payer));
}

struct table_context {
  const policy& p;
  const analysis_options& options;
  analysis_report& report;
  const space& s;
  std::uint32_t index;
  const decision_table& table;
};

// A request of `part` the store really decides with rule `r`.
std::optional<witness_request> confirmed(const table_context& c, const region& part, std::uint32_t r) {
  for (const box& b : part.boxes()) {
    std::optional<witness_request> w = realize(c.s, b, c.options.at);
    if (!w) continue;
    std::optional<decision> d = decide_witness(c.p, c.index, w->request, c.options.at);
    if (d && d->matched() && d->first_rule().id == c.table.rules[r].id) return w;
  }
  return std::nullopt;
}

// What the base decides for the witness (the store's own facts left out), when that is not the
// safeguard itself (a rule between them, in the base, takes the request).
std::string base_text(const table_context& c, const request& store_request, const std::string& guard) {
  const policy& base = *c.p.base;
  const auto table = base.find_decision(c.table.id);
  if (!table) return "";
  request r;
  for (const auto& [name, value] : store_request.values())
    if (base.find_fact(name)) r.set(name, value);
  std::optional<decision> d = decide_witness(base, *table, r, c.options.at);
  if (!d || !d->matched() || d->rule_id() == guard) return "";
  return "; the base's rule " + tick(d->rule_id()) + " gives " + outcome_text(base, d->first_rule().then);
}

void check_rule(const table_context& c, std::uint32_t r) {
  const rule& mine = c.table.rules[r];
  const box mine_box = box_of(c.s, mine.conditions);
  if (mine_box.empty()) return;
  region reach{mine_box};
  for (std::uint32_t i = 0; i < r && !reach.empty(); ++i) {
    if (!reach.subtract(box_of(c.s, c.table.rules[i].conditions), c.options.max_regions)) return;
  }
  for (std::uint32_t g = r + 1; g < c.table.rules.size() && !reach.empty(); ++g) {
    const rule& guard = c.table.rules[g];
    if (!guard.safeguard) continue;
    if (guard.then.solution == mine.then.solution && guard.then.fee_payer == mine.then.fee_payer) continue;
    const region part = reach.intersect(box_of(c.s, guard.conditions));
    if (part.empty()) continue;
    std::optional<witness_request> w = confirmed(c, part, r);
    if (!w) continue;
    finding f = table_finding(
        error_code::safeguard_preempted, severity::warning, c.table, mine.where,
        "store rule " + tick(mine.id) + " is placed ahead of the base's safeguard rule " + tick(guard.id) +
            " of table " + tick(c.table.id) + " and takes requests it matches: the store's rule gives " +
            outcome_text(c.p, mine.then) + ", the safeguard gives " + outcome_text(c.p, guard.then) +
            base_text(c, w->request, guard.id),
        "place the rule after the safeguard (`after: " + guard.id +
            "`), or narrow its `when` so that requests like the witness are left to the safeguard");
    f.witness = std::move(w->facts);
    f.related.push_back(guard.where);
    c.report.findings.push_back(std::move(f));
  }
}

}  // namespace

void check_safeguards(const policy& p, const analysis_options& options, analysis_report& report) {
  if (!p.base) return;
  std::optional<space> s;
  for (std::uint32_t t = 0; t < p.decisions.size(); ++t) {
    const decision_table& table = p.decisions[t];
    if (table.hit_policy != hit_policy::first) continue;
    const auto base_index = p.base->find_decision(table.id);
    if (!base_index) continue;
    const decision_table& base_table = p.base->decisions[*base_index];
    std::set<std::string> base_ids;
    for (const rule& r : base_table.rules) base_ids.insert(r.id);
    if (std::none_of(table.rules.begin(), table.rules.end(), [](const rule& r) { return r.safeguard; }))
      continue;
    if (!s) s.emplace(p);
    const table_context c{p, options, report, *s, t, table};
    for (std::uint32_t r = 0; r < table.rules.size(); ++r) {
      if (base_ids.count(table.rules[r].id) == 0) check_rule(c, r);
    }
  }
}

}  // namespace aftersale::analysis
