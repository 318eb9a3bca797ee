// SPDX-License-Identifier: Apache-2.0
// The quick guard of the code generator: the headers the build generated (tests/codegen/tests.cmake)
// for the default policy, the apparel store policy and tests/codegen/edge.yaml decide a few
// thousand seeded random requests (edge values included) exactly as the interpreter does, in
// every table: the same canonical text, or the same refusal. Built once as C++17 and once as
// C++20. proof's differential (tests/differential) does the same on 100 random policies.
#include <gtest/gtest.h>

#include <aftersale/codegen.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "codegen_apparel.hpp"
#include "codegen_default.hpp"
#include "codegen_edge.hpp"
#include "support/random_inputs.hpp"

namespace {

using aftersale::fact_def;
using aftersale::fact_type;
using aftersale::sys_seconds;

// 2026-09-20 (a make-up working day in the default policy's calendar) and on: holidays, weekends.
constexpr std::int64_t k_start = 1789862400;

// One request both ways: a `request` for the interpreter and the encoded slots the generated
// side reads (`reflect::request_from_encoded`), from the same values.
struct both_ways {
  aftersale::request r;
  std::vector<std::int64_t> values;
  std::vector<std::uint8_t> present;
};

class request_maker {
 public:
  explicit request_maker(std::uint64_t seed) : rnd_(seed) {}

  both_ways make(const aftersale::policy& p, sys_seconds now) {
    both_ways out;
    out.values.assign(p.facts.size(), 0);
    out.present.assign(p.facts.size(), 0);
    for (std::size_t i = 0; i < p.facts.size(); ++i) {
      const fact_def& f = p.facts[i];
      if (f.derive != aftersale::derivation::none) continue;
      // Required facts are sometimes left out too (E303 both ways).
      if (rnd_.chance(f.required ? 3 : 20)) continue;
      std::int64_t v = 0;
      switch (f.type) {
        case fact_type::enumeration:
          if (f.values.empty()) continue;
          v = static_cast<std::int64_t>(rnd_.below(f.values.size()));
          out.r.set(f.name, f.values[static_cast<std::size_t>(v)]);
          break;
        case fact_type::string:
          v = f.values.empty() || rnd_.chance(25) ? -1
                                                  : static_cast<std::int64_t>(rnd_.below(f.values.size()));
          out.r.set(f.name, v < 0 ? std::string("some other text") : f.values[static_cast<std::size_t>(v)]);
          break;
        case fact_type::boolean:
          v = rnd_.chance(50) ? 1 : 0;
          out.r.set(f.name, v == 1);
          break;
        case fact_type::timestamp:
          v = now.time_since_epoch().count() - static_cast<std::int64_t>(rnd_.below(86400 * 40)) +
              (rnd_.chance(5) ? 86400 * 3 : 0);
          out.r.set(f.name, sys_seconds{std::chrono::seconds{v}});
          break;
        case fact_type::duration:
          v = static_cast<std::int64_t>(rnd_.below(30 * 86400));
          out.r.set(f.name, std::chrono::seconds{v});
          break;
        case fact_type::decimal:
          v = number(true);
          out.r.set(f.name, aftersale::decimal{v, f.scale});
          break;
        case fact_type::money:
          v = number(false);
          out.r.set(f.name, v);
          break;
        case fact_type::integer:
          v = number(true);
          out.r.set(f.name, v);
          break;
      }
      out.values[i] = v;
      out.present[i] = 1;
    }
    return out;
  }

 private:
  // Mostly small and round, sometimes the edges of 64 bits and of rounding.
  std::int64_t number(bool may_be_negative) {
    static const std::vector<std::int64_t> common{
        0,    1,    2,    3,    5,    7,    8,     10,    49,    50,     100,     150,    200,
        4999, 5000, 5001, 9997, 9998, 9999, 10001, 12900, 50000, 200000, 1000000, 1000001};
    static const std::vector<std::int64_t> edges{
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max() - 1,
        std::numeric_limits<std::int64_t>::max() / 2 + 1, std::numeric_limits<std::int64_t>::max() / 3};
    static const std::vector<std::int64_t> negative{-1,
                                                    -2,
                                                    -3,
                                                    -50,
                                                    -101,
                                                    std::numeric_limits<std::int64_t>::min(),
                                                    std::numeric_limits<std::int64_t>::min() + 1};
    if (may_be_negative && rnd_.chance(15)) return rnd_.pick(negative);
    if (rnd_.chance(5)) return rnd_.pick(edges);
    if (rnd_.chance(10)) return static_cast<std::int64_t>(rnd_.below(100000));
    return rnd_.pick(common);
  }

