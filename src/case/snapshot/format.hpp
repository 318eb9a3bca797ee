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

/// The `integrity` hash: FNV-1a 64 over the snapshot's JSON value as a stream of tokens (each
/// key, each scalar, each container's kind and size after its contents), so that it covers the
/// content but not its spelling: whitespace and escapes do not matter, every key, value and
/// order does. The root object's own braces and its `integrity` member are left out. Edit
/// detection, not security: anyone can recompute it.
class content_hash {
 public:
  void key(std::string_view k) {
    h_.byte('k');
    h_.text(k);
  }
  void null() { h_.byte('n'); }
  void boolean(bool b) {
    h_.byte('b');
    h_.byte(b ? 1 : 0);
  }
  void integer(std::int64_t v) {
    h_.byte('i');
    h_.u64(static_cast<std::uint64_t>(v));
  }
  void string(std::string_view s) {
    h_.byte('s');
    h_.text(s);
  }
  /// A number the writer never writes (a fraction, an integer beyond 64 bits), as written.
  void other_number(std::string_view text) {
    h_.byte('r');
    h_.text(text);
  }
  /// The end of an object (`}`) or array (`]`) of `count` members or elements.
  void close(char kind, std::uint32_t count) {
    h_.byte(static_cast<std::uint8_t>(kind));
    h_.u64(count);
  }
  std::uint64_t value() const { return h_.value(); }

 private:
  fnv1a64 h_;
};

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
