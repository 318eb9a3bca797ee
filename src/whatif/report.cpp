// SPDX-License-Identifier: Apache-2.0
// A report's order, merge and checked money sums.
#include "whatif/report.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace aftersale {

namespace detail {

namespace {

template <class Group>
bool by_changes(const Group& a, const Group& b) {
  if (a.changed != b.changed) return a.changed > b.changed;
  if (a.rows != b.rows) return a.rows > b.rows;
  return false;
}

}  // namespace

void put_in_order(whatif_report& r) {
  std::sort(r.rules.begin(), r.rules.end(), [](const whatif_rule_group& a, const whatif_rule_group& b) {
    if (by_changes(a, b)) return true;
    if (by_changes(b, a)) return false;
    return std::tie(a.before_status, a.before_rule, a.after_status, a.after_rule) <
           std::tie(b.before_status, b.before_rule, b.after_status, b.after_rule);
  });
  std::sort(r.solutions.begin(), r.solutions.end(),
            [](const whatif_solution_group& a, const whatif_solution_group& b) {
              if (by_changes(a, b)) return true;
              if (by_changes(b, a)) return false;
              return std::tie(a.before, a.after) < std::tie(b.before, b.after);
            });
  std::sort(r.money.begin(), r.money.end(), [](const whatif_money& a, const whatif_money& b) {
    return std::tie(a.amount, a.payer) < std::tie(b.amount, b.payer);
  });
  std::sort(r.deadlines.begin(), r.deadlines.end(),
            [](const whatif_deadline& a, const whatif_deadline& b) { return a.clock < b.clock; });
  std::sort(r.facts_only_before.begin(), r.facts_only_before.end());
  std::sort(r.facts_only_after.begin(), r.facts_only_after.end());
}

std::int64_t add_money(std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out))
    throw whatif_error(error_code::money_total_overflow,
                       "the total of " + std::string(what) + " overflows 64-bit minor units");
  return out;
}

std::vector<std::uint64_t> lowest_samples(const std::vector<std::uint64_t>& a,
                                          const std::vector<std::uint64_t>& b, std::size_t limit) {
  std::vector<std::uint64_t> out;
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace detail

namespace {

bool same_side(const whatif_side& a, const whatif_side& b) {
  return a.policy_id == b.policy_id && a.policy_version == b.policy_version &&
         a.policy_hash == b.policy_hash && a.table == b.table;
}

std::string money_name(const whatif_money& m) {
  return "amount `" + m.amount + "` paid by " +
         (m.payer.empty() ? std::string("no one") : "`" + m.payer + "`");
}

template <class Group, class Key>
void merge_groups(std::vector<Group>& into, const std::vector<Group>& from, std::size_t samples, Key key) {
  std::map<decltype(key(into.front())), std::size_t> at;
  for (std::size_t i = 0; i < into.size(); ++i) at.emplace(key(into[i]), i);
  for (Group& g : into) g.samples = detail::lowest_samples(g.samples, {}, samples);
  for (const Group& g : from) {
    auto [it, fresh] = at.emplace(key(g), into.size());
    if (fresh) {
      into.push_back(g);
      into.back().samples = detail::lowest_samples(g.samples, {}, samples);
      continue;
    }
    Group& mine = into[it->second];
    mine.rows += g.rows;
    mine.changed += g.changed;
    mine.samples = detail::lowest_samples(mine.samples, g.samples, samples);
  }
}

void join_names(std::vector<std::string>& into, const std::vector<std::string>& from) {
  for (const std::string& name : from)
    if (std::find(into.begin(), into.end(), name) == into.end()) into.push_back(name);
}

}  // namespace

whatif_error::whatif_error(error_code code, const std::string& message)
    : error("error[" + code_text(code) + "]: " + message), code_(code) {}

std::int64_t whatif_money::delta() const {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(after_total, before_total, &out))
    throw whatif_error(error_code::money_total_overflow,
                       "the change of " + money_name(*this) + " overflows 64-bit minor units");
  return out;
}

