// SPDX-License-Identifier: Apache-2.0
// request_columns with whole columns (set_column, view_column): every element type, masks and
// fact type gives exactly what the per-cell setters give; each error names the fact, the first
// bad row and the value with the per-cell setters' code; a borrowed column reads the caller's memory.
#include <gtest/gtest.h>

#include <aftersale/batch.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using aftersale::column;
using aftersale::column_type;
using aftersale::request_columns;

constexpr const char* policy_yaml = R"(format: 1
policy: {id: columns_test, version: "1", entry: returns, calendar: utc}
vocabulary:
  solutions: [refund, inspect, review]
facts:
  status: {type: enum, values: [paid, shipped, delivered], required: true}
  tier: {type: enum, values: [basic, gold, vip], default: basic}
  sku: {type: string}
  qty: {type: int, min: 0, max: 100}
  amount: {type: money}
  rating: {type: decimal, scale: 1, min: 0, max: 5}
  opened: {type: bool, default: false}
  at: {type: timestamp}
  wait: {type: duration}
  days: {type: int, derived: {days_since: at}}
calendars:
  utc: {time_zone: UTC, hours: {mon: ["09:00-17:00"]}}
decisions:
  returns:
    rules:
      - {id: unshipped, when: {status: paid}, then: {solution: refund}}
      - {id: fresh, when: {status: delivered, days: {le: 7}, opened: false}, then: {solution: refund}}
      - {id: gift, when: {sku: gift, wait: {ge: 30}}, then: {solution: inspect}}
      - {id: rated, when: {rating: {ge: 2.5}, tier: [gold, vip]}, then: {solution: review}}
      - {id: big, when: {qty: {ge: 50}, amount: {ge: 60}}, then: {solution: review}}
)";

const aftersale::sys_seconds now{std::chrono::seconds{1795000000}};

class ColumnsTest : public ::testing::Test {
 protected:
  std::shared_ptr<const aftersale::policy> p =
      aftersale::load_policy_string(policy_yaml, "columns_test.yaml");
  std::uint32_t id(const char* name) const { return request_columns(*p, 0).fact_id(name); }
};

// Every row of `a` and `b`, value and presence of every fact, after both are finished.
void expect_same_rows(const request_columns& a, const request_columns& b) {
  ASSERT_EQ(a.rows(), b.rows());
  aftersale::bound_request x, y;
  for (std::size_t r = 0; r < a.rows(); ++r) {
    a.row(r, x);
    b.row(r, y);
    ASSERT_EQ(x.size(), y.size()) << "row " << r;
    for (std::size_t f = 0; f < x.size(); ++f) {
      ASSERT_EQ(x.has(f), y.has(f)) << "row " << r << " fact " << f;
      if (x.has(f)) {
        ASSERT_EQ(x.value(f), y.value(f)) << "row " << r << " fact " << f;
      }
    }
  }
}

// A column of element type T with `values`, and the one-byte mask.
template <class T>
struct typed {
  std::vector<T> data;
  std::vector<std::uint8_t> missing;
  column view(column_type t, bool masked = true) const {
    column c;
    c.data = data.data();
    c.type = t;
    if (masked) c.missing = missing.data();
    return c;
  }
};

constexpr std::size_t rows = 500;

// Random values in [lo, hi] as T, every fifth-or-so row missing.
template <class T>
typed<T> random_column(std::mt19937& rng, std::int64_t lo, std::int64_t hi) {
  typed<T> c;
  for (std::size_t i = 0; i < rows; ++i) {
    c.data.push_back(
        static_cast<T>(lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1))));
    c.missing.push_back(rng() % 5 == 0 ? 1 : 0);
  }
  return c;
}

// The required fact `status` everywhere, so both batches can finish.
void fill_status(request_columns& in) {
  for (std::size_t r = 0; r < in.rows(); ++r) in.set_text(in.fact_id("status"), r, "paid");
}

