// SPDX-License-Identifier: Apache-2.0
// The data-driven folder tests/lint/: one small policy per analysis finding code, its expected
// findings in leading `# expect:` comments (see tests/lint/README.md), checked against analyze()
// in report order; plus the text and JSON shapes of a report.
#include <gtest/gtest.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/analysis.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct expectation {
  std::vector<std::string> lines;  // `file:line:col: severity[CODE]`
  aftersale::analysis_options options;
};

expectation expectations_of(const std::string& text, const std::string& rel) {
  expectation out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line) && line.rfind('#', 0) == 0) {
    if (line.rfind("# expect: ", 0) == 0) out.lines.push_back(rel + ':' + line.substr(10));
    if (line.rfind("# options: max_regions=", 0) == 0) out.options.max_regions = std::stoul(line.substr(23));
    if (line.rfind("# options: gap_witnesses=", 0) == 0)
      out.options.gap_witnesses = std::stoul(line.substr(25));
  }
  return out;
}

// `file:line:col: warning[A406]` of each finding; the whole first line (`...: message`) where the
// expectation at that place spells the message out.
std::vector<std::string> prefixes(const aftersale::analysis_report& r, const std::vector<std::string>& want) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const std::string text = aftersale::to_string(r.findings[i].diagnostic);
    const bool whole = i < want.size() && want[i].find("]: ") != std::string::npos;
    out.push_back(whole ? text.substr(0, text.find('\n')) : text.substr(0, text.find(']') + 1));
  }
  return out;
}

