// SPDX-License-Identifier: Apache-2.0
// Reads a decision table's `intended_gaps:`: the requests it is meant to leave unanswered, each
// a `when` exactly as a rule's and the reason why (docs/lint.md, "Intended gaps").
#include <string>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

void read_intended_gaps(build_state& s, const node& list, decision_table& t) {
  const std::string table = "table `" + t.id + "`";
  if (!s.r.expect(list, node::kind::sequence, "`intended_gaps` of " + table)) return;
  for (std::size_t i = 0; i < list.children.size(); ++i) {
    const node& item = list.children[i];
    const std::string label = "intended gap " + std::to_string(i + 1) + " of " + table;
    if (!s.r.expect(item, node::kind::mapping, label)) continue;
    s.r.check_keys(item, label, {"when", "reason"}, {"when", "reason"});
    intended_gap g;
    g.where = s.r.span(item);
    if (const node* when = item.find("when")) {
      read_when(s, *when, label, g.conditions);
      if (when->is_mapping() && when->pairs() == 0) {
        s.r.error(error_code::empty_intended_gap, *when,
                  label + " has an empty `when`: it would hide every gap",
                  "name the facts of the requests no rule is meant to answer, as in a rule's `when`");
      }
    }
    if (const node* reason = item.find("reason")) {
      if (auto text = s.r.text(*reason, "the reason of " + label)) {
        if (blank(*text)) {
          s.r.error(error_code::blank_reason, *reason, label + " has no reason",
                    "say why no rule answers these requests (who handles them instead)");
        }
        g.reason = *text;
      }
    }
    t.intended_gaps.push_back(std::move(g));
  }
}

}  // namespace aftersale::load
