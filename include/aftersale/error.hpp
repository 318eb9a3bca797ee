// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Diagnostics and the exceptions the library throws.
///
/// Every problem in a policy is a `diagnostic` with a stable code (catalogued in
/// docs/errors.md), a location and a message; loading collects all independent problems and
/// throws one `policy_error` carrying them all:
///
///     try {
///       auto p = aftersale::load_policy_file("store.yaml");
///     } catch (const aftersale::policy_error& e) {
///       for (const auto& d : e.diagnostics()) std::cerr << aftersale::to_string(d) << '\n';
///     }
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// Where something was written: file name and 1-based line and column. `line == 0` means
/// "no location" (for example a request built in code).
struct source_span {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  friend bool operator==(const source_span& a, const source_span& b) {
    return a.file == b.file && a.line == b.line && a.column == b.column;
  }
  friend bool operator!=(const source_span& a, const source_span& b) { return !(a == b); }
};

/// `file:line:col` (or just `file` without a line).
std::string to_string(const source_span& where);

/// Stable diagnostic codes. The numeric value is part of the code's text (`E104`), so
/// never renumber; add new codes at the end of their group. docs/errors.md lists each
/// with an example.
enum class error_code : std::uint16_t {
  // E1xx: the YAML document itself
  yaml_syntax = 100,      ///< not well-formed YAML
  yaml_alias = 101,       ///< anchors and aliases are refused
  too_deep = 102,         ///< nesting deeper than the loader accepts
  too_large = 103,        ///< document larger than the loader accepts
  duplicate_key = 104,    ///< the same key twice in one mapping
  unknown_key = 105,      ///< a key the format does not define here
  missing_key = 106,      ///< a required key is absent
  wrong_node_kind = 107,  ///< a mapping, list or scalar was expected
  invalid_value = 108,    ///< a scalar of the wrong shape (number, bool, duration, date, id)
  file_unreadable = 109,  ///< the file could not be opened or read
  // E2xx: names and references inside the policy
  unknown_id = 200,           ///< a reference to something the policy does not declare
  duplicate_id = 201,         ///< two declarations with one id
  type_mismatch = 202,        ///< a value or operator that does not fit the fact's type
  unknown_time_zone = 203,    ///< not an IANA time zone name known to the tz database
  invalid_range = 204,        ///< empty or inverted range (between [9, 3], opening after closing)
  invalid_amount = 205,       ///< a money computation that cannot be evaluated (ratio /0, cycle)
  empty_table = 206,          ///< a decision table with no rules
  unsupported_version = 207,  ///< `format:` names a policy format this library cannot read
  automatic_cycle = 208,      ///< automatic transitions of a flow that can lead back to their own state
  terminal_transition = 209,  ///< a transition out of a terminal state of a flow
  reserved_event = 210,       ///< `close` or `reopen` used as a flow's event name (they are lifecycle events)
  extends_cycle = 211,        ///< a policy that extends itself, directly or through its bases
  override_refused = 212,     ///< a store policy changes what its base fixes (entry table, hit policy, a
                              ///< protected outcome, a rule's place)
  extends_too_deep = 213,     ///< more `extends:` links than `load_limits::max_extends_depth`
  not_a_policy = 214,         ///< `extends:` names a file that is not a policy (its text is not quoted)
  over_budget = 215,          ///< more rules, enum values, flows, states or events than `load_limits` allows
  outside_policy_paths = 216,  ///< `extends:` names a base outside the folders policies may be read from
  warning_fraction = 217,  ///< a clock's `warn_at` item that is not a whole percentage between 0 % and 100 %
  warnings_out_of_order = 218,  ///< a clock's `warn_at` percentages that do not strictly increase
  no_warnings = 219,            ///< a clock's `warn_at` that lists no warning
  invalid_locale =
      220,  ///< a locale that is not a language tag (a text's key, `policy.locale`, `policy.locales`)
  unknown_locale = 221,       ///< a text in a locale `policy.locales` does not list
  locale_not_listed = 222,    ///< `policy.locale` is not one of `policy.locales`
  duplicate_locale = 223,     ///< `policy.locales` lists a locale twice
  no_locales = 224,           ///< `policy.locales` lists no locale
  aggregate_misplaced = 225,  ///< `aggregate` on a table whose hit policy is not `collect`, or a bad op
  aggregate_output = 226,     ///< an aggregated output some rule of the table does not compute
  aggregate_type = 227,       ///< `sum`/`min`/`max` over an output that is not a number (a solution, ...)
  invalid_fact_range = 228,   ///< `min`/`max` on a fact that is not int, money or decimal, or min > max
  value_out_of_range = 229,   ///< a default or condition value outside its fact's `min`/`max`
  decimal_scale = 230,        ///< a decimal fact without a `scale` of 1..9, or `scale` on another type
  decimal_digits = 231,       ///< a decimal value with more digits after the point than the fact's scale
  empty_intended_gap =
      235,             ///< an `intended_gaps` item whose `when` names no condition (it would hide every gap)
  blank_reason = 236,  ///< an `intended_gaps` item whose `reason` is empty or only spaces
  // E237-E239: a policy loaded from its source texts (load_policy_sources)
  base_not_in_sources = 237,    ///< `extends:` names a base that is none of the texts
  content_hash_mismatch = 238,  ///< the texts load a policy of another content hash than the one expected
  unused_source = 239,          ///< no texts, or a text the policy does not read
  // E242-E245: store policies patching their base's flows and safeguards
  flow_patch_no_base = 242,  ///< `patch: true` on a flow the base does not have (or without a base)
  unknown_transition = 243,  ///< a flow patch names a transition its base flow lacks, or places one wrongly
  patch_refused = 244,      ///< a flow patch stops or pauses a clock the base protects where the base did not
  safeguard_dropped = 245,  ///< a store's override of a base safeguard rule says `safeguard: false`
  covers_invalid = 247,     ///< a calendar's `covers` years that are not consecutive, increasing, 1..9999
  date_not_covered = 248,   ///< a calendar's holiday or make-up day outside the years it `covers`
  // E3xx: requests checked against a policy's facts
  unknown_fact = 300,      ///< the request names a fact the policy does not declare
  fact_type = 301,         ///< a value of the wrong type for the fact
  undeclared_value = 302,  ///< an enum value the fact does not declare
  missing_fact = 303,      ///< a required fact is absent
  unknown_decision = 304,  ///< decide() was asked for a table the policy does not have
  negative_money = 305,    ///< a money fact or flow variable given a value below zero
  out_of_range = 306,      ///< a value outside the fact's declared `min`/`max`
  bad_decimal = 307,       ///< decimal text that is no number, or more digits after the point than the scale
  aggregate_overflow = 308,  ///< an aggregate (a `sum`) beyond the 64-bit range of minor units
  bad_request_line =
      309,  ///< a line of a requests file that does not read (CSV quoting, JSON syntax or shape)
  wrong_field_count = 310,       ///< a CSV line with more or fewer fields than its header
  bad_request_header = 311,      ///< a requests file without a header, or a column named twice or not at all
  bad_whatif_report = 312,       ///< a what-if report (JSON) that cannot be read back
  money_total_overflow = 313,    ///< a what-if money total beyond the 64-bit range of minor units
  unknown_request_format = 314,  ///< a requests file whose format neither its name nor an option tells
  column_type = 317,  ///< a batch column whose dtype its fact cannot take (Python: NumPy / pandas columns)
  column_shape =
      318,  ///< batch columns that do not fit together: lengths differ, one is not 1-D or given twice
  // A4xx: findings of the static analysis (`analyze`, `aftersale lint`); printed `A400`, ...
  unreachable_state = 400,  ///< a flow state no path from the start reaches
  no_way_out = 401,  ///< a flow state from which no terminal state can be reached (dead end, closed cycle)
  nondeterministic = 402,   ///< two transitions on one event from one state whose guards can both hold
  guard_never_holds = 403,  ///< a transition whose guard no fact or variable value satisfies
  timer_on_terminal = 404,  ///< a clock started on entering a terminal state, or still running in one
  missing_label = 405,   ///< a flow state without a customer label (or, without `policy.locales`, one of the
                         ///< flows' locales)
  table_gap = 406,       ///< requests no rule of a decision table matches
  table_overlap = 407,   ///< a request two rules of a `unique` (or disagreeing `any`) table both match
  shadowed_rule = 408,   ///< a rule of a `first` table that earlier rules cover completely
  uncovered_pair = 409,  ///< an (order status, request type) pair no rule of a table handles
  protected_weakened = 410,   ///< a store policy gives a protected request a weaker outcome than its base
  analysis_budget = 411,      ///< the analysis stopped splitting regions at its budget; results are partial
  reset_never_applies = 412,  ///< a clock `reset` where the clock is never running or paused: it does nothing
  missing_locale = 413,       ///< a text without one of the locales `policy.locales` lists
  intended_gap_matched = 415,  ///< an intended gap that rules of its table answer (in part): not a gap there
  intended_gap = 416,          ///< a note showing a gap the table declares intended, with its reason
  intended_gap_empty = 417,  ///< an intended gap no request can fall into: its conditions exclude each other
  safeguard_preempted =
      418,                  ///< a store rule ahead of a base safeguard rule it overlaps, with another outcome
  calendar_runs_out = 420,  ///< a business clock or timer that can fall due after the last year its calendar
                            ///< knows the holidays of
  // E5xx: the library called the wrong way (thrown as `usage_error`, never a policy finding)
  no_policy = 500,         ///< a null policy pointer, or a case that was never opened
  foreign_input = 501,     ///< a bound request or batch made with another policy
  unfinished_input = 502,  ///< a batch used before `finish()`
  out_of_bounds = 503,     ///< a fact id or row outside a batch
  no_rule_selected = 504,  ///< a decision's rule accessor used when the decision selected no rule
  not_compiled = 505,      ///< a policy built in code used before `compile_policy`, or changed after it
  observer_failed = 506,   ///< an observer hook threw (observer.hpp); the call's work was done
  mismatched_batches =
      507,  ///< compared decisions of different row counts, or a batch that does not fit its policy
  foreign_report = 508,  ///< a what-if report merged with one of other policies or tables
  bad_namespace =
      509,  ///< `generate_cpp` (`aftersale compile --namespace`) given a namespace that is no C++ name
  not_generated = 510,  ///< `aftersale compile --check` given a file without the stamp of a generated header
  output_not_written =
      511,  ///< `aftersale compile` could not write the header, the flows source or the depfile
  // E6xx: the case store (thrown as `store_error`, store.hpp)
  store_unavailable =
      600,                 ///< the database cannot be opened or read, a statement failed, or it stayed locked
  schema_too_new = 601,    ///< the store's schema is newer than this library knows
  unknown_case = 602,      ///< no case with that id, or a new case under an id already used
  unknown_policy = 603,    ///< the case's policy (by content hash) is not in the registry, or has no hash
  version_conflict = 604,  ///< the case changed since it was read (optimistic version check)
  malformed_row = 605,     ///< a row or column the store did not write (edited behind its back)
  unstorable_text = 606,   ///< a case id, event name, actor or event id with a NUL byte
  migration_other_policy = 608,  ///< `migrate` to a policy with another id (not a version of the case's)
  migration_no_state = 609,  ///< `migrate` to a version without the case's flow, or its state (after mapping)
  migration_refused = 610,   ///< `migrate`: the case's snapshot does not restore under the target version
};

