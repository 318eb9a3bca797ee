// SPDX-License-Identifier: Apache-2.0
// Malformed policies: the data-driven folder tests/errors/, exact messages for a few golden
// cases, and hostile documents the loader must refuse without crashing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/analysis.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/request.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace aftersale;
namespace fs = std::filesystem;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The diagnostics of a load that must fail (an empty list if it unexpectedly succeeds).
std::vector<diagnostic> errors_of(std::string_view text, const std::string& name = "t.yaml",
                                  const load_limits& limits = {}, const load_options& options = {}) {
  try {
    load_policy_string(text, name, limits, options);
  } catch (const policy_error& e) {
    return e.diagnostics();
  }
  return {};
}

// `file:line:col: error[E123]` of each diagnostic; the whole first line (`...: message`) where
// the expectation at that place (`want`) spells the message out.
std::vector<std::string> prefixes(const std::vector<diagnostic>& ds,
                                  const std::vector<std::string>& want = {}) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const std::string text = to_string(ds[i]);
    const bool whole = i < want.size() && want[i].find("]: ") != std::string::npos;
    out.push_back(whole ? text.substr(0, text.find('\n')) : text.substr(0, text.find(']') + 1));
  }
  return out;
}

// The diagnostics of `ds` with code `code`.
std::vector<diagnostic> only(const std::vector<diagnostic>& ds, error_code code) {
  std::vector<diagnostic> out;
  std::copy_if(ds.begin(), ds.end(), std::back_inserter(out),
               [&](const diagnostic& d) { return d.code == code; });
  return out;
}

std::vector<std::string> codes(const std::vector<diagnostic>& ds) {
  std::vector<std::string> out;
  for (const diagnostic& d : ds) out.push_back(code_text(d.code));
  return out;
}

// ---- tests/errors/: one malformed policy per code, expectations in leading comments ----

struct expectation {
  std::vector<std::string> lines;  // `file:line:col: error[CODE]` (`file: error[CODE]` without a place)
  load_limits limits;
  // `# sources:` lines: loaded from memory (`load_policy_sources`), the file's text first, then
  // these (paths below tests/errors, each named by its path), with `# content_hash:` expected.
  bool from_sources = false;
  std::vector<std::string> sources;
  std::uint64_t content_hash = 0;
};

expectation expectations_of(const std::string& text, const std::string& rel) {
  expectation out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line) && line.rfind('#', 0) == 0) {
    if (line.rfind("# expect: error[", 0) == 0)
      out.lines.push_back(rel + ": " + line.substr(10));
    else if (line.rfind("# expect: ", 0) == 0)
      out.lines.push_back(rel + ':' + line.substr(10));
    if (line.rfind("# sources:", 0) == 0) {
      out.from_sources = true;
      std::istringstream names(line.substr(10));
      for (std::string name; names >> name;) out.sources.push_back(name);
    }
    if (line.rfind("# content_hash: ", 0) == 0) out.content_hash = std::stoull(line.substr(16));
    if (line.rfind("# limits: max_nodes=", 0) == 0) out.limits.max_nodes = std::stoul(line.substr(20));
    if (line.rfind("# limits: max_depth=", 0) == 0) out.limits.max_depth = std::stoul(line.substr(20));
    if (line.rfind("# limits: max_extends_depth=", 0) == 0)
      out.limits.max_extends_depth = std::stoul(line.substr(28));
    if (line.rfind("# limits: max_rules=", 0) == 0) out.limits.max_rules = std::stoul(line.substr(20));
  }
  return out;
}