// Integer facts through every integer element type: int, money, decimal at the fact's scale
// and at scale 0, timestamp and duration in seconds.
template <class T>
void integer_columns_equal_cells(const std::shared_ptr<const aftersale::policy>& p, column_type type) {
  std::mt19937 rng(static_cast<unsigned>(type) + 1);
  request_columns cells(*p, rows, 1000), copied(*p, rows, 1000), viewed(*p, rows, 1000);
  fill_status(cells);
  fill_status(copied);
  fill_status(viewed);
  struct spec {
    const char* fact;
    std::int64_t lo, hi;
    std::uint8_t scale;
  };
  std::vector<typed<T>> keep;
  for (const spec& s : {spec{"qty", 0, 100, 0}, spec{"amount", 0, 120, 0}, spec{"rating", 0, 50, 1},
                        spec{"at", 0, 120, 0}, spec{"wait", 0, 120, 0}}) {
    const std::uint32_t f = cells.fact_id(s.fact);
    keep.push_back(random_column<T>(rng, s.lo, s.hi));
    const typed<T>& c = keep.back();
    for (std::size_t r = 0; r < rows; ++r) {
      if (c.missing[r]) continue;
      const auto v = static_cast<std::int64_t>(c.data[r]);
      if (std::string(s.fact) == "rating")
        cells.set_text(f, r, std::to_string(v / 10) + "." + std::to_string(v % 10));
      else if (std::string(s.fact) == "at")
        cells.set_time(f, r, aftersale::sys_seconds{std::chrono::seconds{v}});
      else if (std::string(s.fact) == "wait")
        cells.set_duration(f, r, std::chrono::seconds{v});
      else
        cells.set_int(f, r, v);
    }
    column col = c.view(type);
    col.scale = s.scale;
    copied.set_column(f, col);
    EXPECT_TRUE(viewed.view_column(f, col)) << s.fact;
  }
  cells.finish();
  copied.finish();
  viewed.finish();
  expect_same_rows(cells, copied);
  expect_same_rows(cells, viewed);
}

TEST_F(ColumnsTest, IntegerColumnsOfEveryElementTypeEqualCells) {
  integer_columns_equal_cells<std::int8_t>(p, column_type::int8);
  integer_columns_equal_cells<std::int16_t>(p, column_type::int16);
  integer_columns_equal_cells<std::int32_t>(p, column_type::int32);
  integer_columns_equal_cells<std::int64_t>(p, column_type::int64);
  integer_columns_equal_cells<std::uint8_t>(p, column_type::uint8);
  integer_columns_equal_cells<std::uint16_t>(p, column_type::uint16);
  integer_columns_equal_cells<std::uint32_t>(p, column_type::uint32);
}

TEST_F(ColumnsTest, ElementSizes) {
  EXPECT_EQ(aftersale::size_of(column_type::int8), 1u);
  EXPECT_EQ(aftersale::size_of(column_type::int16), 2u);
  EXPECT_EQ(aftersale::size_of(column_type::int32), 4u);
  EXPECT_EQ(aftersale::size_of(column_type::int64), 8u);
  EXPECT_EQ(aftersale::size_of(column_type::uint8), 1u);
  EXPECT_EQ(aftersale::size_of(column_type::uint16), 2u);
  EXPECT_EQ(aftersale::size_of(column_type::uint32), 4u);
  EXPECT_EQ(aftersale::size_of(column_type::boolean), 1u);
}

// Timestamps and durations in ns, us, ms: floored to whole seconds (before the epoch too), copied.
TEST_F(ColumnsTest, TimeUnitsAreFlooredToSeconds) {
  const std::vector<std::int64_t> ns = {1795000000123456789, -1500000000, 0, 999999999, -1};
  const std::vector<std::int64_t> secs = {1795000000, -2, 0, 0, -1};
  const std::vector<std::int32_t> ms = {1500, -1500, 0, 999, -1};
  const std::vector<std::int64_t> ms_secs = {1, -2, 0, 0, -1};
  const std::vector<std::int64_t> us = {2500000, -1, 1000000, 0, 7};
  const std::vector<std::int64_t> us_secs = {2, -1, 1, 0, 0};
  request_columns in(*p, ns.size());
  fill_status(in);
  column c;
  c.data = ns.data();
  c.type = column_type::int64;
  c.unit = aftersale::time_unit::ns;
  EXPECT_FALSE(in.view_column(in.fact_id("at"), c));  // not the encoding: copied
  c.data = ms.data();
  c.type = column_type::int32;
  c.unit = aftersale::time_unit::ms;
  in.set_column(in.fact_id("wait"), c);
  in.finish();
  aftersale::bound_request b;
  for (std::size_t r = 0; r < ns.size(); ++r) {
    in.row(r, b);
    EXPECT_EQ(b.value(in.fact_id("at")), secs[r]) << r;
    EXPECT_EQ(b.value(in.fact_id("wait")), ms_secs[r]) << r;
  }
  c.data = us.data();
  c.type = column_type::int64;
  c.unit = aftersale::time_unit::us;
  in.set_column(in.fact_id("at"), c);
  in.finish();
  for (std::size_t r = 0; r < us.size(); ++r) {
    in.row(r, b);
    EXPECT_EQ(b.value(in.fact_id("at")), us_secs[r]) << r;
  }
}

