// SPDX-License-Identifier: Apache-2.0
// A413: every text a buyer or an agent sees — vocabulary labels, clock labels, a rule's steps,
// remark and labels, state labels, remark effects — written in every locale `policy.locales`
// lists. A text without one is shown in the fallback (the policy's `locale`, then its first).
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/finding.hpp"

namespace aftersale::analysis {

namespace {

std::string quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += i + 1 == items.size() ? " and " : ", ";
    out += quoted(items[i]);
  }
  return out;
}

class text_check {
 public:
  text_check(const policy& p, analysis_report& report) : p_(p), report_(report) {}

  // `what` names the text as messages do: `the label of solution `refund``.
  void operator()(const localized_text& t, const std::string& what, const std::string& table = {},
                  const std::string& flow = {}) {
    if (t.empty()) return;  // not written: nothing to translate
    std::vector<std::string> missing;
    for (const std::string& l : p_.info.locales)
      if (t.find(l) == nullptr) missing.push_back(l);
    if (missing.empty()) return;
    // What readers of a missing locale are shown instead (the fallback rule of `policy::text`).
    const std::string& shown = t.find(p_.info.locale) != nullptr ? p_.info.locale : t.by_locale.front().first;
    std::string example;
    for (const std::string& l : p_.info.locales) example += (example.empty() ? "" : ", ") + l + ": ...";
    finding f =
        policy_finding(error_code::missing_locale, severity::warning, t.where,
                       what + " has no " + quoted_list(missing) + " text, though `policy.locales` lists " +
                           quoted_list(p_.info.locales),
                       "write it as `{" + example + "}`; until then, readers in " + quoted_list(missing) +
                           " see the " + (shown.empty() ? std::string("plain") : quoted(shown)) + " text");
    f.table = table;
    f.flow = flow;
    report_.findings.push_back(std::move(f));
  }

 private:
  const policy& p_;
  analysis_report& report_;
};

void check_vocabulary(const vocabulary& v, text_check& check) {
  const std::pair<const std::vector<vocabulary_entry>*, const char*> lists[] = {{&v.solutions, "solution"},
                                                                                {&v.parties, "party"},
                                                                                {&v.roles, "role"},
                                                                                {&v.evidence, "evidence"},
                                                                                {&v.flags, "flag"}};
  for (const auto& [list, kind] : lists) {
    for (const vocabulary_entry& e : *list)
      check(e.label, "the label of " + std::string(kind) + " " + quoted(e.id));
  }
}

void check_rule(const decision_table& t, const rule& r, text_check& check) {
  const std::string of = " of rule " + quoted(r.id);
  for (std::size_t i = 0; i < r.then.steps.size(); ++i)
    check(r.then.steps[i], "step " + std::to_string(i + 1) + of, t.id);
  check(r.then.remark, "the remark text" + of, t.id);
  check(r.then.customer_label, "the customer label" + of, t.id);
  check(r.then.agent_label, "the agent label" + of, t.id);
}

void check_flow(const flow_def& f, text_check& check) {
  for (const state_def& s : f.states) {
    check(s.agent_label, "the agent label of state " + quoted(s.id), {}, f.id);
    check(s.customer_label, "the customer label of state " + quoted(s.id), {}, f.id);
  }
  for (const transition_def& t : f.transitions) {
    for (const effect& e : t.effects) {
      if (e.kind == effect_kind::remark)
        check(e.text, "the remark text of a transition of flow " + quoted(f.id), {}, f.id);
    }
  }
}

}  // namespace

void check_texts(const policy& p, analysis_report& report) {
  if (p.info.locales.empty()) return;  // no locale is required of any text
  text_check check(p, report);
  check_vocabulary(p.vocabulary, check);
  for (const clock_def& c : p.clocks) check(c.label, "the label of clock " + quoted(c.id));
  for (const decision_table& t : p.decisions) {
    for (const rule& r : t.rules) check_rule(t, r, check);
  }
  for (const flow_def& f : p.flows) check_flow(f, check);
}

}  // namespace aftersale::analysis
