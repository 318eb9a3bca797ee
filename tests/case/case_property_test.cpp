// SPDX-License-Identifier: Apache-2.0
// Property test of the case runtime on tests/policies/runtime_flows.yaml: thousands of random
// sequences of events (random names including unknown ones, random roles, payloads of right and
// wrong types, repeated ids), fast-path events with random indexes, and advance() calls at
// random times. Checked after every step:
// - a refused or duplicate event leaves the case == its copy from before;
// - an accepted one adds exactly `steps()` history entries (at least one) and records its id;
// - the named and the resolved form of the same event do the same thing;
// - invariants: the phase agrees with the state, clocks stay sorted, history times never go back;
// and for every sequence: replaying it on a copy of the opened case gives an identical case.
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/compiled.hpp"

namespace {

using namespace aftersale;  // NOLINT: test file

const std::shared_ptr<const policy>& test_policy() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/runtime_flows.yaml");
  return p;
}

const sys_seconds monday_10 = *parse_timestamp("2026-11-23T10:00:00+08:00");

// One step of a sequence, kept so the sequence can be replayed.
struct step {
  enum class kind { named, resolved, advance } what = kind::named;
  event e;
  resolved_event r;
  sys_seconds now;
};

class generator {
 public:
  explicit generator(std::uint64_t seed) : rng_(seed) {
    const policy& p = *test_policy();
    for (const flow_def& f : p.flows)
      for (const std::string& e : f.events) event_names_.push_back(e);
    std::sort(event_names_.begin(), event_names_.end());
    event_names_.erase(std::unique(event_names_.begin(), event_names_.end()), event_names_.end());
    event_names_.insert(event_names_.end(), {"close", "reopen", "close", "reopen", "bogus", ""});
    for (const vocabulary_entry& r : p.vocabulary.roles) roles_.push_back(r.id);
    roles_.insert(roles_.end(), {"intern", ""});
  }

