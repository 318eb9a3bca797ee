// SPDX-License-Identifier: Apache-2.0
#pragma once
// Requests files for `aftersale diff`: JSON lines (one request object per line, as `decide`
// reads one file) or CSV (a header of fact names, then one request per record), read a block
// of rows at a time into aftersale::request_rows, each row remembering its line.
#include <aftersale/whatif.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "byte_source.hpp"
#include "csv_reader.hpp"

namespace aftersale::cli {

enum class requests_format { csv, jsonl };

/// `option` (`csv`, `jsonl`) when not empty, else by the name: `.csv`, `.jsonl`, `.ndjson`.
/// @throws request_line_error (E314, line 0) when neither tells
requests_format requests_format_of(const std::string& path, const std::string& option);

/// A block of requests: `rows` views text held here.
struct request_block {
  request_rows rows;
  std::vector<std::uint64_t> lines;  ///< per row: the file line it starts on
  std::uint64_t first_row = 0;       ///< the number of rows before this block

  /// Row `row` in a compact form for a terminal: `status=paid amount=1000`, the cells given,
  /// ordered by `rank(column name)` (then by name), so a file's column order does not matter.
  std::string describe(std::size_t row, const std::function<std::size_t(const std::string&)>& rank) const;

  // The cells as read, before `rows` views them (the arena may move while it grows).
  struct pending {
    std::size_t row, column;
    request_cell::kind what;
    std::size_t offset, size;
    std::int64_t number;
  };
  std::string arena;
  std::vector<pending> cells;
};

/// Reads a requests file a block at a time.
class request_rows_reader {
 public:
  /// `check_column(name, line)` is called once for each column (fact name) when first seen, and
  /// may throw to refuse it (a fact neither policy declares).
  request_rows_reader(byte_source& in, requests_format format,
                      std::function<void(const std::string&, std::uint64_t)> check_column);

  /// Reads up to `max_rows` requests into `out` (its memory reused); false when none are left.
  /// @throws request_line_error: E309 (a line that does not read: CSV quoting, JSON syntax, a
  /// value that is not a fact value, `now` in a line), E310 (a CSV record with another number of
  /// fields than the header), E311 (no header, a column named twice or not at all)
  bool next(request_block& out, std::size_t max_rows);

 private:
  bool next_csv(request_block& out, std::size_t max_rows);
  bool next_jsonl(request_block& out, std::size_t max_rows);
  std::size_t column(request_block& out, const std::string& name, std::uint64_t line);
  static void finish(request_block& out);

  requests_format format_;
  std::function<void(const std::string&, std::uint64_t)> check_column_;
  std::uint64_t rows_read_ = 0;
  // CSV
  std::optional<csv_reader> csv_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  bool header_read_ = false;
  // JSON lines
  std::optional<buffered_reader> lines_;
  std::uint64_t line_ = 0;
  std::string text_;
  std::unordered_map<std::string, std::size_t> block_columns_;
  std::unordered_map<std::string, bool> checked_;
};

}  // namespace aftersale::cli