  aftersale::test_support::random_inputs rnd_;
};

std::string interpreted(const std::shared_ptr<const aftersale::policy>& p, std::uint32_t table,
                        const aftersale::request& r, sys_seconds now) {
  try {
    return aftersale::canonical_text(aftersale::decide(p, p->decisions[table].id, r, now));
  } catch (const aftersale::error& e) {
    return std::string("refused: ") + e.what();
  }
}

template <class Generated>
std::string generated(Generated decide, const both_ways& in) {
  try {
    return decide(in.values.data(), in.present.data());
  } catch (const aftersale::error& e) {
    return std::string("refused: ") + e.what();
  }
}

// Every table of `file` on `count` requests: the generated namespace `ns` against the interpreter.
#define AFTERSALE_COMPARE(ns, file, count, seed)                                                         \
  do {                                                                                                   \
    aftersale::load_options options;                                                                     \
    options.policy_paths = {AFTERSALE_SOURCE_DIR "/policies"};                                           \
    const auto p = aftersale::load_policy_file(file, {}, options);                                       \
    ASSERT_EQ(ns::policy_hash, p->info.content_hash) << "the build generated " #ns " from another text"; \
    ASSERT_EQ(ns::reflect::table_count, p->decisions.size());                                            \
    request_maker maker(seed);                                                                           \
    std::mt19937_64 clock_rng(seed);                                                                     \
    std::size_t matched = 0, refused = 0, compared = 0;                                                  \
    for (int i = 0; i < (count); ++i) {                                                                  \
      const sys_seconds now{                                                                             \
          std::chrono::seconds{k_start + static_cast<std::int64_t>(clock_rng() % (86400 * 120))}};       \
      const both_ways in = maker.make(*p, now);                                                          \
      for (std::uint32_t t = 0; t < p->decisions.size(); ++t) {                                          \
        const std::string want = interpreted(p, t, in.r, now);                                           \
        const std::string got = generated(                                                               \
            [&](const std::int64_t* v, const std::uint8_t* pr) {                                         \
              return ns::reflect::canonical_text(                                                        \
                  ns::reflect::decide_table(t, ns::reflect::request_from_encoded(v, pr), now));          \
            },                                                                                           \
            in);                                                                                         \
        ++compared;                                                                                      \
        if (want.rfind("refused", 0) == 0) ++refused;                                                    \
        if (want.find("status matched") != std::string::npos) ++matched;                                 \
        ASSERT_EQ(want, got) << "request " << i << ", table `" << p->decisions[t].id << "` at "          \
                             << aftersale::format_utc(now);                                              \
      }                                                                                                  \
    }                                                                                                    \
    /* The comparison means something only if both outcomes occur. */                                    \
    EXPECT_GT(matched, compared / 10);                                                                   \
    EXPECT_GT(refused, 0u);                                                                              \
  } while (false)

TEST(codegen_equal, default_policy) {
  AFTERSALE_COMPARE(gen_default, AFTERSALE_SOURCE_DIR "/policies/default.yaml", 3000, 15);
}

TEST(codegen_equal, apparel_store_policy) {
  AFTERSALE_COMPARE(gen_apparel, AFTERSALE_SOURCE_DIR "/examples/stores/apparel.yaml", 3000, 17);
}

TEST(codegen_equal, edge_policy) {
  AFTERSALE_COMPARE(gen_edge, AFTERSALE_SOURCE_DIR "/tests/codegen/edge.yaml", 3000, 19);
}

TEST(codegen_equal, unknown_table_is_refused_like_the_interpreter) {
  const gen_edge::request r;
  try {
    (void)gen_edge::reflect::decide_table(99, r, sys_seconds{});
    FAIL() << "no throw";
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::unknown_decision);
    EXPECT_STREQ(e.what(), "error[E304]: no decision table number 99: the policy has 11");
  }
}

TEST(codegen_equal, typed_api_reads_like_the_policy) {
  gen_edge::request r;
  r.order_status = gen_edge::order_status_value::delivered;
  r.reason = gen_edge::reason_value::changed_mind;
  r.amount = 12900;
  r.delivered_at = sys_seconds{std::chrono::seconds{k_start}};
  const gen_edge::decision d = gen_edge::decide(r, sys_seconds{std::chrono::seconds{k_start + 86400}});
  ASSERT_TRUE(d.matched());
  EXPECT_EQ(d.first().rule_id, "seven_day_return");
  EXPECT_EQ(gen_edge::to_string(*d.first().solution), "return_then_refund");
  EXPECT_EQ(d.first().amounts()[0].name, "refund");
  EXPECT_FALSE(d.first().amounts()[0].present);  // `fee` is absent, so `refund` is too
  EXPECT_EQ(d.first().amounts()[1].value, 645);  // 5 % of 129.00, rounded up
  EXPECT_EQ(d.first().deadlines().size(), 3u);
  EXPECT_EQ(d.first().customer_label, "退货退款");
}

}  // namespace