/// `E104` for `error_code::duplicate_key`, `A406` for `error_code::table_gap`.
std::string code_text(error_code code);

enum class severity : std::uint8_t { error, warning, note };

/// `error`, `warning`, `note`.
std::string_view to_string(severity s);

/// One problem found in a policy or a request.
struct diagnostic {
  error_code code{};
  aftersale::severity severity = severity::error;
  source_span where;
  std::string message;  ///< lowercase, no trailing period, ids in backticks
  std::string help;     ///< what was expected / how to fix it; may be empty
};

/// `file:line:col: error[E104]: message` and, when there is help, `\n  help: ...`.
std::string to_string(const diagnostic& d);

/// Base of every exception the library throws. The library throws nothing else of its own
/// (allocation failures aside): catching `aftersale::error` catches all of it. Subclasses:
/// `policy_error`, `request_error`, `usage_error` (here), `calendar_error` (calendar.hpp),
/// `snapshot_error` (case.hpp), `graphviz_error` (diagram.hpp), `testing::test_file_error`
/// (policy_test.hpp). docs/errors.md lists them with their codes.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Text could not be written as JSON because it is not valid UTF-8 (JSON holds UTF-8 only).
/// Every JSON the library writes (snapshots, `to_json(analysis_report)`, the test runner's report)
/// refuses such text rather than writing bytes a reader would reject or silently changing them.
class encoding_error : public error {
 public:
  using error::error;
};

