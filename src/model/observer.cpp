// SPDX-License-Identifier: Apache-2.0
// Observer hooks that throw: the one place that turns their exception into E506 (observer.hpp).
#include <aftersale/error.hpp>
#include <exception>
#include <string>

#include "model/observe.hpp"

namespace aftersale::detail {

void observer_threw(const char* hook, std::exception_ptr e) {
  std::string why = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    why = x.what();
  } catch (...) {
  }
  throw usage_error(error_code::observer_failed,
                    std::string("observer hook `") + hook + "` threw: " + why +
                        " (hooks must not throw; the call's work was done before the hook ran)");
}

}  // namespace aftersale::detail
