// SPDX-License-Identifier: Apache-2.0
// A what-if report as JSON (`aftersale-whatif/1`) and back. Written through the one JSON
// writer; read with the snapshots' strict tape parser, every key checked against the ones the
// format has, so a report read back is exactly the one written.
#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "base/hash.hpp"
#include "base/json_writer.hpp"
#include "case/snapshot/tape.hpp"
#include "whatif/report.hpp"

namespace aftersale {
namespace {

constexpr std::string_view format_name = "aftersale-whatif/1";
constexpr std::string_view statuses[] = {"matched", "no_match", "conflict"};

void write_side(detail::json_writer& w, const whatif_side& s) {
  w.begin_object();
  w.key("policy");
  w.string(s.policy_id);
  w.key("version");
  w.string(s.policy_version);
  w.key("hash");
  w.string(detail::hex16(s.policy_hash));
  w.key("table");
  w.string(s.table);
  w.end_object();
}

void write_samples(detail::json_writer& w, const std::vector<std::uint64_t>& samples) {
  w.key("samples");
  w.begin_array();
  for (std::uint64_t row : samples) w.unsigned_integer(row);
  w.end_array();
}

void write_counts(detail::json_writer& w, const char* name,
                  const std::array<std::uint64_t, whatif_shift_buckets>& a) {
  w.key(name);
  w.begin_array();
  for (std::uint64_t n : a) w.unsigned_integer(n);
  w.end_array();
}

void write_names(detail::json_writer& w, const char* name, const std::vector<std::string>& names) {
  w.key(name);
  w.begin_array();
  for (const std::string& n : names) w.string(n);
  w.end_array();
}

// ---- reading ----

using detail::snapshot::node;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw whatif_error(error_code::bad_whatif_report,
                     "what-if report at `" + (where.empty() ? std::string("/") : where) + "`: " + what);
}

// A node of the tape with its JSON pointer, read strictly.
class reader {
 public:
  reader(const detail::snapshot::tape& t, std::uint32_t at, std::string where)
      : t_(&t), at_(at), where_(std::move(where)) {}

  const node& self() const { return t_->nodes[at_]; }
  const std::string& where() const { return where_; }

  // An object's members, each expected once: `keys` lists them all, in any order.
  std::vector<reader> object(std::initializer_list<std::string_view> keys) const {
    if (self().type != node::kind::object) bad(where_, "expected an object");
    std::vector<reader> out(keys.size(), reader(*t_, 0, {}));
    std::vector<bool> seen(keys.size(), false);
    std::uint32_t i = at_ + 1;
    for (std::uint32_t m = 0; m < self().count; ++m) {
      const node& member = t_->nodes[i];
      const auto k = std::find(keys.begin(), keys.end(), member.key);
      const std::string path = where_ + "/" + std::string(member.key);
      if (k == keys.end()) bad(path, "unknown key `" + std::string(member.key) + "`");
      const std::size_t index = static_cast<std::size_t>(k - keys.begin());
      if (seen[index]) bad(path, "key `" + std::string(member.key) + "` given twice");
      seen[index] = true;
      out[index] = reader(*t_, i, path);
      i = member.end;
    }
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (!seen[k]) bad(where_, "missing key `" + std::string(keys.begin()[k]) + "`");
    return out;
  }

  std::vector<reader> array() const {
    if (self().type != node::kind::array) bad(where_, "expected an array");
    std::vector<reader> out;
    std::uint32_t i = at_ + 1;
    for (std::uint32_t e = 0; e < self().count; ++e) {
      out.emplace_back(*t_, i, where_ + "/" + std::to_string(e));
      i = t_->nodes[i].end;
    }
    return out;
  }

