// SPDX-License-Identifier: Apache-2.0
// The lifecycle every case shares, as a Boost.MSM state machine.
//
// Why MSM here and an interpreter for flows: MSM machines are fixed at compile time, which fits
// the lifecycle (the same seven phases for every store and every flow) and gives it a checked,
// declarative transition table. Flows come from YAML at run time, so they are interpreted.
//
// A case stores its phase in one byte, not an MSM object: on first use we drive a machine into
// each phase and record what it does with every input, so the table below is derived from the
// MSM transition table (the single source of truth) and lookups are O(1) and allocation-free.
//
// This file is compiled as C++17 in its own object library (src/CMakeLists.txt): Boost.MSM 1.74
// does not build with g++ 12 in C++20 mode.
#include "case/lifecycle.hpp"

// Boost 1.74's MSM pulls in headers it has since deprecated; their notices are not ours to fix.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <array>
#include <boost/mpl/vector/vector30.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <cstddef>

namespace aftersale::detail {
namespace {

namespace msm = boost::msm;
using msm::front::none;
using msm::front::Row;

// Events: one per lifecycle_input.
struct entered_active {};
struct entered_waiting {};
struct escalated {};
struct entered_terminal {};
struct close {};
struct reopen {};

struct lifecycle_def : msm::front::state_machine_def<lifecycle_def> {
  using no_exception_thrown = int;  // we never throw from actions: skip MSM's try/catch
  using no_message_queue = int;     // no events are posted from actions: no queue per machine

  // Each state records its phase on entry, so the machine's current phase is readable
  // without relying on MSM's internal state numbering.
  template <lifecycle_phase P>
  struct phase_state : msm::front::state<> {
    template <class Event, class Machine>
    void on_entry(const Event&, Machine& m) {
      m.phase = P;
    }
  };
  using opened_state = phase_state<lifecycle_phase::opened>;
  using active_state = phase_state<lifecycle_phase::active>;
  using waiting_state = phase_state<lifecycle_phase::waiting_on_customer>;
  using escalated_state = phase_state<lifecycle_phase::escalated>;
  using resolved_state = phase_state<lifecycle_phase::resolved>;
  using closed_state = phase_state<lifecycle_phase::closed>;
  using reopened_state = phase_state<lifecycle_phase::reopened>;
  using initial_state = opened_state;

  // clang-format off
  struct transition_table : boost::mpl::vector23<
      //  from             event             to
      Row<opened_state,    entered_active,   active_state>,
      Row<opened_state,    entered_waiting,  waiting_state>,
      Row<opened_state,    escalated,        escalated_state>,
      Row<opened_state,    entered_terminal, resolved_state>,
      Row<active_state,    entered_active,   active_state>,
      Row<active_state,    entered_waiting,  waiting_state>,
      Row<active_state,    escalated,        escalated_state>,
      Row<active_state,    entered_terminal, resolved_state>,
      Row<waiting_state,   entered_active,   active_state>,
      Row<waiting_state,   entered_waiting,  waiting_state>,
      Row<waiting_state,   escalated,        escalated_state>,
      Row<waiting_state,   entered_terminal, resolved_state>,
      // Escalated stays escalated while the flow moves on, until the case is resolved.
      Row<escalated_state, entered_active,   escalated_state>,
      Row<escalated_state, entered_waiting,  escalated_state>,
      Row<escalated_state, escalated,        escalated_state>,
      Row<escalated_state, entered_terminal, resolved_state>,
      Row<resolved_state,  close,            closed_state>,
      Row<resolved_state,  reopen,           reopened_state>,
      Row<closed_state,    reopen,           reopened_state>,
      Row<reopened_state,  entered_active,   active_state>,
      Row<reopened_state,  entered_waiting,  waiting_state>,
      Row<reopened_state,  escalated,        escalated_state>,
      Row<reopened_state,  entered_terminal, resolved_state>> {};
  // clang-format on

  template <class Machine, class Event>
  void no_transition(const Event&, Machine&, int) {
    refused = true;
  }

  lifecycle_phase phase = lifecycle_phase::opened;
  bool refused = false;
};

using lifecycle_machine = msm::back::state_machine<lifecycle_def>;

constexpr std::size_t k_phases = 7;
constexpr std::size_t k_inputs = 6;
constexpr std::int8_t k_refused = -1;

using phase_table = std::array<std::array<std::int8_t, k_inputs>, k_phases>;

void send(lifecycle_machine& m, lifecycle_input in) {
  switch (in) {
    case lifecycle_input::entered_active:
      m.process_event(entered_active{});
      break;
    case lifecycle_input::entered_waiting:
      m.process_event(entered_waiting{});
      break;
    case lifecycle_input::escalated:
      m.process_event(escalated{});
      break;
    case lifecycle_input::entered_terminal:
      m.process_event(entered_terminal{});
      break;
    case lifecycle_input::close:
      m.process_event(close{});
      break;
    case lifecycle_input::reopen:
      m.process_event(reopen{});
      break;
  }
}

// A machine driven into `phase` along a shortest path of inputs.
lifecycle_machine machine_in(lifecycle_phase phase) {
  lifecycle_machine m;
  m.start();
  switch (phase) {
    case lifecycle_phase::opened:
      break;
    case lifecycle_phase::active:
      send(m, lifecycle_input::entered_active);
      break;
    case lifecycle_phase::waiting_on_customer:
      send(m, lifecycle_input::entered_waiting);
      break;
    case lifecycle_phase::escalated:
      send(m, lifecycle_input::escalated);
      break;
    case lifecycle_phase::resolved:
      send(m, lifecycle_input::entered_terminal);
      break;
    case lifecycle_phase::closed:
      send(m, lifecycle_input::entered_terminal);
      send(m, lifecycle_input::close);
      break;
    case lifecycle_phase::reopened:
      send(m, lifecycle_input::entered_terminal);
      send(m, lifecycle_input::reopen);
      break;
  }
  return m;
}

phase_table derive_table() {
  phase_table table{};
  for (std::size_t p = 0; p < k_phases; ++p) {
    for (std::size_t i = 0; i < k_inputs; ++i) {
      lifecycle_machine m = machine_in(static_cast<lifecycle_phase>(p));
      send(m, static_cast<lifecycle_input>(i));
      table[p][i] = m.refused ? k_refused : static_cast<std::int8_t>(m.phase);
    }
  }
  return table;
}

}  // namespace

std::optional<lifecycle_phase> lifecycle_next(lifecycle_phase phase, lifecycle_input input) noexcept {
  static const phase_table table = derive_table();
  const auto p = static_cast<std::size_t>(phase);
  const auto i = static_cast<std::size_t>(input);
  if (p >= k_phases || i >= k_inputs || table[p][i] == k_refused) return std::nullopt;
  return static_cast<lifecycle_phase>(table[p][i]);
}

}  // namespace aftersale::detail
