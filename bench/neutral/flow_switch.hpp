// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hand-written switch of the neutral flow (shared/bench/flow_limit.cpp, compiled as it
// is with its main() renamed: never copied into this repository) behind an interface that
// does not expose its types.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "flow_cases.hpp"

namespace aftersale::bench {

/// The switch's cases for a workload, with its dispatch loop (the same loop as flow_limit.cpp,
/// `send` inlined).
class flow_switch {
 public:
  explicit flow_switch(const neutral_flow_cases& cases);
  ~flow_switch();
  flow_switch(const flow_switch&) = delete;
  flow_switch& operator=(const flow_switch&) = delete;

  /// Creates every case afresh (state `requested`, nothing refunded).
  void create();
  /// Round r sends every case its r-th event (the timed work).
  void dispatch();
  /// The same, counting the events accepted (for the check before timing).
  std::uint64_t dispatch_counting();
  /// `final_state|refunded_cents\n` of case i.
  std::string line(std::size_t i) const;
  std::size_t size() const;
  /// Bytes per live case: sizeof the switch's case struct (it owns no heap memory).
  static std::size_t case_bytes();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace aftersale::bench
