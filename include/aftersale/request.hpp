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

/// A request checked against one policy: one flat row of encoded values by fact id (see
/// `fact_def` for the encoding) followed by a presence mask, one bit per fact. Derived facts are
/// filled in by the evaluator, which knows `now`.
///
/// The row lives inside the object for up to `inline_facts` facts (most policies), else in one
/// heap block: matching a request reads one contiguous row, and a vector of bound requests is
/// one contiguous stream of rows.
class bound_request {
 public:
  /// Facts held without a heap block.
  static constexpr std::size_t inline_facts = 15;

  bound_request() = default;
  /// `facts` facts, all absent.
  explicit bound_request(std::size_t facts) { resize(facts); }

  /// How many facts (the policy's fact count once bound).
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  /// True when fact `i` has a value (given, default or derived); false past `size()`.
  bool has(std::size_t i) const noexcept { return i < size_ && ((presence()[i / 64] >> (i % 64)) & 1U) != 0; }
  /// The encoded value of fact `i`: 0 when absent. Requires `i < size()`.
  std::int64_t value(std::size_t i) const noexcept { return row()[i]; }
  /// Gives fact `i` the encoded value `v`. Requires `i < size()`.
  void set(std::size_t i, std::int64_t v) noexcept {
    row()[i] = v;
    mask()[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  /// Makes fact `i` absent (its value reads 0). Requires `i < size()`.
  void reset(std::size_t i) noexcept {
    row()[i] = 0;
    mask()[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }
  /// `facts` facts: those kept keep their values, new ones are absent.
  void resize(std::size_t facts);

  /// The `size()` encoded values (0 where absent), then nothing: read with `presence()`.
  const std::int64_t* values() const noexcept { return row(); }
  /// ceil(size() / 64) words; bit `i % 64` of word `i / 64` is fact `i`'s presence.
  const std::uint64_t* presence() const noexcept {
    return reinterpret_cast<const std::uint64_t*>(row() + size_);
  }

  /// Same facts, values and presence.
  friend bool operator==(const bound_request& a, const bound_request& b) noexcept;
  friend bool operator!=(const bound_request& a, const bound_request& b) noexcept { return !(a == b); }

 private:
  static constexpr std::size_t words_for(std::size_t facts) noexcept { return (facts + 63) / 64; }
  static constexpr std::size_t inline_slots = inline_facts + (inline_facts + 63) / 64;
  std::int64_t* row() noexcept { return heap_.empty() ? inline_ : heap_.data(); }
  const std::int64_t* row() const noexcept { return heap_.empty() ? inline_ : heap_.data(); }
  std::uint64_t* mask() noexcept { return reinterpret_cast<std::uint64_t*>(row() + size_); }

  std::size_t size_ = 0;
  std::vector<std::int64_t> heap_;  ///< the row when it does not fit inline, else empty
  std::int64_t inline_[inline_slots] = {};
};

/// Checks `r` against the policy's facts and encodes it.
/// @throws request_error naming the fact: unknown fact (E300), wrong type (E301), enum
/// value not declared (E302), required fact missing (E303), a value given for a derived fact
/// (E301), negative money (E305), a value outside the fact's `min`/`max` (E306), or decimal text
/// that is not a number or has more digits after the point than the fact's scale (E307).
bound_request bind(const policy& p, const request& r);

}  // namespace aftersale
