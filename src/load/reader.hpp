// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: reads typed values out of the YAML tree and collects diagnostics instead of
// stopping at the first problem. Every reader returns an empty optional after reporting.
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/safe_yaml.hpp"

namespace aftersale::load {

/// `` `a`, `b`, `c` `` — at most `limit` names, then `and N more`.
std::string quote_list(const std::vector<std::string>& names, std::size_t limit = 12);

/// `help` for an unknown `word`, led by `did you mean ...?` when some of `names` are near it
/// (base/nearest.hpp): `did you mean `refund`? declared solutions: ...`.
std::string suggest(std::string_view word, const std::vector<std::string>& names, std::string help);

/// True for `[a-z][a-z0-9_]*`.
bool is_id(std::string_view text);
/// True for a language tag as a locale key: a letter, then letters, digits, `_` or `-`
/// (`zh`, `en`, `zh_hant`, `zh-CN`).
bool is_locale(std::string_view text);

class reader {
 public:
  explicit reader(std::string file) : file_(std::move(file)) {}
  /// A reader over a tree merged from several files (a store policy and its bases):
  /// `files[node::file]` names each node's file; the first is the policy being loaded.
  explicit reader(std::vector<std::string> files) : file_(files.at(0)), files_(std::move(files)) {}

  const std::string& file() const { return file_; }
  std::vector<diagnostic>& diagnostics() { return diags_; }
  bool failed() const { return !diags_.empty(); }

  source_span span(const node& n) const {
    return source_span{n.file < files_.size() ? files_[n.file] : file_, n.line, n.column};
  }
  void error(error_code code, const node& at, std::string message, std::string help);

  /// E107 unless `n` is of kind `k`; `what` names the thing (`the \`facts\` section`).
  bool expect(const node& n, node::kind k, std::string_view what);
  /// Checks a mapping's keys: E107 for a non-scalar key, E105 for keys not in `allowed`,
  /// E106 (at the mapping) for each of `required` that is absent. False on any problem.
  bool check_keys(const node& map, std::string_view what, std::initializer_list<std::string_view> allowed,
                  std::initializer_list<std::string_view> required = {});

  /// A scalar of any text.
  std::optional<std::string> text(const node& n, std::string_view what);
  /// A scalar matching `[a-z][a-z0-9_]*` (E108 otherwise).
  std::optional<std::string> id(const node& n, std::string_view what);
  /// A plain decimal integer that fits in 64 bits (E108 otherwise).
  std::optional<std::int64_t> integer(const node& n, std::string_view what);
  /// `true` / `false` (E108 otherwise).
  std::optional<bool> boolean(const node& n, std::string_view what);

  /// Sets how texts are read: plain texts are stored under `locale` (`policy.locale`, "" when
  /// not written) and, when `locales` (`policy.locales`) is not empty, a locale map may name
  /// only those. Called once the header is read, before any section with texts (texts.cpp).
  void set_locales(std::string locale, std::vector<std::string> locales);
  const std::string& locale() const { return locale_; }
  /// A text for a buyer or an agent (every such text of every section is read here): a plain
  /// scalar, or one text per locale `{zh: 已退款, en: refunded}` in the order written.
  /// E107 for another kind of node, E106 for an empty map, E220 for a key that is not a locale
  /// tag, E221 for a locale `policy.locales` does not list; nothing after reporting.
  std::optional<localized_text> localized(const node& n, std::string_view what);

 private:
  std::string file_;
  std::vector<std::string> files_;  // empty: every node is from file_
  std::vector<diagnostic> diags_;
  std::string locale_;
  std::vector<std::string> locales_;
};

/// Parses a plain decimal integer; nothing on overflow or other text.
std::optional<std::int64_t> parse_integer(std::string_view text);

/// For a text that YAML read as a one-pair mapping (`- 步骤: 联系买家`): a help saying to quote
/// it, `"步骤: 联系买家"`; empty for any other node.
std::string colon_hint(const node& n);
/// Why `text`, a number `parse_integer` refuses, is not a 64-bit integer when the reason is not a
/// fraction: `is out of range: ...` (`18446744073709551616`, `1e30`) or `is written with an
/// exponent: write `10000000000`` (`1e10`, `10.0`). Empty for a fraction (`12.50`) or text that
/// is no number: the caller's own message says those.
std::string integer_trouble(std::string_view text);
/// `true`/`false` (also `True`, `TRUE`, ...) when written without quotes.
std::optional<bool> parse_bool(const node& n);
/// A scalar as it would be written back (quotes added when it was quoted).
std::string show(const node& n);

}  // namespace aftersale::load