// NaT (the smallest int64) is missing with nat_missing, in seconds too (then converted, not borrowed).
TEST_F(ColumnsTest, NotATimeIsMissingWhenAsked) {
  constexpr std::int64_t nat = std::numeric_limits<std::int64_t>::min();
  const std::vector<std::int64_t> ns = {nat, 5000000000, nat};
  request_columns in(*p, ns.size(), 7);
  fill_status(in);
  column c;
  c.data = ns.data();
  c.unit = aftersale::time_unit::ns;
  c.nat_missing = true;
  in.set_column(in.fact_id("at"), c);
  c.unit = aftersale::time_unit::s;
  EXPECT_FALSE(in.view_column(in.fact_id("wait"), c));
  in.finish();
  aftersale::bound_request b;
  in.row(0, b);
  EXPECT_FALSE(b.has(in.fact_id("at")));
  EXPECT_FALSE(b.has(in.fact_id("wait")));
  in.row(1, b);
  EXPECT_EQ(b.value(in.fact_id("at")), 5);
  EXPECT_EQ(b.value(in.fact_id("wait")), 5000000000);
  // A column of NaT only: no row has a value.
  const std::vector<std::int64_t> all_nat = {nat, nat, nat};
  c.data = all_nat.data();
  c.type = column_type::int64;
  EXPECT_NO_THROW(in.set_column(in.fact_id("wait"), c));
  // Without nat_missing it is a (very early) time.
  c.nat_missing = false;
  c.unit = aftersale::time_unit::ns;
  in.set_column(in.fact_id("at"), c);
  in.finish();
  in.row(2, b);
  EXPECT_TRUE(b.has(in.fact_id("at")));
  EXPECT_EQ(b.value(in.fact_id("at")), -9223372037);
}

// Enum codes through categories (pandas order, -1 missing), through none (value indices) and
// through categories that are the values themselves; a string fact through categories; bool
// columns with a mask; every element type a code can have.
template <class T>
void coded_columns_equal_cells(const std::shared_ptr<const aftersale::policy>& p, column_type type) {
  std::mt19937 rng(static_cast<unsigned>(type) + 40);
  request_columns cells(*p, rows), copied(*p, rows), viewed(*p, rows);
  const std::uint32_t status = cells.fact_id("status"), tier = cells.fact_id("tier"),
                      sku = cells.fact_id("sku"), opened = cells.fact_id("opened");
  // status: categories in another order than declared, with a category never used.
  const aftersale::category_map status_map(*p, status, {"delivered", "lost", "paid", "shipped"});
  const aftersale::category_map sku_map(*p, sku, {"gift", "something else", "hat"});
  const aftersale::category_map tier_identity(*p, tier, {"basic", "gold"});
  EXPECT_FALSE(status_map.identity());
  EXPECT_TRUE(tier_identity.identity());
  EXPECT_EQ(sku_map.value(0), 0);
  EXPECT_EQ(sku_map.value(1), aftersale::string_other);
  EXPECT_EQ(status_map.value(1), aftersale::category_map::undeclared);

  typed<T> st, ti, ti2, sk;
  typed<std::uint8_t> op;
  const bool is_signed = static_cast<T>(-1) < T{0};
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint32_t s_code = std::vector<std::uint32_t>{0, 2, 3}[rng() % 3];
    st.data.push_back(static_cast<T>(s_code));
    st.missing.push_back(0);
    cells.set_text(status, r, status_map.category(s_code));
    // tier: value indices; a negative code (signed types) or the mask is missing.
    const bool tier_neg = is_signed && rng() % 6 == 0;
    const bool tier_masked = rng() % 6 == 0;
    const std::uint32_t t_code = rng() % 3;
    ti.data.push_back(tier_neg ? static_cast<T>(-1) : static_cast<T>(t_code));
    ti.missing.push_back(tier_masked ? 1 : 0);
    if (!tier_neg && !tier_masked)
      cells.set_text(tier, r, std::vector<std::string>{"basic", "gold", "vip"}[t_code]);
    const std::uint32_t k_code = rng() % 3;
    sk.data.push_back(static_cast<T>(k_code));
    sk.missing.push_back(rng() % 4 == 0 ? 1 : 0);
    if (!sk.missing.back()) cells.set_text(sku, r, sku_map.category(k_code));
    op.data.push_back(static_cast<std::uint8_t>(rng() % 2));
    op.missing.push_back(rng() % 3 == 0 ? 1 : 0);
    if (!op.missing.back()) cells.set_bool(opened, r, op.data.back() != 0);
  }
  column s = st.view(type, false);
  s.categories = &status_map;
  column t = ti.view(type);
  t.negative_missing = true;
  column k = sk.view(type);
  k.categories = &sku_map;
  column o = op.view(column_type::boolean);
  for (request_columns* in : {&copied, &viewed}) {
    const bool borrow = in == &viewed;
    for (auto [fact, col] :
         {std::pair{status, s}, std::pair{tier, t}, std::pair{sku, k}, std::pair{opened, o}}) {
      if (borrow) {
        EXPECT_TRUE(in->view_column(fact, col));
      } else {
        in->set_column(fact, col);
      }
    }
  }
  cells.finish();
  copied.finish();
  viewed.finish();
  expect_same_rows(cells, copied);
  expect_same_rows(cells, viewed);

  // Categories that are the values in order: the codes are read as they are.
  request_columns identity(*p, rows);
  for (std::size_t r = 0; r < rows; ++r) ti2.data.push_back(static_cast<T>(r % 2));
  column i2 = ti2.view(type, false);
  i2.categories = &tier_identity;
  EXPECT_TRUE(identity.view_column(tier, i2));
  aftersale::bound_request b;
  for (std::size_t r = 0; r < rows; ++r) {
    identity.row(r, b);
    ASSERT_EQ(b.value(tier), static_cast<std::int64_t>(r % 2));
  }
}