/// A policy could not be loaded. Carries every diagnostic found, in document order;
/// `what()` is all of them, one per line.
class policy_error : public error {
 public:
  explicit policy_error(std::vector<diagnostic> diagnostics);
  const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

/// One problem of a request (`request_error::problems`).
struct request_problem {
  error_code code{};
  std::string fact;     ///< the fact (or flow variable) it is about; empty for the request as a whole
  std::string message;  ///< lowercase, no trailing period, ids in backticks
  std::string help;     ///< how to fix it (`did you mean `order_status`?`); may be empty
};

/// `error[E300]: message` and, when there is help, `\n  help: ...`.
std::string to_string(const request_problem& p);

/// A request does not fit the policy's declared facts (unknown fact, wrong type,
/// undeclared enum value, missing required fact). Binding reports every problem of a request
/// at once, not the first only:
///
///     try {
///       aftersale::bind(*p, r);
///     } catch (const aftersale::request_error& e) {
///       for (const auto& problem : e.problems()) std::cerr << to_string(problem) << '\n';
///     }
///
/// `bind` and `decide` list the given facts' problems in fact-name order, then the missing
/// required facts in the policy's order; at most `max_problems`, `omitted()` counts the rest.
/// `what()` is every listed problem (`to_string`), one after the other, then
/// `error: N more problems not listed` when some were left out.
class request_error : public error {
 public:
  /// The most problems one error lists.
  static constexpr std::size_t max_problems = 20;

  /// One problem.
  request_error(error_code code, std::string fact, std::string message, std::string help = {});
  /// Several problems, in the order found; `omitted` more were found and left out. An empty list
  /// stands for one E301 problem `the request was refused`, so `problems()` is never empty.
  explicit request_error(std::vector<request_problem> problems, std::size_t omitted = 0);

  /// The first problem's code and fact.
  error_code code() const noexcept { return problems_.front().code; }
  const std::string& fact() const noexcept { return problems_.front().fact; }
  /// Every problem listed (never empty, at most `max_problems`).
  const std::vector<request_problem>& problems() const noexcept { return problems_; }
  /// How many more problems were found than `problems()` lists.
  std::size_t omitted() const noexcept { return omitted_; }

 private:
  std::vector<request_problem> problems_;
  std::size_t omitted_ = 0;
};

/// The library was called the wrong way: a null policy, a request, batch or case that does
/// not belong to the policy or is not ready, an index out of range, a rule accessor on a
/// decision without a rule. A bug in the caller, not bad data: `code()` is an E5xx code.
class usage_error : public error {
 public:
  /// `what()` is `error[E5xx]: message`, like `request_error`.
  usage_error(error_code code, const std::string& message);
  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

}  // namespace aftersale
