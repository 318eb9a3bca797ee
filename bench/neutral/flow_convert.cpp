// SPDX-License-Identifier: Apache-2.0
#include "flow_convert.hpp"

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace aftersale::bench {
namespace {

using nlohmann::json;

// JSON string literals are valid YAML double-quoted scalars, so quoting is just dump().
std::string yaml_quoted(const std::string& s) { return json(s).dump(); }

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Our type for a context field: the first word of its neutral type (`int (0 until refunded)`).
std::string value_type(const std::string& field, const std::string& neutral_type) {
  const std::string word = neutral_type.substr(0, neutral_type.find(' '));
  if (word == "bool") return "bool";
  if (word == "int") return ends_with(field, "_cents") ? "money" : "int";
  throw std::runtime_error("context field `" + field + "` has unsupported type `" + neutral_type + "`");
}

// One guard: `context.<field> <op> <literal>` → `<field>: <condition>`.
std::string guard_condition(const std::string& name, const std::string& text) {
  static const std::regex form(
      R"(^\s*context\.([a-z][a-z0-9_]*)\s*(<=|>=|<|>|==|!=)\s*(true|false|-?[0-9]+)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    throw std::runtime_error("guard `" + name + "` is not `context.x <op> literal`: " + text);
  const std::string op = m[2].str();
  const std::string v = m[3].str();
  static const std::map<std::string, std::string> keys{
      {"<=", "le"}, {">=", "ge"}, {"<", "lt"}, {">", "gt"}, {"!=", "ne"}};
  const std::string cond = op == "==" ? v : "{" + keys.at(op) + ": " + v + "}";
  return m[1].str() + ": " + cond;
}

struct assignment {
  std::string target;
  std::string effect;  // the YAML effect mapping
};

// One action: `context.a = context.b` (record an amount) or `context.a = <literal>` (set).
assignment action_effect(const std::string& name, const std::string& text) {
  static const std::regex copy(R"(^\s*context\.([a-z][a-z0-9_]*)\s*=\s*context\.([a-z][a-z0-9_]*)\s*$)");
  static const std::regex constant(R"(^\s*context\.([a-z][a-z0-9_]*)\s*=\s*(true|false|-?[0-9]+)\s*$)");
  std::smatch m;
  if (std::regex_match(text, m, copy)) {
    return {m[1].str(), "{record: {" + m[1].str() + ": {of: " + m[2].str() + ", ratio: 1/1}}}"};
  }
  if (std::regex_match(text, m, constant))
    return {m[1].str(), "{set: {" + m[1].str() + ": " + m[2].str() + "}}"};
  throw std::runtime_error("action `" + name +
                           "` is not `context.a = context.b` or `context.a = literal`: " + text);
}

std::string label(const std::string& state) {
  std::string s = state;
  for (char& c : s)
    if (c == '_') c = ' ';
  return yaml_quoted(s);
}

}  // namespace

std::string neutral_event_name(const std::string& neutral) {
  const std::string name = lowercase(neutral);
  return name == "close" || name == "reopen" ? name + "_case" : name;
}

std::string neutral_flow_id(const json& flow) { return lowercase(flow.at("name").get<std::string>()); }

std::string neutral_flow_to_yaml(const json& flow, const std::string& policy_id) {
  const std::string flow_id = neutral_flow_id(flow);

  std::map<std::string, assignment> actions;
  std::set<std::string> assigned;
  for (const auto& a : flow.at("actions").items()) {
    actions[a.key()] = action_effect(a.key(), a.value().get<std::string>());
    assigned.insert(actions[a.key()].target);
  }
  std::map<std::string, std::string> guards;
  for (const auto& g : flow.at("guards").items())
    guards[g.key()] = guard_condition(g.key(), g.value().get<std::string>());
  std::set<std::string> finals;
  for (const json& s : flow.at("final")) finals.insert(s.get<std::string>());

  std::ostringstream facts, variables;
  for (const auto& f : flow.at("context").items()) {
    const std::string type = value_type(f.key(), f.value().get<std::string>());
    if (assigned.count(f.key())) {
      variables << "      " << f.key() << ": {type: " << type << "}\n";
    } else {
      facts << "  " << f.key() << ": {type: " << type << "}\n";
    }
  }

  std::ostringstream out;
  out << "format: 1\n"
      << "policy:\n"
      << "  id: " << policy_id << "\n"
      << "  version: \"1\"\n"
      << "  name: " << yaml_quoted("neutral benchmark flow " + flow.at("name").get<std::string>()) << "\n"
      << "  entry: intake\n"
      << "vocabulary:\n"
      << "  solutions: [" << flow_id << "]\n"
      << "  roles: [agent]\n";
  out << "facts:" << (facts.str().empty() ? " {}\n" : "\n" + facts.str());
  out << "decisions:\n"
      << "  intake:\n"
      << "    hit_policy: first\n"
      << "    rules:\n"
      << "      - id: open_" << flow_id << "\n"
      << "        then: {solution: " << flow_id << ", flow: " << flow_id << "}\n";

  out << "flows:\n"
      << "  " << flow_id << ":\n"
      << "    description: "
      << yaml_quoted("converted from the neutral workload (" + flow.at("format").get<std::string>() + ")")
      << "\n"
      << "    start: " << flow.at("initial").get<std::string>() << "\n";
  if (!variables.str().empty()) out << "    variables:\n" << variables.str();
  out << "    states:\n";
  for (const json& s : flow.at("states")) {
    const std::string id = s.get<std::string>();
    out << "      " << id << ": {agent: " << label(id) << ", customer: " << label(id);
    if (finals.count(id)) out << ", terminal: true";
    out << "}\n";
  }
  out << "    transitions:\n";
  for (const json& t : flow.at("transitions")) {
    out << "      - {from: " << t.at("from").get<std::string>()
        << ", event: " << neutral_event_name(t.at("event").get<std::string>())
        << ", to: " << t.at("to").get<std::string>();
    if (t.contains("guard")) {
      const std::string g = t.at("guard").get<std::string>();
      if (!guards.count(g)) throw std::runtime_error("transition names unknown guard `" + g + "`");
      out << ", when: {" << guards.at(g) << "}";
    }
    if (t.contains("action")) {
      const std::string a = t.at("action").get<std::string>();
      if (!actions.count(a)) throw std::runtime_error("transition names unknown action `" + a + "`");
      out << ", effects: [" << actions.at(a).effect << "]";
    }
    out << "}\n";
  }
  return out.str();
}

}  // namespace aftersale::bench
