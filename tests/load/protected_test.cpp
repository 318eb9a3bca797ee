// SPDX-License-Identifier: Apache-2.0
// Protected outcomes (A410): purpose-built store policies that keep or weaken what their base
// protects, each finding's place, message and witness checked against the real evaluator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

constexpr const char* base_text = R"(format: 1
policy: {id: base, version: "1", entry: main, calendar: office}
calendars:
  office: {time_zone: UTC, hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"]}}
vocabulary:
  solutions: [refund, exchange, decline, review]
  parties: [customer, merchant]
facts:
  reason: {type: enum, values: [changed_mind, broken], required: true}
  days: {type: int, required: true}
  fault:
    type: enum
    values: [customer, merchant]
    derived: {map: reason, cases: {changed_mind: customer, broken: merchant}}
clocks:
  first_response: {within: {business_hours: 2}}
decisions:
  main:
    rules:
      - {id: broken_exchange, when: {reason: broken}, then: {solution: exchange, fee_payer: merchant, clocks: [first_response]}}
      - {id: return_window, when: {days: {between: [0, 7]}}, then: {solution: refund, fee_payer: customer, clocks: [first_response]}}
      - {id: fallback, when: {}, then: {solution: decline, clocks: [first_response]}}
protected:
  seven_days:
    when: {reason: changed_mind, days: {between: [0, 7]}}
    solution: refund
  merchant_pays:
    when: {fault: merchant}
    if_solution: [exchange, refund]
    fee_payer: merchant
  respond:
    clocks: {first_response: {within: {business_hours: 2}}}
)";

class protected_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aftersale_protected_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("base.yaml", base_text);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  std::shared_ptr<const policy> store(const std::string& body) {
    return load_policy_file(
        write("store.yaml", "format: 1\nextends: base.yaml\npolicy: {id: store, version: \"1\"}\n" + body));
  }

  // The A410 findings only (tables and flows are other tests' business).
  static std::vector<finding> a410(const policy& p) {
    analysis_options o;
    o.check_tables = false;
    o.check_flows = false;
    std::vector<finding> out;
    for (finding& f : analyze(p, o).findings) {
      if (f.diagnostic.code == error_code::protected_weakened) out.push_back(std::move(f));
    }
    return out;
  }

  static std::string value_of(const finding& f, const std::string& fact) {
    for (const witness_fact& w : f.witness) {
      if (w.fact == fact) return w.absent ? "absent" : w.value;
    }
    return "?";
  }

  // The witness as a request of `p` (input facts only).
  static request request_of(const policy& p, const finding& f) {
    request r;
    for (const witness_fact& w : f.witness) {
      const auto id = p.find_fact(w.fact);
      if (w.absent || !id || p.facts[*id].derive != derivation::none) continue;
      if (p.facts[*id].type == fact_type::integer) {
        r.set(w.fact, std::stoll(w.value));
      } else {
        r.set(w.fact, w.value);
      }
    }
    return r;
  }

  fs::path dir_;
};

TEST_F(protected_test, the_base_meets_its_own_protections) {
  auto p = load_policy_file(write("base.yaml", base_text));
  ASSERT_EQ(p->protected_outcomes.size(), 3u);
  EXPECT_EQ(p->protected_outcomes[0].id, "seven_days");
  EXPECT_TRUE(a410(*p).empty());
}

TEST_F(protected_test, a_store_inherits_the_protections_and_may_keep_them) {
  // A stricter rule for late requests, placed after the window: nothing protected changes.
  auto p = store(R"(decisions:
  main:
    rules:
      - {id: very_late, after: return_window, when: {days: {gt: 30}}, then: {solution: review, clocks: [first_response]}}
)");
  EXPECT_EQ(p->protected_outcomes.size(), 3u);
  EXPECT_TRUE(a410(*p).empty());
}

