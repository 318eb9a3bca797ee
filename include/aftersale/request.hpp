// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Requests: the facts of one after-sales request, checked against a policy's schema.
///
///     aftersale::request r;
///     r.set("order_status", "delivered")
///      .set("request", "request_return_refund")
///      .set("reason", "changed_mind")
///      .set("amount", std::int64_t{12900})                  // money: minor units (分)
///      .set("delivered_at", *aftersale::parse_timestamp("2026-10-01T10:00:00+08:00"));
///     aftersale::bound_request b = aftersale::bind(*policy, r);  // throws request_error
#include <aftersale/error.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aftersale {

struct policy;

/// An exact decimal number as written: `units / 10^scale` (`4.80` is {480, 2}, `-0.5` is {-5, 1}).
/// The scale is the number of digits written after the point, trailing zeros included.
struct decimal {
  std::int64_t units = 0;
  std::uint8_t scale = 0;

  /// The same as written: units and scale (`4.8` and `4.80` differ, as a fact's scale tells them apart).
  friend bool operator==(const decimal& a, const decimal& b) noexcept {
    return a.units == b.units && a.scale == b.scale;
  }
  friend bool operator!=(const decimal& a, const decimal& b) noexcept { return !(a == b); }
};

/// Reads decimal text (`4.8`, `-0.05`, `12`): an optional `-`, digits, and optionally `.` and
/// at least one digit; at most 18 digits after the point; no exponent, no `+`, no spaces.
/// Never goes through a floating-point number. nullopt when the text is not such a number or
/// its value does not fit 64 bits at its scale.
std::optional<decimal> parse_decimal(std::string_view text) noexcept;

/// A fact's value as given by the caller. Strings are accepted for enums, strings,
/// timestamps (ISO 8601 with offset), durations (`48h`) and decimals (`4.8`); integers for int
/// and money (minor units), for durations (seconds) and timestamps (Unix seconds), and for
/// decimals (a whole number: 4 is 4.0); a `decimal` for decimal facts (`decimal{48, 1}` is 4.8;
/// it may not have more digits after the point than the fact's scale).
using fact_value = std::variant<bool, std::int64_t, std::string, sys_seconds, std::chrono::seconds, decimal>;

/// A request as a caller builds it: fact name → value. Not yet checked.
class request {
 public:
  request& set(std::string fact, fact_value value);
  request& set(std::string fact, const char* text) {
    return set(std::move(fact), fact_value(std::string(text)));
  }
  /// Without this, `set("opened", true)` would pick the `int` overload and store 1.
  request& set(std::string fact, bool value) { return set(std::move(fact), fact_value(value)); }
  request& set(std::string fact, int value) { return set(std::move(fact), fact_value(std::int64_t{value})); }
  request& set(std::string fact, long long value) {
    return set(std::move(fact), fact_value(static_cast<std::int64_t>(value)));
  }
  request& set(std::string fact, long value) {
    return set(std::move(fact), fact_value(static_cast<std::int64_t>(value)));
  }
  /// A decimal fact from its scaled integer: `set_scaled("rating", 48, 1)` is 4.8.
  request& set_scaled(std::string fact, std::int64_t units, std::uint8_t scale) {
    return set(std::move(fact), fact_value(decimal{units, scale}));
  }
  /// Removes a fact; no-op when absent.
  request& erase(std::string_view fact);

  const std::map<std::string, fact_value, std::less<>>& values() const noexcept { return values_; }

 private:
  std::map<std::string, fact_value, std::less<>> values_;
};

/// A request checked against one policy: dense values by fact id (see `fact_def` for the
/// encoding). Derived facts are filled in by the evaluator, which knows `now`.
struct bound_request {
  std::vector<std::int64_t> values;
  std::vector<std::uint8_t> present;  ///< 1 when the fact has a value (given or default)
};

/// Checks `r` against the policy's facts and encodes it.
/// @throws request_error naming the fact: unknown fact (E300), wrong type (E301), enum
/// value not declared (E302), required fact missing (E303), a value given for a derived fact
/// (E301), negative money (E305), a value outside the fact's `min`/`max` (E306), or decimal text
/// that is not a number or has more digits after the point than the fact's scale (E307).
bound_request bind(const policy& p, const request& r);

}  // namespace aftersale