std::vector<std::string> lint_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir) / "tests" / "lint"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Policies load by their path relative to the source folder, so findings name
// `tests/lint/<name>.yaml` and `extends:` paths resolve next to the file.
class LintFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::current_path(source_dir);
  }
  void TearDown() override { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

TEST_F(LintFixtures, EveryFileReportsExactlyItsExpectedFindings) {
  const auto files = lint_files();
  ASSERT_FALSE(files.empty());
  for (const std::string& name : files) {
    const std::string rel = "tests/lint/" + name;
    const expectation e = expectations_of(read_file(rel), rel);
    ASSERT_FALSE(e.lines.empty()) << rel << ": no `# expect:` line";
    std::shared_ptr<const aftersale::policy> p;
    try {
      // A store fixture extends the base of tests/errors/bases/, named as a policy path.
      aftersale::load_options options;
      options.policy_paths = {"tests/errors/bases"};
      p = aftersale::load_policy_file(rel, {}, options);
    } catch (const aftersale::policy_error& err) {
      ADD_FAILURE() << rel << " does not load:\n" << err.what();
      continue;
    }
    const aftersale::analysis_report r = aftersale::analyze(*p, e.options);
    std::string all;
    for (const auto& f : r.findings) all += aftersale::to_string(f) + "\n";
    EXPECT_EQ(prefixes(r, e.lines), e.lines) << rel << " reported:\n" << all;
  }
}

// Every table finding code has a fixture named after it.
TEST_F(LintFixtures, EveryTableCodeHasAFixture) {
  std::set<std::string> codes;
  for (const std::string& name : lint_files()) codes.insert(name.substr(0, 4));
  for (const char* code : {"A406", "A407", "A408", "A409", "A411", "A415", "A416", "A417", "A418"})
    EXPECT_GE(codes.count(code), 1u) << code;
}

TEST_F(LintFixtures, TextShowsHelpWitnessAndRelatedLocations) {
  const auto p = aftersale::load_policy_file("tests/lint/A407_overlap.yaml");
  const aftersale::analysis_report r = aftersale::analyze(*p);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(r.has_errors());
  EXPECT_EQ(r.count(aftersale::severity::error), 1u);
  EXPECT_EQ(r.count(aftersale::severity::warning), 0u);
  EXPECT_EQ(aftersale::to_string(r.findings[0]),
            "tests/lint/A407_overlap.yaml:16:9: error[A407]: rules `cheap` and `shipped` of `unique` table "
            "`after_sales` both match requests with `order_status` = `shipped`, `amount` <= 50.00\n"
            "  help: make the conditions exclude each other, or use hit policy `first` if the earlier rule "
            "should win\n"
            "  witness: order_status=shipped, amount=0\n"
            "  see: tests/lint/A407_overlap.yaml:13:9");
}

TEST_F(LintFixtures, JsonShape) {
  const auto p = aftersale::load_policy_file("tests/lint/A409_uncovered_pair.yaml");
  const std::string json = aftersale::to_json(aftersale::analyze(*p));
  EXPECT_EQ(json.rfind("{\"findings\":[{\"code\":\"A406\",\"severity\":\"warning\",\"where\":{\"file\":"
                       "\"tests/lint/A409_uncovered_pair.yaml\",\"line\":11,\"column\":3},",
                       0),
            0u)
      << json;
  EXPECT_NE(json.find("\"witness\":{\"order_status\":\"shipped\",\"request\":\"refund\"}"), std::string::npos)
      << json;
  EXPECT_NE(
      json.find(
          "\"coverage\":[{\"table\":\"after_sales\",\"unhandled\":[[\"shipped\",\"refund\"],[\"shipped\","
          "\"complain\"]],\"catch_all_only\":[],\"intended\":[]}]"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("\"errors\":0,\"warnings\":2,\"notes\":0}"), std::string::npos) << json;
}

TEST(LintJson, EscapesControlCharactersAndQuotes) {
  aftersale::analysis_report r;
  aftersale::finding f;
  f.diagnostic.code = aftersale::error_code::table_gap;
  f.diagnostic.severity = aftersale::severity::note;
  f.diagnostic.message = "a \"quoted\" \\ line\nnext\x01";
  f.witness.push_back({"reason", "", true});
  r.findings.push_back(f);
  const std::string json = aftersale::to_json(r);
  EXPECT_NE(json.find("\"message\":\"a \\\"quoted\\\" \\\\ line\\nnext\\u0001\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"witness\":{\"reason\":null}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"notes\":1}"), std::string::npos) << json;
}

// JSON holds UTF-8 only: a report with other bytes is refused, not written as invalid JSON.
TEST(LintJson, RefusesTextThatIsNotUtf8) {
  aftersale::analysis_report r;
  aftersale::finding f;
  f.diagnostic.code = aftersale::error_code::table_gap;
  f.diagnostic.message = "latin-1 caf\xE9";
  r.findings.push_back(f);
  EXPECT_THROW(aftersale::to_json(r), aftersale::encoding_error);
}

}  // namespace

// `intended_gaps` items are read like a rule's `when`: located errors for an unknown fact, a
// missing reason, an unknown key; each reported, none hiding the others.
TEST(IntendedGaps, LoadErrorsAreLocatedAndAllReported) {
  const std::string text = R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts: {kind: {type: enum, values: [refund, complain], required: true}}
decisions:
  main:
    intended_gaps:
      - {when: {knd: complain}, reason: people answer}
      - {when: {kind: complain}}
      - {when: {kind: complain}, reason: ok, note: x}
      - {when: {kind: sometimes}, reason: ok}
    rules: [{id: r1, when: {kind: refund}, then: {solution: refund}}]
)";
  std::vector<std::string> lines;
  try {
    aftersale::load_policy_string(text, "gaps.yaml");
    FAIL() << "loaded";
  } catch (const aftersale::policy_error& e) {
    for (const auto& d : e.diagnostics()) {
      const std::string t = aftersale::to_string(d);
      lines.push_back(t.substr(0, t.find('\n')));
    }
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "gaps.yaml:8:17: error[E200]: unknown fact `knd` in intended gap 1 of table `main`");
  EXPECT_EQ(lines[1].substr(0, lines[1].find(']') + 1), "gaps.yaml:9:9: error[E106]");
  EXPECT_NE(lines[1].find("`reason`"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].substr(0, lines[2].find(']') + 1), "gaps.yaml:10:46: error[E105]");
  EXPECT_EQ(lines[3].substr(0, lines[3].find(']') + 1), "gaps.yaml:11:23: error[E202]");
}

