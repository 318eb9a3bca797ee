// SPDX-License-Identifier: Apache-2.0
#pragma once
// What `aftersale store` and `aftersale worker` share: opening a store by URL with the policies
// the command line names, the exit codes, the SLA breaches of a case, and a plain table.
#include <CLI/CLI.hpp>
#include <aftersale/store.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace aftersale::cli {

/// Exit codes of `aftersale store` and `aftersale worker`: 0, 1, 2, 3 as for `case`, and 4 when
/// the store refused or failed (`error[E6xx]`).
inline constexpr int exit_store_ok = 0;
inline constexpr int exit_store_policy_error = 1;  ///< a policy does not load
inline constexpr int exit_store_input_error = 2;   ///< the command line, a request or a payload is wrong
inline constexpr int exit_store_refused = 3;       ///< `store apply`: the case refused the event
inline constexpr int exit_store_error = 4;         ///< the store failed or refused (E600-E604)

/// `--store URL` and `--policy P` (repeatable) as several commands take them.
struct store_target {
  std::string url;
  std::vector<std::string> policies;
};

/// Adds `--store URL` (required) to `cmd`.
void add_store_option(CLI::App* cmd, store_target& t);
/// Adds `--policy P` (repeatable; required when `required`) and `--policy-path DIR` to `cmd`.
void add_policies_option(CLI::App* cmd, store_target& t, bool required);

/// Loads every policy named, in order. @throws policy_error
std::vector<std::shared_ptr<const policy>> load_policies(const std::vector<std::string>& files);

/// `case_store::open(url)` with each policy added to its registry. @throws store_error
case_store open_store(const std::string& url, const std::vector<std::shared_ptr<const policy>>& policies);

/// Runs `body` and turns what it throws into a message on stderr and an exit code: policy
/// diagnostics (1), `path: error: ...` input errors and requests (2), store errors (4).
int run_reporting(const std::function<int()>& body);

/// A running SLA clock past its deadline.
struct breach {
  std::string case_id;
  std::string clock;
  std::string label;
  sys_seconds due{};
  std::string due_local;      ///< in the clock's calendar
  std::string due_local_iso;  ///< `2026-10-08T17:30:00+08:00`
  std::chrono::seconds late{0};
  std::string state, phase;
};

/// The clocks of `c` that are running with a deadline before `now` (a deadline that never falls
/// due is never breached), in the case's clock order; clock labels in `locale` ("" = the policy's).
std::vector<breach> find_breaches(const std::string& case_id, const service_case& c, sys_seconds now,
                                  std::string_view locale = {});

/// A table: a header row, a dashed rule, then the rows, each column as wide as its widest cell
/// (display width, so CJK labels stay aligned). Trailing spaces are trimmed.
void render_columns(std::ostream& out, const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows);

/// `2026-10-08T01:30:00Z`, or `-` for nothing.
std::string utc_or_dash(const std::optional<sys_seconds>& t);

}  // namespace aftersale::cli
