// SPDX-License-Identifier: Apache-2.0
// Fuzz target `requests`: a requests file of `aftersale diff` (the first byte picks CSV or JSON
// lines and the block size, the rest is the file) → the CLI's readers (src/cli/csv_reader.cpp,
// request_rows.cpp, compiled in) → compare_policies of the default policy with itself.
// Properties: the readers throw only request_line_error (E300 from the column check, E309-E311),
// located at a line of the input; comparing only aftersale::request_error (a cell or row refused);
// a policy compared with itself changes no decision and groups every row with itself; a CSV
// file read back after writing its records again, every field quoted, gives the same records.
#include <aftersale/error.hpp>
#include <aftersale/whatif.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "cli/byte_source.hpp"
#include "cli/csv_reader.hpp"
#include "cli/request_rows.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace aftersale;
using namespace aftersale::cli;

std::vector<std::vector<std::string>> csv_records(std::string_view text) {
  text_source in(text);
  csv_reader csv(in);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> fields;
  while (csv.next(fields)) out.push_back(fields);
  return out;
}

std::string quoted_csv(const std::vector<std::vector<std::string>>& records) {
  std::string out;
  for (const auto& r : records) {
    for (std::size_t k = 0; k < r.size(); ++k) {
      out += k == 0 ? "\"" : ",\"";
      for (char c : r[k]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

std::size_t lines_of(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& p = aftersale_fuzz::default_policy();
  const requests_format format = (data[0] & 1) ? requests_format::jsonl : requests_format::csv;
  const std::size_t block_rows = 1 + (data[0] >> 1) % 8;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  if (format == requests_format::csv) {
    std::vector<std::vector<std::string>> first;
    bool read = false;
    try {
      first = csv_records(text);
      read = true;
    } catch (const request_line_error& e) {
      FUZZ_CHECK(e.code() == error_code::bad_request_line, e.what());
      FUZZ_CHECK(e.line() >= 1 && e.line() <= lines_of(text), e.what());
    }
    if (read) {
      // Empty records (a single empty field) are skipped as blank lines, as the reader documents.
      first.erase(std::remove_if(first.begin(), first.end(),
                                 [](const auto& r) { return r.size() == 1 && r[0].empty(); }),
                  first.end());
      const std::string again = quoted_csv(first);
      FUZZ_CHECK(csv_records(again) == first, "the records written again, quoted, read back differently");
    }
  }

  text_source in(text);
  std::uint64_t compared = 0;
  try {
    request_rows_reader reader(in, format, [&](const std::string& name, std::uint64_t line) {
      if (!p->find_fact(name)) throw request_line_error(error_code::unknown_fact, line, "unknown fact");
    });
    request_block block;
    while (reader.next(block, block_rows)) {
      FUZZ_CHECK(block.first_row == compared, "blocks do not follow each other");
      FUZZ_CHECK(block.lines.size() == block.rows.rows, "a row without its line");
      FUZZ_CHECK(std::is_sorted(block.lines.begin(), block.lines.end()), "lines out of order");
      whatif_report r;
      try {
        r = compare_policies(p, p, block.rows, sys_seconds{std::chrono::seconds{1767758400}},
                             block.first_row);
      } catch (const request_error&) {
        return 0;
      } catch (const std::exception& e) {
        FUZZ_CHECK(false,
                   std::string("compare_policies threw something other than request_error: ") + e.what());
      }
      FUZZ_CHECK(r.total == block.rows.rows, "a row was not compared");
      FUZZ_CHECK(r.changed == 0, "a policy compared with itself changed a decision");
      for (const whatif_rule_group& g : r.rules)
        FUZZ_CHECK(g.before_rule == g.after_rule && g.before_status == g.after_status && g.samples.empty(),
                   "a row grouped with another rule than its own");
      FUZZ_CHECK(to_json(whatif_from_json(to_json(r))) == to_json(r), "the report did not read back exactly");
      compared += block.rows.rows;
    }
  } catch (const request_line_error& e) {
    FUZZ_CHECK(e.line() >= 1 && e.line() <= lines_of(text), e.what());
    const error_code c = e.code();
    FUZZ_CHECK(c == error_code::bad_request_line || c == error_code::wrong_field_count ||
                   c == error_code::bad_request_header || c == error_code::unknown_fact,
               e.what());
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string("the readers threw something other than request_line_error: ") + e.what());
  }
  return 0;
}
