// SPDX-License-Identifier: Apache-2.0
// Unit tests of `aftersale case` helpers: `--set` payloads, atomic snapshot writes, `--now`.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "case_io.hpp"
#include "case_payload.hpp"
#include "request_json.hpp"

namespace {

namespace fs = std::filesystem;
using aftersale::cli::input_error;

aftersale::flow_def flow_with_variables() {
  aftersale::flow_def flow;
  auto add = [&](const char* name, aftersale::fact_type type) {
    aftersale::fact_def v;
    v.name = name;
    v.type = type;
    flow.variables.push_back(v);
  };
  add("ok", aftersale::fact_type::boolean);
  add("refund", aftersale::fact_type::money);
  add("count", aftersale::fact_type::integer);
  add("wait", aftersale::fact_type::duration);
  add("grade", aftersale::fact_type::enumeration);
  return flow;
}

TEST(CasePayload, ValuesAreReadByTheVariableType) {
  auto payload = aftersale::cli::parse_payload(
      flow_with_variables(), {"ok=true", "refund=12900", "count=-3", "wait=48h", "grade=a", "note=x=y"});
  const auto& v = payload.values();
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(std::get<bool>(v.at("ok")), true);
  EXPECT_EQ(std::get<std::int64_t>(v.at("refund")), 12900);
  EXPECT_EQ(std::get<std::int64_t>(v.at("count")), -3);
  EXPECT_EQ(std::get<std::string>(v.at("wait")), "48h");
  EXPECT_EQ(std::get<std::string>(v.at("grade")), "a");
  EXPECT_EQ(std::get<std::string>(v.at("note")),
            "x=y");  // unknown: passed on as text, split at the first `=`
}

TEST(CasePayload, TextThatDoesNotReadAsTheTypeIsPassedOnForApplyToRefuse) {
  auto payload =
      aftersale::cli::parse_payload(flow_with_variables(), {"ok=yes", "refund=129.00", "count=9x"});
  const auto& v = payload.values();
  EXPECT_EQ(std::get<std::string>(v.at("ok")), "yes");
  EXPECT_EQ(std::get<std::string>(v.at("refund")), "129.00");
  EXPECT_EQ(std::get<std::string>(v.at("count")), "9x");
  auto huge = aftersale::cli::parse_payload(flow_with_variables(), {"count=99999999999999999999"});
  EXPECT_TRUE(std::holds_alternative<std::string>(huge.values().at("count")));
}

TEST(CasePayload, RefusesMalformedItems) {
  auto flow = flow_with_variables();
  try {
    aftersale::cli::parse_payload(flow, {"ok"});
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_STREQ(e.what(), "--set: error: expected `variable=value`, got `ok`");
  }
  EXPECT_THROW(aftersale::cli::parse_payload(flow, {"=1"}), input_error);
  EXPECT_THROW(aftersale::cli::parse_payload(flow, {"ok=true", "ok=false"}), input_error);
}

class AtomicWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("aftersale_case_io_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }

  fs::path dir_;
};

TEST_F(AtomicWrite, CreatesAndReplacesLeavingNoTemporaryFile) {
  const std::string path = (dir_ / "case.json").string();
  aftersale::cli::write_file_atomically(path, "first\n");
  EXPECT_EQ(slurp(path), "first\n");
  aftersale::cli::write_file_atomically(path, "second, longer\n");
  EXPECT_EQ(slurp(path), "second, longer\n");
  EXPECT_EQ(aftersale::cli::read_text_file(path), "second, longer\n");
  EXPECT_EQ(files(), 1u);
}

TEST_F(AtomicWrite, FailureLeavesTheFileAsItWas) {
  // The target is a directory: the rename fails after the temporary file was written.
  const fs::path target = dir_ / "case.json";
  fs::create_directories(target / "inside");
  try {
    aftersale::cli::write_file_atomically(target.string(), "text");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(target.string() + ": error: cannot replace the file", 0), 0u)
        << e.what();
  }
  EXPECT_TRUE(fs::is_directory(target / "inside"));
  EXPECT_EQ(files(), 1u);  // the temporary file was removed
  // No such directory: nothing can be written.
  EXPECT_THROW(aftersale::cli::write_file_atomically((dir_ / "no" / "case.json").string(), "x"), input_error);
  EXPECT_THROW(aftersale::cli::read_text_file((dir_ / "absent.json").string()), input_error);
}

TEST(CaseInstant, IsoWithOffsetOrTheWallClock) {
  EXPECT_EQ(aftersale::cli::parse_instant("2026-11-23T10:00:00+08:00", "--now"),
            *aftersale::parse_timestamp("2026-11-23T02:00:00Z"));
  const auto before = aftersale::cli::wall_clock();
  const auto now = aftersale::cli::parse_instant("now", "--now");
  const auto empty = aftersale::cli::parse_instant("", "--now");
  EXPECT_GE(now, before);
  EXPECT_LE(now - before, std::chrono::seconds{5});
  EXPECT_GE(empty, before);
  try {
    aftersale::cli::parse_instant("2026-11-23T10:00:00", "--now");  // no offset: ambiguous
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--now: error: not an ISO 8601 timestamp with an offset: ", 0), 0u)
        << e.what();
  }
}

// One rule for every command's instant: --now, else the request file's `now`, else the clock.
TEST(CaseInstant, OneRuleForEveryCommand) {
  using aftersale::cli::resolve_now;
  const auto at = [](const char* t) { return *aftersale::parse_timestamp(t); };
  EXPECT_EQ(resolve_now("2026-11-23T10:00:00+08:00", std::string("2026-01-01T00:00:00Z"), "r.json"),
            at("2026-11-23T02:00:00Z"));
  EXPECT_EQ(resolve_now("", std::string("2026-01-01T00:00:00Z"), "r.json"), at("2026-01-01T00:00:00Z"));
  const auto before = aftersale::cli::wall_clock();
  EXPECT_GE(resolve_now(""), before);
  EXPECT_GE(resolve_now("now", std::string("2026-01-01T00:00:00Z"), "r.json"), before);
  EXPECT_GE(resolve_now("", std::string("now"), "r.json"), before);
  try {
    resolve_now("", std::string("tomorrow"), "r.json");
    FAIL() << "expected input_error";
  } catch (const input_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "r.json: `now`: error: not an ISO 8601 timestamp with an offset: `tomorrow` (expected e.g. "
              "2026-10-08T09:30:00+08:00, or `now`)");
  }
}

}  // namespace
