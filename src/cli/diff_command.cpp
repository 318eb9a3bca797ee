// SPDX-License-Identifier: Apache-2.0
// `aftersale diff OLD NEW --requests FILE`: what changes if NEW replaces OLD, on real requests
// (docs/whatif.md). The file is read a block at a time; each block is bound against each
// policy in columns, decided with decide_batch and compared (compare_policies); the blocks'
// reports merge into the report of the whole file.
//
//   aftersale diff policies/default.yaml examples/stores/apparel.yaml --policy-path policies
//       --requests traffic.csv --now 2026-11-02T10:00:00+08:00
//
// Exit codes: 0 the report is printed (whether or not decisions change; with --fail-on-change 3
// when they do), 1 a policy does not load, 2 the requests file or the command line is wrong.
#include <CLI/CLI.hpp>
#include <aftersale/aftersale.hpp>
#include <aftersale/whatif.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/nearest.hpp"
#include "byte_source.hpp"
#include "case_io.hpp"
#include "command.hpp"
#include "policy_path.hpp"
#include "request_json.hpp"
#include "request_rows.hpp"

namespace aftersale::cli {
namespace {

constexpr int exit_policy = 1;
constexpr int exit_input = 2;
constexpr int exit_changed = 3;

class diff_command final : public command {
 public:
  explicit diff_command(CLI::App& app) {
    cmd_ = app.add_subcommand("diff",
                              "What changes if NEW replaces OLD: both decide the same requests, compared");
    cmd_->add_option("OLD", old_, "The policy in use (the baseline)")->required();
    cmd_->add_option("NEW", new_, "The policy to review")->required();
    add_policy_path_option(cmd_);
    cmd_->add_option(
            "--requests,-r", requests_,
            "Requests: JSON lines (.jsonl, .ndjson) or CSV (.csv) with a header of fact names; - for stdin")
        ->required();
    cmd_->add_option("--requests-format", requests_format_,
                     "The requests file's format when its name does not tell")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    cmd_->add_option("--now", now_,
                     "Decision instant of every request, ISO 8601 with offset (default: the wall clock)");
    cmd_->add_option("--table", table_,
                     "Decision table id, in both policies (default: each policy's entry table)");
    cmd_->add_option("--samples", samples_, "Sample requests shown per group (default 3)");
    cmd_->add_option("--format", format_, "Output format: text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd_->add_option(
            "--block-rows", block_rows_,
            "Requests read, bound and decided together (default 65536); the report does not depend on it")
        ->check(CLI::PositiveNumber);
    cmd_->add_flag("--fail-on-change", fail_on_change_, "Exit 3 when any decision changes");
    set_help_footer(
        cmd_,
        "aftersale diff policies/default.yaml examples/stores/apparel.yaml --policy-path policies "
        "--requests examples/whatif/traffic.csv --now 2026-11-02T10:00:00+08:00",
        {{0, "the report is printed (decisions may change: that is the answer)"},
         {1, "a policy does not load (its diagnostics on stderr)"},
         {2, "the requests file or the command line is wrong (`FILE:LINE: error[E3xx]: ...`, no report)"},
         {3, "with --fail-on-change: the report is printed and some decision changes"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override {
    std::shared_ptr<const policy> before, after;
    try {
      before = load_policy(old_);
      after = load_policy(new_);
    } catch (const policy_error& e) {
      for (const auto& d : e.diagnostics()) std::cerr << to_string(d) << '\n';
      return exit_policy;
    }
    const std::string file = requests_ == "-" ? "<stdin>" : requests_;
    try {
      const sys_seconds now = resolve_now(now_);
      const whatif_report report = compare_file(before, after, now);
      if (format_ == "json") {
        std::cout << to_json(report) << '\n';
      } else {
        std::cout << to_text(report, [&](std::uint64_t row) {
          const auto it = samples_seen_.find(row);
          return it == samples_seen_.end() ? "row " + std::to_string(row) : it->second;
        });
      }
      return fail_on_change_ && report.changed > 0 ? exit_changed : 0;
    } catch (const request_line_error& e) {
      std::cerr << e.located(file) << '\n';
    } catch (const request_row_error& e) {
      const std::uint64_t i = e.row() - block_first_;
      const std::string where =
          file +
          (i < block_lines_.size() ? ":" + std::to_string(block_lines_[static_cast<std::size_t>(i)]) : "");
      const std::string side =
          e.after_side() ? "new policy `" + after->info.id + "`" : "old policy `" + before->info.id + "`";
      for (const request_problem& p : e.problems()) {
        std::cerr << where << ": error[" << code_text(p.code) << "]: " << p.message << " (" << side << ")\n";
        if (!p.help.empty()) std::cerr << "  help: " << p.help << '\n';
      }
    } catch (const request_error& e) {
      std::cerr << file << ": " << e.what() << '\n';  // a table a policy does not have (E304)
    } catch (const input_error& e) {
      std::cerr << e.what() << '\n';  // `path: error: ...`
    }
    return exit_input;
  }

 private:
  whatif_report compare_file(const std::shared_ptr<const policy>& before,
                             const std::shared_ptr<const policy>& after, sys_seconds now) const {
    const requests_format format = requests_format_of(requests_, requests_format_);
    file_source source(requests_);
    std::vector<std::string> known;
    for (const fact_def& f : before->facts) known.push_back(f.name);
    for (const fact_def& f : after->facts) known.push_back(f.name);
    request_rows_reader reader(source, format, [&](const std::string& name, std::uint64_t line) {
      if (!before->find_fact(name) && !after->find_fact(name))
        throw request_line_error(error_code::unknown_fact, line,
                                 "unknown fact `" + name + "`: neither policy declares it",
                                 detail::did_you_mean(name, known));
    });
    const whatif_options options{samples_};
    std::optional<whatif_report> all;
    request_block block;
    while (reader.next(block, block_rows_)) {
      block_first_ = block.first_row;
      block_lines_ = block.lines;
      whatif_report part = compare_policies(before, after, block.rows, now, block.first_row, table_, options);
      // The sample rows of this block, described while its text is here; those no group keeps
      // after the merge are dropped, so only a few descriptions are ever held.
      keep_samples(part, block, *before, *after);
      if (all)
        all->merge(part);
      else
        all = std::move(part);
      forget_unused_samples(*all);
    }
    if (!all) {  // no request: the report of none, naming the policies and tables
      request_rows none;
      all = compare_policies(before, after, none, now, 0, table_, options);
    }
    return *all;
  }

  void keep_samples(const whatif_report& part, const request_block& block, const policy& before,
                    const policy& after) const {
    // Facts in the new policy's order, then those only the old one declares.
    const auto rank = [&](const std::string& name) -> std::size_t {
      if (const auto f = after.find_fact(name)) return *f;
      if (const auto f = before.find_fact(name)) return after.facts.size() + *f;
      return after.facts.size() + before.facts.size();
    };
    const auto keep = [&](const std::vector<std::uint64_t>& rows) {
      for (std::uint64_t row : rows) {
        const std::size_t i = static_cast<std::size_t>(row - block.first_row);
        if (samples_seen_.count(row) == 0)
          samples_seen_.emplace(row,
                                "line " + std::to_string(block.lines[i]) + ": " + block.describe(i, rank));
      }
    };
    for (const whatif_rule_group& g : part.rules) keep(g.samples);
    for (const whatif_solution_group& g : part.solutions) keep(g.samples);
  }

  void forget_unused_samples(const whatif_report& all) const {
    std::set<std::uint64_t> used;
    for (const whatif_rule_group& g : all.rules) used.insert(g.samples.begin(), g.samples.end());
    for (const whatif_solution_group& g : all.solutions) used.insert(g.samples.begin(), g.samples.end());
    for (auto it = samples_seen_.begin(); it != samples_seen_.end();)
      it = used.count(it->first) ? std::next(it) : samples_seen_.erase(it);
  }

  CLI::App* cmd_ = nullptr;
  std::string old_, new_, requests_, requests_format_, now_, table_;
  std::size_t samples_ = 3;
  // Rows decided together: large enough that deciding dominates, small enough that only one
  // block's text is held.
  std::size_t block_rows_ = 65536;
  std::string format_ = "text";
  bool fail_on_change_ = false;
  // Filled while a run reads the file (run() is const, as every command's).
  mutable std::map<std::uint64_t, std::string> samples_seen_;  // row → `line N: facts`
  mutable std::uint64_t block_first_ = 0;                      // the block being compared: its first row
  mutable std::vector<std::uint64_t> block_lines_;             // and the line of each row
};

const command_registration registration{
    35, [](CLI::App& app) { return std::unique_ptr<command>(new diff_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
