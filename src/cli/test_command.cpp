// SPDX-License-Identifier: Apache-2.0
// `aftersale test [PATHS...]`: runs policy test files (docs/testing.md) and prints the report.
// Exit: 0 all passed, 1 a case failed or coverage is below --coverage-min, 2 a test file, a
// policy or the command line is wrong.
#include <aftersale/policy_test.hpp>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "policy_path.hpp"

namespace aftersale::cli {
namespace {

class test_command final : public command {
 public:
  explicit test_command(CLI::App& app) {
    cmd_ = app.add_subcommand("test", "Run policy test files (*.test.yaml): decide and flow cases, coverage");
    cmd_->add_option("PATHS", paths_, "Test files, or directories searched for *.test.yaml (default: .)");
    cmd_->add_flag("-v,--verbose", verbose_, "List passing cases too");
    cmd_->add_flag("--coverage", coverage_,
                   "Report the decision rows, transitions and timers the tests exercised");
    cmd_->add_flag("--coverage-own", coverage_own_,
                   "Count coverage (and --coverage-min) on the policy's own rules and transitions only: "
                   "for a store, what it adds and overrides, not its base");
    cmd_->add_flag("--coverage-full", coverage_full_,
                   "List every rule never hit and every transition not fired with its place (default: a "
                   "summary per table and flow)");
    cmd_->add_option("--coverage-min", coverage_min_,
                     "Fail (exit 1) when a policy's row or transition coverage is below PCT")
        ->check(CLI::Validator(
            [](std::string& text) {
              // Range alone lets `nan` through (it compares false with every coverage).
              double v = 0;
              std::istringstream in(text);
              in >> v;
              return in && in.eof() && v >= 0.0 && v <= 100.0
                         ? std::string()
                         : "`" + text + "` is not a number from 0 to 100";
            },
            "PCT"))
        ->option_text("PCT");
    cmd_->add_option("--policy", policy_,
                     "Run every file against this policy instead of the one it names (a store on the "
                     "baseline's tests)")
        ->option_text("POLICY");
    add_policy_path_option(cmd_);
    cmd_->add_option("--format", format_, "Output format: text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    set_help_footer(cmd_, "aftersale test policies/tests/ --coverage",
                    {{0, "every case passed (and coverage met --coverage-min)"},
                     {1, "a case failed, or coverage is below --coverage-min"},
                     {2, "a test file or its policy does not load, or a bad command line"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override {
    testing::test_options options;
    if (cmd_->count("--coverage-min") > 0) options.coverage_min = coverage_min_;
    options.policy_override = policy_;
    options.policy_load = policy_load_options();
    options.coverage_own = coverage_own_;
    const std::vector<std::string> paths = paths_.empty() ? std::vector<std::string>{"."} : paths_;
    const testing::test_report report = testing::run_tests(paths, options);
    // --coverage-min reports what it measured, so it implies the coverage report; so do the
    // options that shape it.
    const testing::render_options render{
        verbose_, coverage_ || coverage_own_ || coverage_full_ || options.coverage_min.has_value(),
        coverage_full_};
    std::cout << (format_ == "json" ? testing::render_json(report, render)
                                    : testing::render_text(report, render));
    return testing::exit_code(report);
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::vector<std::string> paths_;
  bool verbose_ = false;
  bool coverage_ = false;
  bool coverage_own_ = false;
  bool coverage_full_ = false;
  double coverage_min_ = 0;
  std::string policy_;
  std::string format_ = "text";
};

const command_registration registration{
    40, [](CLI::App& app) { return std::unique_ptr<command>(new test_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
