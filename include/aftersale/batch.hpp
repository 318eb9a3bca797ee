// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Deciding many requests at once. Requests are stored by fact (one column of encoded values
/// per fact, no allocation per request) and `decide_batch` runs them on several threads.
/// Every row gets exactly what `decide` gives that request on its own.
///
///     aftersale::request_columns in(*policy, 2);
///     const std::uint32_t status = in.fact_id("order_status");   // throws request_error (E300)
///     in.set_text(status, 0, "delivered");                       // throws request_error naming the request
///     in.set_text(status, 1, "paid_unshipped");
///     // ... the other facts ...
///     in.finish();                                               // defaults; required facts (E303)
///     aftersale::batch_decisions out = aftersale::decide_batch(policy, in, now);
///     if (out.status[1] == aftersale::decision_status::matched)
///       std::cout << policy->decisions[out.table].rules[out.rule[1]].id << '\n';
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace aftersale {

/// The facts of many requests, checked and encoded as `bind` does, stored column by column.
/// Fill it with the `set_*` functions (a value set twice keeps the last), then call `finish`.
/// Refers to the policy it was made for, which must outlive it.
class request_columns {
 public:
  /// `rows` requests for `p`. `first_row` numbers them in error messages (`request <first_row + row>: `),
  /// for a block of a larger batch.
  request_columns(const policy& p, std::size_t rows, std::size_t first_row = 0);

  const policy& source_policy() const noexcept { return *policy_; }
  std::size_t rows() const noexcept { return rows_; }
  std::size_t first_row() const noexcept { return first_row_; }

  /// The id of the fact called `name`. @throws request_error (E300) when the policy has no such fact
  std::uint32_t fact_id(std::string_view name) const;

  // Each setter checks the value like `bind`: @throws request_error naming the fact, its
  // message starting with `request <row>: `: wrong type or a derived fact (E301), an enum
  // value not declared (E302). @throws usage_error (E503) for a fact id or row out of range.

  /// Text: an enum or string value, an ISO 8601 timestamp with offset, a duration (`48h`).
  void set_text(std::uint32_t fact, std::size_t row, std::string_view text);
  /// An integer: int and money (minor units), duration (seconds), timestamp (Unix seconds).
  void set_int(std::uint32_t fact, std::size_t row, std::int64_t value);
  void set_bool(std::uint32_t fact, std::size_t row, bool value);
  void set_time(std::uint32_t fact, std::size_t row, sys_seconds value);
  void set_duration(std::uint32_t fact, std::size_t row, std::chrono::seconds value);

  /// Fills the defaults of facts a row left out and checks required facts.
  /// @throws request_error (E303) naming the first row that misses one
  void finish();
  bool finished() const noexcept { return finished_; }

  /// Row `row` as `bind` would have bound it (derived facts not yet computed); reuses `out`'s memory.
  void row(std::size_t row, bound_request& out) const;

 private:
  /// @throws usage_error (E503), or request_error (E301) for a derived fact
  void check(std::uint32_t fact, std::size_t row) const;
  void put(std::uint32_t fact, std::size_t row, std::int64_t value);

  const policy* policy_;
  std::size_t rows_;
  std::size_t first_row_;
  // One vector per fact rather than one block: a million rows of a 20-fact policy would
  // otherwise be one allocation of 160 MB, mapped and faulted in afresh by every batch.
  std::vector<std::vector<std::int64_t>> values_;  // values_[fact][row]
  std::vector<std::vector<std::uint8_t>> present_;
  bool finished_ = false;
};

/// How `decide_batch` spreads the work.
struct batch_options {
  unsigned threads = 0;      ///< worker threads; 0 = std::thread::hardware_concurrency() (at least 1)
  std::size_t chunk = 8192;  ///< rows a worker takes at a time
};

/// What `decide_batch` found, one entry per row. For the selected rule's outputs (solution,
/// fee payer, ...) read `policy::decisions[table].rules[rule[i]].then`.
struct batch_decisions {
  std::uint32_t table = npos;  ///< index into policy::decisions
  sys_seconds now{};
  std::vector<decision_status> status;
  /// The rule `decision::first_rule` names when the row's status is `matched`; npos otherwise.
  std::vector<std::uint32_t> rule;
  /// Most amounts a rule of the table computes; the amounts of row i are
  /// `amounts[i * amount_stride + k]` for `then.amounts[k]` of its rule (k below that rule's count).
  std::size_t amount_stride = 0;
  std::vector<std::int64_t> amounts;
  std::vector<std::uint8_t> amount_present;  ///< 1 when the amount has a value (see `rule_match`)
  /// Per rule of the table: the deadlines it starts at `now`, in `then.clocks` order (they
  /// depend on the rule and `now` only, so they are computed once per rule).
  std::vector<std::vector<deadline>> rule_deadlines;
};

/// Decides every row of `in` with the policy's entry table, `explain` off.
/// @throws usage_error: E500 for a null policy, E501 when `in` was made for another policy,
/// E502 when it is not finished; request_error (E304) when the policy has no entry table
batch_decisions decide_batch(const std::shared_ptr<const policy>& p, const request_columns& in,
                             sys_seconds now, batch_options options = {});
/// The same with the named table. @throws request_error (E304) for an unknown table, and
/// usage_error as above
batch_decisions decide_batch(const std::shared_ptr<const policy>& p, std::string_view table,
                             const request_columns& in, sys_seconds now, batch_options options = {});

}  // namespace aftersale