TEST_F(ColumnsTest, CodedAndBoolColumnsOfEveryElementTypeEqualCells) {
  coded_columns_equal_cells<std::int8_t>(p, column_type::int8);
  coded_columns_equal_cells<std::int16_t>(p, column_type::int16);
  coded_columns_equal_cells<std::int32_t>(p, column_type::int32);
  coded_columns_equal_cells<std::int64_t>(p, column_type::int64);
  coded_columns_equal_cells<std::uint8_t>(p, column_type::uint8);
  coded_columns_equal_cells<std::uint16_t>(p, column_type::uint16);
  coded_columns_equal_cells<std::uint32_t>(p, column_type::uint32);
}

// The same decisions from columns as from cells, borrowed or copied, on several threads.
TEST_F(ColumnsTest, DecideBatchFromColumnsEqualsCells) {
  std::mt19937 rng(5);
  constexpr std::size_t n = 4000;
  request_columns cells(*p, n), copied(*p, n), viewed(*p, n);
  std::vector<std::int8_t> status(n), tier(n), sku(n);
  std::vector<std::uint8_t> opened(n), opened_missing(n), sku_missing(n);
  std::vector<std::int32_t> qty(n), amount(n), rating(n), wait(n);
  std::vector<std::int64_t> at(n);
  const char* statuses[] = {"paid", "shipped", "delivered"};
  const char* tiers[] = {"basic", "gold", "vip"};
  const aftersale::category_map sku_map(*p, cells.fact_id("sku"), {"hat", "gift"});
  for (std::size_t r = 0; r < n; ++r) {
    status[r] = static_cast<std::int8_t>(rng() % 3);
    tier[r] = static_cast<std::int8_t>(rng() % 4) - 1;
    sku[r] = static_cast<std::int8_t>(rng() % 2);
    sku_missing[r] = rng() % 3 == 0;
    opened[r] = rng() % 2;
    opened_missing[r] = rng() % 3 == 0;
    qty[r] = static_cast<std::int32_t>(rng() % 101);
    amount[r] = static_cast<std::int32_t>(rng() % 100);
    rating[r] = static_cast<std::int32_t>(rng() % 51);
    wait[r] = static_cast<std::int32_t>(rng() % 60);
    at[r] = (now - std::chrono::seconds{rng() % (20 * 86400)}).time_since_epoch().count();
    cells.set_text(cells.fact_id("status"), r, statuses[status[r]]);
    if (tier[r] >= 0) cells.set_text(cells.fact_id("tier"), r, tiers[tier[r]]);
    if (!sku_missing[r])
      cells.set_text(cells.fact_id("sku"), r, sku_map.category(static_cast<std::size_t>(sku[r])));
    if (!opened_missing[r]) cells.set_bool(cells.fact_id("opened"), r, opened[r] != 0);
    cells.set_int(cells.fact_id("qty"), r, qty[r]);
    cells.set_int(cells.fact_id("amount"), r, amount[r]);
    cells.set_text(cells.fact_id("rating"), r,
                   std::to_string(rating[r] / 10) + "." + std::to_string(rating[r] % 10));
    cells.set_duration(cells.fact_id("wait"), r, std::chrono::seconds{wait[r]});
    cells.set_time(cells.fact_id("at"), r, aftersale::sys_seconds{std::chrono::seconds{at[r]}});
  }
  for (request_columns* in : {&copied, &viewed}) {
    auto give = [&](const char* fact, const void* data, column_type type,
                    const std::uint8_t* missing = nullptr) {
      column c;
      c.data = data;
      c.type = type;
      c.missing = missing;
      c.negative_missing = true;
      c.scale = 1;
      if (std::string(fact) == "sku") c.categories = &sku_map;
      if (in == &viewed) {
        EXPECT_TRUE(in->view_column(in->fact_id(fact), c)) << fact;
      } else {
        in->set_column(in->fact_id(fact), c);
      }
    };
    give("status", status.data(), column_type::int8);
    give("tier", tier.data(), column_type::int8);
    give("sku", sku.data(), column_type::int8, sku_missing.data());
    give("opened", opened.data(), column_type::boolean, opened_missing.data());
    give("qty", qty.data(), column_type::int32);
    give("amount", amount.data(), column_type::int32);
    give("rating", rating.data(), column_type::int32);
    give("wait", wait.data(), column_type::int32);
    give("at", at.data(), column_type::int64);
  }
  cells.finish();
  copied.finish();
  viewed.finish();
  aftersale::batch_options options;
  options.threads = 3;
  options.chunk = 333;
  const auto a = aftersale::decide_batch(p, cells, now, options);
  const auto b = aftersale::decide_batch(p, copied, now, options);
  const auto c = aftersale::decide_batch(p, viewed, now, options);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.rule, c.rule);
  EXPECT_EQ(a.status, c.status);
  std::vector<std::size_t> per_rule(p->decisions[a.table].rules.size() + 1);
  for (std::uint32_t r : a.rule) ++per_rule[r == aftersale::npos ? per_rule.size() - 1 : r];
  for (std::size_t r = 0; r < per_rule.size(); ++r) EXPECT_GT(per_rule[r], 0u) << "rule " << r;
}

