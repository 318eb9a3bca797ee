// SPDX-License-Identifier: Apache-2.0
// A store's flow patch (`patch: true`, docs/store-policies.md) replaces a few states or
// transitions of a base flow; the flow checks then see a flow whose lines are mostly the base's.
// A problem the patch created (a base state no longer reachable, a state that became stuck, a
// clock reset where it never runs) would be reported at a line of the base, which the store's
// author cannot change. Each flow finding at a base line of a patched flow that the base's own
// flow does not have is moved to the store's `patch` of the flow, the base's line kept as the
// first `see:`.
#include <set>
#include <string>
#include <tuple>

#include "analysis/checks.hpp"

namespace aftersale::analysis {

void relocate_patch_findings(const policy& p, const analysis_options& options, analysis_report& report) {
  if (!p.base) return;
  std::set<std::string>
      patched;  // flows whose key is the store's and whose other lines are partly the base's
  for (const flow_def& f : p.flows) {
    const auto b = p.base->find_flow(f.id);
    if (b && p.base->flows[*b].where.file != f.where.file) patched.insert(f.id);
  }
  if (patched.empty()) return;
  analysis_report base_report;
  check_flows(*p.base, options, base_report);
  std::set<std::tuple<std::string, error_code, std::string>> in_base;
  for (const finding& f : base_report.findings)
    in_base.emplace(f.flow, f.diagnostic.code, f.diagnostic.message);
  for (finding& f : report.findings) {
    if (f.flow.empty() || patched.count(f.flow) == 0) continue;
    const flow_def& flow = p.flows[*p.find_flow(f.flow)];
    const source_span& base_key = p.base->flows[*p.base->find_flow(f.flow)].where;
    if (f.diagnostic.where.file != base_key.file) continue;  // already at a line of the store
    if (in_base.count({f.flow, f.diagnostic.code, f.diagnostic.message}) != 0) continue;  // the base's own
    f.related.insert(f.related.begin(), f.diagnostic.where);
    f.diagnostic.where = flow.where;
    f.diagnostic.help +=
        " (the store's patch of flow `" + f.flow + "` causes this: the first `see:` is the base's line)";
  }
}

}  // namespace aftersale::analysis
