// SPDX-License-Identifier: Apache-2.0
// Reads `clocks:`: SLA definitions with exactly one duration key in `within`.
#include <algorithm>
#include <string>
#include <vector>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

struct unit {
  std::string_view key;
  clock_kind kind;
  std::int64_t seconds;  // multiplier into the stored amount
};
constexpr unit units[] = {
    {"seconds", clock_kind::elapsed, 1},
    {"minutes", clock_kind::elapsed, 60},
    {"hours", clock_kind::elapsed, 3600},
    {"days", clock_kind::calendar_days, 1},
    {"business_minutes", clock_kind::business_time, 60},
    {"business_hours", clock_kind::business_time, 3600},
    {"business_days", clock_kind::business_days, 1},
};

// The longest duration a policy may write, in every unit: 100 years of 365.25 days (36525
// days, 876600 hours, ...). An after-sales promise (a warranty, a retention period) runs for
// years, not centuries; the bound keeps every deadline from a present-day start a real date
// that every output (ISO 8601 text, Python datetime) can hold, instead of saturating at the
// largest instant. Days and business days count dates; the rest count seconds.
constexpr std::int64_t k_most_days = 36525;

std::int64_t most_of(const unit& u) {
  const bool counts_days = u.kind == clock_kind::calendar_days || u.kind == clock_kind::business_days;
  return counts_days ? k_most_days : k_most_days * 86400 / u.seconds;
}

}  // namespace

std::optional<clock_duration> read_within(build_state& s, const node& n, const std::string& label,
                                          std::string_view key_name) {
  const std::string what = "`" + std::string(key_name) + "` of " + label;
  if (!s.r.expect(n, node::kind::mapping, what)) return std::nullopt;
  if (!s.r.check_keys(
          n, what,
          {"seconds", "minutes", "hours", "days", "business_minutes", "business_hours", "business_days"})) {
    return std::nullopt;
  }
  if (n.pairs() != 1) {
    s.r.error(n.pairs() == 0 ? error_code::missing_key : error_code::invalid_value, n,
              what + (n.pairs() == 0 ? " names no duration" : " names more than one duration"),
              "write exactly one of `seconds`, `minutes`, `hours`, `days`, `business_minutes`, "
              "`business_hours`, `business_days`");
    return std::nullopt;
  }
  const node& key = n.key(0);
  auto amount = s.r.integer(n.val(0), "`" + key.value + "` of " + label);
  if (!amount) return std::nullopt;
  for (const unit& u : units) {
    if (u.key != key.value) continue;
    const std::int64_t most = most_of(u);
    if (*amount <= 0) {
      s.r.error(error_code::invalid_value, n.val(0),
                "`" + key.value + "` of " + label + " must be positive, found `" + n.val(0).value + "`",
                "write a whole number greater than zero");
      return std::nullopt;
    }
    if (*amount > most) {
      s.r.error(error_code::invalid_value, n.val(0),
                "`" + key.value + "` of " + label + " is out of range: at most " + std::to_string(most) +
                    " (100 years), found `" + n.val(0).value + "`",
                "a policy's durations are at most 100 years: write a shorter duration");
      return std::nullopt;
    }
    return clock_duration{u.kind, *amount * u.seconds};
  }
  return std::nullopt;
}

