// SPDX-License-Identifier: Apache-2.0
#pragma once
// `--policy-path DIR`: the folders a policy's `extends:` may read bases from, besides the
// policy's own folder (aftersale::load_options). Every command that loads a policy takes it;
// one list for the process, as a compiler's `-I` holds for the whole run.
#include <CLI/CLI.hpp>
#include <aftersale/load.hpp>
#include <memory>
#include <string>

namespace aftersale::cli {

/// Adds `--policy-path DIR` (repeatable, existing folders) to `cmd`.
void add_policy_path_option(CLI::App* cmd);

/// The loader's options as the command line gave them.
const load_options& policy_load_options();

/// `load_policy_file` with those options. @throws policy_error
std::shared_ptr<const policy> load_policy(const std::string& file);

}  // namespace aftersale::cli
