#pragma once
// Internal: the pieces decide() is made of, shared between the evaluator's source files.
#include <aftersale/decide.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::detail {

/// Every rule of `table` matching `facts` (derived facts filled in), in rule order.
void all_matches(const decision_table& table, const bound_request& facts, std::vector<std::uint32_t>& out);

/// The amounts of `then` for `facts`: `values[i]`/`present[i]` per `then.amounts[i]`.
void compute_amounts(const rule_outcome& then, const bound_request& facts, std::vector<std::int64_t>& values,
                     std::vector<std::uint8_t>& present);

/// The deadline of each clock in `then.clocks`, started at `now`.
void compute_deadlines(const policy& p, const rule_outcome& then, sys_seconds now, std::vector<deadline>& out);

/// Rule `index` checked condition by condition: the first that fails, or npos.
rule_trace trace_rule(const rule& r, std::uint32_t index, const bound_request& facts);

// Shared with the case runtime (flow guards, `record` effects, clocks, messages).

/// True when `c` passes a value; `present` false: the fact (or flow variable) has none, which
/// passes only `missing`.
inline bool condition_holds(const condition& c, bool present, std::int64_t value) noexcept {
  return present ? c.test(value) : c.op == condition_op::missing;
}

/// The operand values of one amount rule, already looked up; an operand the rule does not
/// write is ignored whatever its value here.
struct amount_operands {
  std::int64_t of = 0, minus = 0, min = 0, max = 0;
};

/// `a` computed from its operands into `out`; false (and `out` untouched) when the ratio's
/// denominator is 0.
bool compute_amount(const amount_rule& a, const amount_operands& v, std::int64_t& out) noexcept;

/// Calendar `id` (npos: the policy's default calendar), or nullptr when there is none.
const business_calendar* calendar_or_default(const policy& p, std::uint32_t id) noexcept;

/// `start + d` on calendar `calendar` (see `calendar_or_default`); without a calendar, plain
/// UTC arithmetic with a day of 24 h.
sys_seconds add_on_calendar(const policy& p, std::uint32_t calendar, sys_seconds start, const clock_duration& d);

/// When policy clock `clock`, started at `start`, falls due (on its calendar).
sys_seconds clock_due(const policy& p, std::uint32_t clock, sys_seconds start);

/// A value of a fact or flow variable declared as `f`, as text (`delivered`, `129.00`, `48h`).
std::string format_value(const fact_def& f, std::int64_t value);

/// What `c` expects, as written in the policy: `eq \`label_printed\``, `exists`, `\`ge 0, le 7\``.
std::string expected_text(const condition& c);

/// The index of decision table `table`. @throws request_error (E304) naming the tables the
/// policy has when there is none by that name.
std::uint32_t find_table(const policy& p, std::string_view table);

/// True when two rule outcomes prescribe exactly the same thing (where they were written does
/// not matter): rules of an `any` table may overlap only then.
bool same_outcome(const rule_outcome& a, const rule_outcome& b);

}  // namespace aftersale::detail
