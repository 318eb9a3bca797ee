// SPDX-License-Identifier: Apache-2.0
#include "policy_path.hpp"

namespace aftersale::cli {

namespace {
load_options& options() {
  static load_options o;
  return o;
}
}  // namespace

void add_policy_path_option(CLI::App* cmd) {
  cmd->add_option("--policy-path", options().policy_paths,
                  "A folder `extends:` may read base policies from (repeat for several; the policy's "
                  "own folder is always allowed)")
      ->check(CLI::ExistingDirectory)
      ->allow_extra_args(false);
}

const load_options& policy_load_options() { return options(); }

std::shared_ptr<const policy> load_policy(const std::string& file) {
  return load_policy_file(file, load_limits{}, options());
}

}  // namespace aftersale::cli
