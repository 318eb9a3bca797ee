// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: the indenting text writer every emitter writes C++ through, and C++ literals.
#include <cstdint>
#include <string>
#include <string_view>

namespace aftersale::codegen {

/// Lines of C++ with two spaces of indentation per level.
class code_writer {
 public:
  /// One line at the current indentation (an empty `text` writes an empty line).
  code_writer& line(std::string_view text);
  /// `text {` and one level deeper.
  code_writer& open(std::string_view text);
  /// One level shallower and `tail` (`}`, `};`, `} else {`...).
  code_writer& close(std::string_view tail = "}");
  /// Several lines at once, each indented (`text` split at '\n').
  code_writer& lines(std::string_view text);
  /// `// text`, one comment line per line of `text`.
  code_writer& comment(std::string_view text);
  void indent() { ++depth_; }
  void dedent() {
    if (depth_ > 0) --depth_;
  }
  const std::string& text() const noexcept { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  int depth_ = 0;
};

/// `"text"`: a C++ string literal (UTF-8 kept as it is; quotes, backslashes and control bytes
/// escaped, `?` too so that no trigraph can form).
std::string cpp_string(std::string_view text);

/// An int64 as a C++ expression of that value (the lowest one has no literal).
std::string cpp_int64(std::int64_t v);

/// `text` safe inside a `//` comment (line breaks become spaces).
std::string comment_text(std::string_view text);

}  // namespace aftersale::codegen
