// SPDX-License-Identifier: Apache-2.0
// The library's one JSON writer (base/json_writer.hpp): the exact spelling snapshots, lint and
// the test runner rely on, and refusal of text that is not UTF-8.
#include "base/json_writer.hpp"

#include <gtest/gtest.h>

#include <aftersale/error.hpp>
#include <string>
#include <utility>

namespace {

using aftersale::detail::json_writer;

std::string one_string(std::string_view s, json_writer::layout l = json_writer::layout::compact) {
  json_writer w("a test document", l);
  w.string(s);
  return w.take();
}

TEST(json_writer, writes_compact_documents) {
  json_writer w("a test document");
  w.begin_object();
  w.key("a");
  w.integer(-12);
  w.key("b");
  w.begin_array();
  w.boolean(true);
  w.null();
  w.unsigned_integer(18446744073709551615u);
  w.literal("12900");
  w.number(66.666666666666671);
  w.end_array();
  w.key("c");
  w.begin_object();
  w.end_object();
  w.end_object();
  EXPECT_EQ(w.take(), R"({"a":-12,"b":[true,null,18446744073709551615,12900,66.66666666666667],"c":{}})");
}

TEST(json_writer, writes_empty_text_as_null_when_asked) {
  json_writer w("a test document");
  w.begin_array();
  w.string_or_null("");
  w.string_or_null("agent");
  w.string("");
  w.end_array();
  EXPECT_EQ(w.take(), R"([null,"agent",""])");
}

TEST(json_writer, writes_pretty_documents_with_two_space_indent) {
  json_writer w("a test document", json_writer::layout::pretty);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.number(100.0);
  w.end_array();
  w.key("b");
  w.begin_array();
  w.end_array();
  w.end_object();
  EXPECT_EQ(w.take(), "{\n  \"a\": [\n    100.0\n  ],\n  \"b\": []\n}");
}

TEST(json_writer, escapes_as_snapshots_always_have) {
  // Quotes, backslash and control characters escaped (lowercase hex); `/` and UTF-8 as they are.
  const std::string text = std::string("a\"b\\c/d\n\r\t\b\f") + '\0' + "\x01\x1f\x7f 退货 📦";
  const std::string expected = R"("a\"b\\c/d\n\r\t\b\f\u0000\u0001\u001f)"
                               "\x7f 退货 📦\"";
  EXPECT_EQ(one_string(text), expected);
  EXPECT_EQ(one_string(text, json_writer::layout::pretty), expected);
  EXPECT_EQ(one_string("\\u001F\x1b"), R"("\\u001F\u001b")");  // text that looks like an escape is not one
}

TEST(json_writer, finds_what_to_escape_at_any_position_of_long_text) {
  // Plain text is scanned eight bytes at a time: each special byte at each offset still counts.
  const std::pair<std::string, std::string> specials[] = {
      {"\"", R"(\")"}, {"\\", R"(\\)"}, {"\n", R"(\n)"}, {"\x1f", R"(\u001f)"}, {"\xC3\xA9", "\xC3\xA9"}};
  for (const auto& [special, escaped] : specials) {
    for (std::size_t at = 0; at < 20; ++at) {
      const std::string a(at, 'a'), b(20 - at, 'b');
      EXPECT_EQ(one_string(a + special + b), '"' + a + escaped + b + '"') << at;
    }
  }
  EXPECT_THROW(one_string(std::string(16, 'a') + "\xFF" + std::string(16, 'a')), aftersale::encoding_error);
}

TEST(json_writer, refuses_text_that_is_not_utf8) {
  // Truncated sequence, overlong `/`, a surrogate, above U+10FFFF, a lone continuation byte.
  for (const char* bad : {"evt-\xC3(", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\x80"}) {
    for (const auto l : {json_writer::layout::compact, json_writer::layout::pretty}) {
      json_writer w("a test document", l);
      w.begin_object();
      EXPECT_THROW(w.key(bad), aftersale::encoding_error) << bad;
      EXPECT_THROW(one_string(bad, l), aftersale::encoding_error) << bad;
    }
  }
  try {
    one_string("evt-\xC3(");
    FAIL() << "no exception";
  } catch (const aftersale::encoding_error& e) {
    EXPECT_STREQ(e.what(), "cannot write a test document: text `evt-?(` is not valid UTF-8");
  }
}

}  // namespace
