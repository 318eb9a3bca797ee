// SPDX-License-Identifier: Apache-2.0
// A consumer of compiled policies: the installed default policy and a store policy extending it
// (store.yaml), each compiled at build time by aftersale_compile_policy (CMakeLists.txt). Decides
// through the generated headers with typed requests and checks each answer against the
// interpreter's decision of the same policy file, request and instant (canonical_text).
//   compiled DEFAULT_POLICY STORE_POLICY POLICY_DIR
#include <aftersale/aftersale.hpp>
#include <aftersale/codegen.hpp>
#include <iostream>
#include <string>

#include "default_policy.hpp"
#include "store.hpp"

#if defined(AFTERSALE_CONSUMER_CXX) && AFTERSALE_CONSUMER_CXX >= 20
static_assert(__cplusplus >= 202002L, "the consumer was asked to build as C++20");
#endif

namespace {

int failures = 0;

void expect_same(const char* what, const std::string& generated, const std::string& interpreted) {
  if (generated == interpreted) return;
  ++failures;
  std::cerr << what << ": the generated decision differs from the interpreter's\ngenerated:\n"
            << generated << "\ninterpreted:\n"
            << interpreted << '\n';
}

void expect_contains(const char* what, const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return;
  ++failures;
  std::cerr << what << ": `" << part << "` not in\n" << text << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: compiled DEFAULT_POLICY STORE_POLICY POLICY_DIR\n";
    return 2;
  }
  try {
    const auto base = aftersale::load_policy_file(argv[1]);
    aftersale::load_options options;
    options.policy_paths.push_back(argv[3]);
    const auto store = aftersale::load_policy_file(argv[2], aftersale::load_limits{}, options);
    // Friday 20:00 in Shanghai, delivered two days before.
    const aftersale::sys_seconds now = *aftersale::parse_timestamp("2026-11-20T20:00:00+08:00");
    const aftersale::sys_seconds delivered = *aftersale::parse_timestamp("2026-11-18T10:00:00+08:00");

    aftersale::request r;
    r.set("order_status", "delivered").set("request", "request_return_refund").set("reason", "changed_mind");
    r.set("amount", 12900).set("delivered_at", aftersale::fact_value(delivered));

    {  // the baseline: the 7-day return, the buyer pays the postage
      default_policy::request q;
      q.order_status = default_policy::order_status_value::delivered;
      q.request = default_policy::request_value::request_return_refund;
      q.reason = default_policy::reason_value::changed_mind;
      q.amount = 12900;
      q.delivered_at = delivered;
      const std::string generated = default_policy::reflect::canonical_text(default_policy::decide(q, now));
      expect_same("default policy", generated, aftersale::canonical_text(aftersale::decide(base, r, now)));
      expect_contains("default policy", generated, "seven_day_return_delivered");
    }
    {  // the store: gift-wrapped returns at the store's cost, otherwise the baseline
      for (const bool wrapped : {true, false}) {
        store::request q;
        q.order_status = store::order_status_value::delivered;
        q.request = store::request_value::request_return_refund;
        q.reason = store::reason_value::changed_mind;
        q.amount = 12900;
        q.delivered_at = delivered;
        q.gift_wrapped = wrapped;
        aftersale::request rs = r;
        rs.set("gift_wrapped", wrapped);
        const std::string generated = store::reflect::canonical_text(store::decide(q, now));
        expect_same("store policy", generated, aftersale::canonical_text(aftersale::decide(store, rs, now)));
        expect_contains("store policy", generated,
                        wrapped ? "gift_wrapped_return" : "seven_day_return_delivered");
      }
    }
    {  // a required fact left out: the same error as the interpreter's
      store::request q;
      q.order_status = store::order_status_value::delivered;
      try {
        (void)store::decide(q, now);
        ++failures;
        std::cerr << "a request without `request` and `amount` was decided\n";
      } catch (const aftersale::request_error& e) {
        if (e.code() != aftersale::error_code::missing_fact) {
          ++failures;
          std::cerr << "unexpected error: " << e.what() << '\n';
        }
      }
    }
  } catch (const aftersale::error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  if (failures) return 1;
  std::cout << "compiled consumer ok: default and store policy decide as the interpreter\n";
  return 0;
}
