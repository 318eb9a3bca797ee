// SPDX-License-Identifier: Apache-2.0
// The what-if comparison: a small case worked out by hand, random rows against an independent
// count from decide() one request at a time, merge of parts == the whole, the exact JSON round
// trip and its refusals, the text, and every error.
#include <gtest/gtest.h>

#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/whatif.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace aftersale;

// The old policy: three rules. `note` is a fact only it declares.
constexpr const char* old_yaml = R"(format: 1
policy: {id: old_policy, version: "1", entry: returns, calendar: utc}
vocabulary:
  solutions: [refund, inspect, reject]
  parties: [customer, merchant]
facts:
  status: {type: enum, values: [paid, shipped, delivered], required: true}
  amount: {type: money, required: true}
  opened: {type: bool, default: false}
  note: {type: string}
calendars:
  utc: {time_zone: UTC, hours: {mon: ["09:00-17:00"]}}
clocks:
  reply: {within: {hours: 2}}
  refund_by: {within: {hours: 48}}
decisions:
  returns:
    rules:
      - id: unshipped
        when: {status: paid}
        then: {solution: refund, clocks: [reply, refund_by], amounts: {refund: {of: amount}}}
      - id: opened
        when: {status: delivered, opened: true}
        then: {solution: inspect, fee_payer: customer, clocks: [reply], amounts: {refund: {of: amount, ratio: 1/2}}}
      - id: delivered
        when: {status: delivered}
        then: {solution: refund, fee_payer: merchant, clocks: [refund_by], amounts: {refund: {of: amount}}}
)";

// The new policy: the same ids in another order and numbering (rules, solutions, parties,
// enum values, clocks); `reply` is 1 h; opened goods are rejected and start `inspect_by`;
// big unshipped orders go to a new rule. `channel` is a fact only it declares.
constexpr const char* new_yaml = R"(format: 1
policy: {id: new_policy, version: "2", entry: returns, calendar: utc}
vocabulary:
  solutions: [reject, inspect, refund]
  parties: [merchant, carrier, customer]
facts:
  status: {type: enum, values: [delivered, shipped, paid], required: true}
  amount: {type: money, required: true}
  opened: {type: bool, default: false}
  channel: {type: enum, values: [app, web]}
calendars:
  utc: {time_zone: UTC, hours: {mon: ["09:00-17:00"]}}
clocks:
  inspect_by: {within: {hours: 72}}
  refund_by: {within: {hours: 48}}
  reply: {within: {hours: 1}}
decisions:
  returns:
    rules:
      - id: opened
        when: {status: delivered, opened: true}
        then: {solution: reject, fee_payer: customer, clocks: [inspect_by]}
      - id: delivered
        when: {status: delivered}
        then: {solution: refund, fee_payer: merchant, clocks: [refund_by], amounts: {refund: {of: amount}}}
      - id: big_unshipped
        when: {status: paid, amount: {ge: 100000}}
        then: {solution: refund, fee_payer: carrier, clocks: [reply, refund_by], amounts: {refund: {of: amount}}}
      - id: unshipped
        when: {status: paid}
        then: {solution: refund, clocks: [reply, refund_by], amounts: {refund: {of: amount}}}
)";

const sys_seconds now{std::chrono::seconds{1795000000}};

std::shared_ptr<const policy> old_policy() { return load_policy_string(old_yaml, "old.yaml"); }
std::shared_ptr<const policy> new_policy() { return load_policy_string(new_yaml, "new.yaml"); }

// Rows of text cells, as a CSV file gives them ("" = missing).
struct text_rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;

  request_rows view() const {
    request_rows out;
    out.columns = columns;
    out.rows = rows.size();
    for (const auto& r : rows)
      for (const std::string& cell : r) {
        request_cell c;
        if (!cell.empty()) {
          c.what = request_cell::kind::text;
          c.text = cell;
        }
        out.cells.push_back(c);
      }
    return out;
  }
};

const text_rows small{
    {"status", "amount", "opened"},
    {
        {"paid", "1000", ""},            // 0: unshipped → unshipped, reply 1 h earlier
        {"delivered", "2000", "true"},   // 1: opened → opened: reject, no refund, other clock
        {"delivered", "3000", "false"},  // 2: delivered → delivered: nothing changes
        {"shipped", "500", ""},          // 3: no match on both sides
        {"paid", "200000", ""},          // 4: unshipped → big_unshipped, carrier pays
        {"paid", "700", ""},             // 5: as row 0
    }};

