// Scenario tests of the shipped default flows: every file tests/flows/<flow>.yaml opens cases
// in one flow of policies/default.yaml and drives them with events and timers, checking the
// case after each step. Over the whole directory, every flow of the policy must have a file
// whose cases reach a terminal state, include a refused event and fire a timer.
// Format: docs/default-policy.md, "Flow scenarios".
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <aftersale/aftersale.hpp>
#include <aftersale/case.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "yaml_fact_value.hpp"

namespace {

namespace fs = std::filesystem;
using aftersale::policy;

const std::string source_dir = AFTERSALE_SOURCE_DIR;

std::shared_ptr<const policy> default_policy() {
  static const std::shared_ptr<const policy> p =
      aftersale::load_policy_file(source_dir + "/policies/default.yaml");
  return p;
}

std::vector<fs::path> scenario_files() {
  std::vector<fs::path> out;
  const fs::path dir = source_dir + "/tests/flows";
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

// What the scenarios of one flow covered, over all its files' cases.
struct coverage {
  bool terminal = false;
  bool refused = false;
  bool timer = false;
};

// Runs the cases of one scenario file; reports each mismatch at its line.
class scenario_runner {
 public:
  scenario_runner(std::shared_ptr<const policy> p, fs::path file)
      : p_(std::move(p)), file_(std::move(file)) {}

  // Returns the flow the file is about (empty when unreadable).
  std::string run(std::map<std::string, coverage>& covered) {
    YAML::Node loaded;
    try {
      loaded = YAML::LoadFile(file_.string());
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << rel() << ": " << e.what();
      return "";
    }
    const YAML::Node& doc = loaded;  // const: lookups must not insert keys
    check_keys(doc, {"flow", "cases"}, "file");
    if (!doc["flow"] || !doc["cases"] || !doc["cases"].IsSequence()) {
      ADD_FAILURE() << rel() << ": expected `flow` and a list `cases`";
      return "";
    }
    flow_id_ = doc["flow"].as<std::string>();
    const auto flow = p_->find_flow(flow_id_);
    if (!flow) {
      fail(doc["flow"], "the policy has no flow `" + flow_id_ + "`");
      return "";
    }
    flow_ = &p_->flows[*flow];
    coverage& cov = covered[flow_id_];
    for (const auto& c : doc["cases"]) run_case(c, cov);
    return flow_id_;
  }

 private:
  std::string rel() const { return "tests/flows/" + file_.filename().string(); }
  std::string at(const YAML::Node& n) const { return rel() + ":" + std::to_string(n.Mark().line + 1); }
  void fail(const YAML::Node& n, const std::string& what) {
    ADD_FAILURE() << at(n) << ": " << case_name_ << what;
  }
  void mismatch(const YAML::Node& n, const std::string& field, const std::string& want,
                const std::string& got) {
    fail(n, field + ": expected " + want + ", got " + got);
  }

  void check_keys(const YAML::Node& n, std::initializer_list<const char*> keys, const std::string& what) {
    if (!n.IsMap()) return;
    for (const auto& kv : n) {
      const auto k = kv.first.as<std::string>();
      if (std::none_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; })) {
        fail(kv.first, "unknown " + what + " key `" + k + "`");
      }
    }
  }

  std::optional<aftersale::sys_seconds> time_of(const YAML::Node& n) {
    auto t = aftersale::parse_timestamp(n.as<std::string>());
    if (!t) fail(n, "`" + n.as<std::string>() + "` is not an ISO 8601 timestamp with an offset");
    return t;
  }

  // A YAML scalar as the value type declared for a fact or flow variable.
  static aftersale::fact_value value_of(const aftersale::fact_def* def, const YAML::Node& node) {
    return aftersale::testing::yaml_fact_value(def, node);
  }

  const aftersale::fact_def* fact_def_of(const std::string& name) const {
    if (auto id = p_->find_fact(name)) return &p_->facts[*id];
    return nullptr;
  }
  const aftersale::fact_def* variable_of(const std::string& name) const {
    for (const auto& v : flow_->variables)
      if (v.name == name) return &v;
    return nullptr;
  }