std::vector<fs::path> error_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir) / "tests" / "errors")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(errors_folder, EveryFileFailsWithExactlyItsExpectedDiagnostics) {
  const auto files = error_files();
  ASSERT_GE(files.size(), 17u);
  for (const fs::path& path : files) {
    const std::string rel = "tests/errors/" + path.filename().string();
    SCOPED_TRACE(rel);
    const std::string text = read_file(path);
    const expectation want = expectations_of(text, rel);
    ASSERT_FALSE(want.lines.empty()) << rel << " has no `# expect:` line";
    // Loaded as text named for its file: `tests/errors` is where its bases may be read from.
    load_options options;
    options.policy_paths = {"tests/errors"};
    if (!want.from_sources) {
      EXPECT_EQ(prefixes(errors_of(text, rel, want.limits, options), want.lines), want.lines);
      continue;
    }
    policy_sources sources{{{rel, rel, text}}, want.content_hash};
    for (const std::string& name : want.sources) {
      sources.texts.push_back({name, "tests/errors/" + name, read_file(path.parent_path() / name)});
    }
    std::vector<diagnostic> got;
    try {
      load_policy_sources(sources, want.limits);
    } catch (const policy_error& e) {
      got = e.diagnostics();
    }
    EXPECT_EQ(prefixes(got, want.lines), want.lines);
  }
}

TEST(errors_folder, EveryLoadErrorCodeHasAFile) {
  std::set<std::string> seen;
  for (const fs::path& path : error_files()) {
    const std::string rel = "tests/errors/" + path.filename().string();
    for (const std::string& l : expectations_of(read_file(path), rel).lines) {
      seen.insert(l.substr(l.find("error[") + 6, 4));
    }
  }
  // E109 (unreadable file) cannot be a file in the folder; it is tested below.
  for (const char* code :
       {"E100", "E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E200", "E201",
        "E202", "E203", "E204", "E205", "E206", "E207", "E208", "E209", "E210", "E211", "E212",
        "E213", "E214", "E215", "E216", "E217", "E218", "E219", "E225", "E226", "E227", "E228",
        "E229", "E230", "E231", "E235", "E236", "E237", "E238", "E239"}) {
    EXPECT_EQ(seen.count(code), 1u) << "no file in tests/errors expects " << code;
  }
}

// ---- golden messages: the full text, help included ----

TEST(golden, UnknownSolution) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund_immediately, reject]}
facts: {}
decisions: {main: {rules: [{id: r1, then: {solution: refund}}]}}
)",
                            "store.yaml");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "store.yaml:5:54: error[E200]: unknown solution `refund`\n"
            "  help: declared solutions: `refund_immediately`, `reject`");
}

TEST(golden, DuplicateKey) {
  const auto ds = errors_of(R"(format: 1
format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts: {}
decisions: {main: {rules: [{id: r1, then: {solution: refund}}]}}
)",
                            "dup.yaml");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "dup.yaml:2:1: error[E104]: duplicate key `format`\n"
            "  help: each key may appear once in a mapping: remove or rename one of them");
}

// One duplicate key does not hide the file's other problems: the first of the two keys is
// kept, the second (and its value) left out, and the walk goes on.
TEST(golden, DuplicateKeyDoesNotHideTheOtherErrors) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund, reject]}
facts:
  status: {type: enum, values: [open, closed]}
  status: {type: int, bogus: 1}
decisions:
  main:
    rules:
      - {id: r1, when: {staus: open}, then: {solution: refnd}}
)",
                            "dup.yaml");
  std::string all;
  for (const diagnostic& d : ds) all += to_string(d) + '\n';
  EXPECT_EQ(all,
            "dup.yaml:6:3: error[E104]: duplicate key `status`\n"
            "  help: each key may appear once in a mapping: remove or rename one of them\n"
            "dup.yaml:10:25: error[E200]: unknown fact `staus` in rule `r1`\n"
            "  help: did you mean `status`? declared facts: `status`\n"
            "dup.yaml:10:56: error[E200]: unknown solution `refnd`\n"
            "  help: did you mean `refund`? declared solutions: `refund`, `reject`\n");
}

TEST(golden, AliasDoesNotHideTheOtherErrors) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: &s [refund, reject]}
facts: {}
decisions: {main: {rules: [{id: r1, then: {solution: refnd}}]}}
)",
                            "alias.yaml");
  EXPECT_EQ(prefixes(ds),
            (std::vector<std::string>{"alias.yaml:3:25: error[E101]", "alias.yaml:5:54: error[E200]"}));
}

