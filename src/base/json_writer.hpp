// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the one way aftersale writes JSON (snapshots, lint and test reports, and the CLI's
// `--format json`, which has src/ on its include path). RapidJSON's Writer validates UTF-8 and
// escapes; this wrapper keeps RapidJSON out of the header (a private dependency) and pins the
// spelling every caller relies on.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace aftersale::detail {

/// Writes one JSON document; `take()` returns it. Strings: `"` and `\` escaped, control
/// characters as `\n`, `\t`, ... or `\u001f` (lowercase hex, as snapshots always had), `/` and
/// non-ASCII written as they are; text that is not UTF-8 is refused, never written or replaced.
/// Calls must form a well-formed document (asserted in debug builds).
class json_writer {
 public:
  enum class layout : std::uint8_t {
    compact,  ///< one line, no spaces (snapshots, lint)
    pretty,   ///< two-space indent, `"key": value` (the test runner's report, the CLI)
  };

  /// `document` names what is written, for the error message (`a snapshot`); `capacity`: the
  /// bytes to reserve, when the caller can estimate the size.
  explicit json_writer(std::string_view document, layout l = layout::compact, std::size_t capacity = 256);
  ~json_writer();
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  /// @throws encoding_error when `k` is not valid UTF-8.
  void key(std::string_view k);
  /// @throws encoding_error when `s` is not valid UTF-8; the document is then abandoned.
  void string(std::string_view s);
  /// `s`, or null when it is empty (an absent id or label). @throws encoding_error as `string`.
  void string_or_null(std::string_view s);
  void integer(std::int64_t v);
  void unsigned_integer(std::uint64_t v);
  void number(double v);  ///< shortest text that reads back as `v` (`100.0`, `66.66666666666667`)
  void boolean(bool v);
  void null();
  /// A value already spelled as JSON (`12900`, `true`), written as it is.
  void literal(std::string_view json);

  /// The text written so far (the whole document once it is complete); the writer is then empty.
  std::string take();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace aftersale::detail
