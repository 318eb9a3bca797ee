// SPDX-License-Identifier: Apache-2.0
// `aftersale graph POLICY --flow F`: a flow as a diagram (Graphviz DOT, Mermaid, or SVG through
// Graphviz's `dot`).
//
//   aftersale graph policies/default.yaml --flow refund_before_picking --format svg -o refund.svg
//
// Exit codes: 0 written, 1 the policy does not load, 2 a bad command line, an unknown flow, or
// SVG without a working Graphviz `dot`.
#include <CLI/CLI.hpp>
#include <aftersale/diagram.hpp>
#include <iostream>
#include <string>

#include "command.hpp"
#include "flow_select.hpp"
#include "policy_path.hpp"

namespace aftersale::cli {
namespace {

class graph_command final : public command {
 public:
  explicit graph_command(CLI::App& app) {
    cmd_ = app.add_subcommand("graph", "Draw a flow: states, transitions, guards, roles, timers");
    cmd_->add_option("policy", policy_, "Policy file")->required();
    add_policy_path_option(cmd_);
    cmd_->add_option("--flow,-f", flow_, "Flow id")->required();
    cmd_->add_option("--format", format_, "Output format: dot (default), mermaid or svg")
        ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
    cmd_->add_option("--labels", labels_, "State labels: both (default), agent, customer or none")
        ->check(CLI::IsMember({"both", "agent", "customer", "none"}));
    cmd_->add_option("--locale", locale_,
                     "Language of the labels (e.g. zh, en); default: the policy's locale");
    cmd_->add_flag("--no-guards", no_guards_, "Leave guards off the transitions");
    cmd_->add_flag("--no-roles", no_roles_, "Leave roles off the transitions");
    cmd_->add_flag("--reopen", reopen_, "Also draw `reopen` from terminal states");
    cmd_->add_option("--output,-o", output_, "Output file (default: stdout)");
    set_help_footer(
        cmd_, "aftersale graph policies/default.yaml --flow refund_before_picking --format mermaid",
        {{0, "the drawing is written"},
         {1, "a policy does not load (its diagnostics on stderr)"},
         {2, "an unknown flow, an unwritable output, no Graphviz `dot` for svg, or a bad command line"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override {
    const auto p = load_or_report(policy_);
    if (!p) return exit_policy;
    const flow_def* f = find_flow_or_report(*p, policy_, flow_);
    if (f == nullptr) return exit_usage;
    diagram_options options;
    options.locale = locale_;
    options.labels = labels_ == "agent"      ? diagram_labels::agent
                     : labels_ == "customer" ? diagram_labels::customer
                     : labels_ == "none"     ? diagram_labels::none
                                             : diagram_labels::both;
    options.show_guards = !no_guards_;
    options.show_roles = !no_roles_;
    options.show_reopen = reopen_;
    std::string text;
    if (format_ == "mermaid") {
      text = flow_to_mermaid(*p, *f, options);
    } else if (format_ == "svg") {
      try {
        text = flow_to_svg(*p, *f, options);
      } catch (const graphviz_error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_usage;
      }
    } else {
      text = flow_to_dot(*p, *f, options);
    }
    return write_output(output_, text) ? 0 : exit_usage;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::string policy_, flow_, format_ = "dot", labels_ = "both", locale_, output_;
  bool no_guards_ = false, no_roles_ = false, reopen_ = false;
};

const command_registration registration{
    50, [](CLI::App& app) { return std::unique_ptr<command>(new graph_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
