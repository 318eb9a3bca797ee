// SPDX-License-Identifier: Apache-2.0
// `aftersale`: validate policies and decide requests from the command line.
//
//   aftersale validate policies/default.yaml
//   aftersale decide --policy policies/default.yaml --request examples/requests/
//   aftersale case open|apply|advance|show ...   (case_command.hpp)
//   aftersale store ... and aftersale worker      (store_command.cpp, worker_command.cpp)
//
// `aftersale` alone prints the help (exit 0), as `--help` does.
// Exit codes: 0 ok, 1 a policy does not load, 2 a request or the command line is wrong,
// 3 `case apply`, `store apply`: the case refused the event (`diff --fail-on-change`: a decision
// changes), 4 `store`, `worker`: the store failed.
#include <CLI/CLI.hpp>
#include <aftersale/aftersale.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "case_command.hpp"
#include "case_io.hpp"
#include "command.hpp"
#include "outcome.hpp"
#include "policy_path.hpp"
#include "render.hpp"
#include "request_json.hpp"

namespace {

namespace fs = std::filesystem;
namespace cli = aftersale::cli;

constexpr int exit_policy_error = 1;
constexpr int exit_request_error = 2;

void print_diagnostics(const aftersale::policy_error& e) {
  for (const auto& d : e.diagnostics()) std::cerr << aftersale::to_string(d) << '\n';
}

int run_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& file : files) {
    try {
      auto p = cli::load_policy(file);
      std::size_t rules = 0;
      for (const auto& table : p->decisions) rules += table.rules.size();
      std::cout << "ok: " << file << " (" << p->facts.size() << " facts, " << p->decisions.size()
                << " tables, " << rules << " rules, " << p->clocks.size() << " clocks)\n";
    } catch (const aftersale::policy_error& e) {
      print_diagnostics(e);
      status = exit_policy_error;
    }
  }
  return status;
}

