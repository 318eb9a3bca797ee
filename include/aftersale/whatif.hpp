// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// What changes if we adopt this policy: two policies' decisions on the same requests, compared
/// row by row and summed up (docs/whatif.md).
///
///     aftersale::batch_decisions old_d = aftersale::decide_batch(baseline, old_in, now);
///     aftersale::batch_decisions new_d = aftersale::decide_batch(store, new_in, now);
///     aftersale::whatif_report r = aftersale::compare_decisions(*baseline, old_d, *store, new_d);
///     std::cout << aftersale::to_text(r);        // totals, groups with samples, money, deadlines
///     std::string saved = aftersale::to_json(r);  // whatif_from_json(saved) gives it back exactly
///
/// Rules, solutions, fee payers, amounts and clocks are compared by id: the two policies may
/// number them differently. A row *changes* when its status, rule id, solution, fee payer, an
/// amount (name, presence or value) or a deadline (clock started, or its instant) differs.
///
/// Reports of blocks of the same requests merge exactly (`merge`): counts and totals add, each
/// group keeps the lowest row numbers as samples, and every list is in one deterministic order,
/// so comparing a file in blocks, on threads or on a cluster gives the report of the whole.
#include <aftersale/batch.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <aftersale/time.hpp>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// How a comparison is summed up.
struct whatif_options {
  std::size_t samples = 3;  ///< row numbers kept per group (the lowest); 0 keeps none
};

/// The policy and table one side of a comparison decided with.
struct whatif_side {
  std::string policy_id;
  std::string policy_version;
  std::uint64_t policy_hash = 0;  ///< `policy_info::content_hash`
  std::string table;              ///< the decision table's id
};

/// How many rows changed in each respect (a row may count in several).
struct whatif_change_counts {
  std::uint64_t status = 0;     ///< matched / no_match / conflict differs
  std::uint64_t rule = 0;       ///< the rule id differs (or one side has none)
  std::uint64_t solution = 0;   ///< the solution id differs
  std::uint64_t fee_payer = 0;  ///< the fee payer differs
  std::uint64_t amounts = 0;    ///< an amount differs: in value, or computed by one side only
  std::uint64_t deadlines = 0;  ///< a deadline differs: its instant, or started by one side only
};

/// Rows grouped by (old status and rule → new status and rule). Every pair that occurs is a
/// group, unchanged ones included, so the groups' rows add up to `whatif_report::total`.
struct whatif_rule_group {
  decision_status before_status = decision_status::matched;
  std::string before_rule;  ///< the rule id; empty when the status is not `matched`
  decision_status after_status = decision_status::matched;
  std::string after_rule;
  std::uint64_t rows = 0;
  std::uint64_t changed = 0;  ///< rows of the group that change (the rule may stay, an amount move)
  /// The lowest row numbers of the group's *changed* rows, ascending, at most `samples`.
  std::vector<std::uint64_t> samples;
};

/// Rows grouped by (old solution → new solution); a solution is empty when no rule was selected.
struct whatif_solution_group {
  std::string before;
  std::string after;
  std::uint64_t rows = 0;
  std::uint64_t changed = 0;
  std::vector<std::uint64_t> samples;  ///< as in whatif_rule_group
};

/// Money per (amount name, payer). The *payer* of an amount is the fee payer (`fee_payer`) of
/// the rule that computed it, the party a rule charges (`customer`, `merchant`, `carrier`, ...);
/// empty when the rule names none. So a refund that stays the same but moves from one payer to
/// another shows as money leaving one entry and arriving at the other.
struct whatif_money {
  std::string amount;             ///< the amount's name (`refund`, `compensation`, ...)
  std::string payer;              ///< a party id; empty: the rule names no fee payer
  std::int64_t before_total = 0;  ///< minor units, over the rows where the old side computes it
  std::int64_t after_total = 0;
  std::uint64_t before_rows = 0;  ///< rows where the old side computes it with this payer
  std::uint64_t after_rows = 0;
  std::uint64_t changed_rows = 0;  ///< rows where the two sides differ (value, or one side only)
  /// `after_total - before_total`. @throws whatif_error (E313) beyond 64 bits
  std::int64_t delta() const;
};

