// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The compiled policy: plain, immutable data produced by the loader.
///
/// Names are resolved to dense integer ids at load time (`fact_id`, `solution` index, ...)
/// so evaluation never compares strings. Every element remembers where it was written.
/// A `policy` is shared as `std::shared_ptr<const policy>`; nothing in it changes after
/// loading, so one policy may be used from any number of threads at once (docs/threads.md;
/// `policy_handle.hpp` replaces one while others use it).
///
///     std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_file("policies/default.yaml");
///     std::optional<std::uint32_t> f = p->find_fact("order_status");
#include <aftersale/calendar.hpp>
#include <aftersale/error.hpp>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersale {

namespace detail {
struct compiled_policy;  // src/model/compiled.hpp: the loader's indexes, opaque to users
}  // namespace detail

/// "No such id": an absent optional reference inside the model.
inline constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

/// A text an author writes for a buyer or an agent, in one or several locales:
/// `{zh: 直接退款, en: Refund immediately}`, or a plain string, stored under the policy's
/// `locale` (`policy_info::locale`; "" when the policy names none).
///
/// The fallback rule, for every text: the asked locale, else the policy's `locale`, else the
/// first one written (docs/policy-format.md, "Texts and locales"). `policy::text` applies it
/// with the policy's own locale.
struct localized_text {
  /// (locale, text) in the order written.
  std::vector<std::pair<std::string, std::string>> by_locale;
  /// Where it was written (lint's A413 points here); empty for a text built in code. Not part
  /// of the text: two texts are equal when their locales and words are.
  source_span where;

  localized_text() = default;
  /// A plain text under the locale "" (a policy built in code; the loader names the locale).
  localized_text(std::string plain) { by_locale.emplace_back(std::string(), std::move(plain)); }  // NOLINT
  localized_text(const char* plain) : localized_text(std::string(plain)) {}                       // NOLINT

  /// The text for `locale`, else for `fallback`, else the first one written, else "".
  std::string_view text(std::string_view locale, std::string_view fallback = {}) const noexcept {
    if (const std::string* t = find(locale)) return *t;
    if (const std::string* t = find(fallback)) return *t;
    return by_locale.empty() ? std::string_view{} : std::string_view{by_locale.front().second};
  }
  /// The text written for exactly `locale`, or null.
  const std::string* find(std::string_view locale) const noexcept {
    for (const auto& [l, t] : by_locale)
      if (l == locale) return &t;
    return nullptr;
  }
  bool empty() const noexcept { return by_locale.empty(); }
  friend bool operator==(const localized_text& a, const localized_text& b) {
    return a.by_locale == b.by_locale;
  }
  friend bool operator!=(const localized_text& a, const localized_text& b) { return !(a == b); }
};

/// A vocabulary entry: an id the policy declares (a solution, a party, a role, ...).
struct vocabulary_entry {
  std::string id;
  localized_text label;  ///< human-readable, optional
  source_span where;
};

/// The ids a policy speaks. The core knows no after-sales word; the policy declares them.
struct vocabulary {
  std::vector<vocabulary_entry>
      solutions;                           ///< declaration order = priority for DMN `priority`/`output_order`
  std::vector<vocabulary_entry> parties;   ///< who can pay shipping (`customer`, `merchant`, ...)
  std::vector<vocabulary_entry> roles;     ///< actors and escalation levels (`agent`, `supervisor`, ...)
  std::vector<vocabulary_entry> evidence;  ///< evidence kinds (`photos`, `packing_list`, ...)
  std::vector<vocabulary_entry> flags;     ///< order remark flags (`yellow`, `blue`, ...)
  /// Escalation ladder, lowest first (`agent`, `specialist`, `supervisor`, `platform`): indexes into roles.
  /// `escalate: next` climbs one rung.
  std::vector<std::uint32_t> escalation_ladder;
};

