// SPDX-License-Identifier: Apache-2.0
// diagram_options::highlight_state: the current state of a case marked in DOT and Mermaid, and
// nothing marked (output unchanged) without it or for an id the flow does not have.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <aftersale/diagram.hpp>
#include <aftersale/load.hpp>
#include <string>

namespace {

using namespace aftersale;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* policy_text = R"(format: 1
policy: {id: highlight_test, version: "1", entry: main}
vocabulary:
  solutions: [refund]
  roles: [agent]
facts:
  amount: {type: money}
decisions:
  main:
    rules:
      - {id: r1, then: {solution: refund, flow: returns}}
flows:
  returns:
    start: requested
    states:
      requested:
        agent: {en: requested}
        customer: {en: requested}
      end:
        agent: {en: done}
        customer: {en: done}
        terminal: true
    transitions:
      - from: requested
        event: approve
        to: end
)";

struct highlight : ::testing::Test {
  std::shared_ptr<const policy> p = load_policy_string(policy_text, "highlight.yaml");
  const flow_def& f = p->flows.at(0);
};

TEST_F(highlight, dot_fills_only_the_marked_state) {
  diagram_options o;
  const std::string plain = flow_to_dot(*p, f, o);
  EXPECT_THAT(plain, Not(HasSubstr("fillcolor")));
  o.highlight_state = "requested";
  const std::string marked = flow_to_dot(*p, f, o);
  EXPECT_THAT(marked, HasSubstr("penwidth=2, style=\"rounded,filled\", fillcolor="));
  EXPECT_EQ(marked.find("fillcolor"), marked.rfind("fillcolor"));
  o.highlight_state = "end";
  EXPECT_THAT(flow_to_dot(*p, f, o), HasSubstr("shape=doublecircle, style=\"rounded,filled\", fillcolor="));
}

TEST_F(highlight, mermaid_classes_the_marked_state_by_its_sanitised_id) {
  diagram_options o;
  const std::string plain = flow_to_mermaid(*p, f, o);
  EXPECT_THAT(plain, Not(HasSubstr("classDef")));
  o.highlight_state = "requested";
  const std::string marked = flow_to_mermaid(*p, f, o);
  EXPECT_EQ(marked.rfind(plain, 0), 0U) << "the marks come after the unchanged diagram";
  EXPECT_THAT(marked, HasSubstr("\n  classDef current "));
  EXPECT_THAT(marked, HasSubstr("\n  class requested current\n"));
  // `end` is a Mermaid keyword: the class names the sanitised id the diagram uses.
  o.highlight_state = "end";
  const std::string terminal = flow_to_mermaid(*p, f, o);
  EXPECT_THAT(terminal, Not(HasSubstr("class end current")));
  EXPECT_THAT(terminal, HasSubstr(" current\n"));
}

TEST_F(highlight, an_unknown_state_marks_nothing) {
  diagram_options o;
  const std::string dot = flow_to_dot(*p, f, o);
  const std::string mermaid = flow_to_mermaid(*p, f, o);
  o.highlight_state = "no_such_state";
  EXPECT_EQ(flow_to_dot(*p, f, o), dot);
  EXPECT_EQ(flow_to_mermaid(*p, f, o), mermaid);
}

}  // namespace
