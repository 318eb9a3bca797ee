// SPDX-License-Identifier: Apache-2.0
// SLA warnings, breaches and clock resets (tests/policies/sla_flows.yaml): notices fire like
// timers, in time order, each once (also across snapshots), move with a paused clock, start over
// on a reset and stop with a stopped clock; `apply` fires the timers due before its event first.
#include <gtest/gtest.h>

#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace aftersale;  // NOLINT: test file
using std::chrono::hours;

const std::shared_ptr<const policy>& sla_policy() {
  static const std::shared_ptr<const policy> p =
      load_policy_file(AFTERSALE_SOURCE_DIR "/tests/policies/sla_flows.yaml");
  return p;
}

sys_seconds at(const char* iso) { return *parse_timestamp(iso); }

// Monday 2026-11-23 09:00 UTC: the office opens.
const sys_seconds t0 = at("2026-11-23T09:00:00Z");

service_case open_chat(sys_seconds now = t0) {
  request r;
  r.set("amount", std::int64_t{100});
  return open_case(sla_policy(), "chat", bind(*sla_policy(), r), now);
}

event ev(const char* name) { return event{name, "agent", {}, {}}; }

outcome accept(service_case& c, const char* name, sys_seconds now) {
  outcome o = apply(c, ev(name), now);
  EXPECT_TRUE(o.accepted()) << name << ": " << o.message();
  return o;
}

const case_clock& clock_of(const service_case& c, const char* id) {
  return *c.find_clock(*sla_policy()->find_clock(id));
}

// Every action of the outcomes as `name` or `name clock fraction`.
std::vector<std::string> actions_of(const std::vector<outcome>& os) {
  std::vector<std::string> out;
  for (const outcome& o : os) {
    for (const emitted_action& a : o.actions()) {
      std::string text = a.name;
      for (const auto& [k, v] : a.args) {
        if (k == "clock" || k == "fraction") text += ' ' + v;
      }
      out.push_back(text);
    }
  }
  return out;
}
std::vector<std::string> actions_of(const outcome& o) { return actions_of(std::vector<outcome>{o}); }

TEST(SlaWarnings, FireInOrderAtTheirFractionsEachOnce) {
  service_case c = open_chat();
  // reply: 10 h from t0, warnings at 5 h and 8 h; quiet (3 h, no warn_at) sends nothing.
  EXPECT_EQ(next_deadline(c), t0 + hours(5));
  const std::vector<outcome> warned = advance(c, t0 + hours(9));
  ASSERT_EQ(warned.size(), 2U);
  EXPECT_EQ(actions_of(warned), (std::vector<std::string>{"sla_warning reply 50", "sla_warning reply 80"}));
  const emitted_action& first = warned[0].actions().at(0);
  EXPECT_EQ(first.args, (std::vector<std::pair<std::string, std::string>>{
                            {"clock", "reply"}, {"fraction", "50"}, {"deadline", "2026-11-23T19:00:00Z"}}));
  EXPECT_EQ(warned[0].steps(), 0U);
  EXPECT_EQ(warned[0].notice_clock(), *sla_policy()->find_clock("reply"));
  EXPECT_EQ(warned[0].notice_percent(), 50U);
  EXPECT_EQ(warned[1].notice_percent(), 80U);
  EXPECT_EQ(warned[0].message(), "accepted: sla_warning: clock `reply` reached 50% of its limit");
  EXPECT_EQ(clock_of(c, "reply").notified, 80);
  EXPECT_EQ(c.history().size(), 1U);               // notices are not transitions
  EXPECT_TRUE(advance(c, t0 + hours(9)).empty());  // each once
  EXPECT_EQ(next_deadline(c), t0 + hours(10));
  const std::vector<outcome> breached = advance(c, t0 + hours(10));
  EXPECT_EQ(actions_of(breached), std::vector<std::string>{"sla_breached reply 100"});
  EXPECT_EQ(breached.at(0).message(), "accepted: sla_breached: clock `reply` reached its deadline");
  EXPECT_EQ(clock_of(c, "reply").notified, 100);
  EXPECT_EQ(clock_of(c, "reply").state, case_clock::status::running);  // overdue, still running
  EXPECT_EQ(next_deadline(c), std::nullopt);
  EXPECT_TRUE(advance(c, t0 + hours(1000)).empty());
}