/// The id of entry `index` of a vocabulary list (`vocabulary.roles`, ...), or "" for npos or
/// any index out of range: every "text of a solution/party/role/flag by index" goes here.
std::string_view entry_id(const std::vector<vocabulary_entry>& list, std::uint32_t index) noexcept;
/// The index of the entry with id `id` in a vocabulary list, or npos.
std::uint32_t entry_index(const std::vector<vocabulary_entry>& list, std::string_view id) noexcept;

enum class fact_type : std::uint8_t {
  enumeration,
  integer,
  money,
  boolean,
  duration,
  timestamp,
  string,
  decimal
};

/// `enum`, `int`, `money`, `bool`, `duration`, `timestamp`, `string`, `decimal`.
std::string_view to_string(fact_type t);

/// How a derived fact is computed from other facts (and `now`) instead of being passed in.
enum class derivation : std::uint8_t {
  none,
  days_since,   ///< whole days from a timestamp fact to now (local calendar dates when a calendar is named,
                ///< else elapsed 24 h periods)
  hours_since,  ///< whole elapsed hours from a timestamp fact to now
  map,          ///< an enum fact mapped value-by-value from another enum fact
};

/// A declared fact of a request.
///
/// Values are stored as `std::int64_t`: enum → index into `values`, bool → 0/1,
/// int → itself, money → minor units, duration → seconds, timestamp → seconds since the
/// Unix epoch (UTC), string → index into `values` (the literals the policy mentions) or
/// `string_other` for any other text, decimal → the value × 10^`scale` (4.8 at scale 2 → 480).
struct fact_def {
  std::string name;
  fact_type type = fact_type::integer;
  std::vector<std::string> values;  ///< enum: the declared values; string: literals used in conditions
  bool required = false;
  std::optional<std::int64_t> default_value;  ///< used when the request leaves the fact out
  std::string description;
  derivation derive = derivation::none;
  std::uint32_t source = npos;        ///< derived: the anchor timestamp fact or the mapped enum fact
  std::uint32_t calendar = npos;      ///< days_since: count local dates on this calendar
  std::vector<std::int32_t> mapping;  ///< map: source value index → own value index, -1 = absent
  /// int, money, decimal: the smallest and largest value a request may give (stored form, so a
  /// decimal's bounds are scaled too); absent = no bound. Lint takes them as the fact's domain.
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
  std::uint8_t scale = 0;  ///< decimal: digits after the decimal point (1..9); 0 for other types
  source_span where;
};

/// The largest `scale` of a decimal fact.
inline constexpr std::uint8_t max_decimal_scale = 9;

/// Value of a string fact that matches none of the literals the policy mentions.
inline constexpr std::int64_t string_other = -1;

/// Condition operators as written. Every operator is normalised at load time to either an
/// inclusive interval `[lo, hi]` or a set, so the evaluator needs no per-operator code.
enum class condition_op : std::uint8_t { eq, ne, in, not_in, lt, le, gt, ge, between, exists, missing };

/// `eq`, `ne`, `in`, ... as written in YAML.
std::string_view to_string(condition_op op);

/// One cell of a decision table row: a test on one fact.
struct condition {
  std::uint32_t fact = npos;
  condition_op op = condition_op::eq;
  /// Normalised test, valid when `!uses_set`: `lo <= value && value <= hi`; negated when `negate`.
  std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  bool uses_set = false;  ///< test is membership in `set` (sorted), negated when `negate`
  bool negate = false;
  std::vector<std::int64_t> set;
  std::string text;  ///< the cell as written, for explanations (`in [shipped, delivered]`)
  source_span where;

  /// True when a present value passes. (`exists` passes any present value; `missing`
  /// never passes a present value; absence is handled by the evaluator.)
  bool test(std::int64_t value) const noexcept;
};

enum class rounding : std::uint8_t { down, up, half_up, half_even };

/// An operand of a money computation: a constant, a money fact, or an amount computed
/// earlier in the same rule.
struct money_operand {
  enum class kind : std::uint8_t { none, constant, fact, amount } what = kind::none;
  std::int64_t value = 0;    ///< constant (minor units)
  std::uint32_t ref = npos;  ///< fact id or index into the rule's `amounts`
};

