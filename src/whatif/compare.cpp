// SPDX-License-Identifier: Apache-2.0
// compare_decisions: two batches of decisions of the same rows, compared by id. Ids are
// interned once per call (rule, solution, party, amount name, clock), so the loop over rows
// compares integers and adds into flat tables; only the groups are keyed by a hash map.
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "whatif/report.hpp"

namespace aftersale {
namespace {

// Names of one kind (rules, solutions, ...) of both policies, each given one number.
class names {
 public:
  std::uint32_t intern(const std::string& name) {
    auto [it, fresh] = ids_.emplace(name, static_cast<std::uint32_t>(list_.size()));
    if (fresh) list_.push_back(name);
    return it->second;
  }
  const std::string& operator[](std::uint32_t id) const { return list_[id]; }
  std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(list_.size()); }

 private:
  std::map<std::string, std::uint32_t> ids_;
  std::vector<std::string> list_;
};

struct all_names {
  names rules, solutions, parties, amounts, clocks;
};

// One rule of a side, its ids interned.
struct rule_view {
  std::uint32_t id = npos;
  std::uint32_t solution = npos;
  std::uint32_t payer = npos;
  std::vector<std::pair<std::uint32_t, std::size_t>> amounts;     // (amount name, index k in the row)
  std::vector<std::pair<std::uint32_t, std::int64_t>> deadlines;  // (clock, due in Unix seconds)
};

[[noreturn]] void misfit(const std::string& what) { throw usage_error(error_code::mismatched_batches, what); }

std::vector<rule_view> view_rules(const policy& p, const batch_decisions& d, all_names& n, const char* side) {
  if (d.table >= p.decisions.size())
    misfit(std::string("the ") + side + " batch names table " + std::to_string(d.table) +
           ", its policy has " + std::to_string(p.decisions.size()));
  const decision_table& t = p.decisions[d.table];
  if (d.rule_deadlines.size() != t.rules.size())
    misfit(std::string("the ") + side +
           " batch does not fit its policy: " + std::to_string(d.rule_deadlines.size()) +
           " rules' deadlines for table `" + t.id + "` of " + std::to_string(t.rules.size()) + " rules");
  if (d.rule.size() != d.status.size() || d.amounts.size() != d.status.size() * d.amount_stride ||
      d.amount_present.size() != d.amounts.size())
    misfit(std::string("the ") + side + " batch's columns differ in length");
  std::vector<rule_view> out(t.rules.size());
  for (std::size_t r = 0; r < t.rules.size(); ++r) {
    const rule_outcome& then = t.rules[r].then;
    rule_view& v = out[r];
    v.id = n.rules.intern(t.rules[r].id);
    if (then.solution != npos)
      v.solution = n.solutions.intern(std::string(entry_id(p.vocabulary.solutions, then.solution)));
    if (then.fee_payer != npos)
      v.payer = n.parties.intern(std::string(entry_id(p.vocabulary.parties, then.fee_payer)));
    for (std::size_t k = 0; k < then.amounts.size() && k < d.amount_stride; ++k)
      v.amounts.emplace_back(n.amounts.intern(then.amounts[k].name), k);
    for (const deadline& dl : d.rule_deadlines[r]) {
      if (dl.clock >= p.clocks.size())
        misfit(std::string("the ") + side + " batch names clock " + std::to_string(dl.clock) +
               ", its policy has " + std::to_string(p.clocks.size()));
      const std::uint32_t clock = n.clocks.intern(p.clocks[dl.clock].id);
      const bool seen = std::any_of(v.deadlines.begin(), v.deadlines.end(),
                                    [&](const auto& x) { return x.first == clock; });
      if (!seen) v.deadlines.emplace_back(clock, dl.due.time_since_epoch().count());
    }
    std::sort(v.deadlines.begin(), v.deadlines.end());
  }
  return out;
}

whatif_side side_of(const policy& p, const batch_decisions& d) {
  return {p.info.id, p.info.version, p.info.content_hash, p.decisions[d.table].id};
}

struct group_acc {
  std::uint64_t rows = 0;
  std::uint64_t changed = 0;
  std::vector<std::uint64_t> samples;

