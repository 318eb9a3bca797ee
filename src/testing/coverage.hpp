// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: turns hit flags into the public coverage report.
#include <aftersale/model.hpp>
#include <aftersale/policy_test.hpp>

#include "testing/case_context.hpp"

namespace aftersale::testing::detail {

/// Every table and flow of `p`, with what `h` marks as exercised; with `own`, only the rules and
/// transitions `p` writes itself (not those it keeps of its base: `coverage::own`).
coverage summarize(const policy& p, const hits& h, bool own = false);

}  // namespace aftersale::testing::detail
