// SPDX-License-Identifier: Apache-2.0
#pragma once
// Seeded random requests for the compiled-code differential (tests/codegen/diff_driver.cpp), in
// the interpreter's encoding (one value and one presence byte per policy fact, `bound_request`),
// and the decision instants they are decided at. Values come mostly from the policy's own
// conditions (each bound, one below and one above, set members), so rule edges are hit; facts
// are left out (absent, the default applies, a required one is E303); integers reach their
// extremes; `now` falls around the calendars' holidays, make-up days, working-period edges and
// the 2026 DST changes of their zones as well as anywhere in the year.
#include <aftersale/calendar.hpp>
#include <aftersale/model.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace aftersale::diff {

/// A request in the interpreter's encoding; derived facts' slots stay 0 and absent.
struct encoded_request {
  std::vector<std::int64_t> values;
  std::vector<std::uint8_t> present;
};

/// The request `bind` turns back into `e` (a value for each present fact, in its type).
inline request to_request(const policy& p, const encoded_request& e) {
  request r;
  for (std::size_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (!e.present[i] || f.derive != derivation::none) continue;
    const std::int64_t v = e.values[i];
    switch (f.type) {
      case fact_type::enumeration:
        r.set(f.name, f.values[static_cast<std::size_t>(v)]);
        break;
      case fact_type::string:
        r.set(f.name, v == string_other ? std::string("\xe5\x85\xb6\xe4\xbb\x96 other")
                                        : f.values[static_cast<std::size_t>(v)]);
        break;
      case fact_type::boolean:
        r.set(f.name, v != 0);
        break;
      case fact_type::timestamp:
        r.set(f.name, fact_value(sys_seconds{std::chrono::seconds{v}}));
        break;
      case fact_type::duration:
        r.set(f.name, fact_value(std::chrono::seconds{v}));
        break;
      case fact_type::decimal:
        r.set_scaled(f.name, v, f.scale);
        break;
      case fact_type::integer:
      case fact_type::money:
        r.set(f.name, fact_value(v));
        break;
    }
  }
  return r;
}

class input_source {
 public:
  input_source(const policy& p, std::uint64_t seed) : p_(p), rng_(seed) {
    constants_.resize(p.facts.size());
    for (const decision_table& t : p.decisions)
      for (const rule& r : t.rules)
        for (const condition& c : r.conditions) {
          if (c.fact >= p.facts.size()) continue;
          std::vector<std::int64_t>& k = constants_[c.fact];
          if (c.uses_set) {
            k.insert(k.end(), c.set.begin(), c.set.end());
          } else {
            if (c.lo != std::numeric_limits<std::int64_t>::min()) k.push_back(c.lo);
            if (c.hi != std::numeric_limits<std::int64_t>::max()) k.push_back(c.hi);
          }
        }
    // Derived facts' constants become the anchors' distances from `now`.
    for (std::size_t i = 0; i < p.facts.size(); ++i) {
      const fact_def& f = p.facts[i];
      if (f.derive == derivation::none || f.source >= p.facts.size()) continue;
      for (std::int64_t k : constants_[i]) {
        if (k < -100000 || k > 100000) continue;
        const std::int64_t unit = f.derive == derivation::hours_since ? 3600 : 86400;
        anchor_offsets_.push_back(k * unit);
      }
    }
    for (const business_calendar& cal : p.calendars) add_instants(cal);
  }

