// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: a bounded, alias-free YAML reader. yaml-cpp's event parser feeds a small tree
// of our own, so the document is parsed once, every node keeps its position, lookups never
// insert keys, and hostile input (aliases, deep nesting, huge documents) is refused while
// it is being read instead of after it has been expanded.
#include <aftersale/error.hpp>
#include <aftersale/load.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::load {

/// One YAML node with its 1-based position.
struct node {
  enum class kind : std::uint8_t { null, scalar, sequence, mapping };
  kind what = kind::null;
  bool quoted = false;  ///< scalar written in quotes: never a keyword, number or bool
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint16_t file = 0;      ///< which file the node was read from: index into the reader's file names
  std::string value;           ///< scalar text
  std::vector<node> children;  ///< sequence: items; mapping: key, value, key, value, ...

  bool is_null() const { return what == kind::null; }
  bool is_scalar() const { return what == kind::scalar; }
  bool is_sequence() const { return what == kind::sequence; }
  bool is_mapping() const { return what == kind::mapping; }
  /// Number of key/value pairs of a mapping.
  std::size_t pairs() const { return children.size() / 2; }
  const node& key(std::size_t i) const { return children[2 * i]; }
  const node& val(std::size_t i) const { return children[2 * i + 1]; }
  /// The value of a scalar key in a mapping, or nullptr. Never inserts.
  const node* find(std::string_view k) const;
};

/// `mapping`, `list`, `scalar` or `nothing`, for messages.
std::string_view kind_name(node::kind k);

/// Parses `text` as one YAML document under `limits`. On any problem appends diagnostics
/// (E100-E104, E106 for an empty document) to `out`. A problem that stops the reading (syntax,
/// a limit, bad text) returns nothing; anchors, aliases (E101, each read as null) and duplicate
/// keys (E104, the first of the keys kept with its value) still return the whole tree, so the
/// caller can report the document's other problems too: the document is refused either way.
std::optional<node> parse_yaml(std::string_view text, const std::string& file, const load_limits& limits,
                               std::vector<diagnostic>& out);

}  // namespace aftersale::load
