// SPDX-License-Identifier: Apache-2.0
#include "command.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace aftersale::cli {

namespace {
// A function-local static: registrations run during static initialisation, in any order.
std::vector<std::pair<int, command_factory>>& registry() {
  static std::vector<std::pair<int, command_factory>> factories;
  return factories;
}
}  // namespace

command_registration::command_registration(int order, command_factory factory) {
  registry().emplace_back(order, factory);
}

std::vector<std::unique_ptr<command>> build_registered_commands(CLI::App& app) {
  auto factories = registry();
  std::stable_sort(factories.begin(), factories.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::unique_ptr<command>> commands;
  for (const auto& entry : factories) commands.push_back(entry.second(app));
  return commands;
}

void set_help_footer(CLI::App* cmd, const std::string& example, std::initializer_list<exit_code_help> codes) {
  std::string text = "\nExample:\n  " + example + "\n\nExit codes:";
  for (const exit_code_help& c : codes) text += "\n  " + std::to_string(c.code) + "  " + c.meaning;
  cmd->footer(text);
}

}  // namespace aftersale::cli
