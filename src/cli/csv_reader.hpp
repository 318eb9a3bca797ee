// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small RFC 4180 reader for requests files (docs/dependencies.md says why not a library):
// records of comma-separated fields, a field in double quotes may hold commas, line breaks and
// `""` for a quote; lines end with CRLF or LF. It reads from a byte_source a buffer at a time
// and keeps one record in memory.
#include <aftersale/error.hpp>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "byte_source.hpp"

namespace aftersale::cli {

/// A line of a requests file that does not read; `what()` is the message alone.
class request_line_error : public std::runtime_error {
 public:
  request_line_error(error_code code, std::uint64_t line, const std::string& message, std::string help = {})
      : std::runtime_error(message), code_(code), line_(line), help_(std::move(help)) {}
  error_code code() const noexcept { return code_; }
  std::uint64_t line() const noexcept { return line_; }  ///< 1-based
  const std::string& help() const noexcept { return help_; }
  /// `file:line: error[E309]: message`, and `\n  help: ...` when there is help.
  std::string located(const std::string& file) const;

 private:
  error_code code_;
  std::uint64_t line_;
  std::string help_;
};

class csv_reader {
 public:
  /// The longest record read, in bytes: a longer one is refused (E309) rather than held.
  static constexpr std::size_t max_record_bytes = std::size_t{1} << 20;

  /// Skips a UTF-8 byte order mark at the start of `in`.
  explicit csv_reader(byte_source& in);

  /// Reads the next record into `fields` (their memory reused); false at the end of the input.
  /// Empty lines between records are skipped. @throws request_line_error (E309) for a quote
  /// inside an unquoted field, text after a closing quote, a quoted field the input ends in, a
  /// field that is not UTF-8, or a record longer than max_record_bytes
  bool next(std::vector<std::string>& fields);

  /// The line the last record read starts on (1-based).
  std::uint64_t record_line() const noexcept { return record_line_; }

 private:
  [[noreturn]] void fail(std::uint64_t line, const std::string& message) const;

  buffered_reader in_;
  std::uint64_t line_ = 1;  // the line of the next byte
  std::uint64_t record_line_ = 0;
};

}  // namespace aftersale::cli
