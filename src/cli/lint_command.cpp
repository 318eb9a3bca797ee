// SPDX-License-Identifier: Apache-2.0
// `aftersale lint POLICY...`: the static analysis of policies (gaps, overlaps, shadowed rules,
// coverage, flow checks), printed as diagnostics or as one JSON document.
//
//   aftersale lint policies/default.yaml
//   aftersale lint policies/*.yaml --format json --at 2026-10-01T12:00:00+08:00 --max-regions 50000
//
// Exit codes: 0 no error findings, 1 an error finding (or, with --strict, a warning) or a
// policy that does not load, 2 a bad command line.
#include <CLI/CLI.hpp>
#include <aftersale/aftersale.hpp>
#include <aftersale/analysis.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "policy_path.hpp"

namespace aftersale::cli {
namespace {

constexpr int exit_findings = 1;
constexpr int exit_usage = 2;

class lint_command final : public command {
 public:
  explicit lint_command(CLI::App& app) {
    cmd_ =
        app.add_subcommand("lint", "Analyse policies: table gaps, overlaps, shadowed rules, coverage, flows");
    cmd_->add_option("policies", policies_, "Policy files")->required();
    add_policy_path_option(cmd_);
    cmd_->add_option("--format", format_, "Output format: text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd_->add_option("--at", at_, "Instant witnesses are evaluated at (ISO 8601 with offset)");
    cmd_->add_option("--status-fact", status_fact_,
                     "Enum fact of the coverage pairs (default: order_status)");
    cmd_->add_option("--request-fact", request_fact_, "Enum fact of the coverage pairs (default: request)");
    cmd_->add_option("--max-regions", max_regions_, "Region budget per table check (default 200000)")
        ->check(CLI::PositiveNumber);
    cmd_->add_option("--gap-witnesses", gap_witnesses_,
                     "Gap regions shown per table, each with its own witness (default 5)")
        ->check(CLI::PositiveNumber);
    cmd_->add_flag("--strict", strict_, "Warnings fail too");
    set_help_footer(cmd_, "aftersale lint policies/default.yaml --strict",
                    {{0, "no error finding (warnings and notes do not count without --strict)"},
                     {1, "an error finding (with --strict, also a warning), or a policy that does not load"},
                     {2, "a bad command line"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override {
    analysis_options options;
    if (!at_.empty()) {
      const std::optional<sys_seconds> t = parse_timestamp(at_);
      if (!t) {
        std::cerr
            << "--at: error: `" << at_
            << "` is not a timestamp: write ISO 8601 with an offset, e.g. `2026-10-01T12:00:00+08:00`\n";
        return exit_usage;
      }
      options.at = *t;
    }
    if (!status_fact_.empty()) options.status_fact = status_fact_;
    if (!request_fact_.empty()) options.request_fact = request_fact_;
    if (max_regions_ > 0) options.max_regions = max_regions_;
    if (gap_witnesses_ > 0) options.gap_witnesses = gap_witnesses_;

    analysis_report all;
    analysis_report load_errors;  // diagnostics of policies that do not load
    bool load_failed = false;
    for (const std::string& file : policies_) {
      std::shared_ptr<const policy> p;
      try {
        p = load_policy(file);
      } catch (const policy_error& e) {
        // Text: on stderr like `validate`. Both formats count them, and JSON carries them as
        // findings, so a script reading only stdout still sees why the run failed.
        for (const auto& d : e.diagnostics()) {
          if (format_ != "json") std::cerr << to_string(d) << '\n';
          finding f;
          f.diagnostic = d;
          load_errors.findings.push_back(std::move(f));
        }
        load_failed = true;
        continue;
      }
      analysis_report r = analyze(*p, options);
      for (auto& f : r.findings) all.findings.push_back(std::move(f));
      for (auto& c : r.coverage) all.coverage.push_back(std::move(c));
    }

    if (format_ == "json") {
      for (auto& f : load_errors.findings) all.findings.push_back(std::move(f));
      std::cout << to_json(all) << '\n';
    } else {
      for (const finding& f : all.findings) std::cout << to_string(f) << '\n';
      std::cout << all.count(severity::error) + load_errors.count(severity::error) << " errors, "
                << all.count(severity::warning) << " warnings, " << all.count(severity::note) << " notes\n";
    }
    const bool failed = load_failed || all.has_errors() || (strict_ && all.count(severity::warning) > 0);
    return failed ? exit_findings : 0;
  }

 private:
  CLI::App* cmd_ = nullptr;
  std::vector<std::string> policies_;
  std::string format_ = "text";
  std::string at_;
  std::string status_fact_;
  std::string request_fact_;
  std::size_t max_regions_ = 0;
  std::size_t gap_witnesses_ = 0;
  bool strict_ = false;
};

const command_registration registration{
    30, [](CLI::App& app) { return std::unique_ptr<command>(new lint_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
