// SPDX-License-Identifier: Apache-2.0
#include "command.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "base/nearest.hpp"
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

std::string unknown_command(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* at = &app;
  std::string path = "aftersale";
  bool value_next = false;  // the previous argument was an option that takes a value
  for (const std::string& arg : args) {
    if (std::exchange(value_next, false)) continue;
    if (arg.empty()) return {};
    if (!arg.empty() && arg[0] == '-') {  // an option before the subcommand
      const CLI::Option* o = arg.find('=') == std::string::npos ? at->get_option_no_throw(arg) : nullptr;
      value_next = o != nullptr && o->get_type_size_min() > 0;
      continue;
    }
    const auto subcommands = at->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty()) return {};
    const auto sub = std::find_if(subcommands.begin(), subcommands.end(),
                                  [&](const CLI::App* s) { return s->check_name(arg); });
    if (sub != subcommands.end()) {
      at = *sub;
      path += ' ' + at->get_name();
      continue;
    }
    if (!at->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty()) return {};
    std::vector<std::string> names;
    for (const CLI::App* s : subcommands) names.push_back(s->get_name());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "`" : ", `") + n + '`';
    const std::string near = detail::did_you_mean(arg, names);
    return "error: unknown command `" + arg + "` for `" + path +
           "`\n  help: " + (near.empty() ? "" : near + ' ') + "commands: " + list;
  }
  return {};
}

void set_help_footer(CLI::App* cmd, const std::string& example, std::initializer_list<exit_code_help> codes) {
  std::string text = "\nExample:\n  " + example + "\n\nExit codes:";
  for (const exit_code_help& c : codes) text += "\n  " + std::to_string(c.code) + "  " + c.meaning;
  cmd->footer(text);
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
