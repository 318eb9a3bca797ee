// SPDX-License-Identifier: Apache-2.0
// Unit tests of the CLI's helpers: request JSON reading and terminal text layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "request_json.hpp"
#include "store_url.hpp"
#include "text.hpp"

namespace {

using aftersale::cli::display_width;
using aftersale::cli::input_error;
using aftersale::cli::parse_request_json;
using aftersale::cli::read_request_file;
using aftersale::cli::wrap;

TEST(RequestJson, WrappedFormReadsFactsNowAndNote) {
  auto r = parse_request_json(
      R"({"facts": {"order_status": "delivered", "amount": 12900, "opened": false},
          "now": "2026-11-20T20:00:00+08:00", "note": "hi"})",
      "x", "x.json");
  ASSERT_TRUE(r.now.has_value());
  EXPECT_EQ(*r.now, "2026-11-20T20:00:00+08:00");
  EXPECT_EQ(r.note, "hi");
  const auto& v = r.facts.values();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(std::get<std::string>(v.at("order_status")), "delivered");
  EXPECT_EQ(std::get<std::int64_t>(v.at("amount")), 12900);
  EXPECT_EQ(std::get<bool>(v.at("opened")), false);
}

TEST(RequestJson, PlainObjectIsAllFacts) {
  auto r = parse_request_json(R"({"order_status": "paid_unshipped", "quantity": -2})", "x", "x.json");
  EXPECT_FALSE(r.now.has_value());
  ASSERT_EQ(r.facts.values().size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(r.facts.values().at("quantity")), -2);
}

TEST(RequestJson, NumbersWithAFractionKeepTheirText) {
  // Read from the text as written, never through a double: `bind` takes it for a decimal fact
  // and refuses it (E301) for int and money.
  auto r =
      parse_request_json(R"({"rating": 4.80, "rate": -0.005, "big": 12345678901234.5678})", "x", "x.json");
  const auto rating = std::get<aftersale::decimal>(r.facts.values().at("rating"));
  EXPECT_EQ(rating.units, 480);
  EXPECT_EQ(rating.scale, 2);
  EXPECT_EQ(std::get<aftersale::decimal>(r.facts.values().at("rate")), (aftersale::decimal{-5, 3}));
  EXPECT_EQ(std::get<aftersale::decimal>(r.facts.values().at("big")),
            (aftersale::decimal{123456789012345678, 4}));
}

TEST(RequestJson, RefusesWhatIsNotAFactValue) {
  EXPECT_THROW(parse_request_json(R"({"amount": 1e3})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"amount": 1.5e-3})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"amount": 1e400})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"amount": null})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"tags": ["a"]})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"n": 18446744073709551615})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"([1, 2])", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"facts": {}, "when": "today"})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"facts": {}, "now": 5})", "x", "x.json"), input_error);
}

TEST(RequestJson, ErrorsNameTheFileAndTheFact) {
  try {
    parse_request_json(R"({"facts": {"amount": 1.5E2}})", "x", "dir/x.json");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(),
                 "dir/x.json#/facts/amount: error: fact `amount`: `1.5E2` is not accepted: write a number "
                 "with digits and an "
                 "optional point, no exponent");
  }
  try {
    parse_request_json("{\"facts\": ", "x", "dir/x.json");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("dir/x.json: error: invalid json: ", 0), 0u) << what;
    EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
  }
}

// The reader's message for `text` (read as `x.json`), or "" when it reads.
std::string reader_error(std::string_view text) {
  try {
    parse_request_json(text, "x", "x.json");
  } catch (const input_error& e) {
    return e.what();
  }
  return {};
}

TEST(RequestJson, ReportsEveryUnreadableValueLocatedByJsonPointer) {
  EXPECT_EQ(reader_error(R"({"facts": {"a/b": 1.5e2, "c~d": null, "ok": 1, "tags": ["x"]}})"),
            "x.json#/facts/a~1b: error: fact `a/b`: `1.5e2` is not accepted: write a number with digits and "
            "an optional point, no exponent\n"
            "x.json#/facts/c~0d: error: fact `c~d`: null is not a value: leave the fact out instead\n"
            "x.json#/facts/tags: error: fact `tags`: expected a string, an integer or a boolean");
  // A plain facts object: pointers from the top.
  EXPECT_EQ(reader_error(R"({"amount": 1E3})"),
            "x.json#/amount: error: fact `amount`: `1E3` is not accepted: write a number with digits and an "
            "optional point, no exponent");
}

TEST(RequestJson, SaysWhyAWellWrittenNumberIsNotRead) {
  EXPECT_EQ(reader_error(R"({"rating": 0.1234567890123456789})"),
            "x.json#/rating: error: fact `rating`: `0.1234567890123456789` has 19 digits after the point: at "
            "most 18 are read exactly");
  EXPECT_EQ(
      reader_error(R"({"rating": 99999999999999999999.5})"),
      "x.json#/rating: error: fact `rating`: `99999999999999999999.5` does not fit 64 bits at its scale");
}