/// The limits of the deadline shift histogram, in seconds: under 1 h, 1–4 h, 4–24 h, 1–3 days,
/// 3 days or more. A bucket holds the shifts `s` with `lower <= |s| < upper`.
inline constexpr std::array<std::int64_t, 4> whatif_shift_limits{3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600};
/// Buckets of the histogram (one more than the limits).
inline constexpr std::size_t whatif_shift_buckets = whatif_shift_limits.size() + 1;
/// The bucket of a shift of `seconds` (its absolute value), 0 .. whatif_shift_buckets - 1.
std::size_t whatif_shift_bucket(std::int64_t seconds) noexcept;

/// The deadlines of one clock (by id).
struct whatif_deadline {
  std::string clock;             ///< the clock's id
  std::uint64_t earlier = 0;     ///< rows where both sides start it and the new deadline is earlier
  std::uint64_t later = 0;       ///< ... later
  std::uint64_t same = 0;        ///< ... at the same instant
  std::int64_t total_shift = 0;  ///< seconds, new − old, summed over those rows
  std::int64_t min_shift = 0;    ///< the most negative shift (0 when no row moved earlier)
  std::int64_t max_shift = 0;    ///< the most positive shift (0 when no row moved later)
  std::array<std::uint64_t, whatif_shift_buckets> earlier_by{};  ///< earlier rows by |shift| bucket
  std::array<std::uint64_t, whatif_shift_buckets> later_by{};    ///< later rows by shift bucket
  std::uint64_t only_before = 0;                                 ///< rows where only the old side starts it
  std::uint64_t only_after = 0;                                  ///< rows where only the new side starts it
};

/// The comparison of two sides' decisions on the same rows.
///
/// Order of every list (the same in `to_json`, `to_text` and after `merge`): groups by changed
/// rows, most first, then rows, most first, then by (old, new) ids (statuses in the order
/// matched, no_match, conflict); money by amount name then payer (none first); deadlines by
/// clock id; fact names alphabetically.
struct whatif_report {
  whatif_side before;
  whatif_side after;
  std::size_t samples = 3;    ///< the most samples a group keeps
  std::uint64_t total = 0;    ///< rows compared
  std::uint64_t changed = 0;  ///< rows whose decision changes in any respect
  whatif_change_counts changes;
  std::vector<whatif_rule_group> rules;
  std::vector<whatif_solution_group> solutions;
  std::vector<whatif_money> money;
  std::vector<whatif_deadline> deadlines;
  /// Facts of the requests that only one side's policy declares: ignored for the other side
  /// (`compare_policies`; empty for `compare_decisions`).
  std::vector<std::string> facts_only_before;
  std::vector<std::string> facts_only_after;

  /// Adds `other`, a report of other rows of the same comparison: counts and totals add, groups
  /// keep the lowest samples (at most the smaller `samples` of the two), fact lists are joined.
  /// Merging reports of disjoint rows in any order gives the report of all of them.
  /// @throws usage_error (E508) when `other` compares other policies or tables (`before` or
  /// `after` differs); whatif_error (E313) when a money total leaves 64 bits
  void merge(const whatif_report& other);
};