whatif_report small_report(std::size_t samples = 3) {
  return compare_policies(old_policy(), new_policy(), small.view(), now, 0, {}, whatif_options{samples});
}

TEST(Whatif, SmallCaseByHand) {
  const whatif_report r = small_report();
  EXPECT_EQ(r.before.policy_id, "old_policy");
  EXPECT_EQ(r.after.policy_version, "2");
  EXPECT_EQ(r.before.table, "returns");
  EXPECT_EQ(r.total, 6u);
  EXPECT_EQ(r.changed, 4u);  // rows 0, 1, 4, 5
  EXPECT_EQ(r.changes.status, 0u);
  EXPECT_EQ(r.changes.rule, 1u);       // row 4
  EXPECT_EQ(r.changes.solution, 1u);   // row 1
  EXPECT_EQ(r.changes.fee_payer, 1u);  // row 4: none → carrier
  EXPECT_EQ(r.changes.amounts, 2u);    // row 1 (refund gone), row 4 (payer of the refund)
  EXPECT_EQ(r.changes.deadlines, 4u);  // 0, 5 (reply), 1 (reply → inspect_by), 4 (reply)

  ASSERT_EQ(r.rules.size(), 5u);
  // changed desc, rows desc, then ids
  EXPECT_EQ(r.rules[0].before_rule, "unshipped");
  EXPECT_EQ(r.rules[0].after_rule, "unshipped");
  EXPECT_EQ(r.rules[0].rows, 2u);
  EXPECT_EQ(r.rules[0].changed, 2u);
  EXPECT_EQ(r.rules[0].samples, (std::vector<std::uint64_t>{0, 5}));
  EXPECT_EQ(r.rules[1].before_rule, "opened");
  EXPECT_EQ(r.rules[1].samples, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(r.rules[2].before_rule, "unshipped");
  EXPECT_EQ(r.rules[2].after_rule, "big_unshipped");
  EXPECT_EQ(r.rules[3].before_rule, "delivered");
  EXPECT_EQ(r.rules[3].changed, 0u);
  EXPECT_TRUE(r.rules[3].samples.empty());
  EXPECT_EQ(r.rules[4].before_status, decision_status::no_match);
  EXPECT_EQ(r.rules[4].before_rule, "");
  EXPECT_EQ(r.rules[4].after_status, decision_status::no_match);

  ASSERT_EQ(r.solutions.size(), 3u);
  EXPECT_EQ(
      std::tie(r.solutions[0].before, r.solutions[0].after, r.solutions[0].rows, r.solutions[0].changed),
      std::make_tuple(std::string("refund"), std::string("refund"), std::uint64_t{4}, std::uint64_t{3}));
  EXPECT_EQ(r.solutions[0].samples, (std::vector<std::uint64_t>{0, 4, 5}));
  EXPECT_EQ(r.solutions[1].before, "inspect");
  EXPECT_EQ(r.solutions[1].after, "reject");
  EXPECT_EQ(r.solutions[2].before, "");  // no match on both sides: no solution, nothing changed
  EXPECT_EQ(r.solutions[2].rows, 1u);

  // refund: no payer 1000+200000+700 → 1000+700; customer 1000 → 0; merchant 3000 both; carrier 0 → 200000
  ASSERT_EQ(r.money.size(), 4u);
  EXPECT_EQ(r.money[0].payer, "");
  EXPECT_EQ(r.money[0].before_total, 201700);
  EXPECT_EQ(r.money[0].after_total, 1700);
  EXPECT_EQ(r.money[0].delta(), -200000);
  EXPECT_EQ(r.money[0].before_rows, 3u);
  EXPECT_EQ(r.money[0].after_rows, 2u);
  EXPECT_EQ(r.money[0].changed_rows, 1u);
  EXPECT_EQ(r.money[1].payer, "carrier");
  EXPECT_EQ(r.money[1].after_total, 200000);
  EXPECT_EQ(r.money[2].payer, "customer");
  EXPECT_EQ(r.money[2].before_total, 1000);
  EXPECT_EQ(r.money[2].after_total, 0);
  EXPECT_EQ(r.money[2].changed_rows, 1u);
  EXPECT_EQ(r.money[3].payer, "merchant");
  EXPECT_EQ(r.money[3].delta(), 0);
  EXPECT_EQ(r.money[3].changed_rows, 0u);

  ASSERT_EQ(r.deadlines.size(), 3u);
  EXPECT_EQ(r.deadlines[0].clock, "inspect_by");
  EXPECT_EQ(r.deadlines[0].only_after, 1u);
  EXPECT_EQ(r.deadlines[1].clock, "refund_by");
  EXPECT_EQ(r.deadlines[1].same, 4u);  // rows 0, 2, 4, 5
  EXPECT_EQ(r.deadlines[2].clock, "reply");
  EXPECT_EQ(r.deadlines[2].earlier, 3u);      // rows 0, 4, 5: 1 h earlier
  EXPECT_EQ(r.deadlines[2].only_before, 1u);  // row 1
  EXPECT_EQ(r.deadlines[2].total_shift, -3 * 3600);
  EXPECT_EQ(r.deadlines[2].min_shift, -3600);
  EXPECT_EQ(r.deadlines[2].max_shift, 0);
  EXPECT_EQ(r.deadlines[2].earlier_by[1], 3u);  // 1-4 h

  EXPECT_TRUE(r.facts_only_before.empty());
  EXPECT_TRUE(r.facts_only_after.empty());
}

TEST(Whatif, SamplesAreTheLowestChangedRows) {
  EXPECT_EQ(small_report(1).rules[0].samples, (std::vector<std::uint64_t>{0}));
  EXPECT_TRUE(small_report(0).rules[0].samples.empty());
  const whatif_report shifted =
      compare_policies(old_policy(), new_policy(), small.view(), now, 1000, {}, whatif_options{2});
  EXPECT_EQ(shifted.rules[0].samples, (std::vector<std::uint64_t>{1000, 1005}));
}

TEST(Whatif, ShiftBuckets) {
  EXPECT_EQ(whatif_shift_bucket(0), 0u);
  EXPECT_EQ(whatif_shift_bucket(3599), 0u);
  EXPECT_EQ(whatif_shift_bucket(-3600), 1u);
  EXPECT_EQ(whatif_shift_bucket(4 * 3600), 2u);
  EXPECT_EQ(whatif_shift_bucket(24 * 3600 - 1), 2u);
  EXPECT_EQ(whatif_shift_bucket(72 * 3600 - 1), 3u);
  EXPECT_EQ(whatif_shift_bucket(72 * 3600), 4u);
  EXPECT_EQ(whatif_shift_bucket(std::numeric_limits<std::int64_t>::min()), 4u);
}

// ---- random rows against decide() one request at a time ----

text_rows random_rows(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  const char* statuses[] = {"paid", "shipped", "delivered"};
  const char* opened[] = {"", "true", "false"};
  const char* amounts[] = {"0", "1000", "99999", "100000", "250000", "12345"};
  text_rows out{{"status", "amount", "opened", "note", "channel"}, {}};
  for (std::size_t i = 0; i < n; ++i)
    out.rows.push_back({statuses[rng() % 3], amounts[rng() % 6], opened[rng() % 3], rng() % 2 ? "gift" : "",
                        rng() % 2 ? "web" : ""});
  return out;
}

request to_request(const text_rows& t, std::size_t row, const policy& p) {
  request r;
  for (std::size_t k = 0; k < t.columns.size(); ++k) {
    const std::string& cell = t.rows[row][k];
    const auto f = p.find_fact(t.columns[k]);
    if (cell.empty() || !f) continue;
    switch (p.facts[*f].type) {
      case fact_type::money:
        r.set(t.columns[k], std::int64_t{std::stoll(cell)});
        break;
      case fact_type::boolean:
        r.set(t.columns[k], cell == "true");
        break;
      default:
        r.set(t.columns[k], cell.c_str());
    }
  }
  return r;
}

TEST(Whatif, RandomRowsAgreeWithDecideOneByOne) {
  const auto before = old_policy();
  const auto after = new_policy();
  const text_rows rows = random_rows(400, 7);
  const whatif_report r = compare_policies(before, after, rows.view(), now, 0, {}, whatif_options{2});

  std::uint64_t changed = 0;
  std::map<std::pair<std::string, std::string>, std::pair<std::uint64_t, std::uint64_t>>
      by_rule;  // rows, changed
  std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int64_t>> money;  // old, new
  std::map<std::string, std::uint64_t> earlier, later, same, only_old, only_new;
  const auto rule_key = [](const decision& d) {
    return d.matched() ? std::string(d.rule_id()) : "(" + std::string(to_string(d.status())) + ")";
  };
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    const decision o = decide(before, to_request(rows, i, *before), now);
    const decision n = decide(after, to_request(rows, i, *after), now);
    std::map<std::string, std::int64_t> od, nd;
    if (o.matched())
      for (const deadline& d : o.deadlines())
        od[std::string(o.clock_id(d))] = d.due.time_since_epoch().count();
    if (n.matched())
      for (const deadline& d : n.deadlines())
        nd[std::string(n.clock_id(d))] = d.due.time_since_epoch().count();
    std::map<std::pair<std::string, std::string>, std::int64_t> om, nm;
    if (o.matched())
      for (const auto& [name, v] : o.amounts()) om[{std::string(name), std::string(o.fee_payer())}] = v;
    if (n.matched())
      for (const auto& [name, v] : n.amounts()) nm[{std::string(name), std::string(n.fee_payer())}] = v;
    const bool row_changed = rule_key(o) != rule_key(n) ||
                             (o.matched() ? o.solution() : "") != (n.matched() ? n.solution() : "") ||
                             (o.matched() ? o.fee_payer() : "") != (n.matched() ? n.fee_payer() : "") ||
                             od != nd || om != nm;
    changed += row_changed;
    auto& g = by_rule[{rule_key(o), rule_key(n)}];
    ++g.first;
    g.second += row_changed;
    for (const auto& [k, v] : om) money[k].first += v;
    for (const auto& [k, v] : nm) money[k].second += v;
    for (const auto& [clock, due] : od) {
      if (!nd.count(clock))
        ++only_old[clock];
      else if (nd[clock] < due)
        ++earlier[clock];
      else if (nd[clock] > due)
        ++later[clock];
      else
        ++same[clock];
    }
    for (const auto& [clock, due] : nd)
      if (!od.count(clock)) ++only_new[clock];
  }
  EXPECT_EQ(r.total, rows.rows.size());
  EXPECT_EQ(r.changed, changed);
  EXPECT_GT(changed, 0u);
  ASSERT_EQ(r.rules.size(), by_rule.size());
  for (const whatif_rule_group& g : r.rules) {
    const auto key = std::make_pair(
        g.before_status == decision_status::matched ? g.before_rule
                                                    : "(" + std::string(to_string(g.before_status)) + ")",
        g.after_status == decision_status::matched ? g.after_rule
                                                   : "(" + std::string(to_string(g.after_status)) + ")");
    ASSERT_TRUE(by_rule.count(key)) << key.first << " -> " << key.second;
    EXPECT_EQ(g.rows, by_rule[key].first);
    EXPECT_EQ(g.changed, by_rule[key].second);
  }
  ASSERT_EQ(r.money.size(), money.size());
  for (const whatif_money& m : r.money) {
    EXPECT_EQ(m.before_total, (money[{m.amount, m.payer}].first));
    EXPECT_EQ(m.after_total, (money[{m.amount, m.payer}].second));
  }
  for (const whatif_deadline& d : r.deadlines) {
    EXPECT_EQ(d.earlier, earlier[d.clock]) << d.clock;
    EXPECT_EQ(d.later, later[d.clock]) << d.clock;
    EXPECT_EQ(d.same, same[d.clock]) << d.clock;
    EXPECT_EQ(d.only_before, only_old[d.clock]) << d.clock;
    EXPECT_EQ(d.only_after, only_new[d.clock]) << d.clock;
  }
  EXPECT_EQ(r.facts_only_before, std::vector<std::string>{"note"});
  EXPECT_EQ(r.facts_only_after, std::vector<std::string>{"channel"});
}

