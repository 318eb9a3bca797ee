// SPDX-License-Identifier: Apache-2.0
// The requests file readers of `aftersale diff` (src/cli/csv_reader.cpp, request_rows.cpp):
// RFC 4180 quoting, line numbers of records that span lines, every refusal with its line, and
// JSON lines read into the same cells.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byte_source.hpp"
#include "csv_reader.hpp"
#include "request_rows.hpp"

namespace {

using namespace aftersale;
using namespace aftersale::cli;

struct record {
  std::uint64_t line;
  std::vector<std::string> fields;
  bool operator==(const record& o) const { return line == o.line && fields == o.fields; }
};

std::vector<record> records(const std::string& text) {
  text_source in(text);
  csv_reader csv(in);
  std::vector<record> out;
  std::vector<std::string> fields;
  while (csv.next(fields)) out.push_back({csv.record_line(), fields});
  return out;
}

std::string refusal(const std::string& text) {
  try {
    records(text);
  } catch (const request_line_error& e) {
    return e.located("f.csv");
  }
  return "accepted";
}

TEST(CsvReader, Rfc4180) {
  EXPECT_EQ(records("a,b\r\n1,2\r\n"), (std::vector<record>{{1, {"a", "b"}}, {2, {"1", "2"}}}));
  EXPECT_EQ(records("a,b\n1,2"),
            (std::vector<record>{{1, {"a", "b"}}, {2, {"1", "2"}}}));  // LF, no last line end
  EXPECT_EQ(records("a,,\n"), (std::vector<record>{{1, {"a", "", ""}}}));
  EXPECT_EQ(records("\"x,y\",\"say \"\"hi\"\"\"\n"), (std::vector<record>{{1, {"x,y", "say \"hi\""}}}));
  // A quoted line break: the next record starts two lines further on.
  EXPECT_EQ(records("\"a\nb\",c\nd,e\n"), (std::vector<record>{{1, {"a\nb", "c"}}, {3, {"d", "e"}}}));
  EXPECT_EQ(records("\"\",x\n"), (std::vector<record>{{1, {"", "x"}}}));
  // Empty lines are skipped; a byte order mark is not part of the first name.
  EXPECT_EQ(records("\xEF\xBB\xBF"
                    "a\n\n\r\nb\n"),
            (std::vector<record>{{1, {"a"}}, {4, {"b"}}}));
  EXPECT_EQ(records("漢字,ü\n"), (std::vector<record>{{1, {"漢字", "ü"}}}));
  EXPECT_TRUE(records("").empty());
  // A lone CR is text, not a line end (found by fuzz target requests): lines count LF only.
  EXPECT_EQ(records("\rx,y\na\rb,c\r\n"), (std::vector<record>{{1, {"\rx", "y"}}, {2, {"a\rb", "c"}}}));
}

TEST(CsvReader, Refusals) {
  EXPECT_EQ(refusal("a\n\"b,c\n"),
            "f.csv:2: error[E309]: a quoted field is not closed: the file ends inside it");
  EXPECT_EQ(
      refusal("a,b\"c\n"),
      "f.csv:1: error[E309]: field 2: a quote inside an unquoted field: quote the whole field and double the "
      "quote (`\"\"`)");
  EXPECT_EQ(refusal("\"a\"b\n"),
            "f.csv:1: error[E309]: field 1: `b` after a closing quote: a quoted field ends at a comma or the "
            "end of "
            "the line");
  EXPECT_EQ(refusal("a\nb,\xff\n"), "f.csv:2: error[E309]: field 2 is not UTF-8 (byte 1)");
  EXPECT_EQ(refusal(std::string(csv_reader::max_record_bytes + 1, 'x')),
            "f.csv:1: error[E309]: a record longer than 1 MiB");
}

// Reads a whole file in blocks of `rows`: (columns, described rows with their lines) per block.
std::vector<std::string> blocks(const std::string& text, requests_format f, std::size_t rows) {
  text_source in(text);
  request_rows_reader reader(in, f, [](const std::string& name, std::uint64_t line) {
    if (name == "bad") throw request_line_error(error_code::unknown_fact, line, "unknown fact `bad`");
  });
  std::vector<std::string> out;
  request_block b;
  const auto rank = [](const std::string&) { return std::size_t{0}; };
  while (reader.next(b, rows)) {
    std::string s = "first " + std::to_string(b.first_row) + ":";
    for (std::size_t i = 0; i < b.rows.rows; ++i)
      s += " [" + std::to_string(b.lines[i]) + "] " + b.describe(i, rank);
    out.push_back(s);
  }
  return out;
}

std::string block_refusal(const std::string& text, requests_format f) {
  try {
    blocks(text, f, 2);
  } catch (const request_line_error& e) {
    return e.located("r");
  }
  return "accepted";
}

TEST(RequestRows, CsvAndJsonLinesGiveTheSameCells) {
  const std::string csv =
      "status,amount,opened,sku\npaid,100,true,\"a b\"\nshipped,,false,\n\ndelivered,5,,x\n";
  EXPECT_EQ(blocks(csv, requests_format::csv, 2),
            (std::vector<std::string>{"first 0: [2] amount=100 opened=true sku=\"a b\" status=paid [3] "
                                      "opened=false status=shipped",
                                      "first 2: [5] amount=5 sku=x status=delivered"}));
  const std::string jsonl =
      "{\"status\": \"paid\", \"amount\": 100, \"opened\": true, \"sku\": \"a b\"}\r\n"
      "{\"facts\": {\"status\": \"shipped\", \"opened\": false}, \"note\": \"ignored\"}\n"
      "\n"
      "{\"status\": \"delivered\", \"amount\": 5, \"sku\": \"x\"}";
  EXPECT_EQ(blocks(jsonl, requests_format::jsonl, 2),
            (std::vector<std::string>{"first 0: [1] amount=100 opened=true sku=\"a b\" status=paid [2] "
                                      "opened=false status=shipped",
                                      "first 2: [4] amount=5 sku=x status=delivered"}));
  EXPECT_EQ(blocks("{\"rating\": 4.80}\n", requests_format::jsonl, 2),
            (std::vector<std::string>{"first 0: [1] rating=4.80"}));
}

TEST(RequestRows, Refusals) {
  EXPECT_EQ(
      block_refusal("", requests_format::csv),
      "r:1: error[E311]: the file is empty: a CSV requests file starts with a header row of fact names");
  EXPECT_EQ(block_refusal("a,,b\n", requests_format::csv),
            "r:1: error[E311]: column 2 of the header has no name");
  EXPECT_EQ(block_refusal("a,b,a\n", requests_format::csv),
            "r:1: error[E311]: column `a` is named twice in the header (columns 1 and 3)");
  EXPECT_EQ(block_refusal("a,b\n1,2\n3,4\n5\n", requests_format::csv),
            "r:4: error[E310]: 1 field where the header has 2 columns\n  help: every line has one field per "
            "column; "
            "an empty field is a missing value");
  EXPECT_EQ(block_refusal("a,bad\n", requests_format::csv), "r:1: error[E300]: unknown fact `bad`");
  EXPECT_EQ(block_refusal("{\"a\": 1}\n{\"bad\": 1}\n", requests_format::jsonl),
            "r:2: error[E300]: unknown fact `bad`");
  EXPECT_EQ(block_refusal("{\"a\": 1}\n{\"a\": \n", requests_format::jsonl),
            "r:2: error[E309]: invalid json: parse error at line 1, column 7: syntax error while parsing "
            "value - unexpected end of input; expected '[', "
            "'{', or a literal");
  EXPECT_EQ(block_refusal("{\"a\": null}\n", requests_format::jsonl),
            "r:1: error[E309]: fact `a`: null is not a value: leave the fact out instead");
  EXPECT_EQ(
      block_refusal("{\"facts\": {\"a\": 1}, \"now\": \"2026-10-01T00:00:00Z\"}\n", requests_format::jsonl),
      "r:1: error[E309]: the request gives `now`: every request of a comparison is decided at one instant\n  "
      "help: leave `now` out of the lines and give `--now`");
  EXPECT_EQ(block_refusal("{\"a\": 1, \"a\": 2}\n", requests_format::jsonl),
            "r:1: error[E309]: duplicate key `a`: each key may appear once in an object");
}

TEST(RequestRows, FormatByNameOrOption) {
  EXPECT_EQ(requests_format_of("x.csv", ""), requests_format::csv);
  EXPECT_EQ(requests_format_of("x.ndjson", ""), requests_format::jsonl);
  EXPECT_EQ(requests_format_of("x.jsonl", ""), requests_format::jsonl);
  EXPECT_EQ(requests_format_of("-", "csv"), requests_format::csv);
  EXPECT_EQ(requests_format_of("x.csv", "jsonl"), requests_format::jsonl);
  try {
    requests_format_of("x.txt", "");
    FAIL();
  } catch (const request_line_error& e) {
    EXPECT_EQ(e.located("x.txt"),
              "x.txt: error[E314]: cannot tell the format of the requests file from its name\n  help: name "
              "it `.csv`, "
              "`.jsonl` or `.ndjson`, or give `--requests-format csv|jsonl`");
  }
}

}  // namespace