TEST_F(protected_test, an_override_that_shortens_the_window_is_found_with_a_witness_and_both_outcomes) {
  auto p = store(R"(decisions:
  main:
    rules:
      - {id: return_window, when: {days: {between: [0, 3]}}, then: {solution: refund, fee_payer: customer, clocks: [first_response]}}
)");
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  const finding& f = fs[0];
  EXPECT_EQ(f.diagnostic.severity, severity::error);
  // At the base's catch-all, which now receives days 4..7; the witness is one of them.
  EXPECT_EQ(f.diagnostic.where.file, (dir_ / "base.yaml").string());
  EXPECT_EQ(f.diagnostic.where.line, 22u);
  EXPECT_THAT(f.diagnostic.message, HasSubstr("protected outcome `seven_days` is weakened"));
  EXPECT_THAT(f.diagnostic.message, HasSubstr("the base's rule `return_window` gives `refund`"));
  EXPECT_THAT(f.diagnostic.message, HasSubstr("the store's rule `fallback` gives `decline`"));
  const int days = std::stoi(value_of(f, "days"));
  EXPECT_GE(days, 4);
  EXPECT_LE(days, 7);
  EXPECT_EQ(value_of(f, "reason"), "changed_mind");
  // The real evaluator agrees with the finding, on both policies.
  const request r = request_of(*p, f);
  EXPECT_EQ(decide(p, r, sys_seconds{}).solution(), "decline");
  EXPECT_EQ(decide(p->base, r, sys_seconds{}).solution(), "refund");
}

TEST_F(protected_test, a_new_rule_ahead_of_the_base_is_found_at_the_store_rule) {
  auto p = store(R"(decisions:
  main:
    rules:
      - {id: no_refunds_on_day_zero, when: {days: 0}, then: {solution: review, clocks: [first_response]}}
)");
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].diagnostic.where.file, (dir_ / "store.yaml").string());
  EXPECT_EQ(fs[0].diagnostic.where.line, 7u);
  EXPECT_EQ(value_of(fs[0], "days"), "0");
  ASSERT_GE(fs[0].related.size(), 1u);
  EXPECT_EQ(fs[0].related[0].file, (dir_ / "base.yaml").string());  // the protection's declaration
}

TEST_F(protected_test, requests_no_rule_matches_are_found_at_the_table) {
  auto p = store(R"(decisions:
  main:
    rules:
      - {id: fallback, when: {days: {gt: 7}}, then: {solution: decline, clocks: [first_response]}}
      - {id: return_window, when: {days: {between: [1, 7]}}, then: {solution: refund, fee_payer: customer, clocks: [first_response]}}
)");
  const auto fs = a410(*p);
  // days 0 (and negative days) now match nothing: seven_days and respond both lose them.
  ASSERT_EQ(fs.size(), 2u);
  for (const finding& f : fs) {
    EXPECT_EQ(f.diagnostic.where.line, 18u);  // the table `main` in the base
    EXPECT_THAT(f.diagnostic.message, HasSubstr("no rule of table `main` matches"));
  }
  EXPECT_EQ(value_of(fs[0], "days"), "0");
  EXPECT_EQ(decide(p, request_of(*p, fs[0]), sys_seconds{}).status(), decision_status::no_match);
}

TEST_F(protected_test, fee_payer_requirements_apply_to_the_listed_solutions_only) {
  // Broken goods declined: no goods travel, so the fee payer requirement does not apply.
  auto kept = store(R"(decisions:
  main:
    rules:
      - {id: broken_exchange, when: {reason: broken}, then: {solution: decline, fee_payer: customer, clocks: [first_response]}}
)");
  EXPECT_TRUE(a410(*kept).empty());
  // Broken goods exchanged at the buyer's cost: weakened.
  auto weak = store(R"(decisions:
  main:
    rules:
      - {id: broken_exchange, when: {reason: broken}, then: {solution: exchange, fee_payer: customer, clocks: [first_response]}}
)");
  const auto fs = a410(*weak);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(fs[0].diagnostic.message,
              HasSubstr("`merchant_pays` is weakened: the fee payer must be `merchant`"));
  EXPECT_EQ(value_of(fs[0], "reason"), "broken");
  EXPECT_EQ(value_of(fs[0], "fault"), "merchant");
}

