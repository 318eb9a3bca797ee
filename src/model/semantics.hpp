// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what the policy's words mean, shared by every layer that evaluates them — the
// evaluator (src/decide), the case runtime (src/case) and the analyser (src/analysis). One
// meaning of a condition, an amount, a clock and a value's text, private to none of them.
#include <aftersale/model.hpp>
#include <aftersale/time.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersale::detail {

// --- conditions

/// True when `c` passes a value; `present` false: the fact (or flow variable) has none, which
/// passes only `missing`.
inline bool condition_holds(const condition& c, bool present, std::int64_t value) noexcept {
  return present ? c.test(value) : c.op == condition_op::missing;
}

/// What `c` expects, as written in the policy: `eq \`label_printed\``, `exists`, `\`ge 0, le 7\``.
std::string expected_text(const condition& c);

// --- money (src/model/money.cpp)

/// The operand values of one amount rule, already looked up; an operand the rule does not
/// write is ignored whatever its value here.
struct amount_operands {
  std::int64_t of = 0, minus = 0, min = 0, max = 0;
};

/// `a` computed from its operands into `out`; false (and `out` untouched) when the ratio's
/// denominator is 0.
bool compute_amount(const amount_rule& a, const amount_operands& v, std::int64_t& out) noexcept;

// --- clocks (src/model/clock_math.cpp)

/// Calendar `id` (npos: the policy's default calendar), or nullptr when there is none.
const business_calendar* calendar_or_default(const policy& p, std::uint32_t id) noexcept;

/// `start + d` on calendar `calendar` (see `calendar_or_default`); without a calendar, plain
/// UTC arithmetic with a day of 24 h.
sys_seconds add_on_calendar(const policy& p, std::uint32_t calendar, sys_seconds start,
                            const clock_duration& d);

/// When policy clock `clock`, started at `start`, falls due (on its calendar).
sys_seconds clock_due(const policy& p, std::uint32_t clock, sys_seconds start);

// --- values (src/model/value_text.cpp)

/// A value of a fact or flow variable declared as `f`, as text (`delivered`, `129.00`, `48h`).
std::string format_value(const fact_def& f, std::int64_t value);

/// The declared range of `f` as text: `0..100`, `at least 0`, `at most 4.80`; "" without one.
std::string range_text(const fact_def& f);

// --- decimals (src/model/decimal.cpp)

/// A decimal as written: `units / 10^scale`, the scale being the digits after the point.
struct scaled_decimal {
  std::int64_t units = 0;
  std::uint8_t scale = 0;
};

/// `-?[0-9]+(\.[0-9]+)?` with at most 18 digits after the point, read digit by digit (never a
/// double); nullopt for any other text or a value beyond 64 bits at its scale.
std::optional<scaled_decimal> parse_scaled(std::string_view text) noexcept;

/// The digits after the point of text written as `-?[0-9]+(\.[0-9]+)?`, however many digits it
/// has; nullopt for other text. Tells "too large" or "too many digits" from "not a number" when
/// parse_scaled refuses it.
std::optional<std::size_t> written_scale(std::string_view text) noexcept;

/// `units` at scale `from` expressed at scale `to` (exactly); nullopt when `from > to` (digits
/// would be lost: decimals are never rounded) or the result does not fit 64 bits.
std::optional<std::int64_t> rescale(std::int64_t units, std::uint8_t from, std::uint8_t to) noexcept;

// --- outcomes (src/model/outcome.cpp)

/// True when two rule outcomes prescribe exactly the same thing (where they were written does
/// not matter): rules of an `any` table may overlap only then.
bool same_outcome(const rule_outcome& a, const rule_outcome& b);

}  // namespace aftersale::detail
