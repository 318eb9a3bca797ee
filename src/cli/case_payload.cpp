// SPDX-License-Identifier: Apache-2.0
#include "case_payload.hpp"

#include <cerrno>
#include <cstdlib>
#include <set>

#include "request_json.hpp"

namespace aftersale::cli {
namespace {

const fact_def* find_variable(const flow_def& flow, const std::string& name) {
  for (const auto& v : flow.variables)
    if (v.name == name) return &v;
  return nullptr;
}

// A whole decimal integer, optionally signed; nothing else.
bool read_integer(const std::string& text, std::int64_t& out) {
  if (text.empty() || text.find_first_not_of("+-0123456789") != std::string::npos) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  out = static_cast<std::int64_t>(v);
  return true;
}

fact_value to_value(const fact_def* variable, const std::string& text) {
  if (variable == nullptr) return text;
  switch (variable->type) {
    case fact_type::boolean:
      if (text == "true") return true;
      if (text == "false") return false;
      break;
    case fact_type::integer:
    case fact_type::money: {
      std::int64_t v = 0;
      if (read_integer(text, v)) return v;
      break;
    }
    case fact_type::enumeration:
    case fact_type::string:
    case fact_type::duration:
    case fact_type::timestamp:
    case fact_type::decimal:  // decimal text is read exactly when the value is bound
      break;
  }
  return text;
}

}  // namespace

request parse_payload(const flow_def& flow, const std::vector<std::string>& items) {
  request payload;
  std::set<std::string> seen;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw input_error("--set: error: expected `variable=value`, got `" + item + "`");
    }
    std::string name = item.substr(0, eq);
    if (!seen.insert(name).second) throw input_error("--set: error: variable `" + name + "` given twice");
    payload.set(name, to_value(find_variable(flow, name), item.substr(eq + 1)));
  }
  return payload;
}

}  // namespace aftersale::cli
