// SPDX-License-Identifier: Apache-2.0
// Amount rules as C++: `clamp(round(of × numerator / denominator) − minus, min, max)` with a
// 128-bit intermediate, the four roundings and a saturating result, exactly as
// src/model/money.cpp computes them (an operand referring to an absent fact or amount leaves
// the amount absent; an operand not written is neutral).
#include <limits>

#include "codegen/emit.hpp"

namespace aftersale::codegen {

namespace {

std::string_view rounding_name(rounding r) {
  switch (r) {
    case rounding::down:
      return "down";
    case rounding::up:
      return "up";
    case rounding::half_up:
      return "half_up";
    case rounding::half_even:
      return "half_even";
  }
  return "half_up";
}

// One operand: its presence test ("" when always present) and its value.
struct operand_code {
  std::string present;
  std::string value;
  std::string text;  // for the comment
  bool never = false;
};

operand_code operand(const money_operand& o, std::size_t self, const std::vector<amount_rule>& amounts,
                     const amount_access& access) {
  operand_code out;
  switch (o.what) {
    case money_operand::kind::none:
      out.value = "0";
      break;
    case money_operand::kind::constant:
      out.value = cpp_int64(o.value);
      out.text = format_money(o.value);
      break;
    case money_operand::kind::fact: {
      if (o.ref >= access.fact_count) {
        out.never = true;
        break;
      }
      const fact_access a = access.fact(o.ref);
      out.present = a.present == "true" ? "" : a.present;
      out.value = a.value;
      out.text = a.value;
      break;
    }
    case money_operand::kind::amount:
      // Only earlier amounts (money.cpp's `o.ref >= self`): a later one is never there yet.
      if (o.ref >= self) {
        out.never = true;
        break;
      }
      out.present = access.amounts + "[" + std::to_string(o.ref) + "].present";
      out.value = access.amounts + "[" + std::to_string(o.ref) + "].value";
      out.text = amounts[o.ref].name;
      break;
  }
  return out;
}

}  // namespace

void emit_amount(code_writer& w, const std::vector<amount_rule>& amounts, std::size_t index,
                 const amount_access& access, std::string_view target) {
  const amount_rule& a = amounts[index];
  std::int64_t p = a.numerator, q = a.denominator;
  const operand_code of = operand(a.of, index, amounts, access);
  const operand_code minus = operand(a.minus, index, amounts, access);
  const operand_code lo = operand(a.min, index, amounts, access);
  const operand_code hi = operand(a.max, index, amounts, access);
  std::string what = a.name + " = round_" + std::string(rounding_name(a.rounding)) + "(" +
                     (a.of.what == money_operand::kind::none ? "0" : of.text) + " * " + std::to_string(p) +
                     " / " + std::to_string(q) + ")";
  if (a.minus.what != money_operand::kind::none) what += " - " + minus.text;
  if (a.min.what != money_operand::kind::none) what += ", at least " + lo.text;
  if (a.max.what != money_operand::kind::none) what += ", at most " + hi.text;
  w.comment(what);
  const std::string t(target);
  if (q == 0 || of.never || minus.never || lo.never || hi.never) {
    w.comment("absent: " + std::string(q == 0 ? "the denominator is 0" : "an operand is never present here"));
    w.line(t + ".present = false;");
    return;
  }
  // The sign of the ratio goes to the numerator (money.cpp does this at run time, in 128 bits).
  __extension__ typedef __int128 wide;
  wide wp = p, wq = q;
  if (wq < 0) {
    wp = -wp;
    wq = -wq;
  }
  auto text128 = [](wide v) {
    // |v| <= 2^63: fits an int64 literal except +2^63, written as a 128-bit product.
    if (v > static_cast<wide>(std::numeric_limits<std::int64_t>::max()))
      return std::string("(detail::wide{1} << 63)");
    return "detail::wide{" + cpp_int64(static_cast<std::int64_t>(v)) + "}";
  };
  std::string presence;
  for (const operand_code* o : {&of, &minus, &lo, &hi}) {
    if (o->present.empty()) continue;
    presence += (presence.empty() ? "" : " && ") + o->present;
  }
  if (presence.empty()) {
    w.line("{");
    w.indent();
  } else {
    w.open("if (" + presence + ")");
  }
  w.line("detail::wide v = detail::divide(detail::wide{" + of.value + "} * " + text128(wp) + ", " +
         text128(wq) + ", detail::rounding_mode::" + std::string(rounding_name(a.rounding)) + ");");
  if (a.minus.what != money_operand::kind::none) w.line("v -= " + minus.value + ";");
  // Lower bound first, then the upper: when they disagree the cap wins.
  if (a.min.what != money_operand::kind::none) w.line("if (v < " + lo.value + ") v = " + lo.value + ";");
  if (a.max.what != money_operand::kind::none) w.line("if (v > " + hi.value + ") v = " + hi.value + ";");
  w.line(t + ".value = detail::saturate(v);");
  w.line(t + ".present = true;");
  w.close();
}

void emit_amount_helpers(code_writer& w) {
  w.lines(R"(// 128-bit intermediate of the amount rules (src/model/money.cpp).
__extension__ typedef __int128 wide;

enum class rounding_mode : std::uint8_t { down, up, half_up, half_even };

// n / q rounded as declared; q > 0.
constexpr wide divide(wide n, wide q, rounding_mode mode) noexcept {
  const wide t = n / q;  // truncated toward zero
  const wide rem = n % q;
  if (rem == 0) return t;
  const wide away = n < 0 ? t - 1 : t + 1;  // one step away from zero
  const wide twice = 2 * (rem < 0 ? -rem : rem);
  switch (mode) {
    case rounding_mode::down:
      return n < 0 ? away : t;  // toward -infinity
    case rounding_mode::up:
      return n > 0 ? away : t;  // toward +infinity
    case rounding_mode::half_up:
      return twice >= q ? away : t;  // half away from zero
    case rounding_mode::half_even:
      return twice > q || (twice == q && t % 2 != 0) ? away : t;
  }
  return t;
}

// The int64 nearest `v` (amounts saturate instead of wrapping).
constexpr std::int64_t saturate(wide v) noexcept {
  constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t bottom = std::numeric_limits<std::int64_t>::min();
  return v > top ? top : v < bottom ? bottom : static_cast<std::int64_t>(v);
})");
}

}  // namespace aftersale::codegen
