// SPDX-License-Identifier: Apache-2.0
// Fuzz target `policy`: any text → load_policy_string → analyze.
// Properties: loading returns a policy or throws policy_error, nothing else; every diagnostic is a
// located, lowercase E1xx/E2xx error inside the text; analysis of a loaded policy never throws, and
// its findings are A4xx codes in document order with `has_errors()` agreeing with the counts;
// diagnostics and findings are UTF-8 (they are written as JSON by `aftersale lint`).
#include <aftersale/analysis.hpp>
#include <aftersale/error.hpp>
#include <aftersale/load.hpp>
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <tuple>

#include "base/utf8.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr const char* name = "fuzz.yaml";

void check_diagnostics(const aftersale::policy_error& e, std::string_view text) {
  FUZZ_CHECK(!e.diagnostics().empty(), e.what());
  const auto lines = static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const aftersale::diagnostic& d : e.diagnostics()) {
    const std::string line = aftersale::to_string(d);
    const auto code = static_cast<unsigned>(d.code);
    FUZZ_CHECK(code >= 100 && code < 300, line);
    FUZZ_CHECK(d.severity == aftersale::severity::error, line);
    FUZZ_CHECK(!d.message.empty(), line);
    FUZZ_CHECK(!std::isupper(static_cast<unsigned char>(d.message[0])), line);
    FUZZ_CHECK(!d.where.file.empty(), line);
    if (d.where.file == name) FUZZ_CHECK(d.where.line <= lines, line);
    FUZZ_CHECK(line.find("error[E" + std::to_string(code) + "]") != std::string::npos, line);
    FUZZ_CHECK(aftersale::detail::valid_utf8(line), "a diagnostic that is not UTF-8 (JSON cannot hold it)");
  }
}

void check_report(const aftersale::analysis_report& r) {
  std::size_t errors = 0;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const aftersale::diagnostic& d = r.findings[i].diagnostic;
    const auto code = static_cast<unsigned>(d.code);
    FUZZ_CHECK(code >= 400 && code < 500, aftersale::to_string(d));
    FUZZ_CHECK(!d.message.empty() && !std::isupper(static_cast<unsigned char>(d.message[0])),
               aftersale::to_string(d));
    // lint --format json writes every finding: its text must be UTF-8.
    FUZZ_CHECK(aftersale::detail::valid_utf8(aftersale::to_string(r.findings[i])),
               "a finding that is not UTF-8");
    errors += d.severity == aftersale::severity::error ? 1 : 0;
    if (i > 0) {
      const aftersale::source_span& a = r.findings[i - 1].diagnostic.where;
      const aftersale::source_span& b = d.where;
      FUZZ_CHECK(std::tie(a.file, a.line, a.column) <= std::tie(b.file, b.line, b.column),
                 "findings out of order");
    }
  }
  FUZZ_CHECK(r.count(aftersale::severity::error) == errors, "count(error) disagrees with the findings");
  FUZZ_CHECK(r.has_errors() == (errors > 0), "has_errors() disagrees with the findings");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const aftersale::policy> p;
  try {
    p = aftersale::load_policy_string(text, name);
  } catch (const aftersale::policy_error& e) {
    check_diagnostics(e, text);
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("load threw something other than policy_error: ") + e.what());
  }
  FUZZ_CHECK(p != nullptr, "load returned no policy and threw nothing");
  try {
    check_report(aftersale::analyze(*p));
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("analyze threw: ") + e.what());
  }
  return 0;
}
