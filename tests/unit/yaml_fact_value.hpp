#pragma once
// Test support: a YAML scalar read as the value type a fact (or flow variable) declares, so that
// `true` stays a bool and `12900` an integer; without a declaration (an unknown name) it passes as
// text and bind() or apply() refuses it. Shared by the decision and flow corpus drivers.
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

namespace aftersale::testing {

inline fact_value yaml_fact_value(const fact_def* def, const YAML::Node& node) {
  if (def) {
    switch (def->type) {
      case fact_type::boolean: return node.as<bool>();
      case fact_type::integer:
      case fact_type::money: return node.as<std::int64_t>();
      default: break;
    }
  }
  return node.as<std::string>();
}

}  // namespace aftersale::testing
