// Data-driven tests of the shipped default policy: every case in tests/corpus/*.yaml is
// decided and compared field by field with its expected decision, every rule of the entry
// table must be reached by some case, and every example request in examples/requests/
// must decide without a request error.
#include <aftersale/aftersale.hpp>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
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
  static const std::shared_ptr<const policy> p = aftersale::load_policy_file(source_dir + "/policies/default.yaml");
  return p;
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `file:line` of a node, 1-based (yaml-cpp marks are 0-based).
std::string where(const fs::path& file, const YAML::Node& node) {
  return file.filename().string() + ":" + std::to_string(node.Mark().line + 1);
}

// A YAML scalar as the value type the policy declares for the fact.
aftersale::fact_value to_value(const policy& p, const std::string& fact, const YAML::Node& node) {
  const auto id = p.find_fact(fact);
  return aftersale::testing::yaml_fact_value(id ? &p.facts[*id] : nullptr, node);
}

// Expected text of an optional id: a missing key or `none` means "nothing".
std::string optional_id(const YAML::Node& expect, const char* key) {
  const YAML::Node& n = expect[key];
  if (!n) return "";
  std::string s = n.as<std::string>();
  return s == "none" ? "" : s;
}

std::vector<std::string> id_list(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n) {
    for (const auto& item : n) out.push_back(item.as<std::string>());
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

template <class Map>
std::string joined_map(const Map& m) {
  std::ostringstream out;
  out << '{';
  bool first = true;
  for (const auto& [k, v] : m) {
    out << (first ? "" : ", ") << k << ": " << v;
    first = false;
  }
  out << '}';
  return out.str();
}

const aftersale::business_calendar& calendar_of(const policy& p, std::uint32_t clock) {
  std::uint32_t cal = p.clocks[clock].calendar;
  if (cal == aftersale::npos) cal = p.info.default_calendar;
  return p.calendars.at(cal);
}

struct case_result {
  std::string location;
  std::string table;
  std::string rule;  // empty when nothing matched
};

// Decides one corpus case and reports every difference from its `expect`.
case_result run_case(const std::shared_ptr<const policy>& p, const fs::path& file, const YAML::Node& c) {
  case_result result;
  result.location = where(file, c);
  const std::string name = c["name"] ? c["name"].as<std::string>() : std::string("(unnamed)");
  const std::string at = result.location + ": " + name + ": ";

  static const std::set<std::string> case_keys = {"name", "now", "facts", "expect", "table"};
  static const std::set<std::string> expect_keys = {"status",   "rule",   "solution", "fee_payer", "escalation",
                                                    "flag",     "evidence", "amounts", "deadlines"};
  for (const auto& kv : c) {
    if (!case_keys.count(kv.first.as<std::string>())) ADD_FAILURE() << at << "unknown case key `" << kv.first << "`";
  }
  const YAML::Node& expect = c["expect"];
  if (!c["now"] || !c["facts"] || !expect) {
    ADD_FAILURE() << at << "a case needs `now`, `facts` and `expect`";
    return result;
  }
  for (const auto& kv : expect) {
    if (!expect_keys.count(kv.first.as<std::string>())) {
      ADD_FAILURE() << at << "unknown expect key `" << kv.first << "`";
    }
  }

  aftersale::request r;
  for (const auto& kv : c["facts"]) {
    const auto fact = kv.first.as<std::string>();
    r.set(fact, to_value(*p, fact, kv.second));
  }
  const auto now = aftersale::parse_timestamp(c["now"].as<std::string>());
  if (!now) {
    ADD_FAILURE() << at << "`now` is not an ISO 8601 timestamp with an offset";
    return result;
  }

  result.table = c["table"] ? c["table"].as<std::string>() : p->decisions.at(p->info.entry).id;
  std::unique_ptr<aftersale::decision> d;
  try {
    d = std::make_unique<aftersale::decision>(aftersale::decide(p, result.table, r, *now));
  } catch (const aftersale::request_error& e) {
    ADD_FAILURE() << at << "request error: " << e.what();
    return result;
  }

  const std::string want_status = expect["status"] ? expect["status"].as<std::string>() : "matched";
  const std::string got_status(aftersale::to_string(d->status()));
  if (got_status != want_status) {
    ADD_FAILURE() << at << "status: expected " << want_status << ", got " << got_status << "\n"
                  << aftersale::explain(*d);
    return result;
  }
  if (!d->matched()) return result;
  result.rule = std::string(d->rule_id());

  auto check = [&](const char* field, const std::string& want, const std::string& got) {
    if (want != got) ADD_FAILURE() << at << field << ": expected `" << want << "`, got `" << got << "`";
  };
  check("rule", expect["rule"] ? expect["rule"].as<std::string>() : "", result.rule);
  if (result.rule != (expect["rule"] ? expect["rule"].as<std::string>() : "")) {
    ADD_FAILURE() << at << "why:\n" << aftersale::explain(*d);
  }
  check("solution", expect["solution"] ? expect["solution"].as<std::string>() : "", std::string(d->solution()));
  check("fee_payer", optional_id(expect, "fee_payer"), std::string(d->fee_payer()));
  check("escalation", optional_id(expect, "escalation"), std::string(d->escalation()));
  check("flag", optional_id(expect, "flag"), std::string(d->remark_flag()));

  std::vector<std::string> evidence;
  for (auto e : d->evidence()) evidence.emplace_back(e);
  check("evidence", joined(id_list(expect["evidence"])), joined(evidence));

  std::map<std::string, std::int64_t> want_amounts, got_amounts;
  if (const YAML::Node& a = expect["amounts"]) {
    for (const auto& kv : a) want_amounts[kv.first.as<std::string>()] = kv.second.as<std::int64_t>();
  }
  for (const auto& [k, v] : d->amounts()) got_amounts[std::string(k)] = v;
  check("amounts", joined_map(want_amounts), joined_map(got_amounts));

  // Deadlines compare as UTC instants: the expected local text is read on the clock's
  // calendar; the local text of both sides is printed to make a failure readable.
  std::map<std::string, std::string> want_due, got_due, want_text, got_text;
  if (const YAML::Node& dl = expect["deadlines"]) {
    for (const auto& kv : dl) {
      const auto clock_name = kv.first.as<std::string>();
      const auto text = kv.second.as<std::string>();
      auto clock = p->find_clock(clock_name);
      if (!clock) {
        ADD_FAILURE() << at << "deadline for an unknown clock `" << clock_name << "`";
        continue;
      }
      auto due = calendar_of(*p, *clock).parse_local(text);
      if (!due) {
        ADD_FAILURE() << at << "deadline `" << clock_name << "`: cannot read `" << text << "` as local time";
        continue;
      }
      want_due[clock_name] = aftersale::format_utc(*due);
      want_text[clock_name] = text;
    }
  }
  for (const auto& dl : d->deadlines()) {
    const std::string clock_name(d->clock_id(dl));
    got_due[clock_name] = aftersale::format_utc(dl.due);
    got_text[clock_name] = calendar_of(*p, dl.clock).format_local(dl.due);
  }
  if (want_due != got_due) {
    ADD_FAILURE() << at << "deadlines:\n  expected " << joined_map(want_text) << "\n  got      " << joined_map(got_text);
  }
  return result;
}

struct corpus_run {
  std::size_t cases = 0;
  std::map<std::string, std::set<std::string>> reached;  // table -> rule ids
};

corpus_run run_corpus() {
  corpus_run run;
  const auto p = default_policy();
  const auto files = files_in(source_dir + "/tests/corpus", ".yaml");
  EXPECT_FALSE(files.empty()) << "no corpus files in tests/corpus";
  for (const auto& file : files) {
    YAML::Node doc;
    try {
      doc = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << file.filename().string() << ": " << e.what();
      continue;
    }
    const YAML::Node& cases = static_cast<const YAML::Node&>(doc)["cases"];
    if (!cases || !cases.IsSequence()) {
      ADD_FAILURE() << file.filename().string() << ": expected a top-level `cases` list";
      continue;
    }
    for (const auto& c : cases) {
      ++run.cases;
      case_result r = run_case(p, file, c);
      if (!r.rule.empty()) run.reached[r.table].insert(r.rule);
    }
  }
  return run;
}

TEST(DefaultPolicy, Loads) {
  std::shared_ptr<const policy> p;
  try {
    p = default_policy();
  } catch (const aftersale::policy_error& e) {
    FAIL() << e.what();
  }
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->info.id, "cn_platform_baseline");
  EXPECT_EQ(p->decisions.at(p->info.entry).id, "after_sales");
}

