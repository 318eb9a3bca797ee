// SPDX-License-Identifier: Apache-2.0
// `aftersale paths POLICY --flow F`: short event sequences that together fire every transition
// of a flow, written as a policy test file skeleton (docs/diagrams.md, docs/testing.md).
//
//   aftersale paths policies/default.yaml --flow exchange -o policies/tests/exchange_paths.test.yaml
//
// Exit codes: 0 written (transitions no path can fire are listed as warnings), 1 the policy
// does not load, 2 a bad command line or an unknown flow.
#include <CLI/CLI.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/time.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "command.hpp"
#include "flow_select.hpp"
#include "policy_path.hpp"

namespace aftersale::cli {
namespace {

namespace fs = std::filesystem;

// The policy as the test file names it: relative to the output file's directory, or as given.
std::string policy_reference(const std::string& policy, const std::string& output) {
  if (output.empty() || output == "-") return policy;
  std::error_code ec;
  const fs::path base = fs::absolute(fs::path(output), ec).parent_path();
  const fs::path target = fs::absolute(fs::path(policy), ec);
  if (ec) return policy;
  const fs::path relative = fs::relative(target, base, ec);
  return ec || relative.empty() ? target.generic_string() : relative.generic_string();
}

class paths_command final : public command {
 public:
  explicit paths_command(CLI::App& app) {
    cmd_ = app.add_subcommand("paths",
                              "Event sequences covering every transition of a flow, as a test skeleton");
    cmd_->add_option("policy", policy_, "Policy file")->required();
    add_policy_path_option(cmd_);
    cmd_->add_option("--flow,-f", flow_, "Flow id")->required();
    cmd_->add_option("--output,-o", output_, "Test file to write (default: stdout)");
    cmd_->add_option("--now", now_, "The `now:` of the test file (ISO 8601 with offset)");
    set_help_footer(cmd_,
                    "aftersale paths policies/default.yaml --flow refund_before_picking -o refund.test.yaml",
                    {{0, "the skeleton is written"},
                     {1, "a policy does not load (its diagnostics on stderr)"},
                     {2, "an unknown flow, an unwritable output or a bad command line"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override {
    if (!now_.empty() && !parse_timestamp(now_)) {
      std::cerr << "--now: error: `" << now_
                << "` is not a timestamp: write ISO 8601 with an offset, e.g. `2026-10-01T12:00:00+08:00`\n";
      return exit_usage;
    }
    const auto p = load_or_report(policy_);
    if (!p) return exit_policy;
    const flow_def* f = find_flow_or_report(*p, policy_, flow_);
    if (f == nullptr) return exit_usage;

    const std::vector<covering_path> paths = covering_paths(*p, *f);
    for (std::uint32_t t : uncoverable_transitions(*f)) {
      const transition_def& td = f->transitions[t];
      std::cerr << to_string(td.where) << ": warning: no path fires this transition: state `"
                << f->states[td.from].id << "` is unreachable from the start `" << f->states[f->start].id
                << "`\n";
    }
    skeleton_options options;
    options.policy_path = policy_reference(policy_, output_);
    if (!now_.empty()) options.now = now_;
    if (!write_output(output_, paths_to_test_skeleton(*p, *f, paths, options))) return exit_usage;
    if (!output_.empty() && output_ != "-") {
      std::size_t steps = 0;
      for (const covering_path& path : paths) steps += path.transitions.size();
      std::cerr << "wrote " << output_ << ": " << paths.size() << " cases, " << steps
                << " transitions fired, " << f->transitions.size() - uncoverable_transitions(*f).size()
                << " of " << f->transitions.size() << " covered\n";
    }
    return 0;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string policy_, flow_, output_, now_;
};

const command_registration registration{
    60, [](CLI::App& app) { return std::unique_ptr<command>(new paths_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
