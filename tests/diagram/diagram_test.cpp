// SPDX-License-Identifier: Apache-2.0
// Diagrams of a flow: DOT (structure, markers, escaping, accepted by Graphviz), Mermaid, SVG
// through `dot`, and the error when `dot` is not on PATH.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/diagram.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace aftersale;
using ::testing::HasSubstr;
using ::testing::Not;

// States whose ids are a DOT keyword (`node`) and a Mermaid keyword (`end`), labels with
// quotes, a backslash, a newline, `:` `;` `#` and Chinese text; an automatic transition with
// a guard, a clock timer and a duration timer, an unreachable state, two terminal states.
constexpr const char* policy_text = R"(format: 1
policy: {id: diagram_test, version: "1", entry: main, calendar: cn_store}
vocabulary:
  solutions: [refund]
  roles: [customer, agent, supervisor, system]
facts:
  amount: {type: money}
  tier: {type: enum, values: [normal, vip]}
calendars:
  cn_store:
    time_zone: Asia/Shanghai
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
clocks:
  first_response: {within: {hours: 2}}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: refund}}
flows:
  refund:
    start: submitted
    variables:
      approved: {type: bool}
    states:
      submitted:
        agent: {zh: "已提交 \"加急\"", en: "submitted: a\\b; #1"}
        customer: {zh: 退款中, en: "refunding\nsoon"}
        on_entry: {start: [first_response]}
      node:
        agent: {zh: 审核中, en: reviewing}
        customer: {zh: 退款中, en: refunding}
      end:
        agent: {zh: 已退款, en: refunded}
        customer: {zh: 已退款, en: refunded}
        terminal: true
      overdue:
        agent: {zh: 超时, en: overdue}
        customer: {zh: 退款中, en: refunding}
      orphan:
        agent: {zh: 孤立, en: orphan}
        customer: {zh: 孤立, en: orphan}
      rejected:
        agent: {zh: 驳回, en: rejected}
        customer: {zh: 未通过, en: not approved}
        terminal: true
    transitions:
      - from: submitted
        auto: true
        when: {tier: vip, amount: {le: 50000}}
        to: node
      - from: submitted
        event: approve
        roles: [agent, supervisor]
        to: node
      - from: submitted
        after: {clock: first_response}
        to: overdue
      - from: overdue
        event: approve
        to: node
      - from: node
        event: pay
        when: {approved: true}
        roles: [system]
        to: end
      - from: node
        after: {days: 2}
        to: rejected
      - from: orphan
        event: approve
        to: end
    reopen: {to: submitted}
)";

std::shared_ptr<const policy> load() { return load_policy_string(policy_text, "diagram.yaml"); }

const flow_def& refund(const policy& p) { return p.flows[*p.find_flow("refund")]; }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The lines of `text` that contain `what`.
std::vector<std::string> lines_with(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    if (line.find(what) != std::string::npos) out.push_back(line);
    begin = end + 1;
  }
  return out;
}

bool have_dot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  std::size_t begin = 0;
  while (begin <= dirs.size()) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(begin, end - begin) + "/dot";
    if (!candidate.empty() && std::system(("test -x '" + candidate + "'").c_str()) == 0) return true;
    begin = end + 1;
  }
  return false;
}