TEST(Whatif, MergeOfPartsIsTheWhole) {
  const auto before = old_policy();
  const auto after = new_policy();
  const text_rows rows = random_rows(300, 11);
  const whatif_report whole = compare_policies(before, after, rows.view(), now, 0, {}, whatif_options{3});
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{150}, std::size_t{299}}) {
    text_rows first{rows.columns, {rows.rows.begin(), rows.rows.begin() + static_cast<std::ptrdiff_t>(cut)}};
    text_rows second{rows.columns, {rows.rows.begin() + static_cast<std::ptrdiff_t>(cut), rows.rows.end()}};
    const whatif_report a = compare_policies(before, after, first.view(), now, 0, {}, whatif_options{3});
    const whatif_report b = compare_policies(before, after, second.view(), now, cut, {}, whatif_options{3});
    whatif_report ab = a;
    ab.merge(b);
    whatif_report ba = b;
    ba.merge(a);
    EXPECT_EQ(to_json(ab), to_json(whole)) << "cut at " << cut;
    EXPECT_EQ(to_json(ba), to_json(whole)) << "cut at " << cut;
  }
}

TEST(Whatif, MergeRefusesOtherPoliciesAndChangesNothing) {
  whatif_report a = small_report();
  const std::string before = to_json(a);
  const whatif_report reversed = compare_policies(new_policy(), old_policy(), small.view(), now);
  try {
    a.merge(reversed);
    FAIL() << "merged";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::foreign_report);
    EXPECT_STREQ(
        e.what(),
        "error[E508]: cannot merge a report of policy `new_policy` table `returns` → policy `old_policy` "
        "table `returns` into one of policy `old_policy` table `returns` → policy `new_policy` table "
        "`returns`: they compare other policies or tables");
  }
  EXPECT_EQ(to_json(a), before);
}