// A borrowed column is the caller's memory: a change shows; a per-cell setter copies it first.
TEST_F(ColumnsTest, ViewReadsCallerMemoryUntilACellIsSet) {
  std::vector<std::int16_t> qty = {1, 2, 3};
  request_columns in(*p, 3);
  fill_status(in);
  column c;
  c.data = qty.data();
  c.type = column_type::int16;
  ASSERT_TRUE(in.view_column(in.fact_id("qty"), c));
  in.finish();
  aftersale::bound_request b;
  qty[1] = 42;
  in.row(1, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 42);
  in.set_int(in.fact_id("qty"), 2, 7);
  in.finish();
  qty[0] = 99;
  EXPECT_EQ(qty[2], 3);
  in.row(0, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 1);
  in.row(1, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 42);
  in.row(2, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 7);
  // A copy of the batch keeps its own cells and the same borrowed memory.
  request_columns copy = in;
  copy.row(2, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 7);
}

// The message of the error `give` throws, checking its code and fact.
template <class F>
std::string error_of(F&& give, aftersale::error_code code, const std::string& fact) {
  try {
    give();
  } catch (const aftersale::request_error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_EQ(e.fact(), fact) << e.what();
    return e.problems().front().message;
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST_F(ColumnsTest, ErrorsNameTheFirstBadRowTheFactAndTheValue) {
  using aftersale::error_code;
  request_columns in(*p, 4, 100);
  column c;
  auto give = [&](const char* fact) { return [&in, &c, fact] { in.set_column(in.fact_id(fact), c); }; };

  const aftersale::category_map statuses(*p, in.fact_id("status"), {"paid", "lost"});
  const std::vector<std::int8_t> codes = {0, -1, 1, 1};
  const std::vector<std::uint8_t> missing_first = {1, 0, 0, 0};
  c.data = codes.data();
  c.type = column_type::int8;
  c.categories = &statuses;
  c.negative_missing = true;
  EXPECT_EQ(
      error_of(give("status"), error_code::undeclared_value, "status"),
      "request 102: `lost` is not a declared value of fact `status`: expected one of `paid`, `shipped`, "
      "`delivered`");
  c.negative_missing = false;
  EXPECT_EQ(error_of(give("status"), error_code::undeclared_value, "status"),
            "request 101: code -1 is outside the 2 categories given for fact `status` (codes 0 to 1)");
  const std::vector<std::uint8_t> big = {0, 2, 3, 0};
  c.data = big.data();
  c.type = column_type::uint8;
  c.categories = nullptr;
  EXPECT_EQ(error_of(give("status"), error_code::undeclared_value, "status"),
            "request 102: code 3 is outside the 3 values declared for fact `status` (codes 0 to 2)");

  c = column{};
  const std::vector<std::int32_t> qty = {5, 101, -1, 0};
  c.data = qty.data();
  c.type = column_type::int32;
  EXPECT_EQ(error_of(give("qty"), error_code::out_of_range, "qty"),
            "request 101: fact `qty` is 101: its range is 0..100");
  EXPECT_EQ(error_of(give("amount"), error_code::negative_money, "amount"),
            "request 102: fact `amount` is money and cannot be negative: was given -1 (minor units)");
  EXPECT_EQ(error_of(give("rating"), error_code::out_of_range, "rating"),
            "request 101: fact `rating` is 101.0: its range is 0.0..5.0");
  c.scale = 1;
  EXPECT_EQ(error_of(give("rating"), error_code::out_of_range, "rating"),
            "request 101: fact `rating` is 10.1: its range is 0.0..5.0");
  c.scale = 2;
  EXPECT_EQ(error_of(give("rating"), error_code::bad_decimal, "rating"),
            "request 100: `0.05` has 2 digits after the point, fact `rating` has scale 1: decimals are never "
            "rounded, give at most 1 digit after the point");
  c.scale = 0;
  c.missing = missing_first.data();
  EXPECT_EQ(error_of(give("opened"), error_code::fact_type, "opened"),
            "request 101: fact `opened` is bool but was given an integer: expected true or false");
  EXPECT_EQ(error_of(give("sku"), error_code::fact_type, "sku"),
            "request 101: fact `sku` is string but was given an integer: expected text");
  EXPECT_EQ(error_of(give("days"), error_code::fact_type, "days"),
            "request 101: fact `days` is derived: it is computed at decision time and cannot be given");
  const std::vector<std::uint8_t> flags = {1, 1, 2, 0};
  c.data = flags.data();
  c.type = column_type::boolean;
  EXPECT_EQ(error_of(give("opened"), error_code::fact_type, "opened"),
            "request 102: fact `opened` is bool but its column holds 2: expected 0 or 1");
  EXPECT_EQ(error_of(give("qty"), error_code::fact_type, "qty"),
            "request 101: fact `qty` is int but was given a bool: expected an integer");
  // The same checks when borrowing.
  EXPECT_EQ(error_of([&] { in.view_column(in.fact_id("opened"), c); }, error_code::fact_type, "opened"),
            "request 102: fact `opened` is bool but its column holds 2: expected 0 or 1");
  // Every row missing: nothing given, nothing wrong.
  const std::vector<std::uint8_t> all_missing = {1, 1, 1, 1};
  c.missing = all_missing.data();
  EXPECT_NO_THROW(in.set_column(in.fact_id("qty"), c));
}

TEST_F(ColumnsTest, AFailedColumnKeepsWhatTheFactHad) {
  request_columns in(*p, 3);
  fill_status(in);
  in.set_int(in.fact_id("qty"), 1, 9);
  const std::vector<std::int64_t> qty = {1, 2, 300};
  column c;
  c.data = qty.data();
  EXPECT_THROW(in.set_column(in.fact_id("qty"), c), aftersale::request_error);
  EXPECT_THROW(in.view_column(in.fact_id("qty"), c), aftersale::request_error);
  in.finish();
  aftersale::bound_request b;
  in.row(1, b);
  EXPECT_EQ(b.value(in.fact_id("qty")), 9);
  in.row(0, b);
  EXPECT_FALSE(b.has(in.fact_id("qty")));
}

TEST_F(ColumnsTest, FinishNamesTheFirstRowMissingARequiredFact) {
  request_columns in(*p, 5, 10);
  const std::vector<std::int8_t> codes = {0, 1, 2, -1, 0};
  const std::vector<std::uint8_t> missing = {0, 0, 1, 0, 0};
  column c;
  c.data = codes.data();
  c.type = column_type::int8;
  c.negative_missing = true;
  in.set_column(in.fact_id("status"), c);
  EXPECT_EQ(error_of([&] { in.finish(); }, aftersale::error_code::missing_fact, "status"),
            "request 13: required fact `status` is missing");
  ASSERT_TRUE(in.view_column(in.fact_id("status"), c));
  EXPECT_EQ(error_of([&] { in.finish(); }, aftersale::error_code::missing_fact, "status"),
            "request 13: required fact `status` is missing");
  c.missing = missing.data();
  ASSERT_TRUE(in.view_column(in.fact_id("status"), c));
  EXPECT_EQ(error_of([&] { in.finish(); }, aftersale::error_code::missing_fact, "status"),
            "request 12: required fact `status` is missing");
  // Defaults fill the rows a column leaves out: `tier` is `basic`, `opened` false.
  const std::vector<std::int8_t> all = {0, 1, 2, 0, 0};
  c.data = all.data();
  c.missing = nullptr;
  in.set_column(in.fact_id("status"), c);
  const std::vector<std::int8_t> tiers = {-1, 2, -1, 1, 0};
  c.data = tiers.data();
  ASSERT_TRUE(in.view_column(in.fact_id("tier"), c));
  in.finish();
  aftersale::bound_request b;
  in.row(0, b);
  EXPECT_TRUE(b.has(in.fact_id("tier")));
  EXPECT_EQ(b.value(in.fact_id("tier")), 0);
  EXPECT_TRUE(b.has(in.fact_id("opened")));
  EXPECT_EQ(b.value(in.fact_id("opened")), 0);
  EXPECT_FALSE(b.has(in.fact_id("qty")));
  in.row(1, b);
  EXPECT_EQ(b.value(in.fact_id("tier")), 2);
}

TEST_F(ColumnsTest, UsageErrors) {
  request_columns in(*p, 2);
  column c;
  try {
    in.set_column(in.fact_id("qty"), c);  // no data
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::out_of_bounds);
    EXPECT_STREQ(e.what(), "error[E503]: the column for fact `qty` has no data for its 2 rows");
  }
  const std::vector<std::int64_t> v = {0, 1};
  c.data = v.data();
  EXPECT_THROW(in.set_column(99, c), aftersale::usage_error);
  const aftersale::category_map tiers(*p, in.fact_id("tier"), {"gold"});
  c.categories = &tiers;
  try {
    in.view_column(in.fact_id("status"), c);
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::foreign_input);
    EXPECT_STREQ(e.what(), "error[E501]: the categories were made for fact `tier`, not for `status`");
  }
  auto other = aftersale::load_policy_string(policy_yaml, "other.yaml");
  const aftersale::category_map foreign(*other, in.fact_id("tier"), {"gold"});
  c.categories = &foreign;
  try {
    in.view_column(in.fact_id("tier"), c);
    ADD_FAILURE() << "no error";
  } catch (const aftersale::usage_error& e) {
    EXPECT_EQ(e.code(), aftersale::error_code::foreign_input);
    EXPECT_STREQ(e.what(), "error[E501]: the categories were made for another policy");
  }
  EXPECT_EQ(error_of([&] { aftersale::category_map(*p, in.fact_id("qty"), {"a"}); },
                     aftersale::error_code::fact_type, "qty"),
            "fact `qty` is int but was given categories: expected an integer");
  EXPECT_THROW(aftersale::category_map(*p, 99, {}), aftersale::usage_error);
  // An empty batch takes a column without data.
  request_columns none(*p, 0);
  EXPECT_NO_THROW(none.set_column(none.fact_id("qty"), column{}));
}

