// SPDX-License-Identifier: Apache-2.0
// The indenting writer and the C++ literals of the generated code.
#include "codegen/code_writer.hpp"

#include <limits>

namespace aftersale::codegen {

code_writer& code_writer::line(std::string_view text) {
  if (!text.empty()) out_.append(static_cast<std::size_t>(depth_) * 2, ' ').append(text);
  out_ += '\n';
  return *this;
}

code_writer& code_writer::open(std::string_view text) {
  line(std::string(text) + " {");
  ++depth_;
  return *this;
}

code_writer& code_writer::close(std::string_view tail) {
  dedent();
  return line(tail);
}

code_writer& code_writer::lines(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    line(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return *this;
}

code_writer& code_writer::comment(std::string_view text) {
  std::string_view rest = text;
  do {
    const std::size_t end = rest.find('\n');
    line("// " + comment_text(rest.substr(0, end)));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  } while (!rest.empty());
  return *this;
}

std::string cpp_string(std::string_view text) {
  static constexpr char octal[] = "01234567";
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '?':
        out += "\\?";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          // Three octal digits: an octal escape ends after three, whatever follows.
          out += '\\';
          out += octal[(c >> 6) & 7];
          out += octal[(c >> 3) & 7];
          out += octal[c & 7];
        } else {
          out += ch;
        }
    }
  }
  return out + '"';
}

std::string cpp_int64(std::int64_t v) {
  if (v == std::numeric_limits<std::int64_t>::min()) return "(-9223372036854775807 - 1)";
  return std::to_string(v);
}

std::string comment_text(std::string_view text) {
  std::string out;
  for (const char ch : text) out += ch == '\n' || ch == '\r' ? ' ' : ch;
  // A backslash that ends a line (spaces or tabs after it included) splices the next line into
  // the comment, for GCC and Clang alike: trim the blanks and never end on a backslash.
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  if (!out.empty() && out.back() == '\\') out += " (sic)";
  return out;
}

}  // namespace aftersale::codegen
