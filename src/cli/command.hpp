// SPDX-License-Identifier: Apache-2.0
#pragma once
// Subcommands that register themselves, so each lives in its own file and main.cpp never
// lists them: a file defines a `command` and one `command_registration` object.
//
//   namespace { const aftersale::cli::command_registration lint{30, [](CLI::App& app) {
//     return std::unique_ptr<aftersale::cli::command>(new lint_command(app)); }}; }
#include <CLI/CLI.hpp>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace aftersale::cli {

/// A subcommand: registers its options on construction (CLI11 keeps pointers to them, so it
/// is never moved), then runs when the command line chose it.
class command {
 public:
  virtual ~command() = default;
  /// True when the command line chose this subcommand.
  virtual bool selected() const = 0;
  /// Runs it; returns the process exit code.
  virtual int run() const = 0;
};

using command_factory = std::unique_ptr<command> (*)(CLI::App& app);

/// Adds a subcommand to those main() builds; `order` sorts them in `--help`.
struct command_registration {
  command_registration(int order, command_factory factory);
};

/// The registered subcommands, built on `app` in their order.
std::vector<std::unique_ptr<command>> build_registered_commands(CLI::App& app);

/// When the command line (`argv` without the program) names a subcommand that does not exist
/// (`aftersale decde`, `aftersale case aply`), what to print: `error: unknown command `decde``
/// and a `help:` line with the nearest subcommands; empty otherwise. Only a level that takes no
/// positional arguments is checked, where a bare word can only be a subcommand.
std::string unknown_command(const CLI::App& app, const std::vector<std::string>& args);

/// One exit code of a command and what it means, for its `--help`.
struct exit_code_help {
  int code;
  const char* meaning;
};

/// Ends `cmd --help` with one example command line and the exit codes the command returns
/// (every subcommand has one; ctest `cli.help.*` checks them).
void set_help_footer(CLI::App* cmd, const std::string& example, std::initializer_list<exit_code_help> codes);
/// `--locale` of `decide`, the case and the store commands: the language of every text shown
/// (labels, steps, remarks, clock labels), a language tag; empty (the default) means the
/// policy's `locale`. A text without it falls back to the policy's `locale`, then its first.
void add_locale_option(CLI::App* cmd, std::string& locale);

}  // namespace aftersale::cli
