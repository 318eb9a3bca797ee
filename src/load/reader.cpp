// SPDX-License-Identifier: Apache-2.0
#include "load/reader.hpp"

#include <algorithm>
#include <limits>

#include "base/nearest.hpp"

namespace aftersale::load {

std::string quote_list(const std::vector<std::string>& names, std::size_t limit) {
  if (names.empty()) return "none";
  std::string out;
  const std::size_t shown = std::min(names.size(), limit);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i != 0) out += ", ";
    out += '`' + names[i] + '`';
  }
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

std::string suggest(std::string_view word, const std::vector<std::string>& names, std::string help) {
  std::string hint = detail::did_you_mean(word, names);
  if (hint.empty()) return help;
  return help.empty() ? hint : hint + ' ' + help;
}

bool is_id(std::string_view text) {
  if (text.empty() || text[0] < 'a' || text[0] > 'z') return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (v > max + (negative ? 1 : 0)) return std::nullopt;
  if (negative)
    return v == max + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
  return static_cast<std::int64_t>(v);
}

std::string integer_trouble(std::string_view text) {
  std::string_view s = text;
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const auto digit = [&](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  std::string digits;
  std::int64_t shift = 0;  // the value is digits × 10^shift
  std::size_t i = 0;
  for (; digit(i); ++i) digits += s[i];
  const bool point = i < s.size() && s[i] == '.';
  if (point) {
    for (++i; digit(i); ++i, --shift) digits += s[i];
  }
  if (digits.empty()) return {};
  const bool exponent = i < s.size() && (s[i] == 'e' || s[i] == 'E');
  if (exponent) {
    ++i;
    const bool down = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digit(i)) return {};
    std::int64_t e = 0;
    for (; digit(i); ++i) e = std::min<std::int64_t>(e * 10 + (s[i] - '0'), 1'000'000);
    shift += down ? -e : e;
  }
  if (i != s.size()) return {};
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  while (shift < 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++shift;
  }
  if (digits.empty()) return point || exponent ? "is written as a decimal: write `0`" : "";
  if (shift < 0) return {};  // a fraction
  const std::string range = "is out of range: whole numbers go from " +
                            std::to_string(std::numeric_limits<std::int64_t>::min()) + " to " +
                            std::to_string(std::numeric_limits<std::int64_t>::max());
  if (static_cast<std::int64_t>(digits.size()) + shift > 19) return range;
  const std::string whole =
      (negative ? "-" : "") + digits + std::string(static_cast<std::size_t>(shift), '0');
  if (!parse_integer(whole)) return range;
  return std::string(exponent ? "is written with an exponent: write `"
                     : point  ? "is written as a decimal: write `"
                              : "has leading zeros: write `") +
         whole + "`";
}

std::optional<bool> parse_bool(const node& n) {
  if (!n.is_scalar() || n.quoted) return std::nullopt;
  if (n.value == "true" || n.value == "True" || n.value == "TRUE") return true;
  if (n.value == "false" || n.value == "False" || n.value == "FALSE") return false;
  return std::nullopt;
}

std::string show(const node& n) {
  switch (n.what) {
    case node::kind::scalar:
      return n.quoted ? '"' + n.value + '"' : n.value;
    case node::kind::null:
      return "null";
    case node::kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.children.size(); ++i) out += (i ? ", " : "") + show(n.children[i]);
      return out + "]";
    }
    case node::kind::mapping: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.pairs(); ++i) {
        out += (i ? ", " : "") + show(n.key(i)) + ": " + show(n.val(i));
      }
      return out + "}";
    }
  }
  return {};
}

void reader::error(error_code code, const node& at, std::string message, std::string help) {
  diags_.push_back(diagnostic{code, severity::error, span(at), std::move(message), std::move(help)});
}

std::string colon_hint(const node& n) {
  if (!n.is_mapping() || n.pairs() != 1 || !n.key(0).is_scalar() || !n.val(0).is_scalar()) return {};
  return "YAML reads `" + n.key(0).value + ": " + n.val(0).value +
         "` as a mapping: if the colon is part of the text, quote it: `\"" + n.key(0).value + ": " +
         n.val(0).value + "\"`";
}

bool reader::expect(const node& n, node::kind k, std::string_view what) {
  if (n.what == k) return true;
  std::string hint = k == node::kind::scalar ? colon_hint(n) : std::string();
  error(error_code::wrong_node_kind, n,
        std::string(what) + " must be " + std::string(kind_name(k)) + ", found " +
            std::string(kind_name(n.what)),
        !hint.empty()               ? std::move(hint)
        : k == node::kind::mapping  ? "write `key: value` pairs, indented under it"
        : k == node::kind::sequence ? "write a list: `[a, b]` or one `- item` per line"
                                    : "write a single value here");
  return false;
}

bool reader::check_keys(const node& map, std::string_view what,
                        std::initializer_list<std::string_view> allowed,
                        std::initializer_list<std::string_view> required) {
  bool ok = true;
  for (std::size_t i = 0; i < map.pairs(); ++i) {
    const node& k = map.key(i);
    if (!k.is_scalar()) {
      ok = expect(k, node::kind::scalar, "a key in " + std::string(what));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), k.value) == allowed.end()) {
      const std::vector<std::string> keys(allowed.begin(), allowed.end());
      error(error_code::unknown_key, k, "unknown key `" + k.value + "` in " + std::string(what),
            suggest(k.value, keys, "allowed keys: " + quote_list(keys, 32)));
      ok = false;
    }
  }
  for (std::string_view r : required) {
    if (map.find(r) == nullptr) {
      error(error_code::missing_key, map, "missing key `" + std::string(r) + "` in " + std::string(what),
            "add `" + std::string(r) + ":` to this mapping");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> reader::text(const node& n, std::string_view what) {
  if (!expect(n, node::kind::scalar, what)) return std::nullopt;
  return n.value;
}

std::optional<std::string> reader::id(const node& n, std::string_view what) {
  if (!expect(n, node::kind::scalar, what)) return std::nullopt;
  if (!is_id(n.value)) {
    error(error_code::invalid_value, n, "invalid id `" + n.value + "` for " + std::string(what),
          "ids start with a lowercase letter followed by lowercase letters, digits or `_`");
    return std::nullopt;
  }
  return n.value;
}

std::optional<std::int64_t> reader::integer(const node& n, std::string_view what) {
  if (!expect(n, node::kind::scalar, what)) return std::nullopt;
  auto v = n.quoted ? std::nullopt : parse_integer(n.value);
  if (const std::string trouble = v || n.quoted ? std::string() : integer_trouble(n.value);
      !trouble.empty()) {
    error(error_code::invalid_value, n, std::string(what) + ": `" + n.value + "` " + trouble,
          "write a whole number in digits, without quotes");
  } else if (!v) {
    error(error_code::invalid_value, n, std::string(what) + " must be an integer, found `" + n.value + "`",
          "write a whole number without quotes, e.g. `12`");
  }
  return v;
}

std::optional<bool> reader::boolean(const node& n, std::string_view what) {
  if (!expect(n, node::kind::scalar, what)) return std::nullopt;
  auto v = parse_bool(n);
  if (!v) {
    error(error_code::invalid_value, n,
          std::string(what) + " must be `true` or `false`, found `" + n.value + "`",
          "write `true` or `false` without quotes");
  }
  return v;
}

}  // namespace aftersale::load
