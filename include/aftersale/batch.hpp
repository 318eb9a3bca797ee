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
///
/// Whole columns (NumPy arrays, Arrow buffers, any caller array) go in at once:
///
///     std::vector<std::int32_t> amounts = ...;          // minor units, one per row
///     std::vector<std::uint8_t> amount_missing = ...;   // optional: 1 = no value in that row
///     aftersale::column amount;
///     amount.data = amounts.data();
///     amount.type = aftersale::column_type::int32;
///     amount.missing = amount_missing.data();
///     in.set_column(in.fact_id("amount"), amount);      // copies; view_column borrows
///
///     // A categorical column: its codes and, once, what each code stands for.
///     aftersale::category_map reasons(*policy, in.fact_id("reason"), {"changed_mind", "damaged"});
///     aftersale::column reason;
///     reason.data = reason_codes.data();                // int8 codes into the categories
///     reason.type = aftersale::column_type::int8;
///     reason.categories = &reasons;
///     reason.negative_missing = true;                   // pandas: code -1 is NaN
///     in.set_column(in.fact_id("reason"), reason);      // throws request_error naming the first bad row
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// The element type of a caller's column (`column::type`).
enum class column_type : std::uint8_t { int8, int16, int32, int64, uint8, uint16, uint32, boolean };

/// The size in bytes of one element of type `t` (`boolean` is one byte, 0 or 1).
std::size_t size_of(column_type t) noexcept;

/// The unit of a timestamp or duration column's integers (`column::unit`). They are floored to
/// whole seconds, the facts' precision, as Python `datetime`s and `timedelta`s are.
enum class time_unit : std::uint8_t { s, ms, us, ns };

/// What the codes of a categorical column stand for, for one enum or string fact: code `i` is
/// the category text `categories[i]` (pandas `Categorical.categories`). Made once per column and
/// used for any number of blocks; the texts are matched against the fact's values here, once.
/// A category the enum does not declare is refused only when a row uses it (E302, naming the
/// text); for a string fact any text is fine (`string_other` when no condition mentions it).
class category_map {
 public:
  /// The encoding of a category the enum does not declare.
  static constexpr std::int64_t undeclared = std::numeric_limits<std::int64_t>::min();

  /// @throws request_error (E301) when fact `fact` of `p` is not an enum or string fact, or is
  /// derived; usage_error (E503) for a fact id out of range
  category_map(const policy& p, std::uint32_t fact, std::vector<std::string> categories);

  const policy& source_policy() const noexcept { return *policy_; }
  std::uint32_t fact() const noexcept { return fact_; }
  std::size_t size() const noexcept { return texts_.size(); }
  /// The text of code `code` (below `size()`).
  const std::string& category(std::size_t code) const { return texts_[code]; }
  /// The fact's encoding of code `code` (below `size()`): the value index, `string_other`, or `undeclared`.
  std::int64_t value(std::size_t code) const { return values_[code]; }
  /// True when every code is the fact's value index itself (the categories are the enum's values
  /// in declared order, or a prefix of them).
  bool identity() const noexcept { return identity_; }

 private:
  const policy* policy_;
  std::uint32_t fact_;
  std::vector<std::string> texts_;
  std::vector<std::int64_t> values_;
  bool identity_ = true;
};