// A generated policy of `rules` rules over facts nothing derives from, no amounts: decide_batch
// reads the facts in place (column by column up to 64 rules, row by row beyond); every row equals
// decide() on the same request.
std::string generated_policy(std::mt19937& rng, std::size_t rules) {
  std::string y = R"(format: 1
policy: {id: generated, version: "1", entry: t}
vocabulary:
  solutions: [a, b]
facts:
  e: {type: enum, values: [v0, v1, v2, v3, v4]}
  x: {type: int}
  m: {type: money}
  f: {type: bool, default: true}
  s: {type: string}
decisions:
  t:
    rules:
)";
  for (std::size_t r = 0; r < rules; ++r) {
    y += "      - id: r" + std::to_string(r) + "\n        when: {";
    std::string when;
    auto add = [&](const std::string& c) { when += (when.empty() ? "" : ", ") + c; };
    add("e: v" + std::to_string(rng() % 5));
    if (rng() % 2)
      add("x: {ge: " + std::to_string(static_cast<int>(rng() % 40) - 20) + "}");
    else if (rng() % 2)
      add("x: {le: " + std::to_string(rng() % 30) + "}");
    if (rng() % 3 == 0)
      add("m: {between: [" + std::to_string(rng() % 50) + ", " + std::to_string(50 + rng() % 50) + "]}");
    else if (rng() % 2 == 0)
      add("m: {missing: true}");
    if (rng() % 3 == 0) add(rng() % 2 ? "f: true" : "f: false");
    if (rng() % 4 == 0) add("s: [gift, hat]");
    y += when + "}\n        then: {solution: " + (r % 2 ? "a" : "b") + "}\n";
  }
  return y;
}

