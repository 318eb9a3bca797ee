// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reading request files: JSON → aftersale::request.
#include <aftersale/error.hpp>
#include <aftersale/request.hpp>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aftersale::cli {

/// A request as read from a file: its facts plus the optional instant and note.
struct request_file {
  std::string name;                ///< what to call the request in output (file stem, or `-`)
  std::string path;                ///< where it was read from (`-` for standard input)
  std::string note;                ///< free text from the file's `note`, may be empty
  std::optional<std::string> now;  ///< the file's `now`, as written
  aftersale::request facts;
  std::string
      facts_pointer;  ///< JSON pointer of the facts object: `/facts`, or empty for a plain facts object
};

/// `key` as one token of a JSON pointer (RFC 6901): `~` as `~0`, `/` as `~1`.
std::string json_pointer_token(std::string_view key);

/// Every problem of `e`, a request read from `r`, located by JSON pointer, one after the other:
/// `x.json#/facts/amount: error[E301]: ...` (the facts object for a missing fact, the file alone
/// for a problem of the whole request), each with its `help:` line.
std::string located(const request_file& r, const request_error& e);

/// A request file that is not valid JSON or not of the expected shape.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a request from JSON text: either `{"facts": {...}, "now": "...", "note": "..."}`
/// or a plain facts object. Strings become string values (enum, string, timestamp and
/// duration facts), integers become integers (int, money in minor units), booleans
/// booleans; the policy checks the types later, when the request is bound.
/// @throws input_error on malformed JSON; else naming every problem found (at most
/// `request_error::max_problems`), each `path#/json/pointer: error: ...`: a fractional number,
/// null or a nested value as a fact, an unknown key beside `facts`, `now` or `note` beside facts
/// at the top level (the wrapped form with its facts not under `facts`)
request_file parse_request_json(std::string_view text, std::string name, std::string path);

/// The most bytes a request file (or standard input) may hold unless `--max-request-bytes` says
/// otherwise: 1 MiB. A request is a few hundred bytes; the bound keeps a wrong file from eating memory.
inline constexpr std::size_t default_request_limit = 1024 * 1024;

/// Reads one request file (`-` reads standard input), at most `limit` bytes; only regular files,
/// pipes and standard input are read. @throws input_error naming the file
request_file read_request_file(const std::string& path, std::size_t limit = default_request_limit);

}  // namespace aftersale::cli