// Every unknown name the loader resolves suggests the nearest declared ones.
TEST(golden, UnknownNamesSuggestTheNearest) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main, calendar: stor}
vocabulary:
  solutions: [refund, return_refund]
  parties: [customer, merchant]
  roles: [agent, supervisor]
  evidence: [photos]
facts:
  amount: {type: money}
  delivered_at: {type: timestamp}
  days: {type: int, derived: {days_since: delivered_at, calendar: stor}}
calendars:
  store: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"]}}
  spare: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"], thur: ["09:00-18:00"]}}
clocks:
  reply: {within: {hours: 1}, calendar: store}
decisions:
  main:
    rules:
      - id: r1
        when: {amount: {let: 100}}
        then: {solution: refund, fee_payer: custmer, evidence: [photo], clocks: [rpely], flow: retrun}
  other: {rules: [{id: r2, then: {solution: refund}}]}
flows:
  return:
    start: submited
    states:
      submitted: {}
      done: {terminal: true}
    transitions:
      - {from: submitted, event: finish, to: doen, roles: [agnet]}
)",
                            "names.yaml");
  std::vector<std::string> lines;
  for (const diagnostic& d : ds) lines.push_back(to_string(d));
  EXPECT_THAT(lines,
              ::testing::ElementsAre(
                  "names.yaml:2:54: error[E200]: unknown calendar `stor` in `policy.calendar`\n"
                  "  help: did you mean `store`? declared calendars: `store`, `spare`",
                  "names.yaml:11:67: error[E200]: unknown calendar `stor`\n"
                  "  help: did you mean `store`? declared calendars: `store`, `spare`",
                  "names.yaml:14:67: error[E105]: unknown weekday `thur` in `hours` of calendar `spare`\n"
                  "  help: did you mean `thu`? weekdays: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`",
                  "names.yaml:21:25: error[E105]: unknown operator `let` in a condition on fact `amount`\n"
                  "  help: did you mean `lt` or `le`? operators: `eq`, `ne`, `in`, `not_in`, `lt`, `le`, "
                  "`gt`, `ge`, `between`, `exists`, `missing`",
                  "names.yaml:22:45: error[E200]: unknown party `custmer`\n"
                  "  help: did you mean `customer`? declared parties: `customer`, `merchant`",
                  "names.yaml:22:65: error[E200]: unknown evidence kind `photo`\n"
                  "  help: did you mean `photos`? declared evidence: `photos`",
                  "names.yaml:22:82: error[E200]: unknown clock `rpely` in rule `r1`\n"
                  "  help: did you mean `reply`? declared clocks: `reply`",
                  "names.yaml:22:96: error[E200]: unknown flow `retrun` in rule `r1`\n"
                  "  help: did you mean `return`? declared flows: `return`",
                  "names.yaml:26:12: error[E200]: unknown state `submited` in `start` of flow `return`\n"
                  "  help: did you mean `submitted`? states of flow `return`: `submitted`, `done`",
                  "names.yaml:31:46: error[E200]: unknown state `doen` in `to` of a transition of flow "
                  "`return`\n"
                  "  help: did you mean `done`? states of flow `return`: `submitted`, `done`",
                  "names.yaml:31:60: error[E200]: unknown role `agnet`\n"
                  "  help: did you mean `agent`? declared roles: `agent`, `supervisor`"));
}

TEST(golden, MissingKeyAtTheParentMapping) {
  const auto ds = errors_of(R"(format: 1
policy:
  id: p
  version: "1"
vocabulary: {solutions: [a]}
facts: {}
decisions: {main: {rules: [{id: r1, then: {solution: a}}]}}
)",
                            "m.yaml");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "m.yaml:3:3: error[E106]: missing key `entry` in `policy`\n"
            "  help: add `entry:` to this mapping");
}