// The evaluator does not read intended gaps: a request inside one still gets `no_match`.
TEST_F(LintFixtures, IntendedGapsDoNotChangeDecisions) {
  const auto p = aftersale::load_policy_file("tests/lint/A416_intended_gap.yaml");
  ASSERT_EQ(p->decisions[0].intended_gaps.size(), 1u);
  EXPECT_EQ(p->decisions[0].intended_gaps[0].reason, "a person reviews large refunds of shipped orders");
  aftersale::request r;
  r.set("order_status", std::string("shipped"));
  r.set("kind", std::string("refund"));
  r.set("amount", std::int64_t{60000});
  const auto d = aftersale::decide(p, r, aftersale::sys_seconds{std::chrono::seconds{1767758400}});
  EXPECT_EQ(d.status(), aftersale::decision_status::no_match);
}

// A pair no rule handles is `intended` in the coverage, not an A409 warning, when every request
// with it lies in an intended gap; a pair only partly intended stays unhandled.
TEST(IntendedGaps, CoverageListsIntendedPairsApart) {
  const std::string text = R"(format: 1
policy: {id: p, version: "1", entry: main}
vocabulary: {solutions: [refund]}
facts:
  order_status: {type: enum, values: [paid, shipped], required: true}
  request: {type: enum, values: [refund, complain], required: true}
  amount: {type: money, required: true}
decisions:
  main:
    intended_gaps:
      - {when: {order_status: shipped, request: refund}, reason: the warehouse answers}
      - {when: {order_status: shipped, request: complain, amount: {gt: 100}}, reason: a person answers}
    rules: [{id: paid, when: {order_status: paid}, then: {solution: refund}}]
)";
  const auto p = aftersale::load_policy_string(text, "pairs.yaml");
  const auto r = aftersale::analyze(*p);
  ASSERT_EQ(r.coverage.size(), 1u);
  using pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.coverage[0].intended, (pairs{{"shipped", "refund"}}));
  EXPECT_EQ(r.coverage[0].unhandled, (pairs{{"shipped", "complain"}}));
  const std::string json = aftersale::to_json(r);
  EXPECT_NE(json.find("\"intended\":[[\"shipped\",\"refund\"]]"), std::string::npos) << json;
  std::vector<std::string> lines;
  for (const auto& f : r.findings) {
    const std::string t = aftersale::to_string(f.diagnostic);
    lines.push_back(t.substr(0, t.find('\n')));
  }
  EXPECT_EQ(lines,
            (std::vector<std::string>{
                "pairs.yaml:9:3: warning[A406]: no rule of table `main` matches requests with "
                "`order_status` = `shipped`, `request` = `complain`, `amount` <= 1.00",
                "pairs.yaml:9:3: warning[A409]: table `main` handles no request for 1 (`order_status`, "
                "`request`) pair: (`shipped`, `complain`)",
                "pairs.yaml:11:9: note[A416]: table `main` leaves requests with `order_status` = "
                "`shipped`, `request` = `refund` unanswered on purpose: the warehouse answers",
                "pairs.yaml:12:9: note[A416]: table `main` leaves requests with `order_status` = "
                "`shipped`, `request` = `complain`, `amount` >= 1.01 unanswered on purpose: a person "
                "answers"}));
}

// `gap_witnesses` bounds the regions shown; the last one shown counts the rest.
TEST_F(LintFixtures, GapWitnessesBoundTheRegionsShown) {
  const auto p = aftersale::load_policy_file("tests/lint/A406_gap_regions.yaml");
  aftersale::analysis_options o;
  o.gap_witnesses = 2;
  const auto r = aftersale::analyze(*p, o);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].diagnostic.message.substr(r.findings[0].diagnostic.message.find(" (")),
            " (gap 1 of 7 disjoint regions)");
  EXPECT_EQ(r.findings[1].diagnostic.message.substr(r.findings[1].diagnostic.message.find(" (")),
            " (gap 2 of 7 disjoint regions; … and 5 more regions)");
  EXPECT_NE(aftersale::to_string(r.findings[0]), aftersale::to_string(r.findings[1]));
}