// PATH set to `value` for one scope.
class scoped_path {
 public:
  explicit scoped_path(const char* value) {
    if (const char* old = std::getenv("PATH")) old_ = old;
    ::setenv("PATH", value, 1);
  }
  ~scoped_path() {
    if (old_) {
      ::setenv("PATH", old_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }
  scoped_path(const scoped_path&) = delete;
  scoped_path& operator=(const scoped_path&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(Dot, EveryStateAndTransitionWithMarkers) {
  const auto p = load();
  diagram_options o;
  o.locale = "en";
  const std::string dot = flow_to_dot(*p, refund(*p), o);
  EXPECT_EQ(dot.rfind("digraph G {\n", 0), 0U) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  // Every state is a node; `node` is a DOT keyword and gets a generated id.
  for (const char* node : {"\nsubmitted[label=\"submitted\\n", "\n__state1[label=\"node\\n",
                           "\nend[label=\"end\\n", "\noverdue[", "\norphan[", "\nrejected["})
    EXPECT_THAT(dot, HasSubstr(node));
  // One edge per transition, plus the start marker's.
  EXPECT_EQ(count(dot, "->"), refund(*p).transitions.size() + 1);
  EXPECT_THAT(dot, HasSubstr("__start[shape=point"));
  EXPECT_THAT(dot, HasSubstr("__start->submitted "));
  EXPECT_THAT(
      dot,
      HasSubstr(
          "submitted[label=\"submitted\\nsubmitted: a\\\\b; #1\\ncustomer: refunding\\nsoon\", penwidth=2]"));
  // Terminal states are double circles, the others are not.
  EXPECT_EQ(count(dot, "shape=doublecircle"), 2U);
  for (const std::string& line : lines_with(dot, "doublecircle"))
    EXPECT_TRUE(line.rfind("end[", 0) == 0 || line.rfind("rejected[", 0) == 0) << line;
  // Event with roles, guard, automatic, timers dashed.
  EXPECT_THAT(dot, HasSubstr("submitted->__state1 [label=\"approve\\nby agent, supervisor\"]"));
  EXPECT_THAT(dot, HasSubstr("submitted->__state1 [label=\"auto [tier eq vip and amount le 50000]\""));
  EXPECT_THAT(dot, HasSubstr("__state1->end [label=\"pay [approved eq true]\\nby system\"]"));
  EXPECT_THAT(dot, HasSubstr("submitted->overdue [label=\"after first_response\", style=dashed]"));
  EXPECT_THAT(dot, HasSubstr("__state1->rejected [label=\"after 2 days\", style=dashed]"));
  EXPECT_EQ(count(dot, "style=dashed"), 2U);
  EXPECT_THAT(dot, Not(HasSubstr("reopen")));
}

TEST(Dot, EscapesQuotesBackslashesAndNewlines) {
  const auto p = load();
  diagram_options o;
  o.locale = "zh";
  const std::string dot = flow_to_dot(*p, refund(*p), o);
  EXPECT_THAT(dot, HasSubstr("label=\"submitted\\n已提交 \\\"加急\\\"\\ncustomer: 退款中\""));
  // Inside every quoted string: no raw newline, quotes escaped (a lexer's check).
  bool in_string = false;
  for (std::size_t i = 0; i < dot.size(); ++i) {
    if (in_string && dot[i] == '\\') {
      ++i;
      continue;
    }
    if (dot[i] == '"') in_string = !in_string;
    if (in_string) {
      ASSERT_NE(dot[i], '\n') << "raw newline in a label at " << i;
    }
  }
  EXPECT_FALSE(in_string);
}

TEST(Dot, LabelOptions) {
  const auto p = load();
  diagram_options o;
  o.locale = "en";
  o.labels = diagram_labels::customer;
  o.show_guards = false;
  o.show_roles = false;
  o.show_reopen = true;
  const std::string dot = flow_to_dot(*p, refund(*p), o);
  EXPECT_THAT(dot, HasSubstr("overdue[label=\"overdue\\nrefunding\"]"));
  EXPECT_THAT(dot, Not(HasSubstr("tier eq vip")));
  EXPECT_THAT(dot, Not(HasSubstr("by agent")));
  EXPECT_THAT(dot, HasSubstr("end->submitted [label=\"reopen\", style=dotted]"));
  EXPECT_THAT(dot, HasSubstr("rejected->submitted [label=\"reopen\", style=dotted]"));
  o.labels = diagram_labels::agent;
  EXPECT_THAT(flow_to_dot(*p, refund(*p), o), HasSubstr("overdue[label=\"overdue\\noverdue\"]"));
  o.labels = diagram_labels::none;
  EXPECT_THAT(flow_to_dot(*p, refund(*p), o), HasSubstr("overdue[label=\"overdue\"]"));
}

TEST(Mermaid, StateDiagramWithSanitisedIdsAndEscapedLabels) {
  const auto p = load();
  diagram_options o;
  o.locale = "en";
  const std::string m = flow_to_mermaid(*p, refund(*p), o);
  EXPECT_EQ(m.rfind("stateDiagram-v2\n", 0), 0U);
  EXPECT_THAT(m, HasSubstr("\n  [*] --> submitted\n"));
  EXPECT_THAT(m, HasSubstr("\n  end_ --> [*]\n"));
  EXPECT_THAT(m, HasSubstr("\n  rejected --> [*]\n"));
  EXPECT_EQ(count(m, "--> [*]"), 2U);
  EXPECT_THAT(m, HasSubstr("\n  submitted : submitted<br/>submitted#58; a\\b#59; #35;1<br/>customer#58; "
                           "refunding<br/>soon\n"));
  EXPECT_THAT(m, HasSubstr("\n  submitted --> node : approve<br/>by agent, supervisor\n"));
  EXPECT_THAT(m, HasSubstr("\n  submitted --> overdue : after first_response\n"));
  EXPECT_THAT(m, HasSubstr("\n  node --> end_ : pay [approved eq true]<br/>by system\n"));
  // One line per transition; after the ` : ` separator only entity codes hold `:`, `;` or quotes.
  const auto arrows = lines_with(m, " --> ");
  EXPECT_EQ(arrows.size(), refund(*p).transitions.size() + 3);  // + start and two terminals
  for (const std::string& line : lines_with(m, " : ")) {
    // Entity codes end with `;` themselves: take them out first.
    const std::string label =
        std::regex_replace(line.substr(line.find(" : ") + 3), std::regex("#([a-z]+|[0-9]+);"), "");
    EXPECT_EQ(label.find_first_of(":;\""), std::string::npos) << line;
  }
  diagram_options zh;
  zh.locale = "zh";
  EXPECT_THAT(flow_to_mermaid(*p, refund(*p), zh),
              HasSubstr("submitted<br/>已提交 #quot;加急#quot;<br/>customer#58; 退款中"));
}

TEST(Svg, RendersThroughGraphviz) {
  if (!have_dot()) GTEST_SKIP() << "graphviz `dot` is not installed (apt-get install graphviz)";
  const auto p = load();
  diagram_options o;
  o.locale = "zh";
  o.show_reopen = true;
  const std::string svg = flow_to_svg(*p, refund(*p), o);
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("已提交 &quot;加急&quot;"));
  EXPECT_THAT(svg, HasSubstr("after first_response"));
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray"));  // the dashed timers
}

// Every flow of the shipped policy gives DOT that Graphviz accepts, in both locales.
TEST(Svg, EveryDefaultFlowIsValidDot) {
  if (!have_dot()) GTEST_SKIP() << "graphviz `dot` is not installed (apt-get install graphviz)";
  const auto p = load_policy_file(AFTERSALE_SOURCE_DIR "/policies/default.yaml");
  ASSERT_FALSE(p->flows.empty());
  for (const flow_def& f : p->flows) {
    diagram_options o;
    o.locale = f.id.size() % 2 == 0 ? "zh" : "en";
    o.show_reopen = true;
    std::string svg;
    ASSERT_NO_THROW(svg = flow_to_svg(*p, f, o)) << f.id;
    EXPECT_THAT(svg, HasSubstr("<svg")) << f.id;
    for (const state_def& s : f.states) EXPECT_THAT(svg, HasSubstr(">" + s.id + "</text>")) << f.id;
  }
}

TEST(Svg, DotNotOnPath) {
  const auto p = load();
  scoped_path empty("");
  try {
    flow_to_svg(*p, refund(*p), {});
    FAIL() << "no error without dot";
  } catch (const graphviz_error& e) {
    EXPECT_TRUE(e.not_found());
    EXPECT_STREQ(e.what(),
                 "graphviz `dot` was not found on PATH; install it (Debian: apt-get install graphviz) or use "
                 "--format dot|mermaid");
  }
}

TEST(Svg, DotFailing) {
  // A `dot` that fails: its exit status and error output are reported.
  const std::string dir = ::testing::TempDir() + "aftersale_fake_dot";
  ASSERT_EQ(std::system(("mkdir -p '" + dir + "' && printf '#!/bin/sh\\necho bad graph >&2\\nexit 3\\n' > '" +
                         dir + "/dot' && chmod +x '" + dir + "/dot'")
                            .c_str()),
            0);
  const auto p = load();
  scoped_path fake(dir.c_str());
  try {
    flow_to_svg(*p, refund(*p), {});
    FAIL() << "no error from a failing dot";
  } catch (const graphviz_error& e) {
    EXPECT_FALSE(e.not_found());
    EXPECT_STREQ(e.what(), "`dot -Tsvg` exited with status 3: bad graph");
  }
}

TEST(Svg, DotInheritsNoTemporaryFile) {
  // The temporary files are close-on-exec: a `dot` started by one call (or by another thread's
  // call at the same moment) holds only its own stdin, stdout and stderr. This fake `dot` prints
  // what its other descriptors point to.
  const std::string dir = ::testing::TempDir() + "aftersale_fd_dot";
  ASSERT_EQ(std::system(("mkdir -p '" + dir +
                         "' && printf '#!/bin/sh\\nfor f in /proc/$$/fd/*; do case ${f##*/} in 0|1|2) ;; *) "
                         "/usr/bin/readlink $f;; esac; done\\nexit 0\\n' > '" +
                         dir + "/dot' && chmod +x '" + dir + "/dot'")
                            .c_str()),
            0);
  const auto p = load();
  scoped_path fake(dir.c_str());
  const std::string open = flow_to_svg(*p, refund(*p), {});
  EXPECT_THAT(open, HasSubstr("/dot\n"));  // the fake saw its own script: it did list
  EXPECT_THAT(open, Not(HasSubstr("aftersale-"))) << open;
}

}  // namespace
