// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The policy test runner behind `aftersale test`: reads `*.test.yaml` files (docs/testing.md),
/// runs their decide and flow cases against the policy each file names, and reports every
/// mismatch at the line of its expectation, with the rows, transitions and timers the cases
/// exercised.
///
///     aftersale::testing::test_options opt;
///     opt.coverage_min = 100.0;
///     aftersale::testing::test_report r = aftersale::testing::run_tests({"policies/tests"}, opt);
///     std::cout << aftersale::testing::render_text(r, {/*verbose=*/false, /*coverage=*/true});
///     return aftersale::testing::exit_code(r);  // 0 passed, 1 failed or under coverage, 2 malformed
///
/// A malformed test file is refused before any case runs (wrong kinds, unknown keys, bad times,
/// duplicate case names, hostile YAML); problems that need the policy to see (an unknown fact,
/// table, flow, clock, variable or role) are reported when the case runs. Both are errors, not
/// failures: each is a `diagnostic` with the test file's location.
#include <aftersale/error.hpp>
#include <aftersale/load.hpp>
#include <aftersale/time.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aftersale::testing {

namespace detail {
struct suite_data;  // the parsed document (src/testing/)
}

/// One case of a test file, as written.
struct test_case_info {
  std::string name;
  source_span where;  ///< the case's `- name:` entry
  bool flow = false;  ///< a flow case (`steps`, `opened`, `end`, `open` or `flow`); else a decide case
};

/// A parsed, structurally valid test file. Cheap to copy (shares the parsed document).
struct test_suite {
  std::string path;         ///< as given (`policies/tests/carrier.test.yaml`)
  std::string policy_path;  ///< the file's `policy:`, resolved against the test file's directory
  source_span policy_where;
  std::vector<test_case_info> cases;
  std::shared_ptr<const detail::suite_data> data;
};

/// A test file that cannot be read or does not follow the format. Carries every problem found,
/// each with `file:line:col`; `what()` is all of them, one per line.
class test_file_error : public error {
 public:
  explicit test_file_error(std::vector<diagnostic> diagnostics);
  const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<diagnostic> diagnostics_;
};

/// Reads and checks one test file. Never runs anything and needs no policy.
/// @throws test_file_error
test_suite load_test_file(const std::string& path, const load_limits& limits = {});

/// One expectation that did not hold.
struct test_failure {
  source_span where;     ///< the expectation key's value in the test file
  std::string field;     ///< `solution`, `state`, `clock `chat_reply``, ...
  std::string expected;  ///< as text; empty for a failure that is not a comparison
  std::string actual;
  std::string message;  ///< the whole line: `expected solution `x`, got `y``
  std::string detail;   ///< optional extra lines (the decision's explanation), may be empty
};

/// The result of one case.
struct case_result {
  std::string file;
  std::string name;
  source_span where;
  bool flow = false;
  bool passed = false;  ///< ran to the end and every expectation held
  bool error = false;   ///< could not run (see `test_file_result::errors`); not passed, not failed
  std::vector<test_failure> failures;
};

/// A transition of a flow, for coverage lists.
struct transition_ref {
  std::uint32_t index = 0;        ///< into flow_def::transitions
  source_span where;              ///< in the policy
  std::string from, trigger, to;  ///< trigger: the event, `(automatic)`, `(timer clock_id)`, `(timer 2d)`
  bool timer = false;
  std::string id;  ///< the transition's id (`id:`, else the implicit `FROM.TRIGGER`)

  /// `from --trigger--> to`
  std::string text() const;
};

/// Rows of one decision table.
struct table_coverage {
  std::string table;
  std::vector<std::string> hit;     ///< rule ids selected by some case, in table order
  std::vector<std::string> missed;  ///< rule ids never selected, in table order
};

/// Transitions of one flow.
struct flow_coverage {
  std::string flow;
  std::vector<transition_ref> fired;   ///< in flow order
  std::vector<transition_ref> missed;  ///< in flow order
  std::size_t timers_total = 0;
  std::size_t timers_fired = 0;
};