  void add(bool row_changed, std::uint64_t row, std::size_t limit) {
    ++rows;
    if (!row_changed) return;
    ++changed;
    if (samples.size() < limit) samples.push_back(row);  // rows come in ascending order
  }
};

struct money_acc {
  std::int64_t before_total = 0, after_total = 0;
  std::uint64_t before_rows = 0, after_rows = 0, changed_rows = 0;
};

// One side's amounts of one row: (money key, value), sorted by key.
using row_money = std::vector<std::pair<std::uint64_t, std::int64_t>>;

void collect_money(const rule_view* r, const batch_decisions& d, std::size_t i, std::uint32_t parties,
                   row_money& out) {
  out.clear();
  if (r == nullptr) return;
  const std::uint64_t payer = r->payer == npos ? 0 : std::uint64_t{r->payer} + 1;
  for (const auto& [amount, k] : r->amounts) {
    const std::size_t at = i * d.amount_stride + k;
    if (d.amount_present[at] == 0) continue;
    out.emplace_back(std::uint64_t{amount} * (parties + 1) + payer, d.amounts[at]);
  }
  std::sort(out.begin(), out.end());
}

const rule_view* rule_of(const std::vector<rule_view>& rules, const batch_decisions& d, std::size_t i,
                         const char* side) {
  if (d.status[i] != decision_status::matched || d.rule[i] == npos) return nullptr;
  if (d.rule[i] >= rules.size())
    misfit(std::string("the ") + side + " batch's row " + std::to_string(i) + " names rule " +
           std::to_string(d.rule[i]) + " of a table of " + std::to_string(rules.size()));
  return &rules[d.rule[i]];
}

std::string money_label(const all_names& n, std::uint32_t amount, std::uint32_t payer) {
  return "amount `" + n.amounts[amount] + "` paid by " +
         (payer == npos ? std::string("no one") : "`" + n.parties[payer] + "`");
}

}  // namespace

