// SPDX-License-Identifier: Apache-2.0
// Fuzz target `events`: the fuzzer's bytes choose a flow of the default policy, the facts it opens
// with, then a stream of steps: events (a flow event, `close`, `reopen` or any name; a declared
// role or any; payload values; idempotency ids from a small set, so duplicates happen) and
// `advance` calls, at times moving forward by fuzzer-chosen amounts.
// Properties after every step: the runtime's invariants (case_invariants.hpp, the snapshot round
// trip included); an accepted event adds history and leaves the case in the outcome's `to`
// state, with its id recorded; a refused or duplicate event changes nothing (snapshot bytes
// identical); an id already applied is never accepted again; the fast path (resolved event)
// and the named event give the same case; advance fires only accepted steps and leaves no
// deadline at or before its instant.
#include <aftersale/case.hpp>
#include <aftersale/error.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "case_invariants.hpp"
#include "fuzz_support.hpp"

namespace {

using aftersale_fuzz::byte_reader;

constexpr std::int64_t base_time = 1767758400;  // 2026-01-07T04:00:00Z

// AFTERSALE_FUZZ_TRACE=1 prints the stream an input makes (to read a reproducer).
bool tracing() {
  static const bool on = std::getenv("AFTERSALE_FUZZ_TRACE") != nullptr;
  return on;
}

// A value for a fact or variable: mostly one its type accepts, sometimes (one time in `odd`) one
// it does not. Facts get few odd values, so that most inputs get past `bind` to the flow.
aftersale::fact_value value_for(const aftersale::fact_def& f, byte_reader& in, unsigned odd) {
  using aftersale::fact_type;
  const std::uint8_t how = in.byte();
  if (how % odd == odd - 1) return in.text(12);  // any text, whatever the type
  const bool unusual = how % odd == odd - 2;     // an undeclared value, a huge or negative number
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string:
      if (!f.values.empty() && !unusual) return f.values[in.below(f.values.size())];
      return in.text(8);
    case fact_type::integer:
    case fact_type::money: {
      static constexpr std::int64_t small[] = {0, 1, 2, 3, 100, 999, 12900, 1000000};
      return unusual ? (in.byte() % 2 == 0 ? in.wide() : std::int64_t{-1}) : small[in.below(8)];
    }
    case fact_type::boolean:
      return in.byte() % 2 == 1;
    case fact_type::duration:
      return std::chrono::seconds{static_cast<std::int64_t>(in.below(60 * 24 * 30)) * 60};
    case fact_type::timestamp:
      return aftersale::sys_seconds{
          std::chrono::seconds{base_time - static_cast<std::int64_t>(in.word() % 86400 * 60)}};
    case fact_type::decimal:  // as text, with the fact's scale or (unusual) one digit more
      return aftersale::format_decimal(unusual ? in.wide() : static_cast<std::int64_t>(in.below(1000)),
                                       static_cast<std::uint8_t>(f.scale + (unusual ? 1 : 0)));
  }
  return in.text(8);
}

std::chrono::seconds step_of_time(byte_reader& in) {
  static constexpr std::int64_t units[] = {0, 1, 60, 3600, 86400, 7 * 86400};
  return std::chrono::seconds{units[in.below(6)] * static_cast<std::int64_t>(in.below(48))};
}

std::string pick(const std::vector<std::string>& known, std::initializer_list<const char*> extra,
                 byte_reader& in) {
  const std::size_t k = in.below(known.size() + extra.size() + 1);
  if (k < known.size()) return known[k];
  if (k < known.size() + extra.size()) return *(extra.begin() + (k - known.size()));
  return in.text(10);
}

aftersale::event make_event(const aftersale::service_case& c, byte_reader& in) {
  const aftersale::flow_def& f = c.flow();
  std::vector<std::string> roles;
  for (const auto& r : c.source_policy().vocabulary.roles) roles.push_back(r.id);
  aftersale::event e;
  // Mostly an event some transition of the current state takes, sent by a role it allows, so
  // that streams get deep into the flow; else any event, any role.
  std::vector<const aftersale::transition_def*> open;
  for (const aftersale::transition_def& t : f.transitions)
    if (t.from == c.state_index() && t.trigger == aftersale::trigger_kind::event) open.push_back(&t);
  if (!open.empty() && in.byte() % 4 != 3) {
    const aftersale::transition_def& t = *open[in.below(open.size())];
    e.name = f.events[t.event];
    e.actor_role = t.roles.empty() ? pick(roles, {}, in) : roles[t.roles[in.below(t.roles.size())]];
  } else {
    e.name = pick(f.events, {"close", "reopen"}, in);
    e.actor_role = pick(roles, {}, in);
  }
  for (std::size_t n = in.below(3); n > 0; --n) {
    const std::size_t v = in.below(f.variables.size() + 1);
    if (v < f.variables.size()) {
      e.payload.set(f.variables[v].name, value_for(f.variables[v], in, 16));
    } else {
      e.payload.set(in.text(8), aftersale::fact_value(std::int64_t{1}));
    }
  }
  static const char* ids[] = {"", "", "a", "b", "c", "\xff"};
  e.id = ids[in.below(6)];
  return e;
}