TEST(RequestJson, CapsTheProblemsItLists) {
  std::string text = "{";
  for (int i = 0; i < 25; ++i)
    text += std::string(i ? ", " : "") + "\"f" + std::to_string(10 + i) + "\": null";
  const std::string what = reader_error(text + "}");
  EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 20);
  EXPECT_EQ(what.substr(what.rfind('\n') + 1), "x.json: error: 5 more problems not listed");
}

TEST(RequestJson, FactsAtTheTopLevelBesideNowGetAHint) {
  EXPECT_EQ(
      reader_error(R"({"order_status": "delivered", "now": "2026-11-20T20:00:00+08:00", "note": "n"})"),
      "x.json#/now: error: `now` sits at the top level with the facts: a request with `now` or `note` puts "
      "its facts under `facts`\n"
      "  help: write `{\"facts\": {\"order_status\": ...}, \"now\": ...}`, or leave `now` and `note` out and "
      "give --now\n"
      "x.json#/note: error: `note` sits at the top level with the facts: a request with `now` or `note` puts "
      "its facts under `facts`\n"
      "  help: write `{\"facts\": {\"order_status\": ...}, \"now\": ...}`, or leave `now` and `note` out and "
      "give --now");
  EXPECT_EQ(
      reader_error(R"({"facts": {"order_status": "delivered"}, "reason": "changed_mind", "nowe": "x"})"),
      "x.json#/nowe: error: unknown key `nowe`: expected `facts`, `now` or `note`\n"
      "  help: did you mean `now` or `note`?\n"
      "x.json#/reason: error: unknown key `reason`: expected `facts`, `now` or `note`\n"
      "  help: if `reason` is a fact, move it under `facts`");
  EXPECT_EQ(reader_error(R"({"fact": {"order_status": "delivered"}})"),
            "x.json#/fact: error: fact `fact`: expected a string, an integer or a boolean\n"
            "  help: did you mean `facts`?");
  EXPECT_EQ(reader_error(R"({"facts": [], "now": 5})"),
            "x.json#/facts: error: `facts` must be a json object of facts, found array\n"
            "  help: write `\"facts\": {\"order_status\": \"delivered\", ...}`\n"
            "x.json#/now: error: `now` must be a string");
}

TEST(RequestJson, LocatesEveryRequestProblemByJsonPointer) {
  auto wrapped = parse_request_json(R"({"facts": {"a/b": 1}})", "x", "x.json");
  const aftersale::request_error e(
      {{aftersale::error_code::unknown_fact, "a/b", "unknown fact `a/b`", "did you mean `ab`?"},
       {aftersale::error_code::missing_fact, "status", "required fact `status` is missing", ""},
       {aftersale::error_code::unknown_decision, "", "unknown decision table `t`", ""}},
      2);
  EXPECT_EQ(aftersale::cli::located(wrapped, e),
            "x.json#/facts/a~1b: error[E300]: unknown fact `a/b`\n"
            "  help: did you mean `ab`?\n"
            "x.json#/facts: error[E303]: required fact `status` is missing\n"
            "x.json: error[E304]: unknown decision table `t`\n"
            "x.json: error: 2 more problems not listed");
  auto plain = parse_request_json(R"({"a": 1})", "x", "x.json");
  EXPECT_EQ(
      aftersale::cli::located(plain, aftersale::request_error(aftersale::error_code::fact_type, "a", "m")),
      "x.json#/a: error[E301]: m");
  EXPECT_EQ(
      aftersale::cli::located(plain, aftersale::request_error(aftersale::error_code::missing_fact, "s", "m")),
      "x.json: error[E303]: m");
}

TEST(Text, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("退货中"), 6u);
  EXPECT_EQ(display_width("a退b"), 4u);
  EXPECT_EQ(display_width("¥129"), 4u);
  EXPECT_EQ(display_width(""), 0u);
}

TEST(Text, WrapBreaksAtSpacesAndInsideLongWords) {
  EXPECT_EQ(wrap("customer ships the parcel back", 12),
            (std::vector<std::string>{"customer", "ships the", "parcel back"}));
  EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(wrap("退货退款处理", 4), (std::vector<std::string>{"退货", "退款", "处理"}));
  EXPECT_EQ(wrap("", 10), (std::vector<std::string>{""}));
  for (const auto& line : wrap("one two three four five six seven", 9)) EXPECT_LE(display_width(line), 9u);
}

