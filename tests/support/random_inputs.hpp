// SPDX-License-Identifier: Apache-2.0
#pragma once
// Random requests and events generated from a policy's own declarations: its facts (values of
// the right type, mostly declared ones) and the transitions of a case's current state (mostly an
// event the state listens to, by a role allowed to send it). Some of each is illegal on purpose:
// unknown facts and events, undeclared enum values, wrong types, unknown roles, repeated event
// ids, so that refusals are exercised too. Shared by tests/threads and tests/properties; the
// same seed gives the same inputs.
#include <aftersale/case.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace aftersale::test_support {

class random_inputs {
 public:
  explicit random_inputs(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t below(std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

  /// A moment after `now`: mostly minutes, sometimes days.
  sys_seconds later(sys_seconds now) {
    return now + (chance(10) ? std::chrono::hours(below(96)) : std::chrono::minutes(below(240)));
  }

  /// A request over the policy's own facts (derived ones left to the evaluator). With
  /// `illegal_percent` > 0, that share of values is wrong: an undeclared enum value, a wrong
  /// type, an unknown fact.
  request request_for(const policy& p, sys_seconds now, int illegal_percent) {
    request r;
    for (const fact_def& f : p.facts) {
      if (f.derive != derivation::none || (!f.required && chance(15))) continue;
      if (chance(illegal_percent)) {
        if (chance(50))
          r.set(f.name,
                f.type == fact_type::string ? fact_value(std::int64_t{3}) : fact_value(std::string("bogus")));
        else
          r.set("no_such_fact_" + std::to_string(below(3)), std::int64_t{1});
        continue;
      }
      r.set(f.name, value_of(f, now));
    }
    return r;
  }

  /// An event for case `c`: mostly one its current state has a transition for, by a role that
  /// transition allows; otherwise any name of the flow, `close`, `reopen` or an unknown one, by
  /// any role or an unknown one. Payload values for the flow's variables, sometimes wrong.
  event event_for(const service_case& c, int illegal_percent) {
    const policy& p = c.source_policy();
    const flow_def& f = c.flow();
    event e;
    std::vector<const transition_def*> here;
    for (const transition_def& t : f.transitions)
      if (t.from == c.state_index() && t.trigger == trigger_kind::event) here.push_back(&t);
    if (!here.empty() && !chance(illegal_percent)) {
      const transition_def& t = *pick(here);
      e.name = f.events[t.event];
      e.actor_role =
          t.roles.empty() || chance(10) ? pick(p.vocabulary.roles).id : p.vocabulary.roles[pick(t.roles)].id;
    } else {
      const std::uint64_t roll = below(f.events.size() + 3);
      e.name = roll < f.events.size()        ? f.events[roll]
               : roll == f.events.size()     ? "close"
               : roll == f.events.size() + 1 ? "reopen"
                                             : "no_such_event";
      e.actor_role = chance(90) ? pick(p.vocabulary.roles).id : "intern";
    }
    if (!f.variables.empty() && chance(30)) {
      const fact_def& v = pick(f.variables);
      if (chance(illegal_percent))
        e.payload.set(chance(50) ? v.name : "no_such_variable", std::string("wrong"));
      else
        e.payload.set(v.name, value_of(v, c.opened_at()));
    }
    if (chance(40)) e.id = "evt-" + std::to_string(below(12));  // repeats: duplicates
    return e;
  }

  /// A value of the declared type; for enums and strings one the policy names.
  fact_value value_of(const fact_def& f, sys_seconds now) {
    static const std::vector<std::int64_t> numbers{0, 1, 3, 100, 4999, 5000, 12900, 50000, 200000};
    switch (f.type) {
      case fact_type::enumeration:
        return f.values.empty() ? fact_value(std::string("none")) : fact_value(pick(f.values));
      case fact_type::string:
        return f.values.empty() || chance(20) ? fact_value(std::string("something else"))
                                              : fact_value(pick(f.values));
      case fact_type::boolean:
        return fact_value(chance(50));
      case fact_type::timestamp:
        return fact_value(now - std::chrono::hours(below(24 * 40)));
      case fact_type::duration:
        return fact_value(std::chrono::seconds(below(30 * 86400)));
      case fact_type::decimal:
        return fact_value(decimal{pick(numbers), f.scale});
      case fact_type::integer:
      case fact_type::money:
        break;
    }
    return fact_value(pick(numbers));
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace aftersale::test_support
