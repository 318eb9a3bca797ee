// SPDX-License-Identifier: Apache-2.0
#include <aftersale/whatif.hpp>

namespace aftersale {

whatif_report compare_decisions(const policy&, const batch_decisions&, const policy&, const batch_decisions&,
                                std::uint64_t, const whatif_options&) {
  throw usage_error(error_code::mismatched_batches, "compare_decisions is not implemented yet");
}

}  // namespace aftersale
