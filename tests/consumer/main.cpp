// SPDX-License-Identifier: Apache-2.0
// A consumer of aftersale: load a policy, decide one request, check the answer.
// Built by tests/consumer/tests.cmake with add_subdirectory and with find_package, in
// C++17 and C++20. Exit 0 when the decision is the expected one.
#include <aftersale/aftersale.hpp>
#include <iostream>
#include <type_traits>

// The umbrella header is the whole public API: each of these fails to compile if a header is
// left out of it.
static_assert(std::is_class_v<aftersale::analysis_options>);
static_assert(std::is_class_v<aftersale::batch_options>);
static_assert(std::is_class_v<aftersale::diagram_options>);
static_assert(std::is_base_of_v<aftersale::error, aftersale::testing::test_file_error>);
static_assert(std::is_base_of_v<aftersale::error, aftersale::calendar_error>);
static_assert(std::is_base_of_v<aftersale::error, aftersale::usage_error>);
static_assert(!std::is_copy_constructible_v<aftersale::policy_handle>);

#if defined(AFTERSALE_CONSUMER_CXX) && AFTERSALE_CONSUMER_CXX >= 20
static_assert(__cplusplus >= 202002L, "the consumer was asked to build as C++20");
#endif

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer POLICY\n";
    return 2;
  }
  try {
    aftersale::policy_handle live(aftersale::load_policy_file(argv[1]));
    const std::shared_ptr<const aftersale::policy> policy = live.current();
    aftersale::request r;
    r.set("order_status", "delivered").set("reason", "changed_mind").set("amount", 12900);
    // Friday 20:00 in Shanghai: two business days end at Tuesday's close, 18:00 (10:00 UTC).
    auto now = aftersale::parse_timestamp("2026-11-20T20:00:00+08:00");
    if (!now) {
      std::cerr << "cannot parse the decision time\n";
      return 1;
    }
    aftersale::decision d = aftersale::decide(policy, r, *now);
    if (!d.matched() || d.solution() != "return_then_refund" || d.fee_payer() != "customer") {
      std::cerr << "unexpected decision: " << aftersale::to_string(d.status()) << '\n'
                << aftersale::explain(d);
      return 1;
    }
    if (d.deadlines().size() != 1 || aftersale::format_utc(d.deadlines()[0].due) != "2026-11-24T10:00:00Z") {
      std::cerr << "unexpected deadline\n";
      return 1;
    }
    std::cout << "consumer ok: " << d.rule_id() << " -> " << d.solution() << ", due "
              << aftersale::format_utc(d.deadlines()[0].due) << '\n';
    return 0;
  } catch (const aftersale::error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}