TEST(golden, UnknownKeyListsTheAllowedOnes) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main, currancy: EUR}
vocabulary: {solutions: [a]}
facts: {}
decisions: {main: {rules: [{id: r1, then: {solution: a}}]}}
)",
                            "k.yaml");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "k.yaml:2:44: error[E105]: unknown key `currancy` in `policy`\n"
            "  help: did you mean `currency`? allowed keys: `id`, `version`, `name`, `currency`, `entry`, "
            "`calendar`, `locale`, `locales`");
}

// docs/policy-format.md: `calendar:` is for `days_since` (local dates); `hours_since` counts
// elapsed hours, and the refusal says where working hours are counted instead.
TEST(golden, HoursSinceTakesNoCalendar) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [a]}
facts:
  delivered_at: {type: timestamp}
  hours: {type: int, derived: {hours_since: delivered_at, calendar: cn}}
calendars: {cn: {time_zone: Asia/Shanghai, hours: {mon: ["09:00-18:00"]}}}
decisions: {main: {rules: [{id: r1, then: {solution: a}}]}}
)",
                            "h.yaml");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(
      to_string(ds[0]),
      "h.yaml:6:59: error[E105]: unknown key `calendar` in the derivation of fact `hours`: `hours_since` "
      "counts elapsed hours, on no calendar\n"
      "  help: count local calendar dates with `days_since` and `calendar:`, or working hours with a clock: "
      "`within: {business_hours: N}`");
}

TEST(golden, LongListsAreTruncated) {
  std::string solutions;
  for (int i = 0; i < 20; ++i) solutions += (i ? ", s" : "s") + std::to_string(i);
  const auto ds =
      errors_of("format: 1\npolicy: {id: p, version: \"1\", entry: main}\nvocabulary: {solutions: [" +
                solutions + "]}\nfacts: {}\ndecisions: {main: {rules: [{id: r1, then: {solution: x}}]}}\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].help,
            "declared solutions: `s0`, `s1`, `s2`, `s3`, `s4`, `s5`, `s6`, `s7`, `s8`, `s9`, `s10`, `s11` "
            "and 8 more");
}

TEST(golden, MessagesFollowTheHouseStyle) {
  for (const fs::path& path : error_files()) {
    for (const diagnostic& d : errors_of(read_file(path), path.filename().string(), {16u << 20, 64, 20})) {
      SCOPED_TRACE(to_string(d));
      ASSERT_FALSE(d.message.empty());
      EXPECT_FALSE(d.message[0] >= 'A' && d.message[0] <= 'Z');
      EXPECT_NE(d.message.back(), '.');
      EXPECT_FALSE(d.help.empty());
      EXPECT_GE(d.where.line, 1u);
      EXPECT_GE(d.where.column, 1u);
      EXPECT_EQ(d.message.find("std::"), std::string::npos);
      EXPECT_EQ(d.message.find('\n'), std::string::npos);
    }
  }
}

// ---- budgets (load_limits): E215 as soon as a count is known ----

// A policy with `rules` rules in each of two tables, an enum of `values` values, `flows` flows of
// `states` states each and `events` events in each flow.
std::string sized_policy(int rules, int values, int flows, int states, int events) {
  std::string t = "format: 1\npolicy: {id: p, version: \"1\", entry: a}\nvocabulary: {solutions: [ok]}\n";
  t += "facts:\n  e: {type: enum, values: [";
  for (int v = 0; v < values; ++v) t += (v ? ", v" : "v") + std::to_string(v);
  t += "]}\ndecisions:\n";
  for (const char* table : {"a", "b"}) {
    t += std::string("  ") + table + ":\n    rules:\n";
    for (int r = 0; r < rules; ++r)
      t += "      - {id: r" + std::to_string(r) + ", when: {e: v0}, then: {solution: ok}}\n";
  }
  if (flows > 0) {
    t += "flows:\n";
    for (int f = 0; f < flows; ++f) {
      t += "  f" + std::to_string(f) + ":\n    start: s0\n    states:\n";
      for (int st = 0; st < states; ++st) t += "      s" + std::to_string(st) + ": {}\n";
      t += "    transitions:\n";
      for (int ev = 0; ev < events; ++ev)
        t += "      - {from: s0, event: e" + std::to_string(ev) + ", to: s0}\n";
    }
  }
  return t;
}