TEST(RequestJson, DuplicateKeysAreRefusedWithTheirLine) {
  try {
    parse_request_json("{\"facts\": {\n  \"amount\": 1,\n  \"amount\": 2\n}}", "x", "dir/x.json");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(),
                 "dir/x.json:3: error: duplicate key `amount`: each key may appear once in an object");
  }
  // Escapes are decoded before comparing; the same key in different objects is fine.
  EXPECT_THROW(parse_request_json(R"({"a": 1, "\u0061": 2})", "x", "x.json"), input_error);
  EXPECT_THROW(parse_request_json(R"({"facts": {}, "facts": {}})", "x", "x.json"), input_error);
  auto r = parse_request_json(R"({"facts": {"note": "a,\"b\" {"}, "note": "{\"facts\": 1}"})", "x", "x.json");
  EXPECT_EQ(r.note, "{\"facts\": 1}");
}

TEST(RequestJson, NumbersOutOfRangeNameTheFile) {
  try {
    parse_request_json(R"({"amount": 1e400})", "x", "dir/x.json");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("dir/x.json: error: number out of range: ", 0), 0u) << what;
    EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
  }
  for (const char* text : {R"({"amount": 18446744073709551616})", R"({"amount": -9223372036854775809})",
                           R"({"amount": 9223372036854775808})"}) {
    try {
      parse_request_json(text, "x", "dir/x.json");
      FAIL() << "expected input_error for " << text;
    } catch (const input_error& e) {
      EXPECT_EQ(
          std::string(e.what()).rfind("dir/x.json#/amount: error: fact `amount`: integer out of range", 0),
          0u)
          << e.what();
    }
  }
}

TEST(RequestJson, FilesOverTheLimitAndDevicesAreRefusedNamingThem) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string big = (dir / "aftersale_cli_units_big_request.json").string();
  {
    // A valid request padded with spaces to one byte over the default 1 MiB.
    std::ofstream out(big, std::ios::binary);
    const std::string facts = R"({"amount": 1})";
    out << facts << std::string(aftersale::cli::default_request_limit + 1 - facts.size(), ' ');
  }
  ASSERT_EQ(std::filesystem::file_size(big), aftersale::cli::default_request_limit + 1);
  try {
    read_request_file(big);
    ADD_FAILURE() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_EQ(std::string(e.what()),
              big +
                  ": error: the request is larger than 1048576 bytes: a request file may be "
                  "at most that (--max-request-bytes)");
  }
  EXPECT_EQ(read_request_file(big, aftersale::cli::default_request_limit + 1).facts.values().size(), 1u);
  std::filesystem::remove(big);
  if (std::filesystem::exists("/dev/zero")) {
    try {
      read_request_file("/dev/zero");
      ADD_FAILURE() << "expected input_error";
    } catch (const input_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("/dev/zero: error: it is a device, not a regular file", 0), 0u)
          << e.what();
    }
  }
}

}  // namespace

// Every way libpq lets a URL carry a password is masked; nothing else changes.
TEST(StoreUrl, PrintableUrlNeverShowsAPassword) {
  using aftersale::cli::printable_url;
  EXPECT_EQ(printable_url("postgresql://app:s3cret@db.example:5432/cases"),
            "postgresql://app:***@db.example:5432/cases");
  EXPECT_EQ(printable_url("postgres://app:p@ss@db/cases"), "postgres://app:***@db/cases");
  EXPECT_EQ(printable_url("postgresql:///cases?host=/run/pg&password=s3cret&port=5433"),
            "postgresql:///cases?host=/run/pg&password=***&port=5433");
  EXPECT_EQ(printable_url("postgresql:///cases?PassWord=s3cret"), "postgresql:///cases?PassWord=***");
  EXPECT_EQ(printable_url("postgresql://app@db/cases?sslmode=require"),
            "postgresql://app@db/cases?sslmode=require");
  EXPECT_EQ(printable_url("postgresql://db/cases?passwordless=1"), "postgresql://db/cases?passwordless=***");
  EXPECT_EQ(printable_url("postgresql://db/cases?sslpassword=s3cret&port=5"),
            "postgresql://db/cases?sslpassword=***&port=5");
  EXPECT_EQ(printable_url("postgresql://db/cases?pass%77ord=s3cret"), "postgresql://db/cases?pass%77ord=***");
  EXPECT_EQ(printable_url("sqlite:cases.db"), "sqlite:cases.db");
  EXPECT_EQ(printable_url("/var/lib/a:b@c.db"), "/var/lib/a:b@c.db");
  for (const char* url : {"postgresql://u:secret@h/d", "postgresql://h/d?password=secret",
                          "postgresql://u:secret@h/d?password=secret", "postgresql://h/d?sslpassword=secret",
                          "postgresql://h/d?pass%77ord=secret", "postgresql://h/d?PASSWORD=secret&x=secret"})
    EXPECT_EQ(printable_url(url).find("secret"), std::string::npos) << url;
}
