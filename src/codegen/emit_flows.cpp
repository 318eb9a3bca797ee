// SPDX-License-Identifier: Apache-2.0
// The flows part of the generated code. Until the Boost.MSM emitters land (msm), a policy's flows
// are not compiled: the header says so and the flows source stays empty.
#include "codegen/flows.hpp"

namespace aftersale::codegen {

void emit_flows(code_writer& w, generated_code& out, const policy& p, const policy_names& n,
                const codegen_options& o) {
  (void)n;
  (void)o;
  out.flows_source.clear();
  if (p.flows.empty()) return;
  w.line("");
  w.comment(
      "The policy's " + std::to_string(p.flows.size()) +
      " flow(s) are not compiled by this generator: run cases with the interpreter (aftersale/case.hpp).");
}

}  // namespace aftersale::codegen
