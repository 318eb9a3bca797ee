// SPDX-License-Identifier: Apache-2.0
// Compiles the generated limit.cpp as it is (its main() renamed) and wraps its decide
// functions. AFTERSALE_LIMIT_CPP is the generated file's path in the build tree.
#define main limit_unused_main
#include AFTERSALE_LIMIT_CPP
#undef main

#include "limit_shim.hpp"

#include <stdexcept>

namespace aftersale::bench {

struct limit_table::impl {
  int rules = 0;
  std::vector<Input> inputs;
  std::vector<const Output*> outs;
};

limit_table::limit_table(int rules, const std::vector<std::int32_t>& records, int n, int fields)
    : impl_(new impl) {
  if (rules != 60 && rules != 1000)
    throw std::invalid_argument("limit.cpp has tables of 60 and 1000 rules only");
  impl_->rules = rules;
  impl_->inputs.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    impl_->inputs[static_cast<std::size_t>(i)] =
        decode(&records[static_cast<std::size_t>(i) * static_cast<std::size_t>(fields)], fields == 9);
  impl_->outs.assign(static_cast<std::size_t>(n), nullptr);
}

limit_table::~limit_table() = default;

// The same loop as limit_harness.hpp, with the decide function called directly (inlined),
// which is the stricter lower bound.
void limit_table::run() {
  const std::size_t n = impl_->inputs.size();
  const Input* in = impl_->inputs.data();
  const Output** out = impl_->outs.data();
  if (impl_->rules == 60) {
    for (std::size_t i = 0; i < n; ++i) out[i] = decide_r60(in[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = decide_r1000(in[i]);
  }
  clobber();
}

std::string limit_table::line(std::size_t i) const {
  const Output* o = impl_->outs.at(i);
  if (!o) return "none\n";
  return std::string(o->solution) + "|" + std::to_string(o->sla_hours) + "|" +
         FEE_PAYER_NAMES[static_cast<int>(o->fee_payer)] + "|" + (o->escalate ? "1" : "0") + "\n";
}

std::size_t limit_table::size() const { return impl_->inputs.size(); }

}  // namespace aftersale::bench