TEST(budgets, EachBudgetIsRefusedWithE215AtTheCountedList) {
  const std::string text = sized_policy(3, 4, 2, 3, 2);
  ASSERT_NO_THROW(load_policy_string(text));
  load_limits exact;
  exact.max_rules = 6;
  exact.max_enum_values = 4;
  exact.max_flows = 2;
  exact.max_flow_states = 3;
  exact.max_flow_events = 2;
  EXPECT_NO_THROW(load_policy_string(text, "t.yaml", exact)) << "a count equal to its budget loads";

  load_limits rules = exact;
  rules.max_rules = 5;  // the second table's 3 rules bring the policy to 6
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", rules)), ::testing::ElementsAre("t.yaml:14:7: error[E215]"));
  rules.max_rules = 2;  // the first table is over: reported once, the second is not read
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", rules)), ::testing::ElementsAre("t.yaml:9:7: error[E215]"));
  const auto message = errors_of(text, "t.yaml", rules);
  ASSERT_EQ(message.size(), 1u);
  EXPECT_EQ(to_string(message[0]),
            "t.yaml:9:7: error[E215]: 3 rules (in the tables up to table `a`) are more than the budget of 2\n"
            "  help: split the policy, or raise `load_limits.max_rules` for a generated policy you trust");

  load_limits values = exact;
  values.max_enum_values = 3;
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", values)),
              ::testing::ElementsAre("t.yaml:5:27: error[E215]"));
  const std::string vocabulary =
      "format: 1\npolicy: {id: p, version: \"1\", entry: a}\n"
      "vocabulary: {solutions: [ok, no, maybe, later]}\nfacts: {}\n"
      "decisions: {a: {rules: [{id: r, then: {solution: ok}}]}}\n";
  EXPECT_THAT(prefixes(errors_of(vocabulary, "t.yaml", values)),
              ::testing::ElementsAre("t.yaml:3:25: error[E215]"));

  load_limits flows = exact;
  flows.max_flows = 1;
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", flows)), ::testing::ElementsAre("t.yaml:18:3: error[E215]"));

  load_limits states = exact;
  states.max_flow_states = 2;
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", states)),
              ::testing::ElementsAre("t.yaml:21:7: error[E215]", "t.yaml:30:7: error[E215]"));

  load_limits events = exact;
  events.max_flow_events = 1;
  EXPECT_THAT(prefixes(errors_of(text, "t.yaml", events)),
              ::testing::ElementsAre("t.yaml:26:27: error[E215]", "t.yaml:35:27: error[E215]"));
}