/// A whole column of one fact for a `request_columns` block: one element per row of the block
/// (element `i` is row `first_row() + i` in messages). What the integers mean follows from the
/// fact's type:
/// - int, money: the value (money in minor units); money below zero is E305, a value outside
///   the fact's `min`/`max` E306;
/// - decimal: `units / 10^scale` (`scale` below); more digits than the fact's scale, or too
///   large a value, is E307; outside `min`/`max` E306;
/// - timestamp: since the Unix epoch (UTC) in `unit`; duration: a length in `unit` (both floored
///   to whole seconds; with `nat_missing`, NumPy's NaT is a missing value);
/// - bool: `type` must be `column_type::boolean`, each element 0 or 1;
/// - enum, string: codes. With `categories`, a code `c` is `categories->category(c)`; a code
///   outside the map, or standing for a text the enum does not declare, is E302. Without
///   (enum facts only) a code is the index of the fact's value in declared order.
/// Any other combination (a bool column for an int fact, integers for a bool fact, codes for a
/// string fact without categories) is E301, as the per-cell setters refuse it.
struct column {
  const void* data = nullptr;  ///< `rows()` elements of `type`
  column_type type = column_type::int64;
  /// Optional, one byte per row: nonzero = the row has no value (the fact's default applies,
  /// a required fact is E303 at `finish`). nullptr = every row has a value.
  const std::uint8_t* missing = nullptr;
  time_unit unit = time_unit::s;             ///< timestamp and duration facts
  std::uint8_t scale = 0;                    ///< decimal facts: digits after the point in `data`
  const category_map* categories = nullptr;  ///< enum and string facts; made for this fact
  bool negative_missing = false;             ///< enum and string facts: a code below 0 = missing (pandas' -1)
  /// timestamp and duration facts, int64 elements: the smallest int64 (NumPy's NaT) = missing
  bool nat_missing = false;
};

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

  /// Every row of `fact` at once, from the caller's column `c` (see `column`), checked in one
  /// pass and copied (as given, `size_of(c.type)` bytes a row, where its integers are the
  /// encoding; converted to 8-byte values otherwise): `c`'s memory may be freed when this
  /// returns. Replaces whatever the fact had.
  /// @throws request_error for the FIRST bad row, its message starting with `request <row>: `
  /// (`first_row() + i`) and naming the fact and the value, with the code the per-cell setters
  /// (and `bind`) give it: E301, E302, E305, E306, E307; nothing of the column is kept then.
  /// @throws usage_error (E503) for a fact id out of range or a column without data (rows > 0),
  /// (E501) for categories made for another fact or policy
  void set_column(std::uint32_t fact, const column& c);

  /// The same without a copy where the column's integers can be read as they are (every
  /// combination but a timestamp or duration not in seconds or with `nat_missing` and a decimal
  /// not at the fact's scale, which are converted as `set_column` does): the batch then refers to `c.data`
  /// and `c.missing` (not to `c.categories`), which must stay alive and unchanged until the last
  /// `decide_batch` (or `row`) on this batch returns. Checked as `set_column`, in one pass.
  /// A per-cell setter called later on the fact copies the column first.
  /// @returns true when the column was borrowed, false when it was copied
  bool view_column(std::uint32_t fact, const column& c);

  /// Fills the defaults of facts a row left out and checks required facts.
  /// @throws request_error (E303) naming the first row that misses one
  void finish();
  bool finished() const noexcept { return finished_; }

  /// Row `row` as `bind` would have bound it (derived facts not yet computed); reuses `out`'s memory.
  void row(std::size_t row, bound_request& out) const;
  /// Rows `[begin, begin + count)` as `row` gives them, row-major: the value of fact `f` in row
  /// `begin + i` is `values[i * facts + f]` (`facts` = the policy's fact count), `present` alike.
  /// Each fact is read as one run of its column: what `decide_batch` uses.
  void rows(std::size_t begin, std::size_t count, std::int64_t* values, std::uint8_t* present) const;
  /// Rows `[begin, begin + count)` of one fact as `row` gives them: `values[i * stride]`,
  /// `present[i * stride]` for row `begin + i`.
  void fact_rows(std::uint32_t fact, std::size_t begin, std::size_t count, std::int64_t* values,
                 std::uint8_t* present, std::size_t stride = 1) const;

  /// How one fact's rows are held, for a reader that takes a column as it is (`decide_batch`
  /// matches straight from it). Element `e = data[r]` (of `type`) of row `r` has a value unless
  /// `missing[r]` is nonzero or `negative_missing` and `e < 0`; the value is `codes[e]` when
  /// `codes` (then `0 <= e < code_count`), else `e` itself (`0 <= e < code_count` when
  /// `code_count` is not 0: enum value indices). A row without value reads as `fill`, present
  /// when `fill_present`; `data` null means no row has a value. Valid until the fact is set again.
  struct fact_run {
    const void* data = nullptr;
    column_type type = column_type::int64;
    const std::uint8_t* missing = nullptr;
    bool negative_missing = false;
    const std::int64_t* codes = nullptr;
    std::size_t code_count = 0;
    std::int64_t fill = 0;
    bool fill_present = false;
  };
  fact_run run_of(std::uint32_t fact) const noexcept;

 private:
  // Where one fact's rows come from: int64 cells of its own (the per-cell setters, and columns
  // that had to be converted), a caller's column (view_column) or a copy of one (set_column),
  // or nothing (every row missing). Own memory is reached through the vectors, never a pointer
  // into them, so a copy of the batch is whole.
  struct stored {
    enum class origin : std::uint8_t { none, cells, borrowed, copied } from = origin::none;
    const void* data = nullptr;             // borrowed: the caller's elements
    column_type type = column_type::int64;  // borrowed, copied: the elements' type
    const std::uint8_t* missing = nullptr;  // borrowed: the caller's mask (nonzero = no value), or nullptr
    bool negative_missing = false;          // borrowed, copied: a code below 0 has no value
    bool coded = false;                     // borrowed, copied: `codes` maps each element to its encoding
    std::size_t code_count = 0;             // borrowed, copied: elements are codes below this (0: not codes)
    std::int64_t fill = 0;                  // a row without value: `fill`, present when `fill_present`
    bool fill_present = false;
    std::vector<std::int64_t> values;  // cells
    std::vector<std::uint8_t> absent;  // cells, copied: nonzero = no value (empty: none missing)
    std::vector<std::int64_t> codes;   // borrowed, copied code columns: code → encoding
    std::vector<unsigned char> bytes;  // copied: the column's elements as given
  };

  /// @throws usage_error (E503), or request_error (E301) for a derived fact
  void check(std::uint32_t fact, std::size_t row) const;
  void put(std::uint32_t fact, std::size_t row, std::int64_t value);
  /// Makes fact `fact` hold int64 cells (a copy of whatever it had) for the per-cell setters.
  void own(std::uint32_t fact);
  /// Checks `c` for fact `fact`; copies it unless `borrow` and it can be read as it is.
  bool load(std::uint32_t fact, const column& c, bool borrow);
  /// The first row of `fact` without a value, or rows().
  std::size_t first_missing(std::uint32_t fact) const;

  const policy* policy_;
  std::size_t rows_;
  std::size_t first_row_;
  // One store per fact rather than one block: a million rows of a 20-fact policy would
  // otherwise be one allocation of 160 MB, mapped and faulted in afresh by every batch.
  std::vector<stored> facts_;
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
