// SPDX-License-Identifier: Apache-2.0
#include "csv_reader.hpp"

#include "base/utf8.hpp"

namespace aftersale::cli {

std::string request_line_error::located(const std::string& file) const {
  return file + (line_ == 0 ? std::string() : ":" + std::to_string(line_)) + ": error[" + code_text(code_) +
         "]: " + what() + (help_.empty() ? "" : "\n  help: " + help_);
}

csv_reader::csv_reader(byte_source& in) : in_(in) { in_.skip_bom(); }

void csv_reader::fail(std::uint64_t line, const std::string& message) const {
  throw request_line_error(error_code::bad_request_line, line, message);
}

bool csv_reader::next(std::vector<std::string>& fields) {
  // Empty lines between records are not records. A line ends with LF or CRLF; a lone CR is
  // text, here the start of the record's first field.
  int c = in_.peek();
  bool lone_cr = false;
  while (c == '\n' || c == '\r') {
    in_.get();
    if (c == '\r') {
      if (in_.peek() != '\n') {
        lone_cr = true;
        break;
      }
      in_.get();
    }
    ++line_;
    c = in_.peek();
  }
  if (c < 0 && !lone_cr) return false;
  record_line_ = line_;
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (;;) {  // one field per pass
    if (fields.size() <= count) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    const std::uint64_t field_line = line_;
    c = count == 1 && lone_cr ? '\r' : in_.get();
    bool end_of_record = false;
    if (c == '"') {
      for (;;) {
        c = in_.get();
        if (c < 0) fail(field_line, "a quoted field is not closed: the file ends inside it");
        if (c == '"') {
          if (in_.peek() == '"') {
            in_.get();
            field += '"';
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field += static_cast<char>(c);
        if (++bytes > max_record_bytes) fail(record_line_, "a record longer than 1 MiB");
      }
      c = in_.get();
      if (c == '\r' && in_.peek() == '\n') c = in_.get();
      if (c != ',' && c != '\n' && c >= 0)
        fail(line_, "field " + std::to_string(count) + ": `" + std::string(1, static_cast<char>(c)) +
                        "` after a closing quote: a quoted field ends at a comma or the end of the line");
    } else {
      while (c >= 0 && c != ',' && c != '\n') {
        if (c == '\r' && in_.peek() == '\n') {
          c = in_.get();
          break;
        }
        if (c == '"')
          fail(line_,
               "field " + std::to_string(count) +
                   ": a quote inside an unquoted field: quote the whole field and double the quote (`\"\"`)");
        field += static_cast<char>(c);
        if (++bytes > max_record_bytes) fail(record_line_, "a record longer than 1 MiB");
        c = in_.get();
      }
    }
    if (const std::size_t bad = detail::first_invalid_utf8(field); bad != std::string::npos)
      fail(field_line,
           "field " + std::to_string(count) + " is not UTF-8 (byte " + std::to_string(bad + 1) + ")");
    if (c == '\n') {
      ++line_;
      end_of_record = true;
    }
    if (c < 0) end_of_record = true;
    if (end_of_record) break;
  }
  fields.resize(count);
  return true;
}

}  // namespace aftersale::cli