std::size_t whatif_shift_bucket(std::int64_t seconds) noexcept {
  // |INT64_MIN| does not fit: it is beyond every limit anyway.
  const std::uint64_t magnitude = seconds < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(seconds)
                                              : static_cast<std::uint64_t>(seconds);
  std::size_t bucket = 0;
  while (bucket < whatif_shift_limits.size() &&
         magnitude >= static_cast<std::uint64_t>(whatif_shift_limits[bucket]))
    ++bucket;
  return bucket;
}

void whatif_report::merge(const whatif_report& other) {
  if (!same_side(before, other.before) || !same_side(after, other.after))
    throw usage_error(error_code::foreign_report,
                      "cannot merge a report of policy `" + other.before.policy_id + "` table `" +
                          other.before.table + "` → policy `" + other.after.policy_id + "` table `" +
                          other.after.table + "` into one of policy `" + before.policy_id + "` table `" +
                          before.table + "` → policy `" + after.policy_id + "` table `" + after.table +
                          "`: they compare other policies or tables");
  // Everything that can throw is computed before anything changes: a refused merge changes nothing.
  std::vector<whatif_money> money_out = money;
  {
    std::map<std::pair<std::string, std::string>, std::size_t> at;
    for (std::size_t i = 0; i < money_out.size(); ++i)
      at.emplace(std::make_pair(money_out[i].amount, money_out[i].payer), i);
    for (const whatif_money& m : other.money) {
      auto [it, fresh] = at.emplace(std::make_pair(m.amount, m.payer), money_out.size());
      if (fresh) {
        money_out.push_back(m);
        continue;
      }
      whatif_money& mine = money_out[it->second];
      mine.before_total = detail::add_money(mine.before_total, m.before_total, money_name(mine));
      mine.after_total = detail::add_money(mine.after_total, m.after_total, money_name(mine));
      mine.before_rows += m.before_rows;
      mine.after_rows += m.after_rows;
      mine.changed_rows += m.changed_rows;
    }
  }
  std::vector<whatif_deadline> deadlines_out = deadlines;
  {
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < deadlines_out.size(); ++i) at.emplace(deadlines_out[i].clock, i);
    for (const whatif_deadline& d : other.deadlines) {
      auto [it, fresh] = at.emplace(d.clock, deadlines_out.size());
      if (fresh) {
        deadlines_out.push_back(d);
        continue;
      }
      whatif_deadline& mine = deadlines_out[it->second];
      mine.earlier += d.earlier;
      mine.later += d.later;
      mine.same += d.same;
      if (__builtin_add_overflow(mine.total_shift, d.total_shift, &mine.total_shift))
        throw whatif_error(error_code::money_total_overflow,
                           "the total shift of clock `" + d.clock + "` overflows 64-bit seconds");
      mine.min_shift = std::min(mine.min_shift, d.min_shift);
      mine.max_shift = std::max(mine.max_shift, d.max_shift);
      for (std::size_t b = 0; b < whatif_shift_buckets; ++b) {
        mine.earlier_by[b] += d.earlier_by[b];
        mine.later_by[b] += d.later_by[b];
      }
      mine.only_before += d.only_before;
      mine.only_after += d.only_after;
    }
  }
  samples = std::min(samples, other.samples);
  total += other.total;
  changed += other.changed;
  changes.status += other.changes.status;
  changes.rule += other.changes.rule;
  changes.solution += other.changes.solution;
  changes.fee_payer += other.changes.fee_payer;
  changes.amounts += other.changes.amounts;
  changes.deadlines += other.changes.deadlines;
  merge_groups(rules, other.rules, samples, [](const whatif_rule_group& g) {
    return std::make_tuple(g.before_status, g.before_rule, g.after_status, g.after_rule);
  });
  merge_groups(solutions, other.solutions, samples,
               [](const whatif_solution_group& g) { return std::make_pair(g.before, g.after); });
  money = std::move(money_out);
  deadlines = std::move(deadlines_out);
  join_names(facts_only_before, other.facts_only_before);
  join_names(facts_only_after, other.facts_only_after);
  detail::put_in_order(*this);
}

}  // namespace aftersale
