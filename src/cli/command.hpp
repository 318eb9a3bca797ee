// SPDX-License-Identifier: Apache-2.0
#pragma once
// Subcommands that register themselves, so each lives in its own file and main.cpp never
// lists them: a file defines a `command` and one `command_registration` object.
//
//   namespace { const aftersale::cli::command_registration lint{30, [](CLI::App& app) {
//     return std::unique_ptr<aftersale::cli::command>(new lint_command(app)); }}; }
#include <CLI/CLI.hpp>
#include <memory>
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

/// `--locale` of `decide`, the case and the store commands: the language of every text shown
/// (labels, steps, remarks, clock labels), a language tag; empty (the default) means the
/// policy's `locale`. A text without it falls back to the policy's `locale`, then its first.
void add_locale_option(CLI::App* cmd, std::string& locale);

}  // namespace aftersale::cli