/// `name = clamp(round(of × numerator / denominator) − minus, min, max)`, in integer
/// arithmetic (128-bit intermediate), rounded as declared.
struct amount_rule {
  std::string name;
  money_operand of;
  std::int64_t numerator = 1;
  std::int64_t denominator = 1;
  money_operand minus;
  money_operand min;
  money_operand max;
  aftersale::rounding rounding = rounding::half_up;
  source_span where;
};

/// What a rule prescribes.
struct rule_outcome {
  std::uint32_t solution = npos;        ///< index into vocabulary.solutions
  std::vector<localized_text> steps;    ///< ordered steps, as written
  std::uint32_t fee_payer = npos;       ///< index into vocabulary.parties; npos = nobody / not applicable
  std::vector<std::uint32_t> evidence;  ///< indexes into vocabulary.evidence
  std::uint32_t escalation = npos;      ///< index into vocabulary.roles; npos = no escalation
  std::uint32_t remark_flag = npos;     ///< index into vocabulary.flags
  localized_text remark;  ///< remark text for the order (reason + handler + date is added by the host)
  std::vector<std::uint32_t> clocks;  ///< indexes into policy::clocks, started when the decision is made
  std::vector<amount_rule> amounts;
  localized_text customer_label;  ///< `labels.customer`: shown to the buyer
  localized_text agent_label;     ///< `labels.agent`: shown to the agent
  std::string flow;               ///< the flow a case starts in (flows come with the workflow runtime)
};

struct rule {
  std::string id;
  std::string description;
  std::vector<condition> conditions;  ///< in the order written; facts not mentioned match anything
  rule_outcome then;
  source_span where;
  /// `safeguard: true`: a guard of the base (blacklist, fraud, legal floors) that a store rule
  /// placed ahead of it should not pre-empt (`aftersale lint` warns, A418).
  bool safeguard = false;
};

/// The seven hit policies of DMN.
enum class hit_policy : std::uint8_t { unique, first, priority, any, collect, rule_order, output_order };

/// `unique`, `first`, ...
std::string_view to_string(hit_policy h);

/// What an aggregating `collect` table computes over its selected rules (DMN C+, C<, C>, C#).
enum class aggregate_op : std::uint8_t { none, sum, min, max, count };

/// `none`, `sum`, `min`, `max`, `count`.
std::string_view to_string(aggregate_op op);

/// `aggregate: {op: sum, output: compensation}` of a `collect` table: the amount `output` that
/// every rule computes, summed (or its least or greatest value) over the selected rules; `count`
/// counts the selected rules and names no output.
struct table_aggregate {
  aggregate_op op = aggregate_op::none;
  std::string output;                 ///< the amount's name; empty for `count`
  std::vector<std::uint32_t> amount;  ///< per rule: index into its `then.amounts` (empty for `count`)
  source_span where;
};

/// Requests a table is meant to leave unanswered (`intended_gaps:`): `aftersale lint` leaves them
/// out of the gaps it reports (A406) and shows them as notes (A416) instead. The evaluator does
/// not read them: a request inside still gets `no_match`.
struct intended_gap {
  std::vector<condition> conditions;  ///< as a rule's `when`; never empty once loaded (E235)
  std::string reason;                 ///< why no rule answers these requests; never blank (E236)
  source_span where;                  ///< the item of the `intended_gaps` list
};

struct decision_table {
  std::string id;
  std::string description;
  aftersale::hit_policy hit_policy = hit_policy::first;
  std::vector<rule> rules;
  table_aggregate aggregate;                ///< `collect` only; op `none` when the table aggregates nothing
  std::vector<intended_gap> intended_gaps;  ///< in the order written
  source_span where;
};