// Request paths as given, with each directory replaced by its *.json files in name order.
std::vector<std::string> expand_requests(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    if (path == "-" || !fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        found.push_back(entry.path().string());
    }
    if (found.empty()) throw cli::input_error(path + ": error: no .json request files in this directory");
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

struct decide_args {
  std::string policy;
  std::vector<std::string> requests;
  std::string now;
  std::string table;
  std::size_t max_request_bytes = cli::default_request_limit;
  std::string format = "table";
  bool explain = false;
  std::string locale;  ///< "": the policy's `locale`
};

int run_decide(const decide_args& args) {
  std::shared_ptr<const aftersale::policy> policy;
  try {
    policy = cli::load_policy(args.policy);
  } catch (const aftersale::policy_error& e) {
    print_diagnostics(e);
    return exit_policy_error;
  }
  std::vector<std::string> paths;
  try {
    paths = expand_requests(args.requests);
  } catch (const cli::input_error& e) {
    std::cerr << e.what() << '\n';  // `path: error: ...`
    return exit_request_error;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_request_error;
  }
  // Each request is decided on its own: one bad file is reported, the others still print.
  int status = 0;
  std::vector<cli::outcome> outcomes;
  aftersale::decide_options options;
  options.explain = args.explain;
  for (const auto& path : paths) {
    std::string where = path == "-" ? "<stdin>" : path;
    try {
      cli::request_file r = cli::read_request_file(path, args.max_request_bytes);
      const aftersale::sys_seconds now = cli::resolve_now(args.now, r.now, r.path);
      try {
        aftersale::decision d = args.table.empty()
                                    ? aftersale::decide(policy, r.facts, now, options)
                                    : aftersale::decide(policy, args.table, r.facts, now, options);
        outcomes.push_back(cli::make_outcome(d, r.name, r.note, args.explain, args.locale));
      } catch (const aftersale::request_error& e) {
        std::cerr << cli::located(r, e) << '\n';  // `path#/facts/name: error[E300]: ...`, every problem
        status = exit_request_error;
      }
    } catch (const aftersale::request_error& e) {
      std::cerr << where << ": " << e.what() << '\n';
      status = exit_request_error;
    } catch (const cli::input_error& e) {
      std::cerr << e.what() << '\n';  // `path: error: ...`, like the library's request errors
      status = exit_request_error;
    }
  }
  if (args.format == "json") {
    cli::render_json(std::cout, outcomes);
  } else {
    cli::render_table(std::cout, outcomes);
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"aftersale: after-sales policy as executable, testable data", "aftersale"};
  // What this binary reads and writes, for bug reports and upgrade checks (docs/versioning.md).
  app.set_version_flag(
      "--version", std::string("aftersale ") + AFTERSALE_VERSION_STRING + "\npolicy format " +
                       AFTERSALE_VERSION_STRINGIFY(AFTERSALE_POLICY_FORMAT_VERSION) +
                       "\nsnapshot format aftersale-case/" +
                       AFTERSALE_VERSION_STRINGIFY(AFTERSALE_SNAPSHOT_FORMAT_VERSION) + "\nstore schema " +
                       std::to_string(aftersale::case_store::current_schema_version));
  app.require_subcommand(1);

  std::vector<std::string> policies;
  CLI::App* validate = app.add_subcommand("validate", "Load policies and report every problem found");
  validate->add_option("POLICY", policies, "Policy YAML files")->required();
  cli::add_policy_path_option(validate);
  cli::set_help_footer(validate, "aftersale validate policies/default.yaml",
                       {{0, "every policy loads"},
                        {1, "a policy does not load (its diagnostics on stderr)"},
                        {2, "a bad command line"}});

  decide_args args;
  CLI::App* decide = app.add_subcommand("decide", "Decide requests with a policy");
  decide->add_option("--policy,-p", args.policy, "Policy YAML file")->required();
  cli::add_policy_path_option(decide);
  decide->add_option("--request,-r", args.requests, "Request JSON file, a directory of them, or - for stdin")
      ->required();
  decide->add_option(
      "--now", args.now,
      "Decision instant, ISO 8601 with offset, or now (default: the request's `now`, else the wall clock)");
  decide->add_option("--table", args.table, "Decision table id (default: the policy's entry table)");
  decide->add_option("--format", args.format, "Output format")->check(CLI::IsMember({"table", "json"}));
  decide
      ->add_option("--max-request-bytes", args.max_request_bytes,
                   "Refuse a request file larger than this (default 1048576, 1 MiB)")
      ->check(CLI::PositiveNumber);
  decide->add_flag("--explain", args.explain, "Explain why the rule matched and earlier ones did not");
  cli::set_help_footer(decide,
                       "aftersale decide -p policies/default.yaml -r "
                       "examples/requests/02_return_refund_seven_day.json --explain",
                       {{0, "every request decided (no_match and conflict are answers too)"},
                        {1, "a policy does not load (its diagnostics on stderr)"},
                        {2, "a request file or the command line is wrong (the other requests still print)"}});
  cli::add_locale_option(decide, args.locale);

  cli::case_command cases(app);
  // lint, test, paths, graph, ...: each registers itself (command.hpp).
  const auto commands = cli::build_registered_commands(app);

  // `aftersale` alone, or a command of commands alone (`aftersale case`): its help, and success.
  if (argc == 1) {
    std::cout << app.help();
    return 0;
  }
  if (argc == 2) {
    for (CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == argv[1] && !sub->get_subcommands({}).empty()) {
        std::cout << sub->help(app.get_name());
        return 0;
      }
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string unknown =
            cli::unknown_command(app, std::vector<std::string>(argv + 1, argv + argc));
        !unknown.empty()) {
      std::cerr << unknown << '\n';  // `aftersale decde`: did you mean `decide`?
      return exit_request_error;
    }
    int code = app.exit(e);
    return code == 0 ? 0 : exit_request_error;
  }
  try {
    if (*validate) return run_validate(policies);
    if (cases.selected()) return cases.run();
    for (const auto& command : commands)
      if (command->selected()) return command->run();
    return run_decide(args);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_request_error;
  }
}
