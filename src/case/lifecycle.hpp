// SPDX-License-Identifier: Apache-2.0
#pragma once
// The lifecycle every case shares, whatever its flow. The machine itself is a Boost.MSM state
// machine (src/case/lifecycle.cpp, compiled as C++17 in its own object library because Boost.MSM 1.74
// does not build with g++ 12 in C++20 mode); this header is MSM-free so every other file builds
// in either standard.
#include <aftersale/case.hpp>
#include <cstdint>
#include <optional>

namespace aftersale::detail {

/// What the flow runtime tells the lifecycle machine.
enum class lifecycle_input : std::uint8_t {
  entered_active,    ///< entered a non-terminal state whose phase is `active`
  entered_waiting,   ///< entered a non-terminal state whose phase is `waiting_on_customer`
  escalated,         ///< an `escalate` effect fired
  entered_terminal,  ///< entered a terminal state
  close,             ///< the lifecycle event `close`
  reopen,            ///< the lifecycle event `reopen`
};

/// The phase after `input` in `phase`, or nothing when the lifecycle machine refuses it
/// (e.g. `close` before the case is resolved). O(1): a table derived once from the MSM machine.
std::optional<lifecycle_phase> lifecycle_next(lifecycle_phase phase, lifecycle_input input) noexcept;

}  // namespace aftersale::detail