TEST(ColumnsDecide, InPlaceMatchingEqualsDecide) {
  for (std::size_t rules : {1u, 40u, 64u, 65u, 150u}) {
    std::mt19937 rng(static_cast<unsigned>(rules));
    auto p = aftersale::load_policy_string(generated_policy(rng, rules), "generated.yaml");
    constexpr std::size_t n = 3000;
    std::vector<std::int8_t> e(n);
    std::vector<std::int16_t> x(n);
    std::vector<std::uint32_t> m(n);
    std::vector<std::uint8_t> f(n), m_missing(n), f_missing(n), s(n);
    const aftersale::category_map skus(*p, request_columns(*p, 0).fact_id("s"), {"hat", "shoe", "gift"});
    std::vector<aftersale::request> requests(n);
    for (std::size_t r = 0; r < n; ++r) {
      e[r] = static_cast<std::int8_t>(static_cast<int>(rng() % 6) - 1);  // -1: missing
      x[r] = static_cast<std::int16_t>(static_cast<int>(rng() % 60) - 30);
      m[r] = rng() % 100;
      m_missing[r] = rng() % 4 == 0;
      f[r] = rng() % 2;
      f_missing[r] = rng() % 4 == 0;
      s[r] = static_cast<std::uint8_t>(rng() % 3);
      if (e[r] >= 0) requests[r].set("e", "v" + std::to_string(e[r]));
      requests[r].set("x", std::int64_t{x[r]});
      if (!m_missing[r]) requests[r].set("m", std::int64_t{m[r]});
      if (!f_missing[r]) requests[r].set("f", f[r] != 0);
      requests[r].set("s", skus.category(s[r]));
    }
    request_columns in(*p, n);
    column c;
    c.data = e.data();
    c.type = column_type::int8;
    c.negative_missing = true;
    in.view_column(in.fact_id("e"), c);
    c = column{};
    c.data = x.data();
    c.type = column_type::int16;
    in.set_column(in.fact_id("x"), c);
    c.data = m.data();
    c.type = column_type::uint32;
    c.missing = m_missing.data();
    in.view_column(in.fact_id("m"), c);
    c.data = f.data();
    c.type = column_type::boolean;
    c.missing = f_missing.data();
    in.set_column(in.fact_id("f"), c);
    c = column{};
    c.data = s.data();
    c.type = column_type::uint8;
    c.categories = &skus;
    in.view_column(in.fact_id("s"), c);
    in.finish();
    aftersale::batch_options options;
    options.threads = 2;
    options.chunk = 100;
    const auto out = aftersale::decide_batch(p, in, now, options);
    std::size_t matched = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const aftersale::decision d = aftersale::decide(p, requests[r], now, {false});
      ASSERT_EQ(out.status[r], d.status()) << rules << " rules, row " << r;
      ASSERT_EQ(out.rule[r], d.matched() ? d.matches().front().rule : aftersale::npos)
          << rules << " rules, row " << r;
      matched += d.matched();
    }
    EXPECT_GT(matched, n / 10) << rules;
    if (rules > 1) {
      EXPECT_LT(matched, n) << rules;
    }
  }
}

}  // namespace
