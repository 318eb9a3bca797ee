// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the compiled-code differential compares: the canonical text of a decision, or the error
// it threw (kind, code and fact). Each translation unit made by tests/codegen/diff.cmake includes
// a few generated headers and defines one runner per policy with AFTERSALE_DIFF_RUNNER; the
// registry (diff_registry.cpp, also generated) lists them with their policy files.
#include <aftersale/calendar.hpp>
#include <aftersale/error.hpp>
#include <aftersale/time.hpp>
#include <cstdint>
#include <string>

namespace aftersale::diff {

/// The outcome of `f()` (a canonical text) or of the error it threw, in one string.
template <class F>
std::string outcome(F&& f) {
  try {
    return f();
  } catch (const request_error& e) {
    return "request_error " + code_text(e.code()) + " `" + e.fact() + "`";
  } catch (const usage_error& e) {
    return "usage_error " + code_text(e.code());
  } catch (const calendar_error& e) {
    return "calendar_error " + code_text(e.code());
  } catch (const error& e) {
    return std::string("error ") + e.what();
  }
}

/// Decides table `table` of a compiled policy for an encoded request at `now`.
using runner = std::string (*)(std::uint32_t table, const std::int64_t* values, const std::uint8_t* present,
                               sys_seconds now);

struct compiled_policy {
  const char* name_space;   ///< the generated code's namespace
  const char* file;         ///< the policy file
  const char* policy_path;  ///< a folder its `extends:` may read from ("" when none)
  runner run;
};

/// Every compiled policy of this build (diff_registry.cpp).
extern const compiled_policy compiled_policies[];
extern const std::size_t compiled_policy_count;

}  // namespace aftersale::diff

/// Defines `run_<ns>`, the runner of the generated code in namespace `ns`.
#define AFTERSALE_DIFF_RUNNER(ns)                                                                     \
  std::string run_##ns(std::uint32_t table, const std::int64_t* values, const std::uint8_t* present,  \
                       aftersale::sys_seconds now) {                                                  \
    return aftersale::diff::outcome([&] {                                                             \
      return ns::reflect::canonical_text(                                                             \
          ns::reflect::decide_table(table, ns::reflect::request_from_encoded(values, present), now)); \
    });                                                                                               \
  }
