#pragma once
// Reading request files: JSON → aftersale::request.
#include <aftersale/request.hpp>
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
};

/// A request file that is not valid JSON or not of the expected shape.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads a request from JSON text: either `{"facts": {...}, "now": "...", "note": "..."}`
/// or a plain facts object. Strings become string values (enum, string, timestamp and
/// duration facts), integers become integers (int, money in minor units), booleans
/// booleans; the policy checks the types later, when the request is bound.
/// @throws input_error on malformed JSON, a fractional number, null, or a nested value
request_file parse_request_json(std::string_view text, std::string name, std::string path);

/// Reads one request file (`-` reads standard input). @throws input_error
request_file read_request_file(const std::string& path);

}  // namespace aftersale::cli