/// A what-if report that cannot be read back (E312) or a money total beyond 64 bits (E313).
/// `what()` is `error[E312]: message`, like `usage_error`.
class whatif_error : public error {
 public:
  whatif_error(error_code code, const std::string& message);
  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

/// Compares the decisions `before` (made with `before_policy`) and `after` (made with
/// `after_policy`) of the same requests, row by row. Row `i` is numbered `first_row + i` in
/// the samples (a block of a larger batch).
/// @throws usage_error (E507) when the two batches differ in rows, a batch does not fit its
/// policy (table or rule out of range), or a row would be numbered past 2^64 - 1; whatif_error (E313) when a
/// money total leaves 64 bits
whatif_report compare_decisions(const policy& before_policy, const batch_decisions& before,
                                const policy& after_policy, const batch_decisions& after,
                                std::uint64_t first_row = 0, const whatif_options& options = {});

/// The report as one JSON document (`aftersale-whatif/1`, docs/whatif.md), pretty-printed.
/// @throws encoding_error when an id is not UTF-8 (never for a loaded policy)
std::string to_json(const whatif_report& report);

/// Reads `to_json`'s document back: `to_json(whatif_from_json(to_json(r))) == to_json(r)`.
/// @throws whatif_error (E312) naming the JSON pointer of the first problem: not JSON, another
/// format, a missing or unknown key, a value of the wrong kind, a count that does not add up
whatif_report whatif_from_json(std::string_view json);

/// The report for a terminal: totals, the changed groups with their samples (row numbers),
/// money, deadlines and their shifts. Groups without a changed row are left out (`to_json`
/// has them all).
std::string to_text(const whatif_report& report);
/// The same, each sample shown as `describe(row)` on a line of its own under its group (the
/// CLI shows the request's file line and its facts).
std::string to_text(const whatif_report& report, const std::function<std::string(std::uint64_t)>& describe);

// ---- Comparing two policies on requests given as text ----------------------------------------

/// One value of a request row as a file gives it.
struct request_cell {
  enum class kind : std::uint8_t {
    missing,  ///< no value: the fact's default applies, or E303 when it is required
    text,     ///< text read by the fact's type, as CSV gives it: `true`/`false` for bool, an integer
              ///< for int and money (minor units), decimal text for decimal, and as `set_text` for
              ///< the others (an enum value, a string, an ISO timestamp with offset, `48h`)
    string,   ///< a JSON string: as `request_columns::set_text`
    integer,  ///< a JSON integer: as `request_columns::set_int`
    boolean,  ///< a JSON boolean: `number` is 0 or 1
  };
  kind what = kind::missing;
  std::string_view text;    ///< text and string
  std::int64_t number = 0;  ///< integer and boolean
};

/// A block of requests as rows of cells: column `k` holds the fact named `columns[k]`.
struct request_rows {
  std::vector<std::string> columns;
  std::size_t rows = 0;
  std::vector<request_cell> cells;  ///< row-major: `cells[row * columns.size() + k]`
};

/// A request row refused by one of the policies: the `request_error` of the cell (its code,
/// fact and message, without a row prefix), with the row's number and the side.
class request_row_error : public request_error {
 public:
  request_row_error(const request_error& e, std::uint64_t row, bool after_side);
  std::uint64_t row() const noexcept { return row_; }  ///< `first_row` + the row in the block
  bool after_side() const noexcept { return after_; }  ///< refused by the new policy (else the old)

 private:
  std::uint64_t row_;
  bool after_;
};

/// Decides every row of `rows` with both policies (each row bound against each policy on its
/// own, in columns, with `decide_batch`) and compares the decisions. `table` names the table of
/// both (empty: each policy's entry table). A column only one policy declares is ignored for the
/// other and listed in `facts_only_before` / `facts_only_after`.
/// @throws request_error E300 for a column neither policy declares (naming the nearest fact),
/// E304 for a table a policy does not have; request_row_error for a cell or row one policy
/// refuses (E301–E307, E303 for a required fact missing); and as `compare_decisions`
whatif_report compare_policies(const std::shared_ptr<const policy>& before,
                               const std::shared_ptr<const policy>& after, const request_rows& rows,
                               sys_seconds now, std::uint64_t first_row = 0, std::string_view table = {},
                               const whatif_options& options = {}, batch_options batch = {});

}  // namespace aftersale
