// The one check that a policy's compiled part is there and fits it, for every entry point that
// reads it (deciding, opening or restoring a case, analysing flows).
#include "model/compiled.hpp"

#include <functional>

namespace aftersale::detail {

const compiled_policy& compiled_of(const policy& p) {
  const compiled_policy* c = p.compiled.get();
  if (!c) {
    throw error("policy `" + p.info.id +
                "` is not compiled: load it with load_policy_file/load_policy_string, or call "
                "aftersale::compile_policy after building it in code");
  }
  // Counts only: enough to never index past the tables, not a proof the rules are unchanged.
  if (c->tables.size() != p.decisions.size() || c->flows.size() != p.flows.size()) {
    throw error("policy `" + p.info.id +
                "` was changed after it was compiled: call aftersale::compile_policy again");
  }
  return *c;
}

const flow_dispatch& dispatch_of(const policy& p, const flow_def& f) {
  const compiled_policy& c = compiled_of(p);
  const std::less<const flow_def*> before;
  if (p.flows.empty() || before(&f, p.flows.data()) || !before(&f, p.flows.data() + p.flows.size())) {
    throw error("flow `" + f.id + "` is not one of the flows of policy `" + p.info.id + "`");
  }
  return c.flows[static_cast<std::size_t>(&f - p.flows.data())];
}

}  // namespace aftersale::detail
