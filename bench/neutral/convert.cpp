// SPDX-License-Identifier: Apache-2.0
#include "convert.hpp"

#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace aftersale::bench {
namespace {

using nlohmann::json;

// JSON string literals are valid YAML double-quoted scalars, so quoting is just dump().
std::string quoted(const std::string& s) { return json(s).dump(); }

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string clock_id(long long hours) { return "sla_" + std::to_string(hours) + "h"; }

// A cell value written in the fact's type: enum ids and numbers as plain scalars, bools
// as true/false.
std::string scalar(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_string()) return v.get<std::string>();
  throw std::runtime_error("unsupported cell value " + v.dump());
}

// The YAML condition for one neutral cell, or "" for `any` (left out of `when`).
std::string condition(const json& cell) {
  const std::string op = cell.at("op").get<std::string>();
  if (op == "any") return "";
  // The short forms an author writes (`fact: x`, `fact: [a, b]`); `{eq: any}` keeps an
  // enum value named `any` from reading as the keyword.
  if (op == "eq") {
    const std::string v = scalar(cell.at("value"));
    return v == "any" ? "{eq: any}" : v;
  }
  if (op == "lte") return "{le: " + scalar(cell.at("value")) + "}";
  if (op == "gte") return "{ge: " + scalar(cell.at("value")) + "}";
  if (op == "between") return "{between: [" + scalar(cell.at("min")) + ", " + scalar(cell.at("max")) + "]}";
  if (op == "in") {
    std::string s = "[";
    bool first = true;
    for (const json& v : cell.at("values")) {
      if (!first) s += ", ";
      s += scalar(v);
      first = false;
    }
    return s + "]";
  }
  throw std::runtime_error("unsupported cell op `" + op + "`");
}

void write_id_list(std::ostringstream& out, const char* key, const std::vector<std::string>& ids) {
  out << "  " << key << ": [";
  for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? ", " : "") << ids[i];
  out << "]\n";
}

}  // namespace

std::string neutral_table_to_yaml(const json& table, const std::string& policy_id) {
  if (table.at("hit_policy").get<std::string>() != "first")
    throw std::runtime_error("only `first` tables are supported");
  const json& rules = table.at("rules");

  // Vocabulary from the rules: solutions in order of first use; parties from the
  // fee_payer output column; one clock per distinct SLA.
  std::vector<std::string> solutions;
  std::set<std::string> seen_solutions;
  std::set<long long> sla_hours;
  for (const json& r : rules) {
    const std::string s = r.at("then").at("solution").get<std::string>();
    if (seen_solutions.insert(s).second) solutions.push_back(s);
    sla_hours.insert(r.at("then").at("sla_hours").get<long long>());
  }
  std::vector<std::string> parties;
  for (const json& col : table.at("outputs")) {
    if (col.at("name") == "fee_payer") parties = col.at("values").get<std::vector<std::string>>();
  }

  std::ostringstream out;
  out << "format: 1\n"
      << "policy:\n"
      << "  id: " << policy_id << "\n"
      << "  version: \"1\"\n"
      << "  name: " << quoted(table.value("name", policy_id)) << "\n"
      << "  entry: " << neutral_table_id << "\n"
      << "  calendar: utc\n"
      << "vocabulary:\n";
  write_id_list(out, "solutions", solutions);
  write_id_list(out, "parties", parties);
  write_id_list(out, "roles", {"supervisor"});

  out << "facts:\n";
  for (const json& col : table.at("inputs")) {
    const std::string name = col.at("name").get<std::string>();
    const std::string type = col.at("type").get<std::string>();
    out << "  " << name << ":\n";
    if (type == "enum") {
      out << "    type: enum\n";
      out << "    values: [";
      bool first = true;
      for (const json& v : col.at("values")) {
        out << (first ? "" : ", ") << v.get<std::string>();
        first = false;
      }
      out << "]\n";
    } else if (type == "int" || type == "bool") {
      out << "    type: " << type << "\n";
    } else {
      throw std::runtime_error("unsupported input type `" + type + "`");
    }
    out << "    required: true\n";
  }

  // Elapsed-hour clocks do not depend on working hours; the calendar only anchors them.
  out << "calendars:\n"
      << "  utc:\n"
      << "    time_zone: UTC\n"
      << "    hours:\n";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    out << "      " << day << ": [\"00:00-24:00\"]\n";
  out << "clocks:\n";
  for (long long h : sla_hours) {
    out << "  " << clock_id(h) << ":\n"
        << "    within: {hours: " << h << "}\n";
  }

  out << "decisions:\n"
      << "  " << neutral_table_id << ":\n"
      << "    hit_policy: first\n"
      << "    rules:\n";
  for (const json& r : rules) {
    out << "      - id: " << lowercase(r.at("id").get<std::string>()) << "\n";
    if (r.contains("description"))
      out << "        description: " << quoted(r.at("description").get<std::string>()) << "\n";
    std::ostringstream when;
    // Conditions in the table's column order, like the generated if-chain.
    for (const json& col : table.at("inputs")) {
      const std::string name = col.at("name").get<std::string>();
      const auto cell = r.at("when").find(name);
      if (cell == r.at("when").end()) continue;
      const std::string c = condition(*cell);
      if (!c.empty()) when << "          " << name << ": " << c << "\n";
    }
    for (const auto& item : r.at("when").items()) {
      bool known = false;
      for (const json& col : table.at("inputs")) known = known || col.at("name") == item.key();
      if (!known)
        throw std::runtime_error("rule `" + r.at("id").get<std::string>() + "` tests unknown input `" +
                                 item.key() + "`");
    }
    if (!when.str().empty()) out << "        when:\n" << when.str();
    const json& then = r.at("then");
    out << "        then:\n"
        << "          solution: " << then.at("solution").get<std::string>() << "\n"
        << "          fee_payer: " << then.at("fee_payer").get<std::string>() << "\n";
    if (then.at("escalate").get<bool>()) out << "          escalation: supervisor\n";
    out << "          clocks: [" << clock_id(then.at("sla_hours").get<long long>()) << "]\n";
  }
  return out.str();
}

}  // namespace aftersale::bench