/// What a set of cases exercised in one policy.
struct coverage {
  std::vector<table_coverage> tables;  ///< every table of the policy, in policy order
  std::vector<flow_coverage> flows;    ///< every flow of the policy, in policy order
  std::size_t rows_hit = 0, rows_total = 0;
  std::size_t transitions_fired = 0, transitions_total = 0;
  std::size_t timers_fired = 0, timers_total = 0;
  /// Only the policy's own rules and transitions are counted (`test_options::coverage_own`):
  /// for a store, its new and overridden rules and the transitions it writes (new flows,
  /// replaced flows, the transitions a flow patch changes or adds). Tables and flows with none
  /// of its own are left out.
  bool own = false;

  /// Percentages; 100 when there is nothing to cover.
  double row_percent() const;
  double transition_percent() const;
  double timer_percent() const;
};

/// One test file's cases and what they covered.
struct test_file_result {
  std::string path;
  std::string policy_path;  ///< empty when the file could not be read
  std::vector<case_result> cases;
  std::vector<diagnostic> errors;   ///< the file is malformed, or a case could not run
  std::optional<coverage> covered;  ///< nothing when the file or its policy could not be loaded
};

/// Every file naming one policy (the same file, compared by canonical path), with their
/// combined coverage.
struct policy_result {
  std::string path;  ///< as the first test file naming it resolved it
  std::vector<std::string> files;
  std::vector<diagnostic> load_errors;  ///< the policy did not load: its cases did not run
  std::optional<coverage> total;        ///< nothing when the policy did not load
};

struct test_options {
  /// Also check that every step's case survives a snapshot round trip (`to_json`/`from_json`)
  /// and continue from the restored case, as a host restarted between steps would.
  bool check_snapshots = true;
  /// Fail (exit 1) when a policy's total row or transition coverage is below this percentage.
  std::optional<double> coverage_min;
  load_limits limits;  ///< for test files (policies use the loader's defaults)
  /// Run every file against this policy instead of the one it names (`--policy`): a store owner
  /// runs the baseline's tests on their store policy, and each failure is a behaviour change.
  std::string policy_override;
  /// The folders the policies' `extends:` may read from (`--policy-path`); each policy's own
  /// folder is allowed unless `policy_load.file_folder` is false.
  load_options policy_load;
  /// Count coverage (and check `coverage_min`) on the policy's own rules and transitions only
  /// (`--coverage-own`): a store holds a minimum on what it adds, not on its base.
  bool coverage_own = false;
};

/// Everything a run found.
struct test_report {
  std::vector<test_file_result> files;  ///< in the order run (paths sorted within a directory)
  std::vector<policy_result> policies;  ///< in the order first named
  std::vector<diagnostic> errors;       ///< paths that do not exist, directories without test files
  std::size_t passed = 0, failed = 0;
  std::size_t error_count =
      0;  ///< malformed files, cases that could not run, policies that did not load, bad paths
  /// `--coverage-min` shortfalls: `policies/default.yaml: transition coverage 97.5% is below 100%`.
  std::vector<std::string> coverage_shortfalls;
};

/// The test files under `paths`: files as given, directories searched recursively for
/// `*.test.yaml` (sorted by path). A path that does not exist is an error in `errors`.
std::vector<std::string> find_test_files(const std::vector<std::string>& paths,
                                         std::vector<diagnostic>& errors);

/// Finds, loads and runs the test files under `paths` (see `find_test_files`); never throws on
/// bad input (every problem is in the report).
test_report run_tests(const std::vector<std::string>& paths, const test_options& options = {});

/// Runs already loaded suites (as `run_tests` does after `load_test_file`).
test_report run_suites(const std::vector<test_suite>& suites, const test_options& options = {});

/// 2 when anything is malformed (errors), else 1 when a case failed or coverage is short, else 0.
int exit_code(const test_report& report);

struct render_options {
  bool verbose = false;   ///< list passing cases too (`ok file:line: name`)
  bool coverage = false;  ///< append the coverage report
  /// Text: list every transition not fired with its place (else one line per table and flow,
  /// the uncovered ids listed compactly).
  bool coverage_full = false;
};

/// The runner's text output: `FAIL file:line: name` with indented mismatches, errors as
/// `file:line:col: error: message`, the coverage report when asked, and the closing line
/// `N passed, N failed` (`, N errors` when there are any).
std::string render_text(const test_report& report, const render_options& options = {});

/// The report as JSON (docs/testing.md, "JSON output"); coverage included when asked.
/// @throws encoding_error when a name or message is not valid UTF-8.
std::string render_json(const test_report& report, const render_options& options = {});

}  // namespace aftersale::testing