TEST(DefaultPolicy, CorpusCasesDecideAsExpectedAndReachEveryRule) {
  const auto p = default_policy();
  const corpus_run run = run_corpus();
  EXPECT_GE(run.cases, 60u) << "the corpus should keep at least 60 cases";

  // Every rule of every table must be reached by at least one case.
  for (const auto& table : p->decisions) {
    std::vector<std::string> unreached;
    const auto it = run.reached.find(table.id);
    for (const auto& rule : table.rules) {
      if (it == run.reached.end() || !it->second.count(rule.id)) unreached.push_back(rule.id);
    }
    EXPECT_TRUE(unreached.empty()) << "rules of `" << table.id << "` no corpus case reaches: " << joined(unreached);
  }
}

TEST(DefaultPolicy, EveryExampleRequestDecides) {
  const auto p = default_policy();
  const auto files = files_in(source_dir + "/examples/requests", ".json");
  const auto request_fact = p->find_fact("request");
  ASSERT_TRUE(request_fact.has_value());
  std::set<std::string> request_types;

  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::ifstream in(file);
    const auto doc = nlohmann::json::parse(in);
    ASSERT_TRUE(doc.contains("facts") && doc.contains("now") && doc.contains("note"));
    aftersale::request r;
    for (const auto& [name, value] : doc.at("facts").items()) {
      if (value.is_boolean()) {
        r.set(name, aftersale::fact_value(value.get<bool>()));
      } else if (value.is_number_integer()) {
        r.set(name, value.get<std::int64_t>());
      } else {
        r.set(name, value.get<std::string>());
      }
    }
    request_types.insert(doc.at("facts").at("request").get<std::string>());
    const auto now = aftersale::parse_timestamp(doc.at("now").get<std::string>());
    ASSERT_TRUE(now.has_value());
    try {
      const auto d = aftersale::decide(p, r, *now);
      ASSERT_EQ(d.status(), aftersale::decision_status::matched);
      // An example should show a real rule, not the catch-all.
      EXPECT_NE(d.rule_id(), "fallback_manual_review");
      EXPECT_FALSE(d.deadlines().empty());
    } catch (const aftersale::request_error& e) {
      ADD_FAILURE() << "request error: " << e.what();
    }
  }
  // One example per request type of the domain.
  const auto& declared = p->facts[*request_fact].values;
  EXPECT_EQ(request_types, std::set<std::string>(declared.begin(), declared.end()));
  EXPECT_EQ(files.size(), declared.size());
}

}  // namespace
