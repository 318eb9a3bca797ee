// SPDX-License-Identifier: Apache-2.0
// Fuzz target `snapshot`: any text → from_json under the default policy → round trip → advance.
// Properties: the reader throws only snapshot_error; a case it accepts keeps the runtime's
// invariants (case_invariants.hpp: its snapshot restores to an equal case and the same text);
// advancing to the next deadline and far past it fires only accepted steps, leaves no deadline
// at or before the instant advanced to, and keeps the invariants.
#include <aftersale/case.hpp>
#include <aftersale/error.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "case_invariants.hpp"
#include "fuzz_support.hpp"

namespace {

void advance_to(aftersale::service_case& c, aftersale::sys_seconds t) {
  const std::size_t before = c.history().size();
  std::vector<aftersale::outcome> fired;
  try {
    fired = aftersale::advance(c, t);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("advance threw: ") + e.what());
  }
  std::size_t steps = 0;
  for (const aftersale::outcome& o : fired) {
    FUZZ_CHECK(o.accepted(), "advance reported a step it refused");
    // A timer transition leaves history; an SLA notice (no transition) leaves none.
    FUZZ_CHECK((o.steps() > 0) != (o.notice_clock() != aftersale::npos), "neither a timer nor an SLA notice");
    steps += o.steps();
  }
  FUZZ_CHECK(c.history().size() == before + steps, "the history does not hold the timers fired");
  if (fired.empty()) FUZZ_CHECK(c.history().size() == before, "history changed with nothing fired");
  const auto next = aftersale::next_deadline(c);
  FUZZ_CHECK(!next || *next > t, "a deadline at or before the instant advanced to is still pending");
  aftersale_fuzz::check_case(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& p = aftersale_fuzz::default_policy();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aftersale::service_case c;
  try {
    c = aftersale::from_json(p, text);
  } catch (const aftersale::snapshot_error& e) {
    FUZZ_CHECK(std::string(e.what()).rfind("$", 0) == 0,
               std::string("not located by a JSON path: ") + e.what());
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("from_json threw something other than snapshot_error: ") + e.what());
  }
  aftersale_fuzz::check_case(c);
  if (const auto next = aftersale::next_deadline(c)) {
    advance_to(c, *next);
    advance_to(c, *next + std::chrono::hours(24 * 400));
  }
  return 0;
}
