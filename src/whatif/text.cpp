// SPDX-License-Identifier: Apache-2.0
// A what-if report for a terminal: what a reviewer reads first (how many decisions change and
// why) at the top, the details below, columns aligned.
#include <algorithm>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "whatif/report.hpp"

namespace aftersale {
namespace {

std::string side_text(const whatif_side& s) {
  std::string out = "`" + s.policy_id + "`";
  if (!s.policy_version.empty()) out += " " + s.policy_version;
  return out + " (table `" + s.table + "`)";
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0 %";
  const std::uint64_t tenths = (part * 1000 + whole / 2) / whole;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " %";
}

std::string rule_text(decision_status status, const std::string& rule) {
  return status == decision_status::matched ? rule : "(" + std::string(to_string(status)) + ")";
}

std::string or_none(const std::string& id) { return id.empty() ? "(none)" : id; }

std::string shift_text(std::int64_t seconds) {
  if (seconds == 0) return "0s";
  return (seconds > 0 ? "+" : "") + format_duration(std::chrono::seconds{seconds});
}

// Rows of cells, printed with every column as wide as its widest cell; the first `names`
// columns are left-aligned (ids), the others right-aligned (numbers).
class table {
 public:
  explicit table(std::size_t names) : names_(names) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void print(std::ostringstream& out, const std::string& indent) const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_)
      for (std::size_t c = 0; c < r.size(); ++c) {
        if (width.size() <= c) width.push_back(0);
        width[c] = std::max(width[c], r[c].size());
      }
    for (const auto& r : rows_) {
      std::string line = indent;
      for (std::size_t c = 0; c < r.size(); ++c) {
        const std::string pad(width[c] - r[c].size(), ' ');
        line += (c == 0 ? "" : "  ") + (c < names_ ? r[c] + pad : pad + r[c]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }

 private:
  std::size_t names_;
  std::vector<std::vector<std::string>> rows_;
};

template <class Group, class Name>
void print_groups(std::ostringstream& out, const char* title, const std::vector<Group>& groups, Name name,
                  const std::function<std::string(std::uint64_t)>& describe) {
  std::size_t shown = 0;
  for (const Group& g : groups) shown += g.changed > 0;
  out << '\n' << title << ": " << shown << (shown == 1 ? " group" : " groups") << " with changes\n";
  for (const Group& g : groups) {
    if (g.changed == 0) continue;
    out << "  " << name(g) << ": " << g.changed << " changed of " << g.rows
        << (g.rows == 1 ? " row" : " rows");
    if (!describe) {
      if (!g.samples.empty()) {
        out << (g.samples.size() == 1 ? " (row" : " (rows");
        for (std::uint64_t row : g.samples) out << ' ' << row;
        out << ')';
      }
      out << '\n';
      continue;
    }
    out << '\n';
    for (std::uint64_t row : g.samples) out << "    " << describe(row) << '\n';
  }
}

}  // namespace

std::string to_text(const whatif_report& r) { return to_text(r, nullptr); }

std::string to_text(const whatif_report& r, const std::function<std::string(std::uint64_t)>& describe) {
  std::ostringstream out;
  out << "what-if: " << side_text(r.before) << " -> " << side_text(r.after) << '\n';
  out << r.total << " requests, " << r.changed << " decisions change (" << percent(r.changed, r.total)
      << ")\n";
  if (r.changed > 0) {
    out << "  changed: status " << r.changes.status << ", rule " << r.changes.rule << ", solution "
        << r.changes.solution << ", fee payer " << r.changes.fee_payer << ", amounts " << r.changes.amounts
        << ", deadlines " << r.changes.deadlines << '\n';
  }
  if (!r.facts_only_before.empty() || !r.facts_only_after.empty()) {
    const auto list = [](const std::vector<std::string>& names) {
      std::string s;
      for (const std::string& n : names) s += (s.empty() ? "`" : ", `") + n + "`";
      return s.empty() ? std::string("none") : s;
    };
    out << "facts only the old policy reads: " << list(r.facts_only_before) << '\n';
    out << "facts only the new policy reads: " << list(r.facts_only_after) << '\n';
  }
  print_groups(
      out, "rules (old -> new)", r.rules,
      [](const whatif_rule_group& g) {
        return rule_text(g.before_status, g.before_rule) + " -> " + rule_text(g.after_status, g.after_rule);
      },
      describe);
  print_groups(
      out, "solutions (old -> new)", r.solutions,
      [](const whatif_solution_group& g) { return or_none(g.before) + " -> " + or_none(g.after); }, describe);

  out << "\nmoney (minor units) by amount and payer:";
  if (r.money.empty()) {
    out << " none computed\n";
  } else {
    out << '\n';
    table t(2);
    t.row({"amount", "payer", "old total", "new total", "change", "old rows", "new rows", "rows differ"});
    for (const whatif_money& m : r.money) {
      std::string delta = std::to_string(m.delta());
      if (m.delta() > 0) delta = "+" + delta;
      t.row({m.amount, or_none(m.payer), std::to_string(m.before_total), std::to_string(m.after_total), delta,
             std::to_string(m.before_rows), std::to_string(m.after_rows), std::to_string(m.changed_rows)});
    }
    t.print(out, "  ");
  }

  out << "\ndeadlines by clock:";
  if (r.deadlines.empty()) {
    out << " none started\n";
  } else {
    out << '\n';
    table t(1);
    t.row({"clock", "earlier", "later", "same", "only old", "only new", "total shift", "most earlier",
           "most later"});
    for (const whatif_deadline& d : r.deadlines)
      t.row({d.clock, std::to_string(d.earlier), std::to_string(d.later), std::to_string(d.same),
             std::to_string(d.only_before), std::to_string(d.only_after), shift_text(d.total_shift),
             shift_text(d.min_shift), shift_text(d.max_shift)});
    t.print(out, "  ");
    const char* buckets[] = {"<1h", "1-4h", "4-24h", "1-3d", ">=3d"};
    static_assert(std::size(buckets) == whatif_shift_buckets);
    for (const whatif_deadline& d : r.deadlines) {
      if (d.earlier + d.later == 0) continue;
      std::string line;
      for (std::size_t b = whatif_shift_buckets; b-- > 0;)
        if (d.earlier_by[b] > 0)
          line += std::string(line.empty() ? " " : ", ") + "earlier " + buckets[b] + " " +
                  std::to_string(d.earlier_by[b]);
      for (std::size_t b = 0; b < whatif_shift_buckets; ++b)
        if (d.later_by[b] > 0)
          line += std::string(line.empty() ? " " : ", ") + "later " + buckets[b] + " " +
                  std::to_string(d.later_by[b]);
      out << "  " << d.clock << " shifts:" << line << '\n';
    }
  }
  return out.str();
}

}  // namespace aftersale