TEST(budgets, DefaultsAreFarAboveRealPoliciesAndBelowHarm) {
  const load_limits d;
  EXPECT_EQ(d.max_rules, 100'000u);
  EXPECT_EQ(d.max_enum_values, 500'000u);
  EXPECT_EQ(d.max_flows, 1'000u);
  EXPECT_EQ(d.max_flow_states, 1'000u);
  EXPECT_EQ(d.max_flow_events, 1'000u);
}

// ---- conditions that can never hold (E204), counted rather than enumerated ----

std::string one_condition(const std::string& fact_decl, const std::string& cell) {
  return "format: 1\npolicy: {id: p, version: \"1\", entry: t}\nvocabulary: {solutions: [ok]}\n"
         "facts: {x: " +
         fact_decl + "}\ndecisions: {t: {rules: [{id: r, when: {x: " + cell + "}, then: {solution: ok}}]}}\n";
}

TEST(impossible, EnumAndIntConditionsNoValueMeetsAreE204) {
  const std::string abc = "{type: enum, values: [a, b, c]}";
  for (const auto& [decl, cell] : std::vector<std::pair<std::string, std::string>>{
           {abc, "{not_in: [a, b, c]}"},
           {abc, "{not_in: [c, a, b, a]}"},
           {abc, "{ne: a, not_in: [b, c]}"},
           {abc, "{in: [a, b], not_in: [a, b]}"},
           {abc, "{eq: b, ne: b}"},
           {"{type: enum, values: [only]}", "{ne: only}"},
           {"{type: bool}", "{eq: true, ne: true}"},
           {"{type: int}", "{ge: 1, le: 3, not_in: [1, 2, 3]}"},
           {"{type: int}", "{ge: 9223372036854775807, ne: 9223372036854775807}"},
           {"{type: int}", "{ge: 5, le: 2}"},
       }) {
    SCOPED_TRACE(cell);
    const std::string text = one_condition(decl, cell);
    EXPECT_THAT(prefixes(errors_of(text)), ::testing::ElementsAre("t.yaml:5:43: error[E204]"));
  }
  const auto ds = errors_of(one_condition(abc, "{ne: a, not_in: [b, c]}"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "t.yaml:5:43: error[E204]: condition `ne a, not_in [b, c]` on fact `x` can never hold\n"
            "  help: it rules out every value of enum fact `x`: leave at least one value allowed");
  // One value left, or a type with values beyond those written: they load.
  for (const auto& [decl, cell] : std::vector<std::pair<std::string, std::string>>{
           {abc, "{ne: a, not_in: [b]}"},
           {abc, "{not_in: [a, b]}"},
           {"{type: string}", "{not_in: [a, b]}"},
           {"{type: int}", "{ge: 1, le: 3, not_in: [1, 3]}"},
           {"{type: bool}", "{ne: true}"},
       }) {
    SCOPED_TRACE(cell);
    EXPECT_NO_THROW(load_policy_string(one_condition(decl, cell), "t.yaml"));
  }
}

// A tiny policy whose values are huge: nothing is enumerated between its bounds, so it loads,
// decides and is analysed in memory that does not depend on the values (it used to grow past
// 11 GB and end in std::bad_alloc).
TEST(hostile, WideIntRangeWithExclusionsStaysTheSizeOfItsText) {
  for (const std::string& cell :
       {std::string("{ge: -4611686018427387904, ne: 5, le: 4611686018427387904}"),
        std::string("{ge: -9223372036854775808, not_in: [5, 6], le: 9223372036854775807}"),
        std::string("{gt: -9223372036854775808, ne: 5, lt: 9223372036854775807}"),
        std::string("{ge: 0, le: 4000, ne: 5}")}) {
    SCOPED_TRACE(cell);
    const std::string text =
        "format: 1\npolicy: {id: p, version: \"1\", entry: t}\n"
        "vocabulary: {solutions: [ok, no]}\nfacts: {n: {type: int}}\n"
        "decisions: {t: {rules: [{id: r1, when: {n: " +
        cell + "}, then: {solution: ok}}, {id: r2, then: {solution: no}}]}}\n";
    std::shared_ptr<const policy> p = load_policy_string(text, "t.yaml");
    std::size_t stored = 0;  // values kept by the conditions: the ones written, no more
    for (const condition& c : p->decisions[0].rules[0].conditions) stored += c.set.size();
    EXPECT_LE(stored, 2u);
    const sys_seconds now{};
    EXPECT_EQ(decide(p, request().set("n", 7), now).rule_id(), "r1");
    EXPECT_EQ(decide(p, request().set("n", 5), now).rule_id(), "r2");
    EXPECT_NO_THROW(analyze(*p));
  }
}

// ---- hostile input: refused with a diagnostic, never a crash ----

TEST(hostile, AliasBomb) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    const char prev = static_cast<char>(c - 1);
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  // Not a policy either (E105, E106 for its keys), but never expanded: each anchor and alias once.
  const auto ds = only(errors_of(bomb), error_code::yaml_alias);
  ASSERT_EQ(ds.size(), 1u + 10u * 10u);  // `a`'s anchor; each later line: an anchor and nine aliases
  EXPECT_EQ(prefixes(ds)[0], "t.yaml:1:4: error[E101]");
  EXPECT_EQ(prefixes(ds)[1], "t.yaml:2:4: error[E101]");  // the anchor on `b`
  EXPECT_EQ(prefixes(ds)[2], "t.yaml:2:8: error[E101]");  // the first alias
}

TEST(hostile, SelfReferencingAlias) {
  const auto ds = only(errors_of("a: &a [1, *a]\n"), error_code::yaml_alias);
  EXPECT_EQ(prefixes(ds), (std::vector<std::string>{"t.yaml:1:4: error[E101]", "t.yaml:1:11: error[E101]"}));
}

TEST(hostile, DeepFlowNesting) {
  const std::string deep = "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
  const auto ds = errors_of(deep);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(to_string(ds[0]),
            "t.yaml:1:67: error[E102]: the document is nested more than 64 levels deep\n"
            "  help: flatten the structure or raise `load_limits.max_depth`");
}

TEST(hostile, DeepBlockNesting) {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  EXPECT_EQ(codes(errors_of(deep)), std::vector<std::string>{"E102"});
}

TEST(hostile, DeepNestingBeyondTheParserWithRaisedLimits) {
  // With our own limit out of the way yaml-cpp's recursion guard must still hold.
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(codes(errors_of(deep, "t.yaml", {16u << 20, 1'000'000, 2'000'000})),
            std::vector<std::string>{"E102"});
}

TEST(hostile, TwentyMegabyteDocument) {
  std::string big = "format: 1\ncomment: \"";
  big.append(20u << 20, 'x');
  big += "\"\n";
  const auto ds = errors_of(big);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, error_code::too_large);
  EXPECT_EQ(ds[0].where, (source_span{"t.yaml", 1, 1}));
}

TEST(hostile, TooManyNodes) {
  std::string many = "[";
  for (int i = 0; i < 3000; ++i) many += "1,";
  many += "1]";
  EXPECT_EQ(codes(errors_of(many, "t.yaml", {16u << 20, 64, 1000})), std::vector<std::string>{"E103"});
}

TEST(hostile, BinaryGarbage) {
  std::string garbage;
  std::uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1103515245u + 12345u;
    garbage += static_cast<char>(x >> 24);
  }
  EXPECT_FALSE(errors_of(garbage).empty());
  EXPECT_FALSE(errors_of(std::string("\0\0\0\xff\xfe", 5)).empty());
}

TEST(hostile, TabIndentedFile) {
  const auto ds = errors_of("format: 1\npolicy:\n\tid: p\n\tversion: \"1\"\n");
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds[0].where.line, 3u);
}

TEST(hostile, EmptyAndCommentOnlyFiles) {
  for (const char* text : {"", "   \n", "# only a comment\n", "---\n", "~\n"}) {
    SCOPED_TRACE(text);
    const auto ds = errors_of(text, "e.yaml");
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_EQ(to_string(ds[0]).substr(0, 27), "e.yaml:1:1: error[E106]: th");
  }
}

TEST(hostile, DuplicateKeysInALargeMapping) {
  std::string text = "facts:\n";
  for (int i = 0; i < 5000; ++i) text += "  f" + std::to_string(i) + ": {type: int}\n";
  text += "  f17: {type: int}\n  f4999: {type: int}\n";
  EXPECT_EQ(prefixes(only(errors_of(text), error_code::duplicate_key)),
            (std::vector<std::string>{"t.yaml:5002:3: error[E104]", "t.yaml:5003:3: error[E104]"}));
}

TEST(hostile, SeveralDocuments) {
  const auto ds = errors_of("format: 1\n---\nformat: 1\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, error_code::yaml_syntax);
  EXPECT_EQ(ds[0].where.line, 2u);
}

TEST(hostile, ScalarOrListDocument) {
  EXPECT_EQ(codes(errors_of("just text\n")), std::vector<std::string>{"E107"});
  EXPECT_EQ(codes(errors_of("[1, 2]\n")), std::vector<std::string>{"E107"});
}

// ---- collecting every independent error ----

TEST(collect, ThirtyIndependentErrorsInDocumentOrder) {
  // One rule per mistake, so each is independent of the others.
  std::string text = R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts:
  n: {type: int}
decisions:
  main:
    rules:
)";
  for (int i = 0; i < 30; ++i) {
    text += "      - {id: r" + std::to_string(i) + ", when: {" + (i % 3 == 0 ? "nope" : "n") + ": " +
            (i % 3 == 1 ? "{between: [9, 3]}" : "1") +
            "}, then: {solution: " + (i % 3 == 2 ? "refnd" : "refund") + "}}\n";
  }
  const auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 30u);
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(ds[i].where.line, 9 + i);
    EXPECT_EQ(code_text(ds[i].code), i % 3 == 0 ? "E200" : i % 3 == 1 ? "E204" : "E200");
  }
}