TEST(Whatif, MoneyOverflowIsRefused) {
  whatif_report a = small_report();
  whatif_report b = a;
  b.money[1].after_total = std::numeric_limits<std::int64_t>::max();
  const std::string before = to_json(a);
  try {
    a.merge(b);
    FAIL() << "merged";
  } catch (const whatif_error& e) {
    EXPECT_EQ(e.code(), error_code::money_total_overflow);
    EXPECT_STREQ(e.what(),
                 "error[E313]: the total of amount `refund` paid by `carrier` overflows 64-bit minor units");
  }
  EXPECT_EQ(to_json(a), before);
}

// ---- JSON ----

TEST(Whatif, JsonRoundTripIsExact) {
  const whatif_report r = compare_policies(old_policy(), new_policy(), random_rows(200, 3).view(), now);
  const std::string json = to_json(r);
  EXPECT_EQ(to_json(whatif_from_json(json)), json);
  EXPECT_EQ(to_text(whatif_from_json(json)), to_text(r));
  const whatif_report empty =
      compare_policies(old_policy(), new_policy(), text_rows{{"status"}, {}}.view(), now);
  EXPECT_EQ(to_json(whatif_from_json(to_json(empty))), to_json(empty));
}

std::string refusal(const std::string& json) {
  try {
    whatif_from_json(json);
  } catch (const whatif_error& e) {
    EXPECT_EQ(e.code(), error_code::bad_whatif_report);
    return e.what();
  }
  return "accepted";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Whatif, JsonRefusals) {
  const std::string good = to_json(small_report());
  EXPECT_EQ(refusal("{"),
            "error[E312]: what-if report: not valid JSON at byte 1: unexpected end of text, expected a key");
  EXPECT_EQ(refusal("[]"), "error[E312]: what-if report at `/`: expected an object");
  EXPECT_EQ(refusal(replaced(good, "aftersale-whatif/1", "aftersale-whatif/9")),
            "error[E312]: what-if report at `/format`: `aftersale-whatif/9` is not a what-if report format: "
            "expected "
            "`aftersale-whatif/1`");
  EXPECT_EQ(refusal(replaced(good, "\"total\"", "\"totl\"")),
            "error[E312]: what-if report at `/totl`: unknown key `totl`");
  EXPECT_EQ(refusal(replaced(good, "\"total\": 6,", "")),
            "error[E312]: what-if report at `/`: missing key `total`");
  EXPECT_EQ(refusal(replaced(good, "\"total\": 6", "\"total\": 7")),
            "error[E312]: what-if report at `/rules`: the groups' rows do not add up to the total");
  EXPECT_EQ(refusal(replaced(good, "\"total\": 6", "\"total\": -6")),
            "error[E312]: what-if report at `/total`: expected a non-negative integer");
  EXPECT_EQ(
      refusal(replaced(good, "\"before_status\": \"matched\"", "\"before_status\": \"maybe\"")),
      "error[E312]: what-if report at `/rules/0/before_status`: `maybe` is not a status: expected `matched`, "
      "`no_match` or `conflict`");
  EXPECT_EQ(refusal(replaced(good, "\"delta\": -200000", "\"delta\": 5")),
            "error[E312]: what-if report at `/money/0/delta`: not the difference of the totals");
  EXPECT_EQ(refusal(replaced(good, "\"hash\": \"", "\"hash\": \"x")),
            "error[E312]: what-if report at `/before/hash`: expected 16 lowercase hex digits");
  EXPECT_EQ(
      refusal(replaced(good, "\"samples\": 3", "\"samples\": 1")),
      "error[E312]: what-if report at `/rules/0/samples`: more samples than the report keeps or the group's "
      "changed rows");
  {
    const std::size_t at = good.find("    {\n      \"before\": \"refund\"");
    const std::size_t end = good.find("    },\n", at) + 7;
    std::string twice = good;
    twice.insert(end, good.substr(at, end - at));
    twice = replaced(twice, "\"total\": 6", "\"total\": 10");
    twice = replaced(
        twice, "\"rows\": 1,\n      \"changed\": 0,\n      \"samples\": []\n    }\n  ],\n  \"solutions\"",
        "\"rows\": 5,\n      \"changed\": 0,\n      \"samples\": []\n    }\n  ],\n  \"solutions\"");
    EXPECT_EQ(refusal(twice), "error[E312]: what-if report at `/solutions/1`: a group given twice");
  }
  EXPECT_EQ(refusal(replaced(good, "\"facts_only_after\": []", "\"facts_only_after\": [\"b\", \"a\"]")),
            "error[E312]: what-if report at `/`: the lists are not in the report's order (docs/whatif.md)");
}

