// SPDX-License-Identifier: Apache-2.0
// Policy values as text (`delivered`, `129.00`, `48h`) and conditions as written, shared by
// explanations, case views and lint findings.
#include <aftersale/model.hpp>

#include "model/semantics.hpp"

namespace aftersale {

std::string format_money(std::int64_t minor) {
  // Magnitude in unsigned arithmetic so the lowest int64 has a magnitude too.
  const std::uint64_t mag =
      minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string cents = std::to_string(mag % 100);
  if (cents.size() < 2) cents.insert(0, 1, '0');
  return (minor < 0 ? "-" : "") + std::to_string(mag / 100) + '.' + cents;
}

std::string format_fact_value(const policy& p, std::uint32_t fact, std::int64_t value) {
  if (fact >= p.facts.size()) return std::to_string(value);
  return detail::format_value(p.facts[fact], value);
}

std::string detail::format_value(const fact_def& f, std::int64_t value) {
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string:
      if (value >= 0 && static_cast<std::uint64_t>(value) < f.values.size()) return f.values[value];
      // string_other: the caller's text is not kept, only that it is none of the literals.
      return f.type == fact_type::string ? "other text" : std::to_string(value);
    case fact_type::boolean:
      return value != 0 ? "true" : "false";
    case fact_type::money:
      return format_money(value);
    case fact_type::duration:
      return format_duration(std::chrono::seconds{value});
    case fact_type::timestamp:
      return format_utc(sys_seconds{std::chrono::seconds{value}});
    case fact_type::decimal:
      return format_decimal(value, f.scale);
    case fact_type::integer:
      break;
  }
  return std::to_string(value);
}

std::string detail::range_text(const fact_def& f) {
  if (f.min && f.max) return format_value(f, *f.min) + ".." + format_value(f, *f.max);
  if (f.min) return "at least " + format_value(f, *f.min);
  if (f.max) return "at most " + format_value(f, *f.max);
  return "";
}

namespace {

// The operator words are the model's own spellings (`to_string(condition_op)`).
bool is_operator(std::string_view w) {
  for (int op = 0; op <= static_cast<int>(condition_op::missing); ++op)
    if (to_string(static_cast<condition_op>(op)) == w) return true;
  return false;
}

// Several operators in one cell (`ge 0, le 7`): `, ` followed by an operator word.
bool several_operators(std::string_view text) {
  for (std::size_t at = text.find(", "); at != std::string_view::npos; at = text.find(", ", at + 2)) {
    const std::string_view rest = text.substr(at + 2);
    if (is_operator(rest.substr(0, rest.find(' ')))) return true;
  }
  return false;
}

}  // namespace

namespace detail {

// `eq \`label_printed\``, `in \`[shipped, delivered]\``, `exists`, `\`ge 0, le 7\``.
std::string expected_text(const condition& c) {
  const std::string_view text = c.text;
  if (text.empty()) return std::string(to_string(c.op));
  if (is_operator(text)) return std::string(text);
  if (several_operators(text)) return "`" + std::string(text) + "`";
  const std::size_t space = text.find(' ');
  if (space != std::string_view::npos && is_operator(text.substr(0, space))) {
    return std::string(text.substr(0, space)) + " `" + std::string(text.substr(space + 1)) + "`";
  }
  return "eq `" + std::string(text) + "`";  // a bare value: equality
}

}  // namespace detail

}  // namespace aftersale
