// SPDX-License-Identifier: Apache-2.0
#include <aftersale/whatif.hpp>

namespace aftersale {

request_row_error::request_row_error(const request_error& e, std::uint64_t row, bool after_side)
    : request_error(e.problems(), e.omitted()), row_(row), after_(after_side) {}

whatif_report compare_policies(const std::shared_ptr<const policy>&, const std::shared_ptr<const policy>&,
                               const request_rows&, sys_seconds, std::uint64_t, std::string_view,
                               const whatif_options&, batch_options) {
  throw usage_error(error_code::mismatched_batches, "compare_policies is not implemented yet");
}

}  // namespace aftersale