namespace {

// `warn_at: [50%, 80%]`: whole percentages strictly between 0 % and 100 % (the breach itself
// is the 100 % notice), strictly increasing. A bad list leaves the clock without warnings and
// marks it broken, so nothing else reports on it.
bool read_warnings(build_state& s, const node& n, const std::string& label, std::vector<std::uint8_t>& out) {
  const std::string what = "`warn_at` of " + label;
  if (!s.r.expect(n, node::kind::sequence, what)) return false;
  if (n.children.empty()) {
    s.r.error(error_code::no_warnings, n, what + " lists no warning",
              "list percentages of the limit, like `[50%, 80%]`, or remove `warn_at`");
    return false;
  }
  bool ok = true;
  for (const node& item : n.children) {
    if (!s.r.expect(item, node::kind::scalar, "a warning of " + label)) {
      ok = false;
      continue;
    }
    const std::string& v = item.value;
    const bool digits = v.size() >= 2 && v.size() <= 4 && v.back() == '%' &&
                        std::all_of(v.begin(), v.end() - 1, [](char ch) { return ch >= '0' && ch <= '9'; });
    const int percent = digits ? std::stoi(v.substr(0, v.size() - 1)) : -1;
    if (percent <= 0 || percent >= 100) {
      s.r.error(error_code::warning_fraction, item,
                "warning `" + v + "` of " + label + " is not a percentage between 0% and 100%",
                "write a whole percentage of the limit, like `50%`, above 0% and below 100% (the "
                "deadline itself is the 100% notice, `sla_breached`)");
      ok = false;
      continue;
    }
    if (!out.empty() && percent <= out.back()) {
      s.r.error(error_code::warnings_out_of_order, item,
                "warning `" + v + "` of " + label + " does not come after `" + std::to_string(out.back()) +
                    "%`: warnings are listed once each, in increasing order",
                "list the percentages from the smallest to the largest, each once");
      ok = false;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(percent));
  }
  if (!ok) out.clear();
  return ok;
}

void read_clock(build_state& s, const node& key, const node& decl) {
  auto id = s.r.id(key, "a clock id");
  const std::string label = "clock `" + key.value + "`";
  if (!s.r.expect(decl, node::kind::mapping, label)) {
    s.broken_clocks.insert(key.value);
    return;
  }
  bool ok =
      s.r.check_keys(decl, label, {"within", "calendar", "warn_at", "label", "description"}, {"within"}) &&
      id.has_value();
  clock_def c;
  if (id) c.id = *id;
  c.where = s.r.span(key);
  if (const node* w = decl.find("within")) {
    auto d = read_within(s, *w, label);
    if (d) c.within = *d;
    ok = d.has_value() && ok;
  }
  if (const node* cal = decl.find("calendar")) {
    if (s.r.expect(*cal, node::kind::scalar, "the calendar of " + label)) {
      std::optional<std::uint32_t> found;
      for (std::uint32_t i = 0; i < s.p.calendars.size() && !found; ++i) {
        if (s.p.calendars[i].id() == cal->value) found = i;
      }
      if (found) {
        c.calendar = *found;
      } else {
        if (!quiet(s.broken_calendars, cal->value)) {
          s.r.error(
              error_code::unknown_id, *cal, "unknown calendar `" + cal->value + "` in " + label,
              suggest(cal->value, s.calendar_names, "declared calendars: " + quote_list(s.calendar_names)));
        }
        ok = false;
      }
    } else {
      ok = false;
    }
  } else if (s.default_calendar) {
    c.calendar = *s.default_calendar;
  } else if (!s.default_calendar_named) {
    s.r.error(error_code::missing_key, decl, "missing key `calendar` in " + label,
              "name a calendar here or set a default with `policy.calendar`");
    ok = false;
  } else {
    ok = false;  // `policy.calendar` is wrong and already reported
  }
  if (const node* n = decl.find("warn_at")) ok = read_warnings(s, *n, label, c.warn_at) && ok;
  if (const node* n = decl.find("label")) {
    if (auto t = s.r.localized(*n, "the label of " + label)) c.label = std::move(*t);
  }
  if (const node* n = decl.find("description")) {
    if (auto t = s.r.text(*n, "the description of " + label)) c.description = *t;
  }
  if (ok) {
    s.p.clocks.push_back(std::move(c));
  } else {
    s.broken_clocks.insert(key.value);
  }
}

}  // namespace

void read_clocks(build_state& s, const node* section) {
  if (section == nullptr) return;
  if (!s.r.expect(*section, node::kind::mapping, "the `clocks` section")) {
    s.broken_clocks.insert("*");
    return;
  }
  for (std::size_t i = 0; i < section->pairs(); ++i) read_clock(s, section->key(i), section->val(i));
}

}  // namespace aftersale::load
