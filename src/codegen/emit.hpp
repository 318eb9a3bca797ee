// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what the emitters of the generated header share. `policy_names` names everything
// once (every name through `cpp_name` and a `name_scope`); each emit_*.cpp writes one part of
// the header into a `code_writer`. The flow emitters (msm) reuse the conditions, amounts and
// calendars through the functions below.
#include <aftersale/codegen.hpp>
#include <aftersale/model.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/code_writer.hpp"
#include "codegen/names.hpp"

namespace aftersale::codegen {

/// The C++ names of one fact (or flow variable).
struct fact_names {
  std::string field;                     ///< member of `request` (or of a flow's variables)
  std::string enum_type;                 ///< enum facts: `<fact>_value`; "" otherwise
  std::vector<std::string> enumerators;  ///< enum facts: one per declared value
  std::string derive_function;           ///< derived facts: `derive_<fact>` in namespace detail
};

/// The C++ names of one decision table.
struct table_names {
  std::string function;            ///< `decide_<table>`
  std::string rule_enum;           ///< `<table>_rule`
  std::vector<std::string> rules;  ///< enumerators of `rule_enum`, one per rule
  std::string outcome_function;    ///< `outcome_<table>` in namespace detail
};

/// Every name the generated header declares in its namespace, decided once.
struct policy_names {
  name_scope scope;       ///< the generated namespace: the generator's own names are reserved first
  std::string qualified;  ///< `::ns::`: the namespace, for names inside structs
  std::vector<fact_names> facts;
  std::vector<std::string> solutions, parties, roles, evidence, flags, clocks;
  std::vector<std::string> calendars;  ///< `calendar_<id>` functions in namespace detail
  std::vector<table_names> tables;
};

policy_names name_policy(const policy& p);

/// How a condition reads one fact: C++ expressions for "has a value" and for the value in its
/// generated type (enum class, `std::int64_t`, `bool`, `std::chrono::seconds`,
/// `aftersale::sys_seconds`, `std::string`/`std::string_view`). `present` may be `true`.
struct fact_access {
  std::string present;
  std::string value;
  /// The fact as a `std::optional` of its type, when there is one (a request field without a
  /// default, a derived value): a positive equality tests it directly. May be empty.
  std::string optional;
};

/// The C++ type of a fact's value in generated code (`order_status_value`, `std::int64_t`, ...).
std::string value_type(const fact_def& f, const fact_names& n);

/// An expression giving the interpreter's encoding (`std::int64_t`) of `value` (an expression
/// of the fact's generated type): enum index, 0/1, minor units, seconds, scaled decimal; for a
/// string fact, the index of the literal or -1 (`string_other`).
std::string encoded_value(const fact_def& f, const fact_names& n, std::string_view value);

/// An expression of the fact's generated type for the encoded value `v` (a constant): a string
/// fact's -1 is a text that is none of its literals.
std::string typed_constant(const fact_def& f, const fact_names& n, std::int64_t v);

/// A text that is none of a string fact's literals (what `string_other` stands for).
std::string other_text(const fact_def& f);

/// `c` as a C++ boolean expression over `a`, exactly `condition_holds(c, present, value)`:
/// plain comparisons on the typed value (`r.reason == reason_value::changed_mind`).
std::string condition_expr(const condition& c, const fact_def& f, const fact_names& n, const fact_access& a);

/// A rough cost of evaluating `c` (lower first; conditions of one rule are and-ed and have no
/// side effects, so they may be tested in any order).
int condition_cost(const condition& c, const fact_def& f);

/// How an amount reads its operands: the access of each fact, and `amount(i)` / `amount_present(i)`
/// for amount `i` computed earlier in the same outcome.
struct amount_access {
  /// The access of money fact `i` (a fact index as in `money_operand::ref`); `fact_count` facts.
  std::function<fact_access(std::uint32_t)> fact;
  std::uint32_t fact_count = 0;
  /// Amount `i` of the same outcome is `<amounts>[i]` (a `detail::amount` with `.value` and `.present`).
  std::string amounts;
};

/// Writes the statements computing `amounts[index]` into `<target>.value` / `<target>.present`
/// (a `detail::amount` lvalue expression), exactly src/model/money.cpp's semantics; an operand
/// that refers to an absent fact or amount leaves the amount absent.
void emit_amount(code_writer& w, const std::vector<amount_rule>& amounts, std::size_t index,
                 const amount_access& access, std::string_view target);

/// The helpers every generated amount calls (namespace detail): 128-bit scaling with the four
/// roundings, the clamp, saturation.
void emit_amount_helpers(code_writer& w);

/// `inline const aftersale::business_calendar& calendar_x()`: a function-local static built
/// from the definition's literal, one per calendar of the policy (namespace detail).
void emit_calendars(code_writer& w, const policy& p, const policy_names& n);

/// `aftersale::clock_duration{...}` literal.
std::string duration_literal(const clock_duration& d);

/// An expression: `start` (a `sys_seconds` expression) plus `d` on calendar `calendar` (npos:
/// the policy's default; without any, plain UTC with 24-hour days), as clock_math.cpp computes it.
std::string add_on_calendar_expr(const policy& p, const policy_names& n, std::uint32_t calendar,
                                 std::string_view start, const clock_duration& d);

/// The helpers of plain-UTC clock arithmetic and of derived facts (namespace detail).
void emit_time_helpers(code_writer& w);

/// Enums, `to_string`, the request struct, the decision types (namespace scope).
void emit_types(code_writer& w, const policy& p, const policy_names& n);

/// `detail::derive_<fact>` for every derived fact (namespace detail), and the checks `bind`
/// does on a typed request (`detail::check_request`).
void emit_derived(code_writer& w, const policy& p, const policy_names& n);
void emit_request_check(code_writer& w, const policy& p, const policy_names& n);

/// The derived facts a table's conditions and amounts read, with their sources, in an order
/// where each comes after its source.
std::vector<std::uint32_t> derived_needed(const policy& p, const decision_table& t);

/// `const std::optional<T> derived_<fact> = detail::derive_<fact>(...);` inside a table function.
std::string derived_declaration(const policy& p, const policy_names& n, std::uint32_t i);

/// How a table function reads fact `i`: the request field (with its default), or the local
/// derived value.
fact_access table_fact_access(const policy& p, const policy_names& n, std::uint32_t i);

/// The decide functions: `decide_<table>` and `decide` (namespace scope), their outcomes
/// (namespace detail).
void emit_decide(code_writer& w, const policy& p, const policy_names& n, const codegen_options& o);

/// `namespace reflect` (request_from_encoded, decide_table, canonical_text).
void emit_reflect(code_writer& w, const policy& p, const policy_names& n);

/// `p.text(t)` (the policy's locale) as a literal.
std::string text_literal(const policy& p, const localized_text& t);

}  // namespace aftersale::codegen
