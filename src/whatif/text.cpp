// SPDX-License-Identifier: Apache-2.0
#include <aftersale/whatif.hpp>

namespace aftersale {

std::string to_text(const whatif_report&) {
  throw whatif_error(error_code::bad_whatif_report, "to_text is not implemented yet");
}

}  // namespace aftersale