TEST(Whatif, ErrorFixtures) {  // tests/errors/whatif/*.json with the exact message beside each
  const std::filesystem::path dir =
      std::filesystem::path(AFTERSALE_SOURCE_DIR) / "tests" / "errors" / "whatif";
  std::size_t seen = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    const auto read = [](const std::filesystem::path& p) {
      std::ifstream in(p, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    };
    std::string expect = read(std::filesystem::path(e.path()).replace_extension(".expect"));
    while (!expect.empty() && expect.back() == '\n') expect.pop_back();
    EXPECT_EQ(refusal(read(e.path())), expect) << e.path();
    ++seen;
  }
  EXPECT_GT(seen, 0u);
}

// ---- text ----

TEST(Whatif, Text) {
  const whatif_report r = small_report();
  const std::string text = to_text(r);
  EXPECT_EQ(text,
            "what-if: `old_policy` 1 (table `returns`) -> `new_policy` 2 (table `returns`)\n"
            "6 requests, 4 decisions change (66.7 %)\n"
            "  changed: status 0, rule 1, solution 1, fee payer 1, amounts 2, deadlines 4\n"
            "\n"
            "rules (old -> new): 3 groups with changes\n"
            "  unshipped -> unshipped: 2 changed of 2 rows (rows 0 5)\n"
            "  opened -> opened: 1 changed of 1 row (row 1)\n"
            "  unshipped -> big_unshipped: 1 changed of 1 row (row 4)\n"
            "\n"
            "solutions (old -> new): 2 groups with changes\n"
            "  refund -> refund: 3 changed of 4 rows (rows 0 4 5)\n"
            "  inspect -> reject: 1 changed of 1 row (row 1)\n"
            "\n"
            "money (minor units) by amount and payer:\n"
            "  amount  payer     old total  new total   change  old rows  new rows  rows differ\n"
            "  refund  (none)       201700       1700  -200000         3         2            1\n"
            "  refund  carrier           0     200000  +200000         0         1            1\n"
            "  refund  customer       1000          0    -1000         1         0            1\n"
            "  refund  merchant       3000       3000        0         1         1            0\n"
            "\n"
            "deadlines by clock:\n"
            "  clock       earlier  later  same  only old  only new  total shift  most earlier  most later\n"
            "  inspect_by        0      0     0         0         1           0s            0s          0s\n"
            "  refund_by         0      0     4         0         0           0s            0s          0s\n"
            "  reply             3      0     0         1         0          -3h           -1h          0s\n"
            "  reply shifts: earlier 1-4h 3\n");
  const std::string described = to_text(r, [](std::uint64_t row) { return "row " + std::to_string(row); });
  EXPECT_NE(described.find("  unshipped -> unshipped: 2 changed of 2 rows\n    row 0\n    row 5\n"),
            std::string::npos)
      << described;
}

