// SPDX-License-Identifier: Apache-2.0
// compare_policies: requests given as rows of cells (a CSV or JSON-lines file, a block at a
// time), bound against each policy on its own into request_columns, decided with decide_batch,
// and compared. A cell's error names the row and the side that refused it.
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "base/nearest.hpp"
#include "decide/encode.hpp"
#include "whatif/report.hpp"

namespace aftersale {
namespace {

// `e` without the `request <row>: ` request_columns puts before each message.
request_error without_row(const request_error& e, std::uint64_t row) {
  const std::string prefix = "request " + std::to_string(row) + ": ";
  std::vector<request_problem> problems = e.problems();
  for (request_problem& p : problems)
    if (p.message.rfind(prefix, 0) == 0) p.message.erase(0, prefix.size());
  return request_error(std::move(problems), e.omitted());
}

[[noreturn]] void text_of_wrong_type(const fact_def& f, std::string_view text) {
  throw request_error(error_code::fact_type, f.name,
                      "fact `" + f.name + "` is " + std::string(to_string(f.type)) + " but was given `" +
                          std::string(text) + "`: expected " + detail::expected_kind(f.type));
}

// A text cell read by the fact's type (docs/whatif.md, "Request files").
void set_text_cell(request_columns& in, std::uint32_t id, const fact_def& f, std::size_t row,
                   std::string_view text) {
  switch (f.type) {
    case fact_type::boolean:
      if (text == "true" || text == "false") return in.set_bool(id, row, text == "true");
      text_of_wrong_type(f, text);
    case fact_type::integer:
    case fact_type::money: {
      std::int64_t v = 0;
      const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || err != std::errc() || end != text.data() + text.size()) text_of_wrong_type(f, text);
      return in.set_int(id, row, v);
    }
    case fact_type::enumeration:
    case fact_type::string:
    case fact_type::duration:
    case fact_type::timestamp:
    case fact_type::decimal:
      return in.set_text(id, row, text);
  }
}

struct side {
  std::shared_ptr<const policy> p;
  std::vector<std::uint32_t> fact;  // per column: the fact id, npos when the policy has no such fact
  bool after = false;
};

// Binds every row of `rows` against one side's policy.
request_columns bind_rows(const side& s, const request_rows& rows, std::uint64_t first_row) {
  const std::size_t width = rows.columns.size();
  request_columns in(*s.p, rows.rows, static_cast<std::size_t>(first_row));
  // Required facts first, row by row, so the error names the row (finish() would too, but only
  // inside its message).
  std::vector<std::int64_t> column_of(s.p->facts.size(), -1);
  for (std::size_t k = 0; k < width; ++k)
    if (s.fact[k] != npos) column_of[s.fact[k]] = static_cast<std::int64_t>(k);
  for (std::size_t row = 0; row < rows.rows; ++row) {
    for (std::uint32_t f = 0; f < s.p->facts.size(); ++f) {
      const fact_def& d = s.p->facts[f];
      if (!d.required || d.derive != derivation::none) continue;
      const std::int64_t k = column_of[f];
      if (k < 0 || rows.cells[row * width + static_cast<std::size_t>(k)].what == request_cell::kind::missing)
        throw request_row_error(
            request_error(error_code::missing_fact, d.name, "required fact `" + d.name + "` is missing"),
            first_row + row, s.after);
    }
  }
  for (std::size_t row = 0; row < rows.rows; ++row) {
    for (std::size_t k = 0; k < width; ++k) {
      const std::uint32_t id = s.fact[k];
      const request_cell& c = rows.cells[row * width + k];
      if (id == npos || c.what == request_cell::kind::missing) continue;
      try {
        switch (c.what) {
          case request_cell::kind::missing:
            break;
          case request_cell::kind::text:
            set_text_cell(in, id, s.p->facts[id], row, c.text);
            break;
          case request_cell::kind::string:
            in.set_text(id, row, c.text);
            break;
          case request_cell::kind::integer:
            in.set_int(id, row, c.number);
            break;
          case request_cell::kind::boolean:
            in.set_bool(id, row, c.number != 0);
            break;
        }
      } catch (const request_error& e) {
        throw request_row_error(without_row(e, first_row + row), first_row + row, s.after);
      }
    }
  }
  in.finish();
  return in;
}

}  // namespace

whatif_report compare_policies(const std::shared_ptr<const policy>& before,
                               const std::shared_ptr<const policy>& after, const request_rows& rows,
                               sys_seconds now, std::uint64_t first_row, std::string_view table,
                               const whatif_options& options, batch_options batch) {
  if (!before || !after)
    throw usage_error(error_code::no_policy, "compare_policies needs two policies, got none");
  const std::size_t width = rows.columns.size();
  if (rows.cells.size() != rows.rows * width)
    throw usage_error(error_code::out_of_bounds, "request rows of " + std::to_string(rows.rows) +
                                                     " rows and " + std::to_string(width) + " columns hold " +
                                                     std::to_string(rows.cells.size()) + " cells");
  side old_side{before, {}, false}, new_side{after, {}, true};
  std::vector<std::string> only_before, only_after;
  for (std::size_t k = 0; k < width; ++k) {
    const std::string& name = rows.columns[k];
    for (std::size_t j = 0; j < k; ++j)
      if (rows.columns[j] == name)
        throw request_error(error_code::bad_request_header, name, "column `" + name + "` is given twice");
    const std::optional<std::uint32_t> o = before->find_fact(name), n = after->find_fact(name);
    if (!o && !n) {
      std::vector<std::string> known;
      for (const fact_def& f : before->facts) known.push_back(f.name);
      for (const fact_def& f : after->facts) known.push_back(f.name);
      throw request_error(error_code::unknown_fact, name,
                          "unknown fact `" + name + "`: neither policy declares it",
                          detail::did_you_mean(name, known));
    }
    old_side.fact.push_back(o.value_or(npos));
    new_side.fact.push_back(n.value_or(npos));
    if (o && !n) only_before.push_back(name);
    if (n && !o) only_after.push_back(name);
  }
  const request_columns old_in = bind_rows(old_side, rows, first_row);
  const request_columns new_in = bind_rows(new_side, rows, first_row);
  const auto run = [&](const std::shared_ptr<const policy>& p, const request_columns& in) {
    return table.empty() ? decide_batch(p, in, now, batch) : decide_batch(p, table, in, now, batch);
  };
  const batch_decisions old_d = run(before, old_in);
  const batch_decisions new_d = run(after, new_in);
  whatif_report r = compare_decisions(*before, old_d, *after, new_d, first_row, options);
  r.facts_only_before = std::move(only_before);
  r.facts_only_after = std::move(only_after);
  detail::put_in_order(r);
  return r;
}

request_row_error::request_row_error(const request_error& e, std::uint64_t row, bool after_side)
    : request_error(e.problems(), e.omitted()), row_(row), after_(after_side) {}

}  // namespace aftersale