// A solution the store adds is one the base could not list in `if_solution`: renaming the
// exchange (`swap`) must not take the merchant's shipping away.
TEST_F(protected_test, fee_payer_requirements_apply_to_solutions_the_store_adds) {
  auto renamed = store(R"(vocabulary:
  solutions: [swap]
decisions:
  main:
    rules:
      - {id: broken_exchange, when: {reason: broken}, then: {solution: swap, fee_payer: customer, clocks: [first_response]}}
)");
  const auto fs = a410(*renamed);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(fs[0].diagnostic.message,
              HasSubstr("`merchant_pays` is weakened: the fee payer must be `merchant`"));
  // The store's new solution with the merchant paying keeps the protection.
  auto kept = store(R"(vocabulary:
  solutions: [swap]
decisions:
  main:
    rules:
      - {id: broken_exchange, when: {reason: broken}, then: {solution: swap, fee_payer: merchant, clocks: [first_response]}}
)");
  EXPECT_TRUE(a410(*kept).empty());
}

TEST_F(protected_test, clock_durations_are_compared_whatever_their_kind) {
  auto with_clock = [&](const std::string& within) {
    return a410(*store("clocks:\n  first_response: {within: " + within + "}\n"));
  };
  EXPECT_TRUE(with_clock("{business_hours: 2}").empty());  // the same, on the same calendar
  EXPECT_TRUE(with_clock("{business_minutes: 90}").empty());
  EXPECT_TRUE(with_clock("{hours: 1}").empty());  // wall time is never longer than business time
  EXPECT_TRUE(with_clock("{minutes: 120}").empty());
  const auto longer = with_clock("{business_hours: 3}");
  ASSERT_EQ(longer.size(), 1u);  // one finding for the clock, not one per rule that starts it
  EXPECT_EQ(
      longer[0].diagnostic.message,
      "protected outcome `respond` is weakened: clock `first_response` runs 3 business hours on calendar "
      "`office`, which is not always within 2 business hours on calendar `office` (the base's): for a "
      "start at 2026-01-01 00:00 +00:00 the base's deadline is 2026-01-05 11:00 +00:00, the store's "
      "2026-01-05 12:00 +00:00");
  EXPECT_EQ(longer[0].diagnostic.help, "shorten clock `first_response` to at most 2 business hours");
  EXPECT_EQ(longer[0].diagnostic.where.line, 5u);  // the store's clock
  EXPECT_EQ(with_clock("{hours: 3}").size(), 1u);
  EXPECT_EQ(with_clock("{business_days: 1}").size(), 1u);  // a business day is not 2 business hours
  EXPECT_EQ(with_clock("{days: 1}").size(), 1u);
}

TEST_F(protected_test, a_redefined_calendar_with_fewer_hours_is_found_at_the_calendar) {
  // Same clock, but the store's office opens one hour a day: 2 business hours now last days.
  auto p = store(R"(calendars:
  office: {time_zone: UTC, hours: {mon: ["09:00-10:00"]}}
)");
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(
      fs[0].diagnostic.message,
      HasSubstr("clock `first_response` runs 2 business hours on calendar `office`, which is not always "
                "within 2 business hours on calendar `office` (the base's): for a start at 2026-01-01 "
                "00:00 +00:00 the base's deadline is 2026-01-05 11:00 +00:00, the store's 2026-01-12 "
                "10:00 +00:00"));
  EXPECT_EQ(fs[0].diagnostic.where.line, 5u);  // the store wrote the calendar, not the clock
  EXPECT_THAT(fs[0].diagnostic.help, HasSubstr("keep the base's definition of `office`"));
}