// ---- errors ----

TEST(Whatif, CompareRefusesBatchesOfOtherLengths) {
  const auto p = old_policy();
  request_columns in(*p, 1);
  in.set_text(in.fact_id("status"), 0, "paid");
  in.set_int(in.fact_id("amount"), 0, 5);
  in.finish();
  request_columns two(*p, 2);
  for (std::size_t i = 0; i < 2; ++i) {
    two.set_text(two.fact_id("status"), i, "paid");
    two.set_int(two.fact_id("amount"), i, 5);
  }
  two.finish();
  try {
    compare_decisions(*p, decide_batch(p, in, now), *p, decide_batch(p, two, now));
    FAIL() << "compared";
  } catch (const usage_error& e) {
    EXPECT_EQ(e.code(), error_code::mismatched_batches);
    EXPECT_STREQ(
        e.what(),
        "error[E507]: the batches compared have 1 and 2 rows: compare decisions of the same requests");
  }
  const auto other = new_policy();
  try {  // a batch of the old policy compared as if it were the new one's: more rules than the table has
    batch_decisions d = decide_batch(p, in, now);
    d.rule_deadlines.pop_back();
    compare_decisions(*p, d, *p, decide_batch(p, in, now));
    FAIL() << "compared";
  } catch (const usage_error& e) {
    EXPECT_STREQ(e.what(),
                 "error[E507]: the old batch does not fit its policy: 2 rules' deadlines for table `returns` "
                 "of 3 rules");
  }
}

