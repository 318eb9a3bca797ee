// SPDX-License-Identifier: Apache-2.0
// run_tests: finds the test files, loads each policy once (files naming the same policy share
// it and its coverage total), runs every case and collects the report.
#include <aftersale/load.hpp>
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>

#include "testing/case_context.hpp"
#include "testing/coverage.hpp"
#include "testing/suite.hpp"

namespace aftersale::testing {

namespace fs = std::filesystem;

namespace {

bool is_test_file(const fs::path& p) {
  const std::string name = p.filename().string();
  const std::string suffix = ".test.yaml";
  return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

diagnostic path_error(const std::string& path, const std::string& message, const std::string& help = {}) {
  return diagnostic{error_code::file_unreadable, severity::error, {path, 0, 0}, message, help};
}

// One key per policy file however it is spelled (`../default.yaml`, `policies/default.yaml`).
std::string policy_key(const std::string& path) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? fs::absolute(path).lexically_normal().string() : canonical.string();
}

case_result run_case(const test_suite& suite, std::size_t i, const std::shared_ptr<const policy>& p,
                     const test_options& options, detail::hits& h, std::vector<diagnostic>& errors) {
  const test_case_info& info = suite.cases[i];
  case_result result;
  result.file = suite.path;
  result.name = info.name;
  result.where = info.where;
  result.flow = info.flow;
  detail::case_context ctx{p, *suite.data, options, h, result};
  try {
    if (info.flow) {
      detail::run_flow_case(ctx, *suite.data->cases[i]);
    } else {
      detail::run_decide_case(ctx, *suite.data->cases[i]);
    }
    result.passed = result.failures.empty();
  } catch (const detail::case_error& e) {
    errors.push_back(e.problem);
    result.error = true;
  } catch (const std::exception& e) {
    // Anything else the library throws for this case: reported at the case, never a crash.
    errors.push_back(diagnostic{error_code::invalid_value, severity::error, info.where,
                                "case " + detail::q(info.name) + ": " + e.what(), ""});
    result.error = true;
  }
  return result;
}

void count(test_report& report) {
  report.passed = report.failed = 0;
  report.error_count = report.errors.size();
  for (const auto& f : report.files) {
    report.error_count += f.errors.size();
    for (const auto& c : f.cases) {
      if (c.passed)
        ++report.passed;
      else if (!c.error)
        ++report.failed;
    }
  }
  for (const auto& p : report.policies) report.error_count += p.load_errors.size();
}

std::string percent_text(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, v);
  return buf;
}

// `X is below MIN` with as many decimals as it takes for the two to differ (99.95 below 99.96,
// never `100.0% is below 100.0%`).
std::string below_text(double value, double min) {
  int decimals = 1;
  while (decimals < 6 && percent_text(value, decimals) == percent_text(min, decimals)) ++decimals;
  std::string v = percent_text(value, decimals);
  if (value < 100.0 && v.rfind("100.", 0) == 0)
    v = "99." + std::string(static_cast<std::size_t>(decimals), '9') + "%";
  return v + " is below " + percent_text(min, decimals);
}

}  // namespace

std::vector<std::string> find_test_files(const std::vector<std::string>& paths,
                                         std::vector<diagnostic>& errors) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const fs::path& p) {
    const std::string s = p.lexically_normal().string();
    if (seen.insert(s).second) out.push_back(s);
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      errors.push_back(path_error(path, "no such file or directory"));
    } else if (fs::is_directory(st)) {
      std::vector<fs::path> found;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        // Hidden directories (.git, .cache) and build trees (a CMakeCache.txt) hold no tests
        // of the project, only copies or generated skeletons.
        if (it->is_directory(ec) &&
            ((!name.empty() && name[0] == '.') || fs::exists(it->path() / "CMakeCache.txt", ec))) {
          it.disable_recursion_pending();
        } else if (is_test_file(it->path()) && it->is_regular_file(ec)) {
          found.push_back(it->path());
        }
      }
      if (found.empty()) {
        errors.push_back(path_error(path, "no test files (`*.test.yaml`) under this directory"));
      }
      std::sort(found.begin(), found.end());
      for (const auto& f : found) add(f);
    } else {
      add(path);  // a file named on the command line runs whatever its name
    }
  }
  return out;
}

