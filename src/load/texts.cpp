// SPDX-License-Identifier: Apache-2.0
// Reads the texts authors write for buyers and agents: a plain string in the policy's locale
// or a locale map. Every section reads its texts here, so one text reads the same everywhere.
#include <algorithm>

#include "load/reader.hpp"

namespace aftersale::load {

bool is_locale(std::string_view t) {
  if (t.empty() || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) return false;
  return std::all_of(t.begin(), t.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-';
  });
}

void reader::set_locales(std::string locale, std::vector<std::string> locales) {
  locale_ = std::move(locale);
  locales_ = std::move(locales);
}

std::optional<localized_text> reader::localized(const node& n, std::string_view what) {
  localized_text out;
  out.where = span(n);
  if (n.is_scalar()) {
    out.by_locale.emplace_back(locale_, n.value);
    return out;
  }
  const std::string example = "`{zh: 已退款, en: refunded}`";
  if (!n.is_mapping()) {
    error(error_code::wrong_node_kind, n,
          std::string(what) + " must be a text or a mapping, found " + std::string(kind_name(n.what)),
          "write a text, or one text per locale: " + example);
    return std::nullopt;
  }
  if (n.pairs() == 0) {
    error(error_code::missing_key, n, std::string(what) + " has no text",
          "write one text per locale: " + example);
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < n.pairs(); ++i) {
    const node& k = n.key(i);
    if (!expect(k, node::kind::scalar, "a locale in " + std::string(what))) {
      ok = false;
      continue;
    }
    if (!is_locale(k.value)) {
      const std::string hint = colon_hint(n);
      error(error_code::invalid_locale, k, "invalid locale `" + k.value + "` in " + std::string(what),
            hint.empty() ? "write a language tag such as `zh`, `en` or `zh_hant`"
                         : hint + "; the keys of a text's locale map are language tags such as `zh`, `en`");
      ok = false;
      continue;
    }
    if (!locales_.empty() && std::find(locales_.begin(), locales_.end(), k.value) == locales_.end()) {
      const std::string hint = colon_hint(n);
      error(error_code::unknown_locale, k,
            "locale `" + k.value + "` of " + std::string(what) + " is not in `policy.locales`",
            "`policy.locales` lists " + quote_list(locales_) + ": add `" + k.value +
                "` there, or correct the key" + (hint.empty() ? std::string() : "; " + hint));
      ok = false;
      continue;
    }
    auto t = text(n.val(i), "the `" + k.value + "` text of " + std::string(what));
    if (!t) {
      ok = false;
      continue;
    }
    out.by_locale.emplace_back(k.value, std::move(*t));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace aftersale::load