/// An SLA definition (时效).
struct clock_def {
  std::string id;
  std::string description;
  localized_text label;
  clock_duration within;
  std::uint32_t calendar = npos;  ///< index into policy::calendars (npos: the policy's default calendar)
  /// `warn_at`: percentages of the limit (1..99, strictly increasing) at which a case sends an
  /// `sla_warning`; a clock with warnings also sends `sla_breached` at 100 % (docs/workflow.md).
  /// Empty: the clock sends no notices.
  std::vector<std::uint8_t> warn_at;
  source_span where;
};

// ---------------------------------------------------------------------------------------------
// Flows: after-sales workflows as declarative state machines.
//
// A decision says *what* to do; a flow says *how a case moves* until it is closed. States carry
// an agent-facing and a coarser customer-facing label; transitions are fired by events (guard,
// roles allowed, effects), automatically on entry when their guard holds, or by timers (a clock
// falling due, or a duration since the state was entered).
//
// Guards use `condition`; their `fact` index addresses the request's facts first and then the
// flow's variables: `fact < policy.facts.size()` is a request fact, otherwise
// `fact - policy.facts.size()` indexes `flow_def::variables`.
// ---------------------------------------------------------------------------------------------

/// What entering a state or an effect does to an SLA clock.
enum class clock_action : std::uint8_t {
  start,   ///< (re)start: deadline = now + the clock's duration on its calendar
  stop,    ///< the clock is met and no longer runs
  pause,   ///< waiting on the customer: remaining time is frozen
  resume,  ///< continue a paused clock with its remaining time
  reset,   ///< a running or paused clock starts again from now with its full limit (and its warnings);
           ///< an idle or stopped one stays as it is
};

struct clock_effect {
  clock_action action = clock_action::start;
  std::uint32_t clock = 0;  ///< index into policy::clocks
  source_span where;
};

/// Where a state sits in the lifecycle every case shares (run by the lifecycle machine).
enum class state_phase : std::uint8_t {
  active,               ///< work is being done by the store/platform
  waiting_on_customer,  ///< the ball is with the customer; clocks listed as paused stop counting
  resolved,             ///< a terminal outcome was reached (the case may then be closed or reopened)
};

struct state_def {
  std::string id;
  localized_text agent_label;
  localized_text customer_label;
  bool terminal = false;
  state_phase phase = state_phase::active;
  std::vector<clock_effect> on_entry;  ///< applied in order when the state is entered
  source_span where;
};

enum class effect_kind : std::uint8_t {
  set_variable,   ///< variable `target` = `value`
  record_amount,  ///< variable `target` (money) = `amount` computed over facts and variables
  clock,          ///< `clock_op` on clock `target`
  emit,           ///< an action for the host system: `action` with `args`
  remark,         ///< set the order remark flag `target` (vocabulary.flags) with `text`
  escalate,  ///< raise the escalation level to role `target` (vocabulary.roles); empty target = next rung of
             ///< the ladder
};

struct effect {
  effect_kind kind = effect_kind::emit;
  std::uint32_t target = npos;
  clock_action clock_op = clock_action::start;
  std::int64_t value = 0;
  std::vector<amount_rule> amount;                        ///< record_amount: exactly one rule
  std::string action;                                     ///< emit
  std::vector<std::pair<std::string, std::string>> args;  ///< emit: e.g. {"extend_receipt_deadline", "10d"}
  localized_text text;                                    ///< remark
  source_span where;
};

enum class trigger_kind : std::uint8_t {
  event,      ///< fired by `apply` with a named event
  automatic,  ///< fired on entering `from` when the guard holds (e.g. auto-review 极速审核)
  timer,      ///< fired by `advance` when the timer falls due
};

/// When a timer transition falls due: the deadline of a running clock, or a duration
/// counted from the moment the state was entered (on `calendar`, else the policy's default).
struct timer_spec {
  std::uint32_t clock = npos;  ///< index into policy::clocks, or npos for a duration
  clock_duration after;
  std::uint32_t calendar = npos;
};

