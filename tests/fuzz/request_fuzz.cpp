// SPDX-License-Identifier: Apache-2.0
// Fuzz target `request`: JSON text → the CLI's request reader (src/cli/request_json.cpp, the only
// JSON request reader; the library takes `aftersale::request` objects) → bind to the default
// policy → decide → open the rule's flow.
// Properties: the reader throws only input_error, bind only aftersale::error (a request_error lists
// every problem, E300-E305, capped, in what() in order, the first one's code and fact its own); a bound
// request has one slot per fact; deciding with and without the explanation, from the request or from its
// bound form, gives the same decision; `matched` exactly when some rule was selected; a case
// opened from the decision survives a snapshot round trip.
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/error.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "cli/request_json.hpp"
#include "fuzz_support.hpp"

namespace {

using aftersale::decision;

bool same_matches(const decision& a, const decision& b) {
  if (a.status() != b.status() || a.matches().size() != b.matches().size()) return false;
  for (std::size_t i = 0; i < a.matches().size(); ++i) {
    const aftersale::rule_match& x = a.matches()[i];
    const aftersale::rule_match& y = b.matches()[i];
    if (x.rule != y.rule || x.amounts != y.amounts || x.amount_present != y.amount_present ||
        x.deadlines.size() != y.deadlines.size())
      return false;
    for (std::size_t k = 0; k < x.deadlines.size(); ++k)
      if (x.deadlines[k].clock != y.deadlines[k].clock || x.deadlines[k].due != y.deadlines[k].due)
        return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& p = aftersale_fuzz::default_policy();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aftersale::cli::request_file file;
  try {
    file = aftersale::cli::parse_request_json(text, "fuzz", "fuzz.json");
  } catch (const aftersale::cli::input_error&) {
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("the request reader threw something other than input_error: ") + e.what());
  }
  // A fixed instant unless the file gives one the library can read.
  aftersale::sys_seconds now{std::chrono::seconds{1767758400}};
  if (file.now) {
    if (auto t = aftersale::parse_timestamp(*file.now)) now = *t;
  }
  aftersale::bound_request bound;
  try {
    bound = aftersale::bind(*p, file.facts);
  } catch (const aftersale::request_error& e) {
    // Every problem at once: one to `max_problems` of them, E300-E307, the first one's code and
    // fact are the error's, and what() prints each.
    FUZZ_CHECK(!e.problems().empty() && e.problems().size() <= aftersale::request_error::max_problems,
               "a request error lists no problem or more than its cap");
    FUZZ_CHECK(e.code() == e.problems().front().code && e.fact() == e.problems().front().fact,
               "code() and fact() are not the first problem's");
    std::size_t at = 0;
    const std::string what = e.what();
    for (const aftersale::request_problem& problem : e.problems()) {
      const auto code = static_cast<unsigned>(problem.code);
      FUZZ_CHECK(code >= 300 && code <= 307, aftersale::to_string(problem));
      at = what.find(aftersale::to_string(problem), at);
      FUZZ_CHECK(at != std::string::npos, "what() does not list a problem in order: " + what);
    }
    return 0;
  } catch (const aftersale::error&) {
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("bind threw something other than aftersale::error: ") + e.what());
  }
  FUZZ_CHECK(bound.size() == p->facts.size(), "a bound request has one slot per fact");
  for (std::size_t f = 0; f < p->facts.size(); ++f)
    if (p->facts[f].required) FUZZ_CHECK(bound.has(f), "a required fact is absent after bind");

  try {
    const decision explained = aftersale::decide(p, bound, now);
    const decision quiet = aftersale::decide(p, bound, now, {false});
    const decision direct = aftersale::decide(p, file.facts, now);
    FUZZ_CHECK(same_matches(explained, quiet), "the explanation changed the decision");
    FUZZ_CHECK(same_matches(explained, direct), "deciding the request and its bound form differ");
    FUZZ_CHECK(explained.matched() == !explained.matches().empty(), "matched() disagrees with matches()");
    if (!explained.matched() || explained.first_rule().then.flow.empty()) return 0;
    const aftersale::service_case c = aftersale::open_case(explained, now);
    FUZZ_CHECK(c.state_index() < c.flow().states.size(), "an opened case is in no state of its flow");
    const std::string snap = aftersale::to_json(c);
    const aftersale::service_case back = aftersale::from_json(p, snap);
    FUZZ_CHECK(back == c, "a restored snapshot differs from the case");
    FUZZ_CHECK(aftersale::to_json(back) == snap, "to_json(from_json(s)) != s for a snapshot to_json wrote");
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("deciding a bound request threw: ") + e.what());
  }
  return 0;
}