TEST_F(protected_test, a_store_calendar_with_more_working_time_meets_a_within_floor) {
  // Every day 08:00-20:00 contains the base's Mon-Wed 09:00-18:00: never due later.
  auto more = store(R"(calendars:
  long_days:
    time_zone: UTC
    hours: {mon: ["08:00-20:00"], tue: ["08:00-20:00"], wed: ["08:00-20:00"], thu: ["08:00-20:00"],
            fri: ["08:00-20:00"], sat: ["08:00-20:00"], sun: ["08:00-20:00"]}
clocks:
  first_response: {within: {business_hours: 2}, calendar: long_days}
)");
  EXPECT_TRUE(a410(*more).empty());
  // A lunch break the base does not have makes it later for a start at 11:00 (the base's
  // deadline 13:00, the store's 14:00): found, with that start.
  auto lunch = store(R"(calendars:
  lunch:
    time_zone: UTC
    hours: {mon: ["09:00-12:00", "13:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"]}
clocks:
  first_response: {within: {business_hours: 2}, calendar: lunch}
)");
  const auto fs = a410(*lunch);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(
      fs[0].diagnostic.message,
      HasSubstr("for a start at 2026-01-05 11:00 +00:00 the base's deadline is 2026-01-05 13:00 +00:00, the "
                "store's 2026-01-05 14:00 +00:00"));
  EXPECT_EQ(fs[0].diagnostic.where.line, 9u);  // the store's clock
  // Fewer hours but a shorter clock can still be within: 1 business hour of 10:00-18:00 on
  // Mon-Wed is never later than 2 of the base's 09:00-18:00 (a start at 17:30 ends 10:30 the
  // next day where the base's ends 10:30 too).
  auto shorter = store(R"(calendars:
  late_open:
    time_zone: UTC
    hours: {mon: ["10:00-18:00"], tue: ["10:00-18:00"], wed: ["10:00-18:00"]}
clocks:
  first_response: {within: {business_hours: 1}, calendar: late_open}
)");
  EXPECT_TRUE(a410(*shorter).empty());
}

TEST_F(protected_test, a_rule_that_does_not_start_the_clock_is_found) {
  auto p = store(R"(decisions:
  main:
    rules:
      - {id: fallback, when: {}, then: {solution: decline}}
)");
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(fs[0].diagnostic.message,
              HasSubstr("clock `first_response` must start (within 2 business hours)"));
  EXPECT_THAT(fs[0].diagnostic.message,
              HasSubstr("the base's rule `fallback` gives `decline`, fee payer `none`, clocks "
                        "`first_response` 2 business hours"));
}

TEST_F(protected_test, a_policy_without_a_base_is_checked_against_its_own_protections) {
  std::string text = base_text;
  text.replace(text.find("then: {solution: refund, fee_payer: customer"),
               std::string("then: {solution: refund").size(), "then: {solution: review");
  auto p = load_policy_file(write("own.yaml", text));
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(fs[0].diagnostic.message, HasSubstr("protected outcome `seven_days` is not met"));
  EXPECT_THAT(fs[0].diagnostic.message, HasSubstr("rule `return_window` gives `review`"));
}

TEST_F(protected_test, a_collect_table_is_checked_rule_by_rule) {
  write("collect.yaml", R"(format: 1
policy: {id: c, version: "1", entry: main}
vocabulary: {solutions: [refund, decline], parties: [customer, merchant]}
facts:
  days: {type: int, required: true}
decisions:
  main:
    hit_policy: collect
    rules:
      - {id: always, when: {}, then: {solution: refund, fee_payer: merchant}}
      - {id: late, when: {days: {gt: 3}}, then: {solution: decline, fee_payer: customer}}
protected:
  merchant_pays: {fee_payer: merchant}
)");
  auto p = load_policy_file((dir_ / "collect.yaml").string());
  const auto fs = a410(*p);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_THAT(fs[0].diagnostic.message, HasSubstr("rule `late` gives `decline`"));
  EXPECT_GT(std::stoi(value_of(fs[0], "days")), 3);
}

