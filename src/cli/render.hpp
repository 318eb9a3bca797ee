// SPDX-License-Identifier: Apache-2.0
#pragma once
// Output of `aftersale decide`: a readable table, or JSON.
#include <ostream>
#include <vector>

#include "outcome.hpp"

namespace aftersale::cli {

/// One request: every field, one per line. Several: one row per request (request,
/// solution, steps, who pays shipping, evidence, deadlines in local time).
void render_table(std::ostream& out, const std::vector<outcome>& outcomes);

/// One request: a JSON object. Several: an array of them, each with its `request` name.
void render_json(std::ostream& out, const std::vector<outcome>& outcomes);

}  // namespace aftersale::cli
