// SPDX-License-Identifier: Apache-2.0
#include <aftersale/whatif.hpp>

namespace aftersale {

std::string to_json(const whatif_report&) {
  throw whatif_error(error_code::bad_whatif_report, "to_json is not implemented yet");
}

whatif_report whatif_from_json(std::string_view) {
  throw whatif_error(error_code::bad_whatif_report, "whatif_from_json is not implemented yet");
}

}  // namespace aftersale