struct transition_def {
  std::uint32_t from = 0;  ///< index into states
  std::uint32_t to = 0;
  trigger_kind trigger = trigger_kind::event;
  std::uint32_t event = npos;        ///< index into flow_def::events (trigger == event)
  std::vector<condition> guard;      ///< all must hold; see the file comment for fact indexes
  std::vector<std::uint32_t> roles;  ///< vocabulary.roles allowed to fire; empty = any role
  std::vector<effect> effects;       ///< applied in order after leaving `from`, before entering `to`
  timer_spec timer;                  ///< trigger == timer
  std::string description;
  source_span where;
  /// `id:`, else `FROM.TRIGGER` (first `from` state; event name, `after` or `auto`), numbered
  /// `.2`, `.3`, ... when taken: what a store's flow patch names. Not part of the structure hash.
  std::string id;
};

/// A state mapping that lets snapshots taken under an older version of the flow be restored.
struct flow_migration {
  std::string from_version;                                 ///< policy version the snapshot was taken under
  std::vector<std::pair<std::string, std::string>> states;  ///< old state id → new state id
  source_span where;
};

struct flow_def {
  std::string id;
  std::string description;
  std::uint32_t start = 0;  ///< index into states
  std::vector<state_def> states;
  std::vector<std::string> events;  ///< the event names this flow knows
  std::vector<fact_def> variables;  ///< typed case variables (same types as facts)
  std::vector<transition_def>
      transitions;  ///< in the order written: for one (state, event) the first whose guard holds fires
  std::vector<flow_migration> migrations;
  std::vector<std::uint32_t> close_roles;   ///< roles that may send `close` to a resolved case; empty = any
  std::uint32_t reopen_to = npos;           ///< state a reopened case re-enters; npos = reopening refused
  std::vector<std::uint32_t> reopen_roles;  ///< roles that may send `reopen`; empty = any
  std::uint64_t structure_hash = 0;         ///< FNV-1a 64 over states and transitions; snapshots record it
  /// Every policy clock the flow mentions (state `on_entry`, clock effects, timers), sorted:
  /// a case gets one clock slot for each of these and each clock its decision started.
  std::vector<std::uint32_t> clocks;
  source_span where;
};

/// A clock a protected outcome must start, and the longest duration it may run.
struct protected_clock {
  std::uint32_t clock = npos;  ///< index into policy::clocks
  /// The clock must be provably due no later than this after it starts, whatever the start
  /// (business durations count on the calendar the declaring policy gives the clock).
  clock_duration within;
  source_span where;
};

/// An outcome a (platform) policy guarantees: every request of `table` that satisfies `scope`
/// gets a rule whose outcome meets every requirement written. Declared under `protected:`;
/// a policy that `extends:` it inherits it and must not weaken it (`aftersale lint`, A410).
struct protected_outcome {
  std::string id;
  std::string description;
  std::uint32_t table = npos;             ///< index into policy::decisions (default: the entry table)
  std::vector<condition> scope;           ///< `when:` as in rules; empty = every request
  std::vector<std::uint32_t> solutions;   ///< one of these (vocabulary.solutions); empty = any
  std::vector<std::uint32_t> fee_payers;  ///< one of these (vocabulary.parties, npos = `none`); empty = any
  /// `if_solution:` the fee payer and clock requirements apply only to outcomes whose solution is
  /// one of these (e.g. return shipping exists only when goods travel back); empty = every outcome.
  std::vector<std::uint32_t> if_solutions;
  std::vector<protected_clock> clocks;  ///< each must be started, within its duration
  source_span where;
};

/// Who/what/version of a policy, and a hash of its content (for snapshots).
struct policy_info {
  std::string id;
  std::string version;
  std::string name;
  std::string currency = "CNY";  ///< ISO 4217; money is in its minor units
  /// `policy.locale`: the locale of plain texts and the default output locale ("" when the
  /// policy names none: plain texts then have no locale).
  std::string locale;
  /// `policy.locales`: the locales every text should have (lint warns, A413); empty when not
  /// written. When written, `locale` is one of them and no text has another.
  std::vector<std::string> locales;
  std::uint32_t entry = npos;  ///< index into decisions: the table `decide()` uses by default
  std::uint32_t default_calendar = npos;
  std::uint64_t content_hash = 0;  ///< FNV-1a 64 of the source text(s)
  source_span where;
};