  // The encoded value a scenario expects for a variable (enum: index, bool: 0/1).
  std::optional<std::int64_t> encoded(const aftersale::fact_def& def, const YAML::Node& node) const {
    switch (def.type) {
      case aftersale::fact_type::boolean:
        return node.as<bool>() ? 1 : 0;
      case aftersale::fact_type::enumeration:
      case aftersale::fact_type::string: {
        const auto text = node.as<std::string>();
        const auto it = std::find(def.values.begin(), def.values.end(), text);
        if (it == def.values.end()) return std::nullopt;
        return static_cast<std::int64_t>(it - def.values.begin());
      }
      default:
        return node.as<std::int64_t>();
    }
  }

  std::string role_name(std::uint32_t role) const {
    return role == aftersale::npos ? "none" : p_->vocabulary.roles.at(role).id;
  }
  std::string flag_name(std::uint32_t flag) const {
    return flag == aftersale::npos ? "none" : p_->vocabulary.flags.at(flag).id;
  }

  void note_coverage(const aftersale::service_case& c, coverage& cov) const {
    for (const auto& h : c.history()) {
      if (h.what == aftersale::history_entry::kind::timer) cov.timer = true;
      if (h.to != aftersale::npos && c.flow().states.at(h.to).terminal) cov.terminal = true;
    }
  }

  std::optional<aftersale::service_case> open(const YAML::Node& c) {
    aftersale::request r;
    if (const auto& facts = c["facts"]) {
      for (const auto& kv : facts) {
        const auto name = kv.first.as<std::string>();
        r.set(name, value_of(fact_def_of(name), kv.second));
      }
    }
    const auto now = time_of(c["now"]);
    if (!now) return std::nullopt;
    const std::string how = c["open"] ? c["open"].as<std::string>() : "decide";
    try {
      if (how == "flow") {
        return aftersale::open_case(p_, flow_id_, aftersale::bind(*p_, r), *now);
      }
      if (how != "decide") {
        fail(c["open"], "`open` is `decide` or `flow`, not `" + how + "`");
        return std::nullopt;
      }
      const std::string table =
          c["table"] ? c["table"].as<std::string>() : p_->decisions.at(p_->info.entry).id;
      const auto d = aftersale::decide(p_, table, r, *now);
      if (!d.matched()) {
        fail(c, "the decision did not match:\n" + aftersale::explain(d));
        return std::nullopt;
      }
      auto opened = aftersale::open_case(d, *now);
      if (opened.flow().id != flow_id_) {
        fail(c, "rule `" + std::string(d.rule_id()) + "` opened the case in flow `" + opened.flow().id +
                    "`, not `" + flow_id_ + "`");
        return std::nullopt;
      }
      return opened;
    } catch (const aftersale::error& e) {
      fail(c, std::string("cannot open the case: ") + e.what());
      return std::nullopt;
    }
  }