test_report run_suites(const std::vector<test_suite>& suites, const test_options& options) {
  test_report report;
  report.files.resize(suites.size());
  // Group by policy, in the order first named.
  std::map<std::string, std::size_t> by_key;
  std::vector<std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < suites.size(); ++i) {
    report.files[i].path = suites[i].path;
    const std::string& policy_path =
        options.policy_override.empty() ? suites[i].policy_path : options.policy_override;
    report.files[i].policy_path = policy_path;
    const std::string key = policy_key(policy_path);
    auto [it, inserted] = by_key.emplace(key, report.policies.size());
    if (inserted) {
      report.policies.push_back(policy_result{policy_path, {}, {}, std::nullopt});
      members.emplace_back();
    }
    report.policies[it->second].files.push_back(suites[i].path);
    members[it->second].push_back(i);
  }

  for (std::size_t g = 0; g < report.policies.size(); ++g) {
    policy_result& pr = report.policies[g];
    std::shared_ptr<const policy> p;
    try {
      p = load_policy_file(pr.path, load_limits{}, options.policy_load);
    } catch (const policy_error& e) {
      pr.load_errors = e.diagnostics();
    } catch (const std::exception& e) {
      pr.load_errors.push_back(path_error(pr.path, e.what()));
    }
    if (!p) continue;
    detail::hits total(*p);
    for (std::size_t i : members[g]) {
      const test_suite& suite = suites[i];
      test_file_result& file = report.files[i];
      detail::hits mine(*p);
      for (std::size_t c = 0; c < suite.cases.size(); ++c) {
        file.cases.push_back(run_case(suite, c, p, options, mine, file.errors));
      }
      file.covered = detail::summarize(*p, mine, options.coverage_own);
      total.merge(mine);
    }
    pr.total = detail::summarize(*p, total, options.coverage_own);
    if (options.coverage_min) {
      const double min = *options.coverage_min;
      if (!(pr.total->row_percent() >= min)) {  // fails closed on a NaN minimum
        report.coverage_shortfalls.push_back(pr.path + ": row coverage " +
                                             below_text(pr.total->row_percent(), min));
      }
      if (!(pr.total->transition_percent() >= min)) {  // fails closed on a NaN minimum
        report.coverage_shortfalls.push_back(pr.path + ": transition coverage " +
                                             below_text(pr.total->transition_percent(), min));
      }
    }
  }
  count(report);
  return report;
}

test_report run_tests(const std::vector<std::string>& paths, const test_options& options) {
  std::vector<diagnostic> errors;
  const std::vector<std::string> files = find_test_files(paths, errors);
  std::vector<test_suite> suites;
  std::vector<test_file_result> malformed;
  for (const auto& f : files) {
    try {
      suites.push_back(load_test_file(f, options.limits));
    } catch (const test_file_error& e) {
      test_file_result r;
      r.path = f;
      r.errors = e.diagnostics();
      malformed.push_back(std::move(r));
    }
  }
  test_report report = run_suites(suites, options);
  report.errors.insert(report.errors.begin(), errors.begin(), errors.end());
  // Malformed files keep their place in path order.
  for (auto& m : malformed) report.files.push_back(std::move(m));
  std::stable_sort(
      report.files.begin(), report.files.end(), [&](const test_file_result& a, const test_file_result& b) {
        return std::find(files.begin(), files.end(), a.path) < std::find(files.begin(), files.end(), b.path);
      });
  count(report);
  return report;
}

int exit_code(const test_report& report) {
  if (report.error_count > 0) return 2;
  if (report.failed > 0 || !report.coverage_shortfalls.empty()) return 1;
  return 0;
}

}  // namespace aftersale::testing
