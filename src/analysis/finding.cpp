// SPDX-License-Identifier: Apache-2.0
#include "analysis/finding.hpp"

#include <utility>

namespace aftersale::analysis {

namespace {

finding make_finding(error_code code, severity s, const source_span& where, std::string message,
                     std::string help) {
  finding out;
  out.diagnostic = diagnostic{code, s, where, std::move(message), std::move(help)};
  return out;
}

}  // namespace

finding policy_finding(error_code code, severity s, const source_span& where, std::string message,
                       std::string help) {
  return make_finding(code, s, where, std::move(message), std::move(help));
}

finding table_finding(error_code code, severity s, const decision_table& t, const source_span& where,
                      std::string message, std::string help) {
  finding out = make_finding(code, s, where, std::move(message), std::move(help));
  out.table = t.id;
  return out;
}

finding flow_finding(error_code code, severity s, const flow_def& f, const source_span& where,
                     std::string message, std::string help) {
  finding out = make_finding(code, s, where, std::move(message), std::move(help));
  out.flow = f.id;
  return out;
}

}  // namespace aftersale::analysis