TEST(SlaWarnings, MoveWithAPausedClock) {
  service_case c = open_chat();
  accept(c, "take", t0 + hours(1));
  accept(c, "ask", t0 + hours(2));  // paused with 8 h left, no warning sent yet
  EXPECT_EQ(clock_of(c, "reply").state, case_clock::status::paused);
  EXPECT_EQ(next_deadline(c), std::nullopt);  // paused: its warnings wait with it
  EXPECT_TRUE(advance(c, t0 + hours(11)).empty());
  accept(c, "answer", t0 + hours(12));  // resumed: due at 20 h
  EXPECT_EQ(clock_of(c, "reply").due, t0 + hours(20));
  // 50 %: 5 h left, at 15 h; 80 %: 2 h left, at 18 h; then the breach and the timer on it at 20 h.
  EXPECT_EQ(next_deadline(c), t0 + hours(15));
  const std::vector<outcome> fired = advance(c, t0 + hours(30));
  EXPECT_EQ(actions_of(fired), (std::vector<std::string>{"sla_warning reply 50", "sla_warning reply 80",
                                                         "sla_breached reply 100", "call_customer"}));
  ASSERT_EQ(fired.size(), 4U);
  EXPECT_EQ(fired[3].steps(), 1U);
  EXPECT_EQ(c.state_id(), "late");
  EXPECT_EQ(c.history().back().at, t0 + hours(20));
}

TEST(SlaWarnings, ResetStartsThemOverAndStopEndsThem) {
  service_case c = open_chat();
  accept(c, "take", t0 + hours(1));
  EXPECT_EQ(actions_of(advance(c, t0 + hours(6))), std::vector<std::string>{"sla_warning reply 50"});
  accept(c, "nudge", t0 + hours(7));  // reset: 10 h from 7 h, nothing sent yet
  const case_clock& reply = clock_of(c, "reply");
  EXPECT_EQ(reply.state, case_clock::status::running);
  EXPECT_EQ(reply.started, t0 + hours(7));
  EXPECT_EQ(reply.due, t0 + hours(17));
  EXPECT_EQ(reply.notified, 0);
  EXPECT_EQ(next_deadline(c), t0 + hours(12));
  EXPECT_EQ(actions_of(advance(c, t0 + hours(16))),
            (std::vector<std::string>{"sla_warning reply 50", "sla_warning reply 80"}));
  accept(c, "met", t0 + hours(16));  // stopped: nothing more
  EXPECT_EQ(clock_of(c, "reply").state, case_clock::status::stopped);
  EXPECT_EQ(next_deadline(c), std::nullopt);
  EXPECT_TRUE(advance(c, t0 + hours(100)).empty());
  // A reset leaves a stopped clock as it is (only `start` starts one).
  const case_clock before = clock_of(c, "reply");
  accept(c, "nudge", t0 + hours(101));
  EXPECT_EQ(clock_of(c, "reply"), before);
}

TEST(SlaWarnings, ResetRunsAPausedClockAgainWithItsFullLimit) {
  service_case c = open_chat();
  accept(c, "take", t0 + hours(1));
  accept(c, "ask", t0 + hours(2));
  accept(c, "nudge", t0 + hours(30));
  EXPECT_EQ(clock_of(c, "reply").state, case_clock::status::running);
  EXPECT_EQ(clock_of(c, "reply").due, t0 + hours(40));
  EXPECT_EQ(clock_of(c, "reply").remaining.count(), 0);
  EXPECT_EQ(next_deadline(c), t0 + hours(35));
}

TEST(SlaWarnings, SentOnceAcrossSnapshots) {
  service_case c = open_chat();
  advance(c, t0 + hours(6));
  const std::string text = to_json(c);
  EXPECT_NE(text.find(R"("clock":"reply","status":"running","started":"2026-11-23T09:00:00Z",)"
                      R"("due":"2026-11-23T19:00:00Z","notified":50})"),
            std::string::npos)
      << text;
  service_case back = from_json(sla_policy(), text);
  EXPECT_EQ(back, c);
  EXPECT_TRUE(advance(back, t0 + hours(6)).empty());
  EXPECT_EQ(next_deadline(back), t0 + hours(8));
  EXPECT_EQ(actions_of(advance(back, t0 + hours(8))), std::vector<std::string>{"sla_warning reply 80"});
  service_case again = from_json(sla_policy(), to_json(back));
  EXPECT_TRUE(advance(again, t0 + hours(9)).empty());
  EXPECT_EQ(actions_of(advance(again, t0 + hours(10))), std::vector<std::string>{"sla_breached reply 100"});
}

TEST(SlaWarnings, BusinessClockWarnsInWorkingTime) {
  // Friday 16:00: review (8 working hours, started by the decision) is due Monday 16:00 and
  // warns at 25 % (2 working hours: Friday 16-17, Monday 09-10), Monday 10:00.
  const sys_seconds friday_16 = at("2026-11-27T16:00:00Z");
  request r;
  r.set("amount", std::int64_t{100});
  service_case c = open_case(decide(sla_policy(), r, friday_16), friday_16);
  EXPECT_EQ(clock_of(c, "review").due, at("2026-11-30T16:00:00Z"));
  EXPECT_EQ(next_deadline(c), at("2026-11-27T21:00:00Z"));  // reply's 50 % comes first
  const std::vector<outcome> fired = advance(c, at("2026-11-30T10:00:00Z"));
  EXPECT_EQ(actions_of(fired), (std::vector<std::string>{"sla_warning reply 50", "sla_warning reply 80",
                                                         "sla_breached reply 100", "sla_warning review 25"}));
  EXPECT_EQ(fired.back().actions().at(0).args.at(2).second, "2026-11-30T16:00:00Z");
  EXPECT_EQ(next_deadline(c), at("2026-11-30T16:00:00Z"));
}

