// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: edits of a parsed YAML tree while a store policy is merged onto its base
// (extends.cpp, flow_patch.cpp). Every node keeps its file, so diagnostics point where the
// text was written.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/safe_yaml.hpp"

namespace aftersale::load {

/// The value of `key` in mapping `map`, mutable; nullptr when absent.
inline node* find_mut(node& map, std::string_view key) {
  for (std::size_t i = 0; i + 1 < map.children.size(); i += 2) {
    if (map.children[i].is_scalar() && map.children[i].value == key) return &map.children[i + 1];
  }
  return nullptr;
}

/// Sets `key: value` in `into`: replaces the pair when the key exists (in place), else appends.
inline void put(node& into, const node& key, const node& value) {
  for (std::size_t i = 0; i + 1 < into.children.size(); i += 2) {
    if (into.children[i].is_scalar() && into.children[i].value == key.value) {
      into.children[i] = key;
      into.children[i + 1] = value;
      return;
    }
  }
  into.children.push_back(key);
  into.children.push_back(value);
}

/// Takes `key` out of mapping `m` (a key the builder does not know: `before`, `place`, ...):
/// its value, with its key node in `key_out`; nullopt when absent.
inline std::optional<node> take(node& m, std::string_view key, node& key_out) {
  for (std::size_t i = 0; i + 1 < m.children.size(); i += 2) {
    if (m.children[i].is_scalar() && m.children[i].value == key) {
      key_out = m.children[i];
      node v = m.children[i + 1];
      m.children.erase(m.children.begin() + static_cast<std::ptrdiff_t>(i),
                       m.children.begin() + static_cast<std::ptrdiff_t>(i + 2));
      return v;
    }
  }
  return std::nullopt;
}

/// `file:line:col` of `n` in the merged tree whose files are `files`.
inline std::string where_text(const std::vector<std::string>& files, const node& n) {
  const std::string& f = n.file < files.size() ? files[n.file] : files.front();
  return f + ':' + std::to_string(n.line) + ':' + std::to_string(n.column);
}

}  // namespace aftersale::load