  // Checks the case against an `expect` block. `outcomes`: what the step produced.
  void check(const YAML::Node& expect, const aftersale::service_case& c,
             const std::vector<aftersale::outcome>& outcomes) {
    check_keys(expect,
               {"state", "phase", "refused", "duplicate", "actions", "escalation", "variables", "clocks",
                "next_deadline", "fired", "remark"},
               "expect");
    if (const auto& n = expect["state"]) {
      if (n.as<std::string>() != c.state_id())
        mismatch(n, "state", n.as<std::string>(), std::string(c.state_id()));
    }
    if (const auto& n = expect["phase"]) {
      const std::string got(aftersale::to_string(c.phase()));
      if (n.as<std::string>() != got) mismatch(n, "phase", n.as<std::string>(), got);
    }
    if (const auto& n = expect["escalation"]) {
      if (n.as<std::string>() != role_name(c.escalation()))
        mismatch(n, "escalation", n.as<std::string>(), role_name(c.escalation()));
    }
    if (const auto& n = expect["remark"]) {
      if (n.as<std::string>() != flag_name(c.remark_flag()))
        mismatch(n, "remark", n.as<std::string>(), flag_name(c.remark_flag()));
    }
    if (const auto& n = expect["actions"]) {
      std::vector<std::string> want, got;
      for (const auto& a : n) want.push_back(a.as<std::string>());
      for (const auto& o : outcomes)
        for (const auto& a : o.actions()) got.push_back(a.name);
      if (want != got) mismatch(n, "actions", joined(want), joined(got));
    }
    if (const auto& n = expect["fired"]) {
      const auto fired =
          std::count_if(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.accepted(); });
      if (n.as<long>() != fired) mismatch(n, "fired", n.as<std::string>(), std::to_string(fired));
    }
    if (const auto& n = expect["variables"]) {
      for (const auto& kv : n) {
        const auto name = kv.first.as<std::string>();
        const aftersale::fact_def* def = variable_of(name);
        if (!def) def = fact_def_of(name);
        if (!def) {
          fail(kv.first, "unknown variable `" + name + "`");
          continue;
        }
        const auto got = c.value(name);
        const std::string got_text = got ? std::to_string(*got) : "absent";
        if (kv.second.IsNull() || kv.second.as<std::string>() == "absent") {
          if (got) mismatch(kv.second, name, "absent", got_text);
          continue;
        }
        const auto want = encoded(*def, kv.second);
        if (!want) {
          fail(kv.second, "`" + kv.second.as<std::string>() + "` is not a value of `" + name + "`");
        } else if (!got || *got != *want) {
          mismatch(kv.second, name, kv.second.as<std::string>() + " (" + std::to_string(*want) + ")",
                   got_text);
        }
      }
    }
    if (const auto& n = expect["clocks"]) {
      for (const auto& kv : n) {
        const auto name = kv.first.as<std::string>();
        const auto clock = p_->find_clock(name);
        if (!clock) {
          fail(kv.first, "unknown clock `" + name + "`");
          continue;
        }
        const aftersale::case_clock* slot = c.find_clock(*clock);
        const std::string got = slot ? std::string(aftersale::to_string(slot->state)) : "none";
        if (kv.second.as<std::string>() != got)
          mismatch(kv.second, "clock `" + name + "`", kv.second.as<std::string>(), got);
      }
    }
    if (const auto& n = expect["next_deadline"]) {
      const auto got = aftersale::next_deadline(c);
      const std::string got_text = got ? aftersale::format_utc(*got) : "none";
      if (n.as<std::string>() == "none") {
        if (got) mismatch(n, "next_deadline", "none", got_text);
      } else if (const auto want = time_of(n); want && (!got || *got != *want)) {
        mismatch(n, "next_deadline", aftersale::format_utc(*want), got_text);
      }
    }
  }

  void run_step(const YAML::Node& step, aftersale::service_case& c, aftersale::sys_seconds& now,
                coverage& cov) {
    check_keys(step, {"event", "as", "at", "id", "payload", "expect", "advance"}, "step");
    const YAML::Node expect = step["expect"] ? step["expect"] : YAML::Node(YAML::NodeType::Map);
    std::vector<aftersale::outcome> outcomes;
    if (const auto& adv = step["advance"]) {
      const auto t = time_of(adv);
      if (!t) return;
      now = *t;
      outcomes = aftersale::advance(c, now);
      check(expect, c, outcomes);
      check_snapshot(step, c);
      return;
    }
    if (!step["event"] || !step["as"]) {
      fail(step, "a step is `event` with `as`, or `advance`");
      return;
    }
    if (const auto& when = step["at"]) {
      const auto t = time_of(when);
      if (!t) return;
      now = *t;
    }
    aftersale::event e;
    e.name = step["event"].as<std::string>();
    e.actor_role = step["as"].as<std::string>();
    if (step["id"]) e.id = step["id"].as<std::string>();
    if (const auto& payload = step["payload"]) {
      for (const auto& kv : payload) {
        const auto name = kv.first.as<std::string>();
        e.payload.set(name, value_of(variable_of(name), kv.second));
      }
    }
    const aftersale::service_case before = c;
    outcomes.push_back(aftersale::apply(c, e, now));
    const aftersale::outcome& o = outcomes.back();
    const std::string what = "`" + e.name + "` as " + e.actor_role;
    if (const auto& n = expect["refused"]) {
      const std::string got = o.result() == aftersale::outcome::status::refused
                                  ? std::string(aftersale::to_string(o.reason()))
                                  : (o.accepted() ? "accepted" : "duplicate");
      if (n.as<std::string>() != got) {
        mismatch(n, what + " refused", n.as<std::string>(), got + " (" + o.message() + ")");
      } else {
        cov.refused = true;
      }
      if (c != before) fail(n, what + " was refused but changed the case");
    } else if (expect["duplicate"] && expect["duplicate"].as<bool>()) {
      if (o.result() != aftersale::outcome::status::duplicate)
        mismatch(expect["duplicate"], what, "duplicate", o.message());
      if (c != before) fail(expect["duplicate"], what + " was a duplicate but changed the case");
    } else if (!o.accepted()) {
      fail(step, what + ": expected accepted, got " + o.message());
    }
    check(expect, c, outcomes);
    check_snapshot(step, c);
  }

  // Every step's case survives a snapshot: restored, it equals the case and writes the same
  // text; the next step continues from the restored case, as a host restarted between steps.
  void check_snapshot(const YAML::Node& step, aftersale::service_case& c) {
    try {
      const std::string json = aftersale::to_json(c);
      aftersale::service_case back = aftersale::from_json(p_, json);
      if (back != c) fail(step, "the case restored from its snapshot differs from the case");
      if (aftersale::to_json(back) != json) fail(step, "the snapshot of the restored case differs");
      c = std::move(back);
    } catch (const aftersale::error& e) {
      fail(step, std::string("snapshot: ") + e.what());
    }
  }

  void run_case(const YAML::Node& c, coverage& cov) {
    case_name_ = (c["name"] ? c["name"].as<std::string>() : std::string("(unnamed)")) + ": ";
    check_keys(c, {"name", "now", "facts", "open", "table", "opened", "steps", "end"}, "case");
    if (!c["now"]) {
      fail(c, "a case needs `now`");
      return;
    }
    auto opened = open(c);
    if (!opened) return;
    aftersale::service_case& sc = *opened;
    auto now = *aftersale::parse_timestamp(c["now"].as<std::string>());
    if (const auto& e = c["opened"]) check(e, sc, {});
    if (const auto& steps = c["steps"]) {
      for (const auto& step : steps) run_step(step, sc, now, cov);
    }
    if (const auto& e = c["end"]) check(e, sc, {});
    note_coverage(sc, cov);
    case_name_.clear();
  }

  std::shared_ptr<const policy> p_;
  fs::path file_;
  std::string flow_id_;
  const aftersale::flow_def* flow_ = nullptr;
  std::string case_name_;
};