// The gap this closes: an event that re-enters its state after a clock of that state fell due,
// before `advance` ran, started the state over and the clock timer never fired.
TEST(ApplyAfterDueTimers, AnEventFiresTheTimersDueBeforeIt) {
  service_case c = open_chat();
  accept(c, "take", t0 + hours(1));
  const service_case before = c;
  const outcome o = accept(c, "note", t0 + hours(11));  // reply's timer was due at 10 h
  EXPECT_EQ(o.fired_before(), 4U);
  EXPECT_EQ(actions_of(o), (std::vector<std::string>{"sla_warning reply 50", "sla_warning reply 80",
                                                     "sla_breached reply 100", "call_customer"}));
  EXPECT_EQ(o.steps(), 2U);  // the timer and the event
  EXPECT_EQ(c.state_id(), "late");
  EXPECT_EQ(o.message(), "accepted: working → late (after 4 due timers and SLA notices)");
  ASSERT_EQ(c.history().size(), before.history().size() + 2);
  EXPECT_EQ(c.history()[before.history().size()].what, history_entry::kind::timer);
  EXPECT_EQ(c.history()[before.history().size()].at, t0 + hours(10));
  EXPECT_EQ(c.history().back().at, t0 + hours(11));
  // The same as advancing first.
  service_case advanced = before;
  advance(advanced, t0 + hours(11));
  EXPECT_TRUE(apply(advanced, ev("note"), t0 + hours(11)).accepted());
  EXPECT_EQ(advanced, c);
}

TEST(ApplyAfterDueTimers, ARefusedEventChangesNothingAndLeavesThemDue) {
  service_case c = open_chat();
  accept(c, "take", t0 + hours(1));
  const service_case before = c;
  const outcome o = apply(c, ev("ask"), t0 + hours(11));  // `late` has no `ask`
  EXPECT_EQ(o.reason(), refusal::unknown_event);
  EXPECT_EQ(o.fired_before(), 0U);
  EXPECT_NE(o.message().find("in state `late`"), std::string::npos) << o.message();
  EXPECT_EQ(c, before);
  EXPECT_EQ(next_deadline(c), t0 + hours(5));
  EXPECT_EQ(advance(c, t0 + hours(11)).size(), 4U);
}

// Random streams: sending every event with or without an `advance` call before it ends in the
// same case, with the same outcomes and the same actions in the same order.
TEST(ApplyAfterDueTimers, InterleavingAdvanceOrNotGivesTheSameCase) {
  const std::vector<std::string> names{"take", "ask",    "answer", "nudge", "note",
                                       "met",  "finish", "close",  "reopen"};
  std::size_t fired_before = 0, accepted = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    std::mt19937_64 rng(seed);
    auto below = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); };
    sys_seconds now = t0 + std::chrono::minutes(below(7 * 24 * 60));
    service_case a = open_chat(now), b = a;
    std::vector<std::string> acts_a, acts_b;
    for (int i = 0; i < 30; ++i) {
      now += below(4) == 0 ? hours(below(30)) : std::chrono::minutes(below(240));
      if (below(5) == 0) {
        for (const std::string& s : actions_of(advance(a, now))) acts_a.push_back(s);
        for (const std::string& s : actions_of(advance(b, now))) acts_b.push_back(s);
        continue;
      }
      const event e = ev(names[below(names.size())].c_str());
      for (const std::string& s : actions_of(advance(b, now))) acts_b.push_back(s);
      const outcome oa = apply(a, e, now);
      const outcome ob = apply(b, e, now);
      ASSERT_EQ(oa.result(), ob.result()) << "seed " << seed << " step " << i << ": " << oa.message();
      ASSERT_EQ(oa.reason(), ob.reason()) << "seed " << seed << " step " << i;
      EXPECT_EQ(ob.fired_before(), 0U);
      fired_before += oa.fired_before();
      accepted += oa.accepted();
      if (oa.accepted()) {
        for (const std::string& s : actions_of(oa)) acts_a.push_back(s);
        for (const std::string& s : actions_of(ob)) acts_b.push_back(s);
      }
    }
    now += hours(24 * 60);
    for (const std::string& s : actions_of(advance(a, now))) acts_a.push_back(s);
    for (const std::string& s : actions_of(advance(b, now))) acts_b.push_back(s);
    ASSERT_EQ(a, b) << "seed " << seed;
    ASSERT_EQ(acts_a, acts_b) << "seed " << seed;
  }
  EXPECT_GT(fired_before, 100U);  // the streams do meet due timers
  EXPECT_GT(accepted, 1000U);
}

}  // namespace