/// The text one policy file was loaded from, kept with the policy so that the policy can be
/// loaded again from memory (in another process, on another machine): `policy_sources_of` and
/// `load_policy_sources` (load.hpp). A base keeps its own text (`policy::base`).
struct policy_text {
  std::string file;     ///< the file name its diagnostics show
  std::string text;     ///< the YAML, byte for byte as read
  std::string extends;  ///< the target its `extends:` names, as written; empty when it extends nothing
};

/// A compiled policy. Immutable after loading; share it as `std::shared_ptr<const policy>`.
///
/// A policy may also be built (or a loaded one copied and changed) in code: fill the fields,
/// then call `compile_policy` (load.hpp), which builds the name lookups and `compiled`.
/// `decide`, `decide_batch`, `open_case` and `from_json` throw `aftersale::error` for a policy
/// without its compiled part; `first_match` returns npos.
struct policy {
  policy_info info;
  aftersale::vocabulary vocabulary;
  std::vector<fact_def> facts;
  std::vector<business_calendar> calendars;
  std::vector<clock_def> clocks;
  std::vector<decision_table> decisions;
  std::vector<flow_def> flows;
  /// `protected:` outcomes: the policy's own, after those of its bases (base first).
  std::vector<protected_outcome> protected_outcomes;
  /// The policy `extends:` names, loaded on its own (itself with its own base, if any); null when
  /// the policy extends nothing. Keeps the base alive so a store's outcomes can be compared with it.
  std::shared_ptr<const policy> base;
  /// The text this policy was loaded from; null for a policy built in code. A copy changed in
  /// code keeps its original's text (and `info.content_hash`): reset both, since the text no
  /// longer loads the copy.
  std::shared_ptr<const policy_text> source;
  /// What the loader derives from the fields above so that deciding and running cases never
  /// search: a bitset index per decision table, dispatch lists per flow. Not part of what the
  /// author wrote; opaque outside the library. Built by the loader (`compile_policy`); null in
  /// a policy built in code until `compile_policy` is called. A copy shares it, so a copy whose
  /// tables or flows change must be compiled again.
  std::shared_ptr<const detail::compiled_policy> compiled;

  /// `t` in `locale` with the fallback rule of `localized_text` (the asked locale, then this
  /// policy's `locale`, then the first written); an empty `locale` asks for the policy's own.
  std::string_view text(const localized_text& t, std::string_view locale = {}) const noexcept {
    return t.text(locale.empty() ? std::string_view{info.locale} : locale, info.locale);
  }

  std::optional<std::uint32_t> find_fact(std::string_view name) const;
  std::optional<std::uint32_t> find_decision(std::string_view id) const;
  std::optional<std::uint32_t> find_clock(std::string_view id) const;
  std::optional<std::uint32_t> find_calendar(std::string_view id) const;
  std::optional<std::uint32_t> find_flow(std::string_view id) const;

  /// Builds the name → id lookups; called by the loader once everything is in place.
  void build_lookups();

 private:
  std::map<std::string, std::uint32_t, std::less<>> fact_ids_, decision_ids_, clock_ids_, calendar_ids_,
      flow_ids_;
};

/// A fact's value as text (`delivered`, `true`, `129.00`, `48h`, ISO timestamp).
std::string format_fact_value(const policy& p, std::uint32_t fact, std::int64_t value);

/// Money in minor units as text with two decimals for the policy's currency (`129.00`).
std::string format_money(std::int64_t minor);

/// A scaled decimal as text with exactly `scale` digits after the point: (480, 2) → `4.80`,
/// (-5, 1) → `-0.5`; scale 0 prints the integer.
std::string format_decimal(std::int64_t units, std::uint8_t scale);

}  // namespace aftersale