  std::string text() const {
    if (self().type != node::kind::string) bad(where_, "expected a string");
    return std::string(self().text);
  }
  // A string, or null for none (written as null when empty).
  std::string text_or_none() const {
    if (self().type == node::kind::null) return {};
    const std::string s = text();
    if (s.empty()) bad(where_, "expected a non-empty string or null");
    return s;
  }
  std::int64_t integer() const {
    if (self().type != node::kind::integer) bad(where_, "expected an integer of 64 bits");
    return self().number;
  }
  std::uint64_t count() const {
    if (self().type == node::kind::big_integer) {
      // Above INT64_MAX: the tape keeps the digits.
      std::uint64_t v = 0;
      for (char c : self().text) {
        if (c < '0' || c > '9' || v > (UINT64_MAX - static_cast<std::uint64_t>(c - '0')) / 10)
          bad(where_, "expected a non-negative integer of 64 bits");
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      return v;
    }
    const std::int64_t v = integer();
    if (v < 0) bad(where_, "expected a non-negative integer");
    return static_cast<std::uint64_t>(v);
  }
  decision_status status() const {
    const std::string s = text();
    for (std::size_t i = 0; i < std::size(statuses); ++i)
      if (s == statuses[i]) return static_cast<decision_status>(i);
    bad(where_, "`" + s + "` is not a status: expected `matched`, `no_match` or `conflict`");
  }

 private:
  const detail::snapshot::tape* t_;
  std::uint32_t at_;
  std::string where_;
};

whatif_side read_side(const reader& r) {
  const auto m = r.object({"policy", "version", "hash", "table"});
  whatif_side s;
  s.policy_id = m[0].text();
  s.policy_version = m[1].text();
  const std::string hash = m[2].text();
  if (hash.size() != 16 || hash.find_first_not_of("0123456789abcdef") != std::string::npos)
    bad(m[2].where(), "expected 16 lowercase hex digits");
  s.policy_hash = std::stoull(hash, nullptr, 16);
  s.table = m[3].text();
  return s;
}

std::vector<std::uint64_t> read_samples(const reader& r, std::size_t limit, std::uint64_t changed) {
  std::vector<std::uint64_t> out;
  for (const reader& e : r.array()) {
    const std::uint64_t row = e.count();
    if (!out.empty() && row <= out.back()) bad(e.where(), "samples must be ascending row numbers");
    out.push_back(row);
  }
  if (out.size() > limit || out.size() > changed)
    bad(r.where(), "more samples than the report keeps or the group's changed rows");
  return out;
}

std::array<std::uint64_t, whatif_shift_buckets> read_buckets(const reader& r) {
  const auto e = r.array();
  if (e.size() != whatif_shift_buckets)
    bad(r.where(), "expected " + std::to_string(whatif_shift_buckets) + " counts, one per bucket");
  std::array<std::uint64_t, whatif_shift_buckets> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = e[i].count();
  return out;
}

std::vector<std::string> read_names(const reader& r) {
  std::vector<std::string> out;
  for (const reader& e : r.array()) out.push_back(e.text());
  return out;
}

template <class Group>
void check_group(const reader& where, const Group& g) {
  if (g.changed > g.rows) bad(where.where(), "more changed rows than rows");
}

}  // namespace

std::string to_json(const whatif_report& r) {
  detail::json_writer w(
      "a what-if report", detail::json_writer::layout::pretty,
      1024 + 160 * (r.rules.size() + r.solutions.size() + r.money.size() + r.deadlines.size()));
  w.begin_object();
  w.key("format");
  w.string(format_name);
  w.key("before");
  write_side(w, r.before);
  w.key("after");
  write_side(w, r.after);
  w.key("samples");
  w.unsigned_integer(r.samples);
  w.key("total");
  w.unsigned_integer(r.total);
  w.key("changed");
  w.unsigned_integer(r.changed);
  w.key("changes");
  w.begin_object();
  const std::pair<const char*, std::uint64_t> changes[] = {
      {"status", r.changes.status},       {"rule", r.changes.rule},       {"solution", r.changes.solution},
      {"fee_payer", r.changes.fee_payer}, {"amounts", r.changes.amounts}, {"deadlines", r.changes.deadlines}};
  for (const auto& [name, n] : changes) {
    w.key(name);
    w.unsigned_integer(n);
  }
  w.end_object();
  w.key("rules");
  w.begin_array();
  for (const whatif_rule_group& g : r.rules) {
    w.begin_object();
    w.key("before_status");
    w.string(to_string(g.before_status));
    w.key("before_rule");
    w.string_or_null(g.before_rule);
    w.key("after_status");
    w.string(to_string(g.after_status));
    w.key("after_rule");
    w.string_or_null(g.after_rule);
    w.key("rows");
    w.unsigned_integer(g.rows);
    w.key("changed");
    w.unsigned_integer(g.changed);
    write_samples(w, g.samples);
    w.end_object();
  }
  w.end_array();
  w.key("solutions");
  w.begin_array();
  for (const whatif_solution_group& g : r.solutions) {
    w.begin_object();
    w.key("before");
    w.string_or_null(g.before);
    w.key("after");
    w.string_or_null(g.after);
    w.key("rows");
    w.unsigned_integer(g.rows);
    w.key("changed");
    w.unsigned_integer(g.changed);
    write_samples(w, g.samples);
    w.end_object();
  }
  w.end_array();
  w.key("money");
  w.begin_array();
  for (const whatif_money& m : r.money) {
    w.begin_object();
    w.key("amount");
    w.string(m.amount);
    w.key("payer");
    w.string_or_null(m.payer);
    w.key("before_total");
    w.integer(m.before_total);
    w.key("after_total");
    w.integer(m.after_total);
    w.key("delta");
    w.integer(m.delta());
    w.key("before_rows");
    w.unsigned_integer(m.before_rows);
    w.key("after_rows");
    w.unsigned_integer(m.after_rows);
    w.key("changed_rows");
    w.unsigned_integer(m.changed_rows);
    w.end_object();
  }
  w.end_array();
  w.key("shift_limits_seconds");
  w.begin_array();
  for (std::int64_t limit : whatif_shift_limits) w.integer(limit);
  w.end_array();
  w.key("deadlines");
  w.begin_array();
  for (const whatif_deadline& d : r.deadlines) {
    w.begin_object();
    w.key("clock");
    w.string(d.clock);
    w.key("earlier");
    w.unsigned_integer(d.earlier);
    w.key("later");
    w.unsigned_integer(d.later);
    w.key("same");
    w.unsigned_integer(d.same);
    w.key("total_shift_seconds");
    w.integer(d.total_shift);
    w.key("min_shift_seconds");
    w.integer(d.min_shift);
    w.key("max_shift_seconds");
    w.integer(d.max_shift);
    write_counts(w, "earlier_by", d.earlier_by);
    write_counts(w, "later_by", d.later_by);
    w.key("only_before");
    w.unsigned_integer(d.only_before);
    w.key("only_after");
    w.unsigned_integer(d.only_after);
    w.end_object();
  }
  w.end_array();
  write_names(w, "facts_only_before", r.facts_only_before);
  write_names(w, "facts_only_after", r.facts_only_after);
  w.end_object();
  return w.take();
}

whatif_report whatif_from_json(std::string_view json) {
  detail::snapshot::tape t;
  try {
    detail::snapshot::parse(json, t);
  } catch (const error& e) {
    std::string why = e.what();
    if (why.rfind("$: ", 0) == 0) why.erase(0, 3);
    throw whatif_error(error_code::bad_whatif_report, "what-if report: " + why);
  }
  const reader root(t, 0, "");
  const auto top = root.object({"format", "before", "after", "samples", "total", "changed", "changes",
                                "rules", "solutions", "money", "shift_limits_seconds", "deadlines",
                                "facts_only_before", "facts_only_after"});
  if (top[0].text() != format_name)
    bad(top[0].where(), "`" + top[0].text() + "` is not a what-if report format: expected `" +
                            std::string(format_name) + "`");
  whatif_report r;
  r.before = read_side(top[1]);
  r.after = read_side(top[2]);
  r.samples = static_cast<std::size_t>(top[3].count());
  r.total = top[4].count();
  r.changed = top[5].count();
  if (r.changed > r.total) bad(top[5].where(), "more changed rows than rows");
  {
    const auto c = top[6].object({"status", "rule", "solution", "fee_payer", "amounts", "deadlines"});
    std::uint64_t* into[] = {&r.changes.status,    &r.changes.rule,    &r.changes.solution,
                             &r.changes.fee_payer, &r.changes.amounts, &r.changes.deadlines};
    for (std::size_t i = 0; i < c.size(); ++i) {
      *into[i] = c[i].count();
      if (*into[i] > r.changed) bad(c[i].where(), "more rows than the changed rows");
    }
  }
  std::uint64_t rows = 0;
  for (const reader& e : top[7].array()) {
    const auto m = e.object(
        {"before_status", "before_rule", "after_status", "after_rule", "rows", "changed", "samples"});
    whatif_rule_group g;
    g.before_status = m[0].status();
    g.before_rule = m[1].text_or_none();
    g.after_status = m[2].status();
    g.after_rule = m[3].text_or_none();
    if ((g.before_status == decision_status::matched) == g.before_rule.empty())
      bad(m[1].where(), "a rule id goes with the status `matched` only");
    if ((g.after_status == decision_status::matched) == g.after_rule.empty())
      bad(m[3].where(), "a rule id goes with the status `matched` only");
    g.rows = m[4].count();
    g.changed = m[5].count();
    check_group(e, g);
    g.samples = read_samples(m[6], r.samples, g.changed);
    rows += g.rows;
    r.rules.push_back(std::move(g));
  }
  if (rows != r.total) bad(top[7].where(), "the groups' rows do not add up to the total");
  rows = 0;
  for (const reader& e : top[8].array()) {
    const auto m = e.object({"before", "after", "rows", "changed", "samples"});
    whatif_solution_group g;
    g.before = m[0].text_or_none();
    g.after = m[1].text_or_none();
    g.rows = m[2].count();
    g.changed = m[3].count();
    check_group(e, g);
    g.samples = read_samples(m[4], r.samples, g.changed);
    rows += g.rows;
    r.solutions.push_back(std::move(g));
  }
  if (rows != r.total) bad(top[8].where(), "the groups' rows do not add up to the total");
  for (const reader& e : top[9].array()) {
    const auto m = e.object({"amount", "payer", "before_total", "after_total", "delta", "before_rows",
                             "after_rows", "changed_rows"});
    whatif_money g;
    g.amount = m[0].text();
    g.payer = m[1].text_or_none();
    g.before_total = m[2].integer();
    g.after_total = m[3].integer();
    if (m[4].integer() != g.delta()) bad(m[4].where(), "not the difference of the totals");
    g.before_rows = m[5].count();
    g.after_rows = m[6].count();
    g.changed_rows = m[7].count();
    r.money.push_back(std::move(g));
  }
  {
    const auto limits = top[10].array();
    bool same = limits.size() == whatif_shift_limits.size();
    for (std::size_t i = 0; same && i < limits.size(); ++i)
      same = limits[i].integer() == whatif_shift_limits[i];
    if (!same) bad(top[10].where(), "the histogram's limits are not this library's");
  }
  for (const reader& e : top[11].array()) {
    const auto m = e.object({"clock", "earlier", "later", "same", "total_shift_seconds", "min_shift_seconds",
                             "max_shift_seconds", "earlier_by", "later_by", "only_before", "only_after"});
    whatif_deadline d;
    d.clock = m[0].text();
    d.earlier = m[1].count();
    d.later = m[2].count();
    d.same = m[3].count();
    d.total_shift = m[4].integer();
    d.min_shift = m[5].integer();
    d.max_shift = m[6].integer();
    if (d.min_shift > 0 || d.max_shift < 0) bad(e.where(), "a shift limit on the wrong side of zero");
    d.earlier_by = read_buckets(m[7]);
    d.later_by = read_buckets(m[8]);
    std::uint64_t earlier = 0, later = 0;
    for (std::size_t b = 0; b < whatif_shift_buckets; ++b) {
      earlier += d.earlier_by[b];
      later += d.later_by[b];
    }
    if (earlier != d.earlier || later != d.later)
      bad(e.where(), "the histogram does not add up to the earlier and later rows");
    d.only_before = m[9].count();
    d.only_after = m[10].count();
    r.deadlines.push_back(std::move(d));
  }
  r.facts_only_before = read_names(top[12]);
  r.facts_only_after = read_names(top[13]);
  // Each group, amount and clock once; and the lists already in the one order, so a report read
  // back prints as it was written.
  {
    std::set<std::tuple<decision_status, std::string, decision_status, std::string>> seen;
    for (std::size_t i = 0; i < r.rules.size(); ++i) {
      const whatif_rule_group& g = r.rules[i];
      if (!seen.emplace(g.before_status, g.before_rule, g.after_status, g.after_rule).second)
        bad(top[7].where() + "/" + std::to_string(i), "a group given twice");
    }
  }
  {
    std::set<std::pair<std::string, std::string>> seen;
    for (std::size_t i = 0; i < r.solutions.size(); ++i)
      if (!seen.emplace(r.solutions[i].before, r.solutions[i].after).second)
        bad(top[8].where() + "/" + std::to_string(i), "a group given twice");
  }
  for (std::size_t i = 1; i < r.money.size(); ++i)
    if (r.money[i].amount == r.money[i - 1].amount && r.money[i].payer == r.money[i - 1].payer)
      bad(top[9].where() + "/" + std::to_string(i), "the same amount and payer as the entry before");
  for (std::size_t i = 1; i < r.deadlines.size(); ++i)
    if (r.deadlines[i].clock == r.deadlines[i - 1].clock)
      bad(top[11].where() + "/" + std::to_string(i), "the same clock as the entry before");
  whatif_report ordered = r;
  detail::put_in_order(ordered);
  if (to_json(ordered) != to_json(r)) bad("", "the lists are not in the report's order (docs/whatif.md)");
  return r;
}

}  // namespace aftersale
