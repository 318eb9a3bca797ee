// SPDX-License-Identifier: Apache-2.0
#pragma once
// `aftersale case open|apply|advance|show`: walk a case by hand, one snapshot file per case.
//
//   aftersale case open policy.yaml --request req.json -o case.json
//   aftersale case apply policy.yaml case.json --event approve --as agent --id evt-1
//   aftersale case advance policy.yaml case.json --now 2026-11-23T10:00:00+08:00
//   aftersale case show policy.yaml case.json --locale en --customer
#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "request_json.hpp"

namespace aftersale::cli {

/// Exit codes of `aftersale case` (0, 1, 2 as for the other commands).
inline constexpr int exit_case_ok = 0;
inline constexpr int exit_case_policy_error = 1;  ///< the policy does not load
inline constexpr int exit_case_input_error = 2;   ///< a request, snapshot, option or file is wrong
inline constexpr int exit_case_refused = 3;       ///< `apply`: the case refused the event (file unchanged)

/// The `case` subcommand and its four subcommands, registered on `app`. CLI11 keeps pointers
/// to the options, so the object stays where it was built.
class case_command {
 public:
  explicit case_command(CLI::App& app);
  case_command(const case_command&) = delete;
  case_command& operator=(const case_command&) = delete;

  /// True when the command line chose `case`.
  bool selected() const;
  /// Runs the chosen subcommand; returns the exit code. Diagnostics go to stderr as
  /// `path: error: message`.
  int run() const;

  struct options {
    std::string policy;
    std::string snapshot;  ///< open: the file to write (-o); others: the file to read
    std::string request;
    std::size_t max_request_bytes = default_request_limit;
    std::string flow;
    std::string now;
    std::string event;
    std::string role;
    std::string id;
    std::vector<std::string> sets;
    std::string locale;  ///< "": the policy's `locale`
    std::string format = "text";
    bool customer = false;
    bool force = false;
    double lock_wait = 10;  ///< seconds to wait for another process changing the same case
  };

 private:
  options opt_;
  CLI::App* case_ = nullptr;
  CLI::App* open_ = nullptr;
  CLI::App* apply_ = nullptr;
  CLI::App* advance_ = nullptr;
  CLI::App* show_ = nullptr;
};

}  // namespace aftersale::cli