  std::uint64_t below(std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

  service_case open(sys_seconds now) {
    const policy& p = *test_policy();
    if (chance(25)) {
      // Directly in a flow, without a decision.
      request r;
      r.set("order_status", "delivered").set("amount", amount());
      return open_case(test_policy(), p.flows[below(p.flows.size())].id, bind(p, r), now);
    }
    request r;
    r.set("order_status", chance(50) ? "delivered" : "paid_unshipped");
    if (chance(90)) r.set("amount", amount());
    if (chance(50)) r.set("customer_tier", chance(50) ? "vip" : "normal");
    return open_case(decide(test_policy(), r, now), now);
  }

  std::int64_t amount() {
    static const std::vector<std::int64_t> amounts{0, 1000, 4999, 5000, 5001, 12900, 50000, 50001, 200000};
    return pick(amounts);
  }

  request payload(const service_case& c) {
    request out;
    if (chance(60)) return out;
    const flow_def& f = c.flow();
    const int n = 1 + static_cast<int>(below(2));
    for (int i = 0; i < n; ++i) {
      if (f.variables.empty() || chance(10)) {
        out.set(chance(50) ? "colour" : "amount", std::int64_t{1});  // unknown name / a fact
        continue;
      }
      const fact_def& v = pick(f.variables);
      if (chance(10)) {
        out.set(v.name, "wrong");  // wrong type for most, undeclared for enums
        continue;
      }
      switch (v.type) {
        case fact_type::boolean:
          out.set(v.name, chance(60));
          break;
        case fact_type::enumeration:
          out.set(v.name, v.values[below(v.values.size())]);
          break;
        case fact_type::string:
          out.set(v.name, chance(50) ? "box intact" : "scratched");
          break;
        case fact_type::timestamp:
          out.set(v.name, monday_10 + std::chrono::hours(below(100)));
          break;
        case fact_type::duration:
          out.set(v.name, std::chrono::seconds(below(100000)));
          break;
        case fact_type::integer:
        case fact_type::money:
          out.set(v.name, static_cast<std::int64_t>(below(10)));
          break;
        case fact_type::decimal:
          out.set(v.name, aftersale::format_decimal(static_cast<std::int64_t>(below(100)), v.scale));
          break;
      }
    }
    return out;
  }

  step next(const service_case& c, sys_seconds& now) {
    // Time moves forward: mostly minutes, sometimes days.
    now += chance(10) ? std::chrono::hours(below(96)) : std::chrono::minutes(below(240));
    step s;
    s.now = now;
    const std::uint64_t roll = below(100);
    if (roll < 15) {
      s.what = step::kind::advance;
    } else if (roll < 30) {
      s.what = step::kind::resolved;
      const std::uint32_t events = static_cast<std::uint32_t>(c.flow().events.size());
      const std::uint32_t roles = static_cast<std::uint32_t>(test_policy()->vocabulary.roles.size());
      const std::uint64_t e = below(events + 3);
      s.r.event = e < events        ? static_cast<std::uint32_t>(e)
                  : e == events     ? resolved_event::close
                  : e == events + 1 ? resolved_event::reopen
                                    : events + 7;  // out of range
      s.r.role = chance(95) ? static_cast<std::uint32_t>(below(roles)) : roles;
      if (chance(40)) s.e.id = "id-" + std::to_string(below(12));
    } else {
      s.what = step::kind::named;
      s.e.name = pick(event_names_);
      s.e.actor_role = pick(roles_);
      // Mostly an event the current state has transitions for, by a role one of them allows,
      // so that sequences get somewhere.
      const flow_def& f = c.flow();
      const detail::flow_dispatch& d = detail::dispatch_of(c.source_policy(), f);
      const std::size_t events = f.events.size();
      std::vector<std::uint32_t> live;
      for (std::uint32_t e = 0; e < events; ++e) {
        const std::size_t cell = c.state_index() * events + e;
        if (d.dispatch[cell + 1] > d.dispatch[cell]) live.push_back(e);
      }
      if (!live.empty() && chance(70)) {
        const std::uint32_t e = pick(live);
        s.e.name = f.events[e];
        const std::size_t cell = c.state_index() * events + e;
        const std::uint32_t t =
            d.dispatch_list[d.dispatch[cell] + below(d.dispatch[cell + 1] - d.dispatch[cell])];
        const std::vector<std::uint32_t>& allowed = f.transitions[t].roles;
        if (!allowed.empty() && chance(80))
          s.e.actor_role = test_policy()->vocabulary.roles[pick(allowed)].id;
      }
      s.e.payload = payload(c);
      if (chance(40)) s.e.id = "id-" + std::to_string(below(12));
    }
    return s;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> event_names_;
  std::vector<std::string> roles_;
};

// What a step did, for comparing a replay.
struct result {
  std::vector<outcome::status> statuses;
  std::vector<refusal> reasons;
  std::vector<std::uint32_t> states;
  friend bool operator==(const result& a, const result& b) {
    return a.statuses == b.statuses && a.reasons == b.reasons && a.states == b.states;
  }
};

void record(result& r, const outcome& o) {
  r.statuses.push_back(o.result());
  r.reasons.push_back(o.reason());
  r.states.push_back(o.to());
}

result run(service_case& c, const step& s) {
  result r;
  switch (s.what) {
    case step::kind::named:
      record(r, apply(c, s.e, s.now));
      break;
    case step::kind::resolved:
      record(r, apply(c, s.r, s.now, s.e.id));
      break;
    case step::kind::advance:
      for (const outcome& o : advance(c, s.now)) record(r, o);
      break;
  }
  return r;
}

void check_invariants(const service_case& c) {
  const state_def& s = c.state();
  if (s.terminal) {
    EXPECT_TRUE(c.phase() == lifecycle_phase::resolved || c.phase() == lifecycle_phase::closed);
  } else {
    EXPECT_NE(c.phase(), lifecycle_phase::resolved);
    EXPECT_NE(c.phase(), lifecycle_phase::closed);
    EXPECT_NE(c.phase(), lifecycle_phase::opened);
    EXPECT_NE(c.phase(), lifecycle_phase::reopened);
    if (c.phase() != lifecycle_phase::escalated) {
      EXPECT_EQ(c.phase() == lifecycle_phase::waiting_on_customer,
                s.phase == state_phase::waiting_on_customer);
    }
  }
  for (std::size_t i = 1; i < c.clocks().size(); ++i) EXPECT_LT(c.clocks()[i - 1].clock, c.clocks()[i].clock);
  for (std::size_t i = 1; i < c.history().size(); ++i) EXPECT_LE(c.history()[i - 1].at, c.history()[i].at);
  EXPECT_TRUE(std::is_sorted(c.applied_event_ids().begin(), c.applied_event_ids().end()));
  EXPECT_EQ(c.history().back().to, c.state_index());
}

void check_step(service_case& c, const step& s, std::size_t& accepted, std::size_t& refused) {
  const service_case before = c;
  switch (s.what) {
    case step::kind::named:
    case step::kind::resolved: {
      const outcome o = s.what == step::kind::named ? apply(c, s.e, s.now) : apply(c, s.r, s.now, s.e.id);
      if (o.accepted()) {
        ++accepted;
        EXPECT_GE(o.steps(), 1U);
        EXPECT_EQ(c.history().size(), before.history().size() + o.steps()) << o.message();
        EXPECT_EQ(o.to(), c.state_index());
        EXPECT_EQ(o.from(), before.state_index());
        // The timers due before the event fired first, exactly as `advance` fires them.
        service_case advanced = before;
        EXPECT_EQ(advance(advanced, s.now).size(), o.fired_before());
        const std::size_t first_step = advanced.history().size();  // the event's own entry
        if (!s.e.id.empty()) {
          EXPECT_TRUE(std::binary_search(c.applied_event_ids().begin(), c.applied_event_ids().end(), s.e.id));
          EXPECT_EQ(c.history()[first_step].event_id, s.e.id);
        }
        EXPECT_FALSE(o.message().empty());
      } else {
        ++refused;
        ASSERT_TRUE(c == before) << "changed by: " << o.message();
        const bool repeat =
            o.result() == outcome::status::duplicate || o.result() == outcome::status::conflict;
        EXPECT_EQ(repeat, !s.e.id.empty() && std::binary_search(before.applied_event_ids().begin(),
                                                                before.applied_event_ids().end(), s.e.id));
        EXPECT_EQ(o.reason() == refusal::none, repeat) << o.message();
        if (o.result() == outcome::status::refused) {
          // The event met the case where the timers due before it led (they fired first, and
          // were rolled back with the refusal).
          service_case met = before;
          advance(met, s.now);
          const std::string where = "in state `" + std::string(met.state_id()) + "`";
          EXPECT_NE(o.message().find(where), std::string::npos) << o.message();
        }
      }
      // The other form of the same event (no payload): the same result on a copy.
      if (s.what == step::kind::named && s.e.payload.values().empty()) {
        service_case other = before;
        if (const std::optional<resolved_event> r = resolve_event(other, s.e.name, s.e.actor_role)) {
          const outcome o2 = apply(other, *r, s.now, s.e.id);
          EXPECT_EQ(o2.result(), o.result());
          EXPECT_EQ(o2.reason(), o.reason());
          EXPECT_TRUE(other == c);
        }
      }
      break;
    }
    case step::kind::advance: {
      const std::vector<outcome> fired = advance(c, s.now);
      std::size_t steps = 0;
      for (const outcome& o : fired) {
        EXPECT_TRUE(o.accepted());
        steps += o.steps();
      }
      EXPECT_EQ(c.history().size(), before.history().size() + steps);
      if (fired.empty()) {
        EXPECT_TRUE(c == before);
      }
      const std::optional<sys_seconds> next = next_deadline(c);
      if (next) {
        EXPECT_GT(*next, s.now);  // everything due was fired
      }
      break;
    }
  }
  check_invariants(c);
}

TEST(CaseProperty, RefusedEventsChangeNothingAndRunsAreDeterministic) {
  constexpr int sequences = 3000;
  constexpr int length = 24;
  std::size_t accepted = 0, refused = 0;
  for (int n = 0; n < sequences; ++n) {
    generator g(0x5eed0000U + static_cast<std::uint64_t>(n));
    sys_seconds now = monday_10 + std::chrono::minutes(g.below(7 * 24 * 60));
    const service_case opened = g.open(now);
    check_invariants(opened);
    service_case c = opened;
    std::vector<step> steps;
    std::vector<result> results;
    for (int i = 0; i < length; ++i) {
      steps.push_back(g.next(c, now));
      service_case probe = c;  // what this step does, for the replay comparison
      results.push_back(run(probe, steps.back()));
      check_step(c, steps.back(), accepted, refused);
      ASSERT_TRUE(c == probe) << "the same step on two equal cases gave different cases";
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Replaying the whole sequence on a copy of the opened case gives the same case.
    service_case replay = opened;
    for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_TRUE(run(replay, steps[i]) == results[i]);
    ASSERT_TRUE(replay == c) << "sequence " << n << " is not deterministic";
  }
  // The generator must exercise both sides.
  EXPECT_GT(accepted, static_cast<std::size_t>(sequences) * 2);
  EXPECT_GT(refused, static_cast<std::size_t>(sequences) * 5);
}

// An `advance` before every event or none ends in the same case: `apply` fires the timers due
// before its event first, as `advance` would (docs/workflow.md, "Timers first").
TEST(CaseProperty, InterleavingAdvanceOrNotGivesTheSameCase) {
  constexpr int sequences = 1500;
  std::size_t events_after_due = 0;  // events sent when a timer was due: what this is about
  for (int n = 0; n < sequences; ++n) {
    generator g(0xad7a0000U + static_cast<std::uint64_t>(n));
    sys_seconds now = monday_10 + std::chrono::minutes(g.below(7 * 24 * 60));
    service_case a = g.open(now);
    service_case b = a;
    for (int i = 0; i < 24; ++i) {
      const step s = g.next(a, now);
      if (s.what != step::kind::advance) advance(b, s.now);
      const std::optional<sys_seconds> due = next_deadline(a);
      if (s.what != step::kind::advance && due && *due <= s.now) ++events_after_due;
      const result ra = run(a, s);
      const result rb = run(b, s);
      if (s.what != step::kind::advance) {
        ASSERT_EQ(ra.statuses, rb.statuses) << "sequence " << n << " step " << i;
        ASSERT_EQ(ra.reasons, rb.reasons) << "sequence " << n << " step " << i;
      }
    }
    advance(a, now + std::chrono::hours(24 * 90));
    advance(b, now + std::chrono::hours(24 * 90));
    ASSERT_TRUE(a == b) << "sequence " << n;
  }
  EXPECT_GT(events_after_due, static_cast<std::size_t>(sequences));
}

}  // namespace