  std::uint64_t below(std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

  /// A decision instant: near a calendar's special days and edges, or anywhere in 2026.
  sys_seconds now() {
    static constexpr std::int64_t jitter[] = {0, 0, 0, -1, 1, -60, 60, -3600, 3600};
    if (!instants_.empty() && chance(60))
      return instants_[below(instants_.size())] +
             std::chrono::seconds{jitter[below(sizeof jitter / sizeof jitter[0])]};
    return sys_seconds{std::chrono::seconds{1767225600 + static_cast<std::int64_t>(below(365 * 86400))}};
  }

  /// A request for deciding at `now`.
  encoded_request request(sys_seconds now) {
    encoded_request e;
    e.values.assign(p_.facts.size(), 0);
    e.present.assign(p_.facts.size(), 0);
    for (std::size_t i = 0; i < p_.facts.size(); ++i) {
      const fact_def& f = p_.facts[i];
      if (f.derive != derivation::none) continue;
      if (!chance(f.required ? 97 : 80)) continue;
      e.values[i] = value(i, now);
      e.present[i] = 1;
    }
    return e;
  }

 private:
  std::int64_t value(std::size_t i, sys_seconds now) {
    const fact_def& f = p_.facts[i];
    const std::vector<std::int64_t>& k = constants_[i];
    const std::int64_t t = now.time_since_epoch().count();
    switch (f.type) {
      case fact_type::enumeration:
        return static_cast<std::int64_t>(below(f.values.size()));
      case fact_type::string:
        return f.values.empty() || chance(25) ? string_other
                                              : static_cast<std::int64_t>(below(f.values.size()));
      case fact_type::boolean:
        return chance(50) ? 1 : 0;
      case fact_type::timestamp: {
        if (!anchor_offsets_.empty() && chance(40))
          return t - anchor_offsets_[below(anchor_offsets_.size())] + edge();
        if (!k.empty() && chance(40)) return k[below(k.size())] + edge();
        return t - static_cast<std::int64_t>(below(50 * 86400)) + static_cast<std::int64_t>(below(5 * 86400));
      }
      case fact_type::duration: {
        if (!k.empty() && chance(60)) return std::max<std::int64_t>(0, k[below(k.size())] + edge());
        return static_cast<std::int64_t>(below(chance(50) ? 3600 : 40 * 86400));
      }
      case fact_type::integer:
      case fact_type::money:
      case fact_type::decimal:
        break;
    }
    std::int64_t v;
    if (!k.empty() && chance(60)) {
      v = k[below(k.size())] + static_cast<std::int64_t>(below(3)) - 1;
    } else if (chance(2)) {
      static constexpr std::int64_t extremes[] = {
          std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max() - 1,
          std::int64_t{1} << 62, std::numeric_limits<std::int64_t>::min(),
          std::numeric_limits<std::int64_t>::min() + 1};
      v = extremes[below(f.type == fact_type::money ? 3 : 5)];
    } else {
      switch (below(4)) {
        case 0:
          v = static_cast<std::int64_t>(below(61)) - 30;
          break;
        case 1:
          v = static_cast<std::int64_t>(below(200000));
          break;
        case 2:
          v = static_cast<std::int64_t>(below(1000000000000));
          break;
        default:
          v = 0;
      }
    }
    // The request stays one `bind` accepts: money is never negative (E305), ranged facts stay
    // in their range (E306) — those refusals are the binding's, not the decision's.
    if (f.type == fact_type::money) v = std::max<std::int64_t>(v, 0);
    if (f.min) v = std::max(v, *f.min);
    if (f.max) v = std::min(v, *f.max);
    return v;
  }

  std::int64_t edge() {
    static constexpr std::int64_t d[] = {0, 0, -1, 1, -59, 59, -3600, 3600, 86399, -86399};
    return d[below(sizeof d / sizeof d[0])];
  }

  void add_instants(const business_calendar& cal) {
    const calendar_def& def = cal.definition();
    std::vector<local_date> days(def.holidays);
    days.insert(days.end(), def.makeup_workdays.begin(), def.makeup_workdays.end());
    // The 2026 DST changes of the zones the generated policies use (EU, US, AU).
    for (local_date d : {local_date{2026, 3, 8}, local_date{2026, 3, 29}, local_date{2026, 4, 5},
                         local_date{2026, 10, 4}, local_date{2026, 10, 25}, local_date{2026, 11, 1}})
      days.push_back(d);
    std::vector<int> minutes{0, 90, 150, 180, 1439};
    for (const auto& day : def.week)
      for (const working_period& w : day) {
        minutes.push_back(w.open_minute);
        minutes.push_back(w.close_minute);
      }
    for (const local_date& d : days) {
      for (int shift : {-1, 0, 1}) {
        for (int m : minutes) {
          if (m >= 1440) m = 1439;
          char text[40];
          std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d", d.year, d.month, d.day, m / 60,
                        m % 60);
          const std::optional<sys_seconds> at = cal.parse_local(text);
          if (at) instants_.push_back(*at + std::chrono::hours{24 * shift});
        }
      }
    }
  }

  const policy& p_;
  std::mt19937_64 rng_;
  std::vector<std::vector<std::int64_t>> constants_;
  std::vector<std::int64_t> anchor_offsets_;
  std::vector<sys_seconds> instants_;
};

}  // namespace aftersale::diff
