#pragma once
// Spellings of the snapshot format `aftersale-case/1`, shared by the writer (snapshot/write.cpp)
// and the reader (snapshot/read.cpp). They are part of the file format, so they are fixed
// here rather than borrowed from `to_string`: renaming an enum must not break old snapshots.
#include <aftersale/case.hpp>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace aftersale::detail::snapshot {

inline constexpr std::string_view format_tag = "aftersale-case/1";

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