std::string row_refusal(const text_rows& rows, std::uint64_t first_row = 0) {
  try {
    compare_policies(old_policy(), new_policy(), rows.view(), now, first_row);
  } catch (const request_row_error& e) {
    return "row " + std::to_string(e.row()) + (e.after_side() ? " new: " : " old: ") + e.what();
  } catch (const request_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Whatif, RowErrorsNameTheRowAndTheSide) {
  EXPECT_EQ(
      row_refusal({{"status", "amount"}, {{"paid", "1"}, {"lost", "1"}}}, 10),
      "row 11 old: error[E302]: `lost` is not a declared value of fact `status`: expected one of `paid`, "
      "`shipped`, `delivered`");
  EXPECT_EQ(
      row_refusal({{"status", "amount"}, {{"paid", "1"}, {"paid", "12.5"}}}),
      "row 1 old: error[E301]: fact `amount` is money but was given `12.5`: expected an integer amount in "
      "minor units");
  EXPECT_EQ(row_refusal({{"status", "amount", "channel"}, {{"paid", "1", "fax"}}}),
            "row 0 new: error[E302]: `fax` is not a declared value of fact `channel`: expected one of `app`, "
            "`web`");
  EXPECT_EQ(row_refusal({{"status", "amount"}, {{"paid", "1"}, {"paid", ""}}}),
            "row 1 old: error[E303]: required fact `amount` is missing");
  EXPECT_EQ(row_refusal({{"status", "amount", "opened"}, {{"paid", "1", "yes"}}}),
            "row 0 old: error[E301]: fact `opened` is bool but was given `yes`: expected true or false");
  EXPECT_EQ(row_refusal({{"status", "amont"}, {{"paid", "1"}}}),
            "error[E300]: unknown fact `amont`: neither policy declares it\n  help: did you mean `amount`?");
  EXPECT_EQ(row_refusal({{"status", "status"}, {{"paid", "paid"}}}),
            "error[E311]: column `status` is given twice");
}

}  // namespace
