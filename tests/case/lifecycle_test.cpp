// SPDX-License-Identifier: Apache-2.0
// The lifecycle table derived from the Boost.MSM machine, checked cell by cell against the
// phases documented in docs/workflow.md.
#include "case/lifecycle.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace {

using aftersale::lifecycle_phase;
using aftersale::detail::lifecycle_input;
using aftersale::detail::lifecycle_next;

constexpr lifecycle_phase k_phases[] = {
    lifecycle_phase::opened,    lifecycle_phase::active,   lifecycle_phase::waiting_on_customer,
    lifecycle_phase::escalated, lifecycle_phase::resolved, lifecycle_phase::closed,
    lifecycle_phase::reopened};
constexpr lifecycle_input k_inputs[] = {lifecycle_input::entered_active, lifecycle_input::entered_waiting,
                                        lifecycle_input::escalated,      lifecycle_input::entered_terminal,
                                        lifecycle_input::close,          lifecycle_input::reopen};

// The expected phase after each input, written out by hand (nullopt = refused).
std::optional<lifecycle_phase> expected(lifecycle_phase p, lifecycle_input in) {
  using P = lifecycle_phase;
  using I = lifecycle_input;
  switch (p) {
    case P::opened:
    case P::active:
    case P::waiting_on_customer:
    case P::reopened:
      switch (in) {
        case I::entered_active:
          return P::active;
        case I::entered_waiting:
          return P::waiting_on_customer;
        case I::escalated:
          return P::escalated;
        case I::entered_terminal:
          return P::resolved;
        default:
          return std::nullopt;
      }
    case P::escalated:
      if (in == I::entered_terminal) return P::resolved;
      if (in == I::close || in == I::reopen) return std::nullopt;
      return P::escalated;
    case P::resolved:
      if (in == I::close) return P::closed;
      if (in == I::reopen) return P::reopened;
      return std::nullopt;
    case P::closed:
      if (in == I::reopen) return P::reopened;
      return std::nullopt;
  }
  return std::nullopt;
}

TEST(Lifecycle, EveryPhaseAndInputMatchesTheDocumentedTable) {
  for (lifecycle_phase p : k_phases) {
    for (lifecycle_input in : k_inputs) {
      EXPECT_EQ(lifecycle_next(p, in), expected(p, in))
          << "phase " << static_cast<int>(p) << ", input " << static_cast<int>(in);
    }
  }
}

TEST(Lifecycle, CloseNeedsAResolvedCase) {
  EXPECT_FALSE(lifecycle_next(lifecycle_phase::active, lifecycle_input::close));
  EXPECT_FALSE(lifecycle_next(lifecycle_phase::escalated, lifecycle_input::close));
  EXPECT_EQ(lifecycle_next(lifecycle_phase::resolved, lifecycle_input::close), lifecycle_phase::closed);
}

TEST(Lifecycle, AClosedCaseOnlyReopens) {
  for (lifecycle_input in : k_inputs) {
    auto next = lifecycle_next(lifecycle_phase::closed, in);
    if (in == lifecycle_input::reopen) {
      EXPECT_EQ(next, lifecycle_phase::reopened);
    } else {
      EXPECT_FALSE(next) << static_cast<int>(in);
    }
  }
}

TEST(Lifecycle, OutOfRangeValuesAreRefused) {
  EXPECT_FALSE(lifecycle_next(static_cast<lifecycle_phase>(42), lifecycle_input::close));
  EXPECT_FALSE(lifecycle_next(lifecycle_phase::active, static_cast<lifecycle_input>(42)));
}

}  // namespace