whatif_report compare_decisions(const policy& before_policy, const batch_decisions& before,
                                const policy& after_policy, const batch_decisions& after,
                                std::uint64_t first_row, const whatif_options& options) {
  if (before.status.size() != after.status.size())
    misfit("the batches compared have " + std::to_string(before.status.size()) + " and " +
           std::to_string(after.status.size()) + " rows: compare decisions of the same requests");
  // Row numbers must not wrap: a report's samples are kept in ascending order.
  if (!before.status.empty() &&
      before.status.size() - 1 > std::numeric_limits<std::uint64_t>::max() - first_row)
    misfit("rows from " + std::to_string(first_row) +
           " on would be numbered past 2^64 - 1: give a smaller first row");
  all_names n;
  const std::vector<rule_view> old_rules = view_rules(before_policy, before, n, "old");
  const std::vector<rule_view> new_rules = view_rules(after_policy, after, n, "new");
  const std::uint32_t parties = n.parties.size();
  const std::size_t limit = options.samples;

  // Group keys: a rule's interned id, or one past the ids per status for rows without a rule.
  const std::uint64_t rule_keys = std::uint64_t{n.rules.size()} + 3;
  const std::uint64_t solution_keys = std::uint64_t{n.solutions.size()} + 1;
  std::unordered_map<std::uint64_t, group_acc> rule_groups;
  std::unordered_map<std::uint64_t, group_acc> solution_groups;
  std::vector<money_acc> money(std::size_t{n.amounts.size()} * (parties + 1));
  std::vector<std::uint8_t> money_seen(money.size(), 0);
  std::vector<whatif_deadline> clocks(n.clocks.size());
  std::vector<std::uint8_t> clock_seen(clocks.size(), 0);

  whatif_report r;
  r.before = side_of(before_policy, before);
  r.after = side_of(after_policy, after);
  r.samples = limit;
  r.total = before.status.size();

  row_money old_money, new_money;
  for (std::size_t i = 0; i < before.status.size(); ++i) {
    const std::uint64_t row = first_row + i;
    const rule_view* o = rule_of(old_rules, before, i, "old");
    const rule_view* w = rule_of(new_rules, after, i, "new");
    const bool status_changed = before.status[i] != after.status[i];
    const std::uint32_t old_id = o ? o->id : npos, new_id = w ? w->id : npos;
    const std::uint32_t old_solution = o ? o->solution : npos, new_solution = w ? w->solution : npos;
    const std::uint32_t old_payer = o ? o->payer : npos, new_payer = w ? w->payer : npos;
    const bool rule_changed = old_id != new_id;
    const bool solution_changed = old_solution != new_solution;
    const bool payer_changed = old_payer != new_payer;

    collect_money(o, before, i, parties, old_money);
    collect_money(w, after, i, parties, new_money);
    const bool money_changed = old_money != new_money;
    // Keys of both sides in one ascending walk: each key's old and new contribution.
    for (std::size_t a = 0, b = 0; a < old_money.size() || b < new_money.size();) {
      const bool take_old =
          b == new_money.size() || (a < old_money.size() && old_money[a].first <= new_money[b].first);
      const bool take_new =
          a == old_money.size() || (b < new_money.size() && new_money[b].first <= old_money[a].first);
      const std::uint64_t key = take_old ? old_money[a].first : new_money[b].first;
      money_acc& m = money[key];
      money_seen[key] = 1;
      const std::uint32_t amount = static_cast<std::uint32_t>(key / (parties + 1));
      const std::uint32_t payer = static_cast<std::uint32_t>(key % (parties + 1)) == 0
                                      ? npos
                                      : static_cast<std::uint32_t>(key % (parties + 1) - 1);
      if (take_old) {
        m.before_total =
            detail::add_money(m.before_total, old_money[a].second, money_label(n, amount, payer));
        ++m.before_rows;
      }
      if (take_new) {
        m.after_total = detail::add_money(m.after_total, new_money[b].second, money_label(n, amount, payer));
        ++m.after_rows;
      }
      if (!(take_old && take_new && old_money[a].second == new_money[b].second)) ++m.changed_rows;
      if (take_old) ++a;
      if (take_new) ++b;
    }

    bool deadline_changed = false;
    static const std::vector<std::pair<std::uint32_t, std::int64_t>> none;
    const auto& od = o ? o->deadlines : none;
    const auto& nd = w ? w->deadlines : none;
    for (std::size_t a = 0, b = 0; a < od.size() || b < nd.size();) {
      const bool take_old = b == nd.size() || (a < od.size() && od[a].first <= nd[b].first);
      const bool take_new = a == od.size() || (b < nd.size() && nd[b].first <= od[a].first);
      const std::uint32_t clock = take_old ? od[a].first : nd[b].first;
      whatif_deadline& c = clocks[clock];
      clock_seen[clock] = 1;
      if (take_old && take_new) {
        const std::int64_t shift = nd[b].second - od[a].second;
        if (shift == 0) {
          ++c.same;
        } else if (shift < 0) {
          ++c.earlier;
          ++c.earlier_by[whatif_shift_bucket(shift)];
          c.min_shift = std::min(c.min_shift, shift);
        } else {
          ++c.later;
          ++c.later_by[whatif_shift_bucket(shift)];
          c.max_shift = std::max(c.max_shift, shift);
        }
        if (__builtin_add_overflow(c.total_shift, shift, &c.total_shift))
          throw whatif_error(error_code::money_total_overflow,
                             "the total shift of clock `" + n.clocks[clock] + "` overflows 64-bit seconds");
        deadline_changed = deadline_changed || shift != 0;
      } else {
        ++(take_old ? c.only_before : c.only_after);
        deadline_changed = true;
      }
      if (take_old) ++a;
      if (take_new) ++b;
    }

    const bool changed = status_changed || rule_changed || solution_changed || payer_changed ||
                         money_changed || deadline_changed;
    r.changed += changed;
    r.changes.status += status_changed;
    r.changes.rule += rule_changed;
    r.changes.solution += solution_changed;
    r.changes.fee_payer += payer_changed;
    r.changes.amounts += money_changed;
    r.changes.deadlines += deadline_changed;

    const std::uint64_t old_key = o ? o->id : n.rules.size() + static_cast<std::uint64_t>(before.status[i]);
    const std::uint64_t new_key = w ? w->id : n.rules.size() + static_cast<std::uint64_t>(after.status[i]);
    rule_groups[old_key * rule_keys + new_key].add(changed, row, limit);
    const std::uint64_t old_sol = old_solution == npos ? 0 : std::uint64_t{old_solution} + 1;
    const std::uint64_t new_sol = new_solution == npos ? 0 : std::uint64_t{new_solution} + 1;
    solution_groups[old_sol * solution_keys + new_sol].add(changed, row, limit);
  }

  for (auto& [key, g] : rule_groups) {
    whatif_rule_group out;
    const std::uint64_t old_key = key / rule_keys, new_key = key % rule_keys;
    const auto fill = [&](std::uint64_t k, decision_status& status, std::string& id) {
      if (k < n.rules.size()) {
        status = decision_status::matched;
        id = n.rules[static_cast<std::uint32_t>(k)];
      } else {
        status = static_cast<decision_status>(k - n.rules.size());
      }
    };
    fill(old_key, out.before_status, out.before_rule);
    fill(new_key, out.after_status, out.after_rule);
    out.rows = g.rows;
    out.changed = g.changed;
    out.samples = std::move(g.samples);
    r.rules.push_back(std::move(out));
  }
  for (auto& [key, g] : solution_groups) {
    whatif_solution_group out;
    const std::uint64_t old_sol = key / solution_keys, new_sol = key % solution_keys;
    if (old_sol != 0) out.before = n.solutions[static_cast<std::uint32_t>(old_sol - 1)];
    if (new_sol != 0) out.after = n.solutions[static_cast<std::uint32_t>(new_sol - 1)];
    out.rows = g.rows;
    out.changed = g.changed;
    out.samples = std::move(g.samples);
    r.solutions.push_back(std::move(out));
  }
  for (std::size_t key = 0; key < money.size(); ++key) {
    if (!money_seen[key]) continue;
    whatif_money out;
    out.amount = n.amounts[static_cast<std::uint32_t>(key / (parties + 1))];
    const std::size_t payer = key % (parties + 1);
    if (payer != 0) out.payer = n.parties[static_cast<std::uint32_t>(payer - 1)];
    out.before_total = money[key].before_total;
    out.after_total = money[key].after_total;
    out.before_rows = money[key].before_rows;
    out.after_rows = money[key].after_rows;
    out.changed_rows = money[key].changed_rows;
    r.money.push_back(std::move(out));
  }
  for (std::uint32_t c = 0; c < clocks.size(); ++c) {
    if (!clock_seen[c]) continue;
    clocks[c].clock = n.clocks[c];
    r.deadlines.push_back(std::move(clocks[c]));
  }
  detail::put_in_order(r);
  return r;
}

}  // namespace aftersale
