// SPDX-License-Identifier: Apache-2.0
// Exact decimals: text to scaled integers and back, never through a floating-point number.
#include <aftersale/model.hpp>

#include "model/semantics.hpp"

namespace aftersale {

namespace {

constexpr std::int64_t pow10(std::uint8_t n) noexcept {
  std::int64_t p = 1;
  for (std::uint8_t i = 0; i < n; ++i) p *= 10;
  return p;
}

}  // namespace

std::string format_decimal(std::int64_t units, std::uint8_t scale) {
  // Magnitude in unsigned arithmetic so the lowest int64 has a magnitude too; the point is
  // placed in the digits' text, so any scale a caller gives (even beyond 10^18) is shown.
  const std::uint64_t mag =
      units < 0 ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
  std::string digits = std::to_string(mag);
  if (scale != 0) {
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    digits.insert(digits.size() - scale, 1, '.');
  }
  return (units < 0 ? "-" : "") + digits;
}

namespace detail {

std::optional<scaled_decimal> parse_scaled(std::string_view text) noexcept {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  // The magnitude is gathered in unsigned arithmetic: -9223372036854775808 has one.
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  std::uint64_t mag = 0;
  std::size_t int_digits = 0, frac_digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    (point ? frac_digits : int_digits) += 1;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (mag > (limit - digit) / 10) return std::nullopt;
    mag = mag * 10 + digit;
  }
  if (int_digits == 0 || (point && frac_digits == 0) || frac_digits > 18) return std::nullopt;
  scaled_decimal out;
  out.scale = static_cast<std::uint8_t>(frac_digits);
  out.units = negative ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
  return out;
}

std::optional<std::size_t> written_scale(std::string_view text) noexcept {
  const std::size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  const std::size_t point = text.find('.', start);
  const std::string_view whole =
      text.substr(start, point == std::string_view::npos ? text.npos : point - start);
  const std::string_view frac = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(whole) || (point != std::string_view::npos && !digits(frac))) return std::nullopt;
  return frac.size();
}

std::optional<std::int64_t> rescale(std::int64_t units, std::uint8_t from, std::uint8_t to) noexcept {
  if (from > to || to > 18) return std::nullopt;
  std::int64_t out = 0;
  if (__builtin_mul_overflow(units, pow10(static_cast<std::uint8_t>(to - from)), &out)) return std::nullopt;
  return out;
}

}  // namespace detail

}  // namespace aftersale
