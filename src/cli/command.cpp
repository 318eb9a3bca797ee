// SPDX-License-Identifier: Apache-2.0
#include "command.hpp"

#include <algorithm>
#include <utility>

#include "load/reader.hpp"

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

void add_locale_option(CLI::App* cmd, std::string& locale) {
  cmd->add_option("--locale", locale,
                  "Language of every text shown (labels, steps, remarks), e.g. zh or en; default: the "
                  "policy's `locale`")
      ->check(CLI::Validator(
          [](const std::string& tag) {
            return load::is_locale(tag) ? std::string()
                                        : "`" + tag + "` is not a language tag such as zh or en";
          },
          "LOCALE"));
}

}  // namespace aftersale::cli
