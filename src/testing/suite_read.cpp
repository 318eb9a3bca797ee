// SPDX-License-Identifier: Apache-2.0
// load_test_file: reads a test file with the loader's bounded, alias-free YAML reader and checks
// its structure (keys, kinds, times, names) before anything runs, collecting every problem.
#include <aftersale/case.hpp>
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "load/reader.hpp"
#include "load/safe_yaml.hpp"
#include "testing/suite.hpp"

namespace aftersale::testing {

namespace {

using load::node;

std::string joined_lines(const std::vector<diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += (out.empty() ? "" : "\n") + to_string(d);
  return out;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string listed(std::initializer_list<std::string_view> names) {
  return load::quote_list(std::vector<std::string>(names.begin(), names.end()), 32);
}

// Structural checks of one test file; every problem goes to the reader.
class checker {
 public:
  explicit checker(load::reader& r) : r_(r) {}

  void timestamp(const node& n, std::string_view what) {
    if (!r_.expect(n, node::kind::scalar, what)) return;
    if (!parse_timestamp(n.value)) {
      r_.error(error_code::invalid_value, n, std::string(what) + ": `" + n.value + "` is not a timestamp",
               "write ISO 8601 with an offset, e.g. `2026-10-14T10:15:00+08:00`");
    }
  }

  void choice(const node& n, std::string_view what, std::initializer_list<std::string_view> allowed) {
    if (!r_.expect(n, node::kind::scalar, what)) return;
    if (!one_of(n.value, allowed)) {
      r_.error(error_code::invalid_value, n, std::string(what) + ": unknown value `" + n.value + "`",
               "one of " + listed(allowed));
    }
  }

  void scalar_list(const node& n, std::string_view what) {
    if (!r_.expect(n, node::kind::sequence, what)) return;
    for (const auto& item : n.children)
      r_.expect(item, node::kind::scalar, "an item of " + std::string(what));
  }

  // A mapping whose values are scalars (facts, payload, variables); null values when allowed.
  void scalar_map(const node& n, std::string_view what, bool nulls) {
    if (!r_.expect(n, node::kind::mapping, what)) return;
    for (std::size_t i = 0; i < n.pairs(); ++i) {
      if (!r_.expect(n.key(i), node::kind::scalar, "a key in " + std::string(what))) continue;
      const node& v = n.val(i);
      if (nulls && v.is_null()) continue;
      r_.expect(v, node::kind::scalar, "`" + n.key(i).value + "` in " + std::string(what));
    }
  }

  void decide_expect(const node& e) {
    if (!r_.expect(e, node::kind::mapping, "`expect`")) return;
    r_.check_keys(e, "a decide case's `expect`",
                  {"status", "rule", "solution", "fee_payer", "escalation", "flag", "evidence", "steps",
                   "amounts", "deadlines", "remark_text", "labels"});
    if (const node* n = e.find("status")) choice(*n, "`status`", {"matched", "no_match", "conflict"});
    for (const char* k : {"rule", "solution", "fee_payer", "escalation", "flag"}) {
      if (const node* n = e.find(k)) r_.expect(*n, node::kind::scalar, "`" + std::string(k) + "`");
    }
    if (const node* n = e.find("evidence")) scalar_list(*n, "`evidence`");
    if (const node* n = e.find("steps")) scalar_list(*n, "`steps`");
    if (const node* n = e.find("amounts"); n && r_.expect(*n, node::kind::mapping, "`amounts`")) {
      for (std::size_t i = 0; i < n->pairs(); ++i) {
        if (r_.expect(n->key(i), node::kind::scalar, "a key in `amounts`"))
          r_.integer(n->val(i), "amount `" + n->key(i).value + "` (minor units)");
      }
    }
    if (const node* n = e.find("deadlines")) scalar_map(*n, "`deadlines`", false);
    texts(e);
  }

  // `remark_text` and `labels: {customer, agent}`: texts in the case's locale.
  void texts(const node& e) {
    if (const node* n = e.find("remark_text")) r_.expect(*n, node::kind::scalar, "`remark_text`");
    if (const node* n = e.find("labels"); n && r_.expect(*n, node::kind::mapping, "`labels`")) {
      r_.check_keys(*n, "`labels`", {"customer", "agent"});
      for (const char* k : {"customer", "agent"}) {
        if (const node* t = n->find(k)) r_.expect(*t, node::kind::scalar, "the " + std::string(k) + " label");
      }
    }
  }

  // `locale: en`: the locale the expected texts are written in.
  void locale(const node& n) {
    if (!r_.expect(n, node::kind::scalar, "`locale`")) return;
    if (!load::is_locale(n.value)) {
      r_.error(error_code::invalid_value, n, "invalid locale `" + n.value + "` in `locale`",
               "write a language tag such as `zh` or `en`");
    }
  }

  // `opened`, `end` (state only) or a step's `expect` (also what the step did).
  void flow_expect(const node& e, std::string_view what, bool step) {
    if (!r_.expect(e, node::kind::mapping, what)) return;
    if (step) {
      r_.check_keys(e, what,
                    {"state", "phase", "refused", "duplicate", "actions", "fired", "escalation", "remark",
                     "variables", "clocks", "next_deadline", "remark_text", "labels"});
    } else {
      r_.check_keys(e, what,
                    {"state", "phase", "escalation", "remark", "variables", "clocks", "next_deadline",
                     "remark_text", "labels"});
    }
    for (const char* k : {"state", "escalation", "remark"}) {
      if (const node* n = e.find(k)) r_.expect(*n, node::kind::scalar, "`" + std::string(k) + "`");
    }
    texts(e);
    if (const node* n = e.find("phase")) {
      choice(*n, "`phase`",
             {"opened", "active", "waiting_on_customer", "escalated", "resolved", "closed", "reopened"});
    }
    if (const node* n = e.find("refused")) {
      choice(*n, "`refused`",
             {"unknown_event", "unknown_role", "role_not_allowed", "guard_failed", "case_closed",
              "wrong_phase", "bad_payload"});
    }
    if (const node* n = e.find("duplicate")) r_.boolean(*n, "`duplicate`");
    if (e.find("refused") && e.find("duplicate")) {
      r_.error(error_code::invalid_value, *e.find("duplicate"), "a step is refused or a duplicate, not both",
               "keep `refused` or `duplicate`");
    }
    if (const node* n = e.find("actions")) scalar_list(*n, "`actions`");
    if (const node* n = e.find("fired")) r_.integer(*n, "`fired`");
    if (const node* n = e.find("variables")) scalar_map(*n, "`variables`", true);
    if (const node* n = e.find("clocks"); n && r_.expect(*n, node::kind::mapping, "`clocks`")) {
      for (std::size_t i = 0; i < n->pairs(); ++i) {
        if (r_.expect(n->key(i), node::kind::scalar, "a key in `clocks`"))
          choice(n->val(i), "clock `" + n->key(i).value + "`",
                 {"idle", "running", "paused", "stopped", "none"});
      }
    }
    if (const node* n = e.find("next_deadline"); n && !detail::is_none(*n)) timestamp(*n, "`next_deadline`");
  }

  void step(const node& s) {
    if (!r_.expect(s, node::kind::mapping, "a step")) return;
    r_.check_keys(s, "a step", {"event", "as", "at", "id", "payload", "expect", "advance"});
    if (const node* adv = s.find("advance")) {
      timestamp(*adv, "`advance`");
      for (const char* k : {"event", "as", "at", "id", "payload"}) {
        if (const node* n = s.find(k)) {
          r_.error(error_code::unknown_key, *n, "`" + std::string(k) + "` in an `advance` step",
                   "an `advance` step has only `advance` and `expect`");
        }
      }
    } else {
      if (!s.find("event") || !s.find("as")) {
        r_.error(error_code::missing_key, s, "a step needs `event` and `as`, or `advance`",
                 "write `event: name` with `as: role`, or `advance: <time>`");
      }
      if (const node* n = s.find("event")) r_.expect(*n, node::kind::scalar, "`event`");
      if (const node* n = s.find("as")) r_.expect(*n, node::kind::scalar, "`as`");
      if (const node* n = s.find("id")) r_.expect(*n, node::kind::scalar, "`id`");
      if (const node* n = s.find("at")) timestamp(*n, "`at`");
      if (const node* n = s.find("payload")) scalar_map(*n, "`payload`", false);
    }
    if (const node* n = s.find("expect")) flow_expect(*n, "a step's `expect`", true);
  }

  // Returns whether it is a flow case.
  bool one_case(const node& c, bool file_now, bool file_flow) {
    r_.check_keys(
        c, "a case",
        {"name", "now", "table", "facts", "expect", "flow", "open", "opened", "steps", "end", "locale"},
        {"name"});
    if (const node* n = c.find("name")) r_.expect(*n, node::kind::scalar, "`name`");
    if (const node* n = c.find("locale")) locale(*n);
    if (const node* n = c.find("now")) {
      timestamp(*n, "`now`");
    } else if (!file_now) {
      r_.error(error_code::missing_key, c, "no `now` for this case",
               "add `now:` to the case, or a file-level `now:` every case uses");
    }
    for (const char* k : {"table", "flow"}) {
      if (const node* n = c.find(k)) r_.id(*n, "`" + std::string(k) + "`");
    }
    if (const node* n = c.find("facts")) scalar_map(*n, "`facts`", false);
    const bool flow =
        c.find("steps") || c.find("opened") || c.find("end") || c.find("open") || c.find("flow");
    const node* expect = c.find("expect");
    if (flow && expect) {
      r_.error(
          error_code::unknown_key, *expect, "a flow case has no `expect`",
          "a decide case has `expect`; a flow case has `steps`, `opened` and `end`: split it in two cases");
    } else if (!flow && !expect) {
      r_.error(error_code::missing_key, c, "a case needs `expect` (a decide case) or `steps` (a flow case)",
               "add `expect:` with the decision you expect, or `steps:`");
    }
    if (expect) decide_expect(*expect);
    if (const node* n = c.find("open")) {
      choice(*n, "`open`", {"decide", "flow"});
      if (n->is_scalar() && n->value == "flow" && !c.find("flow") && !file_flow) {
        r_.error(error_code::missing_key, *n, "`open: flow` needs a flow",
                 "add `flow:` to the case or to the file");
      }
    }
    if (const node* n = c.find("opened")) flow_expect(*n, "`opened`", false);
    if (const node* n = c.find("end")) flow_expect(*n, "`end`", false);
    if (const node* n = c.find("steps"); n && r_.expect(*n, node::kind::sequence, "`steps`")) {
      for (const auto& s : n->children) step(s);
    }
    return flow;
  }

 private:
  load::reader& r_;
};

}  // namespace

test_file_error::test_file_error(std::vector<diagnostic> diagnostics)
    : error(joined_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

test_suite load_test_file(const std::string& path, const load_limits& limits) {
  std::vector<diagnostic> diags;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    // Filled member by member: g++ 12 -O2 warns maybe-uninitialized on the braced temporary.
    diagnostic unreadable;
    unreadable.code = error_code::file_unreadable;
    unreadable.where.file = path;
    unreadable.message = "cannot read the test file";
    diags.push_back(std::move(unreadable));
    throw test_file_error(std::move(diags));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto root = load::parse_yaml(text.str(), path, limits, diags);
  if (!root || !diags.empty()) throw test_file_error(std::move(diags));

  auto data = std::make_shared<detail::suite_data>();
  data->path = path;
  data->root = std::move(*root);
  const node& doc = data->root;

  load::reader r(path);
  checker check(r);
  test_suite suite;
  suite.path = path;
  if (r.expect(doc, node::kind::mapping, "a test file")) {
    r.check_keys(doc, "a test file", {"policy", "now", "flow", "locale", "cases"}, {"policy", "cases"});
    if (const node* n = doc.find("policy"); n && r.text(*n, "`policy`")) {
      const std::filesystem::path base = std::filesystem::path(path).parent_path();
      suite.policy_path = (base / n->value).lexically_normal().string();
      suite.policy_where = detail::span_of(path, *n);
    }
    if ((data->now = doc.find("now"))) check.timestamp(*data->now, "`now`");
    if ((data->flow = doc.find("flow"))) r.id(*data->flow, "`flow`");
    if ((data->locale = doc.find("locale"))) check.locale(*data->locale);
    if (const node* cases = doc.find("cases"); cases && r.expect(*cases, node::kind::sequence, "`cases`")) {
      std::set<std::string> names;
      for (const node& c : cases->children) {
        if (!r.expect(c, node::kind::mapping, "a case")) continue;
        const bool flow = check.one_case(c, data->now != nullptr, data->flow != nullptr);
        const node* name = c.find("name");
        if (!name || !name->is_scalar()) continue;
        if (!names.insert(name->value).second) {
          r.error(error_code::duplicate_id, *name, "two cases named `" + name->value + "`",
                  "case names are unique within a file: failures are reported by name");
        }
        // The case's position is where its mapping starts: the `- name:` line.
        suite.cases.push_back({name->value, detail::span_of(path, c), flow});
        data->cases.push_back(&c);
      }
    }
  }
  if (r.failed()) throw test_file_error(std::move(r.diagnostics()));
  suite.data = std::move(data);
  return suite;
}

}  // namespace aftersale::testing
