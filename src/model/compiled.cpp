// SPDX-License-Identifier: Apache-2.0
// The errors for a policy whose compiled part is missing or does not fit it, and the look-up of
// a flow's dispatch lists (compiled.hpp).
#include "model/compiled.hpp"

#include <functional>

namespace aftersale::detail {

void throw_not_compiled(const policy& p) {
  if (!p.compiled) {
    throw usage_error(error_code::not_compiled,
                      "policy `" + p.info.id +
                          "` is not compiled: load it with load_policy_file/load_policy_string, or call "
                          "aftersale::compile_policy after building it in code");
  }
  throw usage_error(
      error_code::not_compiled,
      "policy `" + p.info.id + "` was changed after it was compiled: call aftersale::compile_policy again");
}

const flow_dispatch& dispatch_of(const policy& p, const flow_def& f) {
  const compiled_policy& c = compiled_of(p);
  const std::less<const flow_def*> before;
  if (p.flows.empty() || before(&f, p.flows.data()) || !before(&f, p.flows.data() + p.flows.size())) {
    throw usage_error(error_code::foreign_input,
                      "flow `" + f.id + "` is not one of the flows of policy `" + p.info.id + "`");
  }
  return c.flows[static_cast<std::size_t>(&f - p.flows.data())];
}

}  // namespace aftersale::detail