void apply_step(aftersale::service_case& c, const aftersale::event& e, aftersale::sys_seconds now) {
  const aftersale::service_case before = c;
  const std::string snap = aftersale::to_json(c);
  const auto& ids = before.applied_event_ids();
  const bool seen = !e.id.empty() && std::binary_search(ids.begin(), ids.end(), e.id);
  aftersale::outcome o;
  try {
    o = aftersale::apply(c, e, now);
    if (tracing())
      std::fprintf(stderr, "%s event `%s` as `%s` id `%s` (%zu payload values): %s\n",
                   aftersale::format_utc(now).c_str(), e.name.c_str(), e.actor_role.c_str(), e.id.c_str(),
                   e.payload.values().size(), o.message().c_str());
  } catch (const std::exception& ex) {
    FUZZ_CHECK(false, std::string("apply threw: ") + ex.what());
  }
  if (o.accepted()) {
    FUZZ_CHECK(!seen, "an event id already applied was accepted again");
    FUZZ_CHECK(c.history().size() > before.history().size(), "an accepted event added no history");
    FUZZ_CHECK(o.to() == c.state_index(), "the outcome's `to` is not the case's state");
    const auto& now_ids = c.applied_event_ids();
    if (!e.id.empty())
      FUZZ_CHECK(std::binary_search(now_ids.begin(), now_ids.end(), e.id), "an accepted id was not recorded");
  } else {
    FUZZ_CHECK(c == before, "a refused or duplicate event changed the case");
    FUZZ_CHECK(aftersale::to_json(c) == snap, "a refused or duplicate event changed the snapshot");
    if (o.result() == aftersale::outcome::status::duplicate)
      FUZZ_CHECK(seen, "a duplicate of an id never applied");
  }
  // The fast path (resolved event, no payload) must do exactly what the named event does.
  if (e.payload.values().empty()) {
    if (const auto r = aftersale::resolve_event(before, e.name, e.actor_role)) {
      aftersale::service_case fast = before;
      const aftersale::outcome of = aftersale::apply(fast, *r, now, e.id);
      FUZZ_CHECK(of.result() == o.result() && of.reason() == o.reason(),
                 "the resolved event's outcome differs");
      FUZZ_CHECK(fast == c, "the resolved event left another case than the named event");
    }
  }
}

void advance_step(aftersale::service_case& c, aftersale::sys_seconds now) {
  const std::size_t before = c.history().size();
  std::vector<aftersale::outcome> fired;
  try {
    fired = aftersale::advance(c, now);
    if (tracing())
      std::fprintf(stderr, "%s advance: %zu fired, state `%s`\n", aftersale::format_utc(now).c_str(),
                   fired.size(), std::string(c.state_id()).c_str());
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
  const auto next = aftersale::next_deadline(c);
  FUZZ_CHECK(!next || *next > now, "a deadline at or before the instant advanced to is still pending");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& p = aftersale_fuzz::default_policy();
  byte_reader in(data, size);
  if (p->flows.empty()) return 0;
  const aftersale::flow_def& flow = p->flows[in.below(p->flows.size())];
  aftersale::request facts;
  for (const aftersale::fact_def& f : p->facts) {
    if (f.derive != aftersale::derivation::none) continue;
    if (!f.required && in.byte() % 2 == 0) continue;
    facts.set(f.name, value_for(f, in, 128));
  }
  aftersale::bound_request bound;
  try {
    bound = aftersale::bind(*p, facts);
  } catch (const aftersale::error& e) {
    if (tracing()) std::fprintf(stderr, "facts refused: %s\n", e.what());
    return 0;  // facts the policy refuses: the request target covers binding
  }
  if (tracing()) std::fprintf(stderr, "open flow `%s`\n", flow.id.c_str());
  aftersale::sys_seconds now{std::chrono::seconds{base_time}};
  aftersale::service_case c;
  try {
    c = aftersale::open_case(p, flow.id, bound, now);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("opening a case in a flow of the policy threw: ") + e.what());
  }
  aftersale_fuzz::check_case(c);
  for (int steps = 0; steps < 64 && !in.empty(); ++steps) {
    now += step_of_time(in);
    if (in.byte() % 4 == 3) {
      advance_step(c, now);
    } else {
      apply_step(c, make_event(c, in), now);
    }
    aftersale_fuzz::check_case(c);
  }
  return 0;
}