TEST(DefaultFlows, ScenariosRunAsExpectedAndCoverEveryFlow) {
  std::shared_ptr<const policy> p;
  try {
    p = default_policy();
  } catch (const aftersale::error& e) {
    FAIL() << e.what();
  }
  const auto files = scenario_files();
  ASSERT_FALSE(files.empty()) << "no scenario files in tests/flows";
  std::map<std::string, coverage> covered;
  for (const auto& file : files) {
    const std::string flow = scenario_runner(p, file).run(covered);
    if (!flow.empty() && file.stem().string() != flow) {
      ADD_FAILURE() << "tests/flows/" << file.filename().string() << ": tests flow `" << flow
                    << "`; name the file after it";
    }
  }
  for (const auto& f : p->flows) {
    const auto it = covered.find(f.id);
    if (it == covered.end()) {
      ADD_FAILURE() << "flow `" << f.id << "` has no scenario file tests/flows/" << f.id << ".yaml";
      continue;
    }
    EXPECT_TRUE(it->second.terminal) << "flow `" << f.id << "`: no scenario reaches a terminal state";
    EXPECT_TRUE(it->second.refused) << "flow `" << f.id << "`: no scenario has a refused event";
    EXPECT_TRUE(it->second.timer) << "flow `" << f.id << "`: no scenario fires a timer";
  }
}

// Every rule of the entry table names a flow a case can start in.
TEST(DefaultFlows, EveryEntryRuleNamesAFlow) {
  const auto p = default_policy();
  for (const auto& r : p->decisions.at(p->info.entry).rules) {
    EXPECT_FALSE(r.then.flow.empty()) << "rule `" << r.id << "` names no flow";
    if (!r.then.flow.empty()) {
      EXPECT_TRUE(p->find_flow(r.then.flow).has_value()) << r.then.flow;
    }
  }
}

// Every state of every flow has an agent and a customer label in Chinese and in English.
TEST(DefaultFlows, EveryStateIsLabelledInChineseAndEnglish) {
  const auto p = default_policy();
  for (const auto& f : p->flows) {
    for (const auto& s : f.states) {
      for (const auto* label : {&s.agent_label, &s.customer_label}) {
        std::set<std::string> locales;
        for (const auto& [locale, text] : label->by_locale)
          if (!text.empty()) locales.insert(locale);
        EXPECT_TRUE(locales.count("zh") && locales.count("en"))
            << "flow `" << f.id << "` state `" << s.id
            << "`: " << (label == &s.agent_label ? "agent" : "customer") << " label needs zh and en";
      }
    }
  }
}

}  // namespace
