// SPDX-License-Identifier: Apache-2.0
#pragma once
// Spellings of the snapshot format `aftersale-case/3`, shared by the writer (snapshot/write.cpp)
// and the reader (snapshot/read.cpp). They are part of the file format, so they are fixed
// here rather than borrowed from `to_string`: renaming an enum must not break old snapshots.
#include <aftersale/case.hpp>
#include <aftersale/version.hpp>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace aftersale::detail::snapshot {

/// What `to_json` writes (AFTERSALE_SNAPSHOT_FORMAT_VERSION, version.hpp). `/3` added a clock's
/// `notified` (the SLA notices it sent); `/2` added `event_digest` to history entries and the
/// `integrity` hash.
inline constexpr std::string_view format_tag =
    "aftersale-case/" AFTERSALE_VERSION_STRINGIFY(AFTERSALE_SNAPSHOT_FORMAT_VERSION);
static_assert(AFTERSALE_SNAPSHOT_FORMAT_VERSION == 3,
              "a new snapshot format keeps a reader for the previous one (read.cpp), a migration note in "
              "docs/snapshots.md and a CHANGELOG entry (docs/versioning.md)");
/// The previous formats, still read: `/2` (no `notified`: no notice was sent) and `/1` (neither
/// `event_digest` nor `integrity` either; event digests unknown).
inline constexpr std::string_view format_tag_2 = "aftersale-case/2";
inline constexpr std::string_view format_tag_1 = "aftersale-case/1";

/// The `integrity` hash, built bottom-up over the snapshot's JSON value: a scalar from its type
/// and value, an array from its elements in order, an object from its members in any order (a
/// wrapping sum), the root object without its `integrity` member. So it covers the content but
/// not its spelling: whitespace, escapes and the order of keys do not matter (the reader accepts
/// them all), every key, value and array order does. Edit detection, not security: anyone can
/// recompute it.
///
/// Each piece is hashed with FNV-1a's step (xor, multiply by the FNV prime) over 64-bit
/// little-endian words rather than bytes, then finished with MurmurHash3's fmix64: a snapshot is
/// hashed on every write and every read, and byte-at-a-time FNV cost as much as writing it. Each
/// step is a bijection, so one changed word always changes the result. Stable across platforms
/// (stored snapshots compare it): words are assembled byte by byte.
namespace content_hash {

class hasher {
 public:
  explicit hasher(char tag) { word(static_cast<std::uint8_t>(tag)); }
  void word(std::uint64_t w) { h_ = (h_ ^ w) * 0x100000001b3ull; }
  /// The bytes of `s`, eight at a time, then its length (so that zero padding is not content).
  void text(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) word(load(p + i, 8));
    if (i < n) word(load(p + i, n - i));
    word(n);
  }
  std::uint64_t value() const {
    std::uint64_t h = h_;  // fmix64: every input bit reaches every output bit
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
  }

 private:
  static std::uint64_t load(const unsigned char* p, std::size_t n) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < n; ++k) w |= static_cast<std::uint64_t>(p[k]) << (8 * k);
    return w;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

inline std::uint64_t null() { return hasher('n').value(); }
inline std::uint64_t boolean(bool b) {
  hasher h('b');
  h.word(b ? 1 : 0);
  return h.value();
}
inline std::uint64_t integer(std::int64_t v) {
  hasher h('i');
  h.word(static_cast<std::uint64_t>(v));
  return h.value();
}
inline std::uint64_t string(std::string_view s) {
  hasher h('s');
  h.text(s);
  return h.value();
}
/// A number the writer never writes (a fraction, an integer beyond 64 bits), as written.
inline std::uint64_t other_number(std::string_view text) {
  hasher h('r');
  h.text(text);
  return h.value();
}
/// An object member: its key and its value's hash.
inline std::uint64_t member(std::string_view key, std::uint64_t value) {
  hasher h('k');
  h.text(key);
  h.word(value);
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
      elements_.word(h);
    }
  }
  std::uint64_t value() const {
    hasher h(object_ ? '{' : '[');
    h.word(count_);
    h.word(object_ ? sum_ : elements_.value());
    return h.value();
  }

 private:
  bool object_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  hasher elements_{'e'};
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
