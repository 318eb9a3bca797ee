// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what running one case needs (the policy, the file, where hits are recorded) and
// how it reports: `fail` records a mismatch and goes on; `error` stops the case because the
// test file asks for something the policy does not have (an unknown fact, clock, role, ...).
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/model.hpp>
#include <aftersale/policy_test.hpp>
#include <aftersale/request.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load/safe_yaml.hpp"
#include "testing/suite.hpp"

namespace aftersale::testing::detail {

/// Rows and transitions exercised, as flags parallel to the policy's tables and flows.
struct hits {
  std::vector<std::vector<char>> rows;         ///< [table][rule]
  std::vector<std::vector<char>> transitions;  ///< [flow][transition]

  explicit hits(const policy& p);
  void merge(const hits& other);
  /// Every rule the decision selected (none unless it matched).
  void note(const decision& d);
  /// Every transition the case's history records.
  void note(const service_case& c);
};

/// Thrown to stop a case that cannot run; carries the diagnostic.
struct case_error {
  diagnostic problem;
};

struct case_context {
  std::shared_ptr<const policy> p;
  const suite_data& suite;
  const test_options& options;
  hits& hit;
  case_result& result;

  source_span at(const load::node& n) const { return span_of(suite.path, n); }
  /// A mismatch: `expected <field> <expected>, got <actual>`.
  void fail(const load::node& n, const std::string& field, const std::string& expected,
            const std::string& actual, std::string detail = {});
  /// A failure that is not a comparison.
  void fail_text(const load::node& n, const std::string& message, std::string detail = {});
  [[noreturn]] void error(const load::node& n, const std::string& message,
                          const std::string& help = {}) const;

  /// The case's instant: its `now`, else the file's.
  sys_seconds now_of(const load::node& c) const;
  /// The locale of the case's expected texts: its `locale`, else the file's, else "" (the
  /// policy's `locale`).
  std::string locale_of(const load::node& c) const;
  /// ` (locale `en`)`: the locale of the case's texts, for failure messages.
  std::string in_locale(const load::node& c) const;
  /// Checks `remark_text` and `labels` of `expect` against texts in `locale_of(c)`.
  void check_texts(const load::node& c, const load::node& expect, std::string_view remark,
                   std::string_view customer_label, std::string_view agent_label);
  /// A timestamp the structural check accepted.
  static sys_seconds time_of(const load::node& n);
  /// The case's `facts` as a request, each value typed as its fact declares.
  request facts_of(const load::node& c) const;
  /// A scalar typed as `def` declares (bool, int, money); as text otherwise or when it does not
  /// read as that type, so that bind() or apply() refuses it with its own reason.
  static fact_value value_of(const fact_def* def, const load::node& n);
  const fact_def* fact(const std::string& name) const;
  /// The local-time text of an instant on the policy's default calendar (ISO when it has none).
  std::string local(sys_seconds t) const;
};

/// `` `x` ``
inline std::string q(const std::string& s) { return "`" + s + "`"; }
/// `[a, b]`
std::string list_text(const std::vector<std::string>& v);

void run_decide_case(case_context& ctx, const load::node& c);
void run_flow_case(case_context& ctx, const load::node& c);

}  // namespace aftersale::testing::detail
