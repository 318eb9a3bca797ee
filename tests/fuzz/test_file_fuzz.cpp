// SPDX-License-Identifier: Apache-2.0
// Fuzz target `test_file`: any text as a policy test file (`*.test.yaml`) → the test runner's
// reader (load_test_file) → its cases run against the default policy → both reports rendered.
// Properties: the reader throws only test_file_error, with located lowercase E1xx/E2xx
// diagnostics; a file it accepts runs to a report with one result per case, each passed, failed
// or in error, the totals agreeing; the JSON report is valid JSON.
#include <unistd.h>

#include <aftersale/error.hpp>
#include <aftersale/policy_test.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.hpp"

namespace {

const std::string& scratch_path() {
  static const std::string path = "/tmp/aftersale-fuzz-" + std::to_string(::getpid()) + ".test.yaml";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = aftersale::testing;
  const std::string& path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  t::test_suite suite;
  try {
    suite = t::load_test_file(path);
  } catch (const t::test_file_error& e) {
    FUZZ_CHECK(!e.diagnostics().empty(), e.what());
    for (const aftersale::diagnostic& d : e.diagnostics()) {
      const std::string line = aftersale::to_string(d);
      const auto code = static_cast<unsigned>(d.code);
      FUZZ_CHECK(code >= 100 && code < 300, line);
      FUZZ_CHECK(d.where.file == path, line);
      FUZZ_CHECK(!d.message.empty() && !std::isupper(static_cast<unsigned char>(d.message[0])), line);
    }
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("the reader threw something other than test_file_error: ") + e.what());
  }
  t::test_options options;
  options.policy_override = std::string(AFTERSALE_SOURCE_DIR) + "/policies/default.yaml";
  t::test_report report;
  try {
    report = t::run_suites({suite}, options);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("running an accepted test file threw: ") + e.what());
  }
  FUZZ_CHECK(report.files.size() == 1, "one result per test file");
  const t::test_file_result& file = report.files.front();
  FUZZ_CHECK(file.cases.size() == suite.cases.size(), "one result per case");
  std::size_t passed = 0, failed = 0;
  for (const t::case_result& r : file.cases) {
    FUZZ_CHECK(!(r.passed && r.error), "a case both passed and in error");
    FUZZ_CHECK(!r.passed || r.failures.empty(), "a passing case with failures");
    passed += r.passed ? 1 : 0;
    failed += !r.passed && !r.error ? 1 : 0;
  }
  FUZZ_CHECK(report.passed == passed && report.failed == failed, "the totals disagree with the cases");
  const std::string text = t::render_text(report, {true, true});
  const std::string json = t::render_json(report, {true, true});
  FUZZ_CHECK(!text.empty(), "an empty text report");
  FUZZ_CHECK(nlohmann::json::accept(json), "the JSON report is not JSON:\n" + json);
  return 0;
}