TEST(collect, ErrorsInEverySectionAreReportedTogether) {
  const auto ds = errors_of(R"(format: 1
policy: {id: P, version: "1", entry: nowhere}
vocabulary: {solutions: [refund, refund]}
facts:
  n: {type: number}
calendars:
  cn: {time_zone: Mars/Olympus}
clocks:
  c: {within: {hours: 1, days: 2}, calendar: cn}
decisions:
  main: {hit_policy: best, rules: []}
)");
  EXPECT_EQ(codes(ds),
            (std::vector<std::string>{"E108", "E200", "E201", "E108", "E203", "E108", "E108", "E206"}));
}

TEST(collect, AnEmptyValueIsReportedAtItsKey) {
  const auto ds = errors_of(R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [a]}
facts:

decisions: {main: {rules: [{id: r1, when: {x: 1}, then: {solution: a}}]}}
)");
  // Only the section: the reference to `x` is not reported again as unknown.
  EXPECT_EQ(prefixes(ds), std::vector<std::string>{"t.yaml:4:1: error[E107]"});
}

// ---- files and guarantees ----

TEST(files, UnreadableFile) {
  const std::string missing = testing::TempDir() + "/no_such_policy.yaml";
  try {
    load_policy_file(missing);
    FAIL() << "loaded a file that does not exist";
  } catch (const policy_error& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].code, error_code::file_unreadable);
    EXPECT_EQ(e.diagnostics()[0].where.file, missing);
    EXPECT_EQ(std::string(e.what()).rfind(missing + ": error[E109]: cannot read policy file", 0), 0u);
  }
  EXPECT_THROW(load_policy_file(testing::TempDir()), policy_error);  // a directory
}

TEST(files, OversizedFileIsRefusedBeforeParsing) {
  const std::string path = testing::TempDir() + "/aftersale_big.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(1 << 20, '[');  // would be E102 if it were parsed
  }
  try {
    load_policy_file(path, {1000, 64, 1000});
    FAIL();
  } catch (const policy_error& e) {
    EXPECT_EQ(e.diagnostics().at(0).code, error_code::too_large);
  }
  std::remove(path.c_str());
}

TEST(guarantee, AFailedLoadChangesNothingAndLeavesNoState) {
  const std::string good = R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts: {n: {type: int}}
decisions: {main: {rules: [{id: r1, when: {n: 1}, then: {solution: refund}}]}}
)";
  auto before = load_policy_string(good);
  std::string bad = good;
  bad.replace(bad.find("n: 1"), 4, "x: 1");
  EXPECT_THROW(load_policy_string(bad), policy_error);
  auto after = load_policy_string(good);
  EXPECT_EQ(before->info.content_hash, after->info.content_hash);
  EXPECT_EQ(before->facts.size(), after->facts.size());
  EXPECT_EQ(before->decisions[0].rules[0].conditions[0].lo, 1);
}

}  // namespace
