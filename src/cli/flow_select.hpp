// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loading a policy and choosing one of its flows, for `aftersale graph` and `aftersale paths`.
#include <aftersale/model.hpp>
#include <memory>
#include <optional>
#include <string>

namespace aftersale::cli {

inline constexpr int exit_policy = 1;  ///< the policy does not load (its diagnostics are printed)
inline constexpr int exit_usage = 2;   ///< a bad command line: unknown flow, unwritable output, ...

/// The policy, or nothing after printing its diagnostics to stderr.
std::shared_ptr<const policy> load_or_report(const std::string& file);

/// The flow named `id`, or nothing after printing `error: ... has no flow `id` (flows: ...)`.
const flow_def* find_flow_or_report(const policy& p, const std::string& file, const std::string& id);

/// Writes `text` to `path` (`-` or empty: stdout); false after printing why it could not.
bool write_output(const std::string& path, const std::string& text);

}  // namespace aftersale::cli
