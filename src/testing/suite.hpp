// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: a test file as read by load_test_file. The document stays a tree of positioned
// nodes (src/load/safe_yaml.hpp); load_test_file has checked its structure, so the runner only
// looks values up and resolves names against the policy.
#include <aftersale/policy_test.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "load/safe_yaml.hpp"

namespace aftersale::testing::detail {

struct suite_data {
  std::string path;
  load::node root;
  const load::node* now = nullptr;     ///< file-level `now`, or nullptr
  const load::node* flow = nullptr;    ///< file-level `flow`, or nullptr
  const load::node* locale = nullptr;  ///< file-level `locale` (of the expected texts), or nullptr
  std::vector<const load::node*>
      cases;  ///< one mapping per entry of `cases`, same order as test_suite::cases
};

/// The `file:line:col` of a node of a test file.
inline source_span span_of(const std::string& file, const load::node& n) { return {file, n.line, n.column}; }

/// True for an unquoted `none` (the expectation "nothing").
inline bool is_none(const load::node& n) { return n.is_scalar() && !n.quoted && n.value == "none"; }

}  // namespace aftersale::testing::detail