TEST_F(protected_test, protected_declarations_are_checked_when_loaded) {
  std::string text = base_text;
  text +=
      "  broken:\n    when: {colour: red}\n    solution: [refund, nope]\n    clocks: {late: {within: {hours: "
      "1}}}\n";
  text += "  empty: {description: asks nothing}\n";
  try {
    load_policy_file(write("bad.yaml", text));
    FAIL() << "the protected section should be refused";
  } catch (const policy_error& e) {
    std::vector<std::string> got;
    for (const diagnostic& d : e.diagnostics())
      got.push_back(code_text(d.code) + "@" + std::to_string(d.where.line));
    EXPECT_THAT(got, ::testing::ElementsAre("E200@34", "E200@35", "E200@36", "E106@37"));
  }
}

TEST(protected_shipped, the_default_policy_meets_its_protections) {
  auto p = load_policy_file(source_dir + "/policies/default.yaml");
  std::vector<std::string> ids;
  for (const protected_outcome& o : p->protected_outcomes) ids.push_back(o.id);
  EXPECT_THAT(ids, ::testing::ElementsAre("seven_day_return", "merchant_fault_shipping", "first_response"));
  analysis_options o;
  o.check_tables = false;
  o.check_flows = false;
  // Nothing but the A420 warning that `cn_store` knows the holidays of 2025 and 2026 only.
  const analysis_report r = analyze(*p, o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].diagnostic.code, error_code::calendar_runs_out);
}

TEST(protected_shipped, the_apparel_store_passes_lint_and_its_weakened_variant_does_not) {
  load_options baseline;  // the stores extend policies/default.yaml, outside their folder
  baseline.policy_paths = {source_dir + "/policies"};
  auto apparel = load_policy_file(source_dir + "/examples/stores/apparel.yaml", {}, baseline);
  EXPECT_FALSE(analyze(*apparel).has_errors());

  auto weak = load_policy_file(source_dir + "/examples/stores/apparel_weakened.yaml", {}, baseline);
  const analysis_report r = analyze(*weak);
  std::vector<const finding*> errors;
  for (const finding& f : r.findings) {
    if (f.diagnostic.severity == severity::error) errors.push_back(&f);
  }
  ASSERT_EQ(errors.size(), 1u);
  const finding& f = *errors[0];
  EXPECT_EQ(f.diagnostic.code, error_code::protected_weakened);
  EXPECT_THAT(f.diagnostic.message, HasSubstr("`seven_day_return` is weakened"));
  EXPECT_THAT(f.diagnostic.message,
              HasSubstr("the base's rule `seven_day_return_delivered` gives `return_then_refund`"));
  EXPECT_THAT(f.diagnostic.message,
              HasSubstr("the store's rule `three_day_window` gives `decline_politely`"));
  // The witness, decided for real at the analysis instant, by both policies.
  request req;
  for (const witness_fact& w : f.witness) {
    const auto id = weak->find_fact(w.fact);
    if (w.absent || !id || weak->facts[*id].derive != derivation::none) continue;
    const fact_type t = weak->facts[*id].type;
    if (t == fact_type::money) {
      req.set(w.fact, static_cast<std::int64_t>(std::stod(w.value) * 100));
    } else if (t == fact_type::boolean) {
      req.set(w.fact, w.value == "true");
    } else {
      req.set(w.fact, w.value);
    }
  }
  const sys_seconds at = analysis_options{}.at;
  EXPECT_EQ(decide(weak, req, at).rule_id(), "three_day_window");
  EXPECT_EQ(decide(weak->base, req, at).rule_id(), "seven_day_return_delivered");
}

}  // namespace
