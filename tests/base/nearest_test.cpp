// SPDX-License-Identifier: Apache-2.0
// "Did you mean": the nearest names by edit distance (base/nearest.hpp).
#include "base/nearest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using aftersale::detail::did_you_mean;
using aftersale::detail::nearest_names;
using names = std::vector<std::string>;

TEST(NearestNames, FindsOneEditAway) {
  const names solutions{"refund", "return_refund", "exchange", "repair"};
  EXPECT_EQ(nearest_names("refnd", solutions), names{"refund"});       // deletion
  EXPECT_EQ(nearest_names("refuund", solutions), names{"refund"});     // insertion
  EXPECT_EQ(nearest_names("exchanfe", solutions), names{"exchange"});  // substitution
  EXPECT_EQ(nearest_names("exhcange", solutions), names{"exchange"});  // swap of neighbours
  EXPECT_EQ(nearest_names("Refund", solutions), names{});              // equal without case: not a typo of it
}

TEST(NearestNames, NearestFirstTiesInCandidateOrderAtMostLimit) {
  const names candidates{"state_b", "state_a", "stat_a", "state_c", "state_d"};
  // `state_x` is one substitution from each `state_?` and two edits from `stat_a`.
  EXPECT_EQ(nearest_names("state_x", candidates), (names{"state_b", "state_a", "state_c"}));
  EXPECT_EQ(nearest_names("state_x", candidates, 5),
            (names{"state_b", "state_a", "state_c", "state_d", "stat_a"}));
  EXPECT_EQ(nearest_names("state_x", candidates, 1), names{"state_b"});
  EXPECT_EQ(nearest_names("stat_a", candidates, 1), names{"state_a"});
}

TEST(NearestNames, CutoffGrowsWithTheWord) {
  // A third of the length, at least one: short words allow one edit, long ones more.
  EXPECT_EQ(nearest_names("abc", {"xyz", "abd"}), names{"abd"});
  EXPECT_EQ(nearest_names("abc", {"ade"}), names{});  // two edits for a 3-letter word: too far
  EXPECT_EQ(nearest_names("order_staus_x", {"order_status"}), names{"order_status"});  // 3 edits of 13
  EXPECT_EQ(nearest_names("ordr_sttus_x", {"order_status"}), names{"order_status"});   // 4 edits of 12
  EXPECT_EQ(nearest_names("odr_sttus_x", {"order_status"}), names{});                  // 5 edits of 11
  // Never a name that shares nothing: one-letter words find nothing.
  EXPECT_EQ(nearest_names("x", {"y", "xy", "a"}), names{});
  EXPECT_EQ(nearest_names("ab", {"b", "abc"}), names{"abc"});
}

TEST(NearestNames, NothingFromNothing) {
  EXPECT_EQ(nearest_names("", {"a", "bc"}), names{});
  EXPECT_EQ(nearest_names("refund", {}), names{});
  EXPECT_EQ(nearest_names("refund", {"refund"}), names{});
  EXPECT_EQ(nearest_names("refunds", {"refund", "refund"}), names{"refund"});  // each once
  // A very long word is compared with nothing whose length is far from its own.
  EXPECT_EQ(nearest_names(std::string(100000, 'a'), {"a", "aa"}), names{});
}

TEST(DidYouMean, Sentences) {
  EXPECT_EQ(did_you_mean("refnd", {"refund", "repair"}), "did you mean `refund`?");
  EXPECT_EQ(did_you_mean("cat", {"bat", "cut"}), "did you mean `bat` or `cut`?");
  EXPECT_EQ(did_you_mean("cat", {"bat", "cut", "car", "cab"}), "did you mean `bat`, `cut` or `car`?");
  EXPECT_EQ(did_you_mean("zzzzzz", {"refund"}), "");
}

}  // namespace
