#pragma once
// Spellings of the snapshot format `aftersale-case/2`, shared by the writer (snapshot/write.cpp)
// and the reader (snapshot/read.cpp). They are part of the file format, so they are fixed
// here rather than borrowed from `to_string`: renaming an enum must not break old snapshots.
#include <aftersale/case.hpp>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/hash.hpp"

namespace aftersale::detail::snapshot {

/// What `to_json` writes. `/2` added `event_digest` to history entries and the `integrity` hash.
inline constexpr std::string_view format_tag = "aftersale-case/2";
/// The previous format, still read (neither key; event digests unknown).
inline constexpr std::string_view format_tag_1 = "aftersale-case/1";

/// The `integrity` hash: FNV-1a 64 over the snapshot's JSON value, built bottom-up: a scalar
/// from its type and value, an array from its elements in order, an object from its members in
/// any order (a wrapping sum), the root object without its `integrity` member. So it covers the
/// content but not its spelling: whitespace, escapes and the order of keys do not matter (the
/// reader accepts them all), every key, value and array order does. Edit detection, not
/// security: anyone can recompute it.
namespace content_hash {

inline std::uint64_t null() {
  fnv1a64 h;
  h.byte('n');
  return h.value();
}
inline std::uint64_t boolean(bool b) {
  fnv1a64 h;
  h.byte('b');
  h.byte(b ? 1 : 0);
  return h.value();
}
inline std::uint64_t integer(std::int64_t v) {
  fnv1a64 h;
  h.byte('i');
  h.u64(static_cast<std::uint64_t>(v));
  return h.value();
}
inline std::uint64_t string(std::string_view s) {
  fnv1a64 h;
  h.byte('s');
  h.text(s);
  return h.value();
}
/// A number the writer never writes (a fraction, an integer beyond 64 bits), as written.
inline std::uint64_t other_number(std::string_view text) {
  fnv1a64 h;
  h.byte('r');
  h.text(text);
  return h.value();
}
/// An object member: its key and its value's hash.
inline std::uint64_t member(std::string_view key, std::uint64_t value) {
  fnv1a64 h;
  h.byte('k');
  h.text(key);
  h.u64(value);
  return h.value();
}

/// The hash of an array (elements in order) or an object (members, see `member`, in any order).
class container {
 public:
  explicit container(bool object) : object_(object) {}
  bool is_object() const { return object_; }
  void add(std::uint64_t h) {
    ++count_;
    if (object_) {
      sum_ += h;
    } else {
      elements_.u64(h);
    }
  }
  std::uint64_t value() const {
    fnv1a64 h;
    h.byte(object_ ? '{' : '[');
    h.u64(count_);
    h.u64(object_ ? sum_ : elements_.value());
    return h.value();
  }

 private:
  bool object_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  fnv1a64 elements_;
};

}  // namespace content_hash

inline constexpr std::array<std::string_view, 7> phase_names = {
    "opened", "active", "waiting_on_customer", "escalated", "resolved", "closed", "reopened"};
inline constexpr std::array<std::string_view, 4> clock_status_names = {"idle", "running", "paused",
                                                                       "stopped"};
inline constexpr std::array<std::string_view, 7> history_kind_names = {
    "opened", "event", "automatic", "timer", "close", "reopen", "migrated"};

/// The index of `name` in `names`, or nothing.
template <std::size_t N>
std::optional<std::size_t> find_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

}  // namespace aftersale::detail::snapshot
