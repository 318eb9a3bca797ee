// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the entry point of the flow emitters (msm: Boost.MSM machines in the flows source,
// the flow classes in the header's `namespace flows`).
#include <aftersale/codegen.hpp>

#include "codegen/code_writer.hpp"
#include "codegen/emit.hpp"

namespace aftersale::codegen {

/// Writes the header's flow part (inside the generated namespace, after `reflect`) into `w` and
/// the flows source into `out.flows_source` ("" when the policy has no flows).
void emit_flows(code_writer& w, generated_code& out, const policy& p, const policy_names& n,
                const codegen_options& o);

}  // namespace aftersale::codegen
