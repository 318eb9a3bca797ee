// SPDX-License-Identifier: Apache-2.0
#include "request_rows.hpp"

#include <algorithm>
#include <filesystem>

#include "request_json.hpp"

namespace aftersale::cli {
namespace {

constexpr std::size_t max_line_bytes = csv_reader::max_record_bytes;

// A decimal as its text: {480, 2} is `4.80`.
std::string decimal_text(const decimal& d) {
  const bool negative = d.units < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(d.units) : static_cast<std::uint64_t>(d.units);
  std::string digits = std::to_string(magnitude);
  if (digits.size() <= d.scale) digits.insert(0, d.scale + 1 - digits.size(), '0');
  if (d.scale > 0) digits.insert(digits.size() - d.scale, ".");
  return (negative ? "-" : "") + digits;
}

// `text` when it needs no quotes in `name=value`, else in double quotes with `"` doubled.
std::string shown(std::string_view text) {
  if (!text.empty() && text.find_first_of(" \t\r\n\"=") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The problems of a JSON line's reader, each `path#/pointer: error: message`, relocated to
// `file:line: error[E309]: message` (the first one; its help kept).
request_line_error json_line_error(const std::string& what, std::uint64_t line) {
  std::string first = what.substr(0, what.find('\n'));
  std::string help;
  if (const std::size_t h = what.find("\n  help: "); h != std::string::npos && what.find('\n') == h)
    help = what.substr(h + 9, what.find('\n', h + 1) - h - 9);
  const std::size_t at = first.find(": error: ");
  if (at != std::string::npos) first.erase(0, at + 9);
  return request_line_error(error_code::bad_request_line, line, first, help);
}

}  // namespace

requests_format requests_format_of(const std::string& path, const std::string& option) {
  if (option == "csv") return requests_format::csv;
  if (option == "jsonl") return requests_format::jsonl;
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") return requests_format::csv;
  if (ext == ".jsonl" || ext == ".ndjson") return requests_format::jsonl;
  throw request_line_error(error_code::unknown_request_format, 0,
                           "cannot tell the format of the requests file from its name",
                           "name it `.csv`, `.jsonl` or `.ndjson`, or give `--requests-format csv|jsonl`");
}

std::string request_block::describe(std::size_t row,
                                    const std::function<std::size_t(const std::string&)>& rank) const {
  std::string out;
  const std::size_t width = rows.columns.size();
  std::vector<std::size_t> order(width);
  for (std::size_t k = 0; k < width; ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::size_t ra = rank(rows.columns[a]), rb = rank(rows.columns[b]);
    return ra != rb ? ra < rb : rows.columns[a] < rows.columns[b];
  });
  for (std::size_t k : order) {
    const request_cell& c = rows.cells[row * width + k];
    if (c.what == request_cell::kind::missing) continue;
    if (!out.empty()) out += ' ';
    out += rows.columns[k] + '=';
    switch (c.what) {
      case request_cell::kind::missing:
        break;
      case request_cell::kind::text:
      case request_cell::kind::string:
        out += shown(c.text);
        break;
      case request_cell::kind::integer:
        out += std::to_string(c.number);
        break;
      case request_cell::kind::boolean:
        out += c.number != 0 ? "true" : "false";
        break;
    }
  }
  return out;
}

request_rows_reader::request_rows_reader(byte_source& in, requests_format format,
                                         std::function<void(const std::string&, std::uint64_t)> check_column)
    : format_(format), check_column_(std::move(check_column)) {
  if (format == requests_format::csv) {
    csv_.emplace(in);
  } else {
    lines_.emplace(in);
    lines_->skip_bom();
  }
}

bool request_rows_reader::next(request_block& out, std::size_t max_rows) {
  out.rows.columns.clear();
  out.rows.rows = 0;
  out.rows.cells.clear();
  out.lines.clear();
  out.arena.clear();
  out.cells.clear();
  out.first_row = rows_read_;
  const bool any = format_ == requests_format::csv ? next_csv(out, max_rows) : next_jsonl(out, max_rows);
  rows_read_ += out.rows.rows;
  finish(out);
  return any;
}

void request_rows_reader::finish(request_block& out) {
  const std::size_t width = out.rows.columns.size();
  out.rows.cells.assign(out.rows.rows * width, request_cell{});
  for (const request_block::pending& p : out.cells) {
    request_cell& c = out.rows.cells[p.row * width + p.column];
    c.what = p.what;
    c.text = std::string_view(out.arena).substr(p.offset, p.size);
    c.number = p.number;
  }
}

bool request_rows_reader::next_csv(request_block& out, std::size_t max_rows) {
  if (!header_read_) {
    header_read_ = true;
    if (!csv_->next(header_))
      throw request_line_error(
          error_code::bad_request_header, 1,
          "the file is empty: a CSV requests file starts with a header row of fact names");
    for (std::size_t k = 0; k < header_.size(); ++k) {
      if (header_[k].empty())
        throw request_line_error(error_code::bad_request_header, csv_->record_line(),
                                 "column " + std::to_string(k + 1) + " of the header has no name");
      for (std::size_t j = 0; j < k; ++j)
        if (header_[j] == header_[k])
          throw request_line_error(error_code::bad_request_header, csv_->record_line(),
                                   "column `" + header_[k] + "` is named twice in the header (columns " +
                                       std::to_string(j + 1) + " and " + std::to_string(k + 1) + ")");
      check_column_(header_[k], csv_->record_line());
    }
  }
  out.rows.columns = header_;
  while (out.rows.rows < max_rows && csv_->next(fields_)) {
    if (fields_.size() != header_.size())
      throw request_line_error(error_code::wrong_field_count, csv_->record_line(),
                               std::to_string(fields_.size()) + (fields_.size() == 1 ? " field" : " fields") +
                                   " where the header has " + std::to_string(header_.size()) + " columns",
                               "every line has one field per column; an empty field is a missing value");
    const std::size_t row = out.rows.rows++;
    out.lines.push_back(csv_->record_line());
    for (std::size_t k = 0; k < fields_.size(); ++k) {
      if (fields_[k].empty()) continue;  // missing
      out.cells.push_back({row, k, request_cell::kind::text, out.arena.size(), fields_[k].size(), 0});
      out.arena += fields_[k];
    }
  }
  return out.rows.rows > 0;
}

std::size_t request_rows_reader::column(request_block& out, const std::string& name, std::uint64_t line) {
  const auto [it, fresh] = block_columns_.emplace(name, out.rows.columns.size());
  if (!fresh) return it->second;
  if (checked_.emplace(name, true).second) check_column_(name, line);
  out.rows.columns.push_back(name);
  return it->second;
}

bool request_rows_reader::next_jsonl(request_block& out, std::size_t max_rows) {
  block_columns_.clear();
  while (out.rows.rows < max_rows) {
    // One line, without its line break.
    text_.clear();
    int c = lines_->get();
    if (c < 0) break;
    ++line_;
    while (c >= 0 && c != '\n') {
      text_ += static_cast<char>(c);
      if (text_.size() > max_line_bytes)
        throw request_line_error(error_code::bad_request_line, line_, "a line longer than 1 MiB");
      c = lines_->get();
    }
    if (!text_.empty() && text_.back() == '\r') text_.pop_back();
    if (text_.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not requests
    request_file r;
    try {
      r = parse_request_json(text_, "-", "line");
    } catch (const input_error& e) {
      throw json_line_error(e.what(), line_);
    }
    if (r.now)
      throw request_line_error(
          error_code::bad_request_line, line_,
          "the request gives `now`: every request of a comparison is decided at one instant",
          "leave `now` out of the lines and give `--now`");
    const std::size_t row = out.rows.rows++;
    out.lines.push_back(line_);
    for (const auto& [name, value] : r.facts.values()) {
      const std::size_t k = column(out, name, line_);
      request_block::pending p{row, k, request_cell::kind::missing, out.arena.size(), 0, 0};
      if (const auto* b = std::get_if<bool>(&value)) {
        p.what = request_cell::kind::boolean;
        p.number = *b ? 1 : 0;
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        p.what = request_cell::kind::integer;
        p.number = *i;
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        p.what = request_cell::kind::string;
        p.size = s->size();
        out.arena += *s;
      } else if (const auto* d = std::get_if<decimal>(&value)) {
        const std::string t = decimal_text(*d);
        p.what = request_cell::kind::text;
        p.size = t.size();
        out.arena += t;
      } else {
        continue;  // the JSON reader makes no other values
      }
      out.cells.push_back(p);
    }
  }
  return out.rows.rows > 0;
}

}  // namespace aftersale::cli
