// SPDX-License-Identifier: Apache-2.0
// Concrete witness requests for boxes of requests: one value per fact, with days_since /
// hours_since facts realised through the timestamp they count from.
#include "analysis/witness.hpp"

#include <aftersale/decide.hpp>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "model/semantics.hpp"

namespace aftersale::analysis {

namespace {

__extension__ typedef __int128 wide;

constexpr std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
// Calendar day counts go through the time-zone database, which only knows sane dates: source
// timestamps of calendar `days_since` facts are searched within ±3,000 years of `at`.
constexpr std::int64_t calendar_window = std::int64_t{3000} * 366 * 86400;

std::int64_t clamp_wide(wide v) {
  if (v < wide{int_min}) return int_min;
  if (v > wide{int_max}) return int_max;
  return static_cast<std::int64_t>(v);
}

// The present value of `s` closest to `target` (ties: the smaller one).
std::optional<std::int64_t> pick_near(const value_set& s, std::int64_t target) {
  std::optional<std::int64_t> best;
  wide best_distance = 0;
  for (const auto& [lo, hi] : s.intervals()) {
    const std::int64_t c = target < lo ? lo : (target > hi ? hi : target);
    const wide d = wide{c} > wide{target} ? wide{c} - target : wide{target} - c;
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

// The derived value of `f` (days_since / hours_since) for source timestamp `src` at `at`,
// computed exactly as derive_facts does.
std::int64_t derived_value(const policy& p, const fact_def& f, std::int64_t src, sys_seconds at) {
  bound_request facts(p.facts.size());
  facts.set(f.source, src);
  derive_facts(p, facts, at);
  for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
    if (&p.facts[i] == &f) return facts.value(i);
  }
  return 0;
}

// The source timestamps whose derived value of `f` lies in [lo, hi]: one interval, since the
// derived value never increases as the source moves later.
value_set sources_for(const policy& p, const fact_def& f, std::int64_t lo, std::int64_t hi, sys_seconds at) {
  const std::int64_t now = at.time_since_epoch().count();
  const bool calendar = f.derive == derivation::days_since && f.calendar < p.calendars.size();
  if (!calendar) {
    const std::int64_t unit = f.derive == derivation::hours_since ? 3600 : 86400;
    // floor((now - src) / unit) >= lo  <=>  src <= now - lo * unit
    // floor((now - src) / unit) <= hi  <=>  src >= now - (hi + 1) * unit + 1
    const wide upper = wide{now} - wide{lo} * unit;
    const wide lower = wide{now} - (wide{hi} + 1) * unit + 1;
    if (lower > upper || upper < wide{int_min} || lower > wide{int_max}) return value_set{};
    return value_set::range(clamp_wide(lower), clamp_wide(upper));
  }
  const std::int64_t w_lo = clamp_wide(wide{now} - calendar_window);
  const std::int64_t w_hi = clamp_wide(wide{now} + calendar_window);
  auto days = [&](std::int64_t src) { return derived_value(p, f, src, at); };
  // Smallest src in the window with days(src) <= hi.
  std::int64_t a = w_lo, b = w_hi;
  if (days(b) > hi) return value_set{};
  while (a < b) {
    const std::int64_t m = a + (b - a) / 2;
    if (days(m) <= hi) {
      b = m;
    } else {
      a = m + 1;
    }
  }
  const std::int64_t first = a;
  // Largest src in the window with days(src) >= lo.
  a = w_lo;
  b = w_hi;
  if (days(a) < lo) return value_set{};
  while (a < b) {
    const std::int64_t m = a + (b - a + 1) / 2;
    if (days(m) >= lo) {
      a = m;
    } else {
      b = m - 1;
    }
  }
  return value_set::range(first, a);
}

// Text for a string fact that is none of the policy's literals.
std::string other_text(const fact_def& f) {
  std::string t = "other";
  while (std::find(f.values.begin(), f.values.end(), t) != f.values.end()) t += '_';
  return t;
}

fact_value as_request_value(const fact_def& f, std::int64_t v) {
  switch (f.type) {
    case fact_type::enumeration:
      return std::string(f.values[static_cast<std::size_t>(v)]);
    case fact_type::string:
      return v >= 0 && static_cast<std::uint64_t>(v) < f.values.size() ? f.values[static_cast<std::size_t>(v)]
                                                                       : other_text(f);
    case fact_type::boolean:
      return v != 0;
    case fact_type::duration:
      return std::chrono::seconds{v};
    case fact_type::timestamp:
      return sys_seconds{std::chrono::seconds{v}};
    case fact_type::decimal:
      return decimal{v, f.scale};
    case fact_type::integer:
    case fact_type::money:
      break;
  }
  return v;
}

}  // namespace

void set_request_text(witness_fact& wf, const fact_def& f, std::int64_t v) {
  // Money as minor units: request JSON, test files and event payloads refuse `129.00`.
  wf.value = f.type == fact_type::money ? std::to_string(v) : detail::format_value(f, v);
  wf.literal = f.type == fact_type::money || f.type == fact_type::integer || f.type == fact_type::boolean;
}

std::optional<witness_request> realize(const space& s, const box& b, sys_seconds at) {
  const policy& p = s.source();
  const std::size_t n_facts = p.facts.size();
  const std::int64_t now = at.time_since_epoch().count();
  std::vector<std::optional<std::int64_t>> chosen(n_facts);  // input facts only; nullopt = absent

  // Time-derived dimensions, grouped by the timestamp they count from.
  std::vector<std::vector<std::size_t>> derived_of(n_facts);
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (s[d].fact >= n_facts || s[d].def->derive == derivation::none) continue;
    if (s[d].time_source >= n_facts) {
      if (b.dims[d].has_absent()) continue;  // never computed: absent
      return std::nullopt;
    }
    derived_of[s[d].time_source].push_back(d);
  }

  for (std::size_t d = 0; d < s.size(); ++d) {
    const dimension& dim = s[d];
    if (dim.fact >= n_facts || dim.def->derive != derivation::none) continue;
    const value_set& set = b.dims[d];
    if (derived_of[dim.fact].empty()) {
      if (!set.has_present()) {
        if (!set.has_absent()) return std::nullopt;
        continue;
      }
      chosen[dim.fact] = dim.def->type == fact_type::timestamp ? pick_near(set, now) : set.pick();
      continue;
    }
    // The source timestamps that put every derived fact in its set.
    value_set sources = set.subtract(value_set::absent_only());
    bool all_allow_absent = true;
    for (std::size_t dd : derived_of[dim.fact]) {
      const value_set& want = b.dims[dd];
      all_allow_absent = all_allow_absent && want.has_absent();
      value_set ok;
      for (const auto& [lo, hi] : want.intervals()) ok = ok.unite(sources_for(p, *s[dd].def, lo, hi, at));
      sources = sources.intersect(ok);
      if (sources.empty()) break;
    }
    if (sources.has_present()) {
      chosen[dim.fact] = pick_near(sources, now);
    } else if (!(set.has_absent() && all_allow_absent)) {
      return std::nullopt;
    }
  }

  witness_request w;
  for (std::uint32_t i = 0; i < n_facts; ++i) {
    if (chosen[i]) w.request.set(p.facts[i].name, as_request_value(p.facts[i], *chosen[i]));
  }
  // Check the realised request against the box through the evaluator's own binding.
  bound_request facts;
  try {
    facts = bind(p, w.request);
  } catch (const request_error&) {
    return std::nullopt;  // a fact without values (an enum declaring none) cannot be given
  }
  derive_facts(p, facts, at);
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (s[d].fact >= n_facts) continue;
    const bool ok =
        facts.has(s[d].fact) ? b.dims[d].contains(facts.value(s[d].fact)) : b.dims[d].has_absent();
    if (!ok) return std::nullopt;
  }
  for (std::uint32_t i = 0; i < n_facts; ++i) {
    const fact_def& f = p.facts[i];
    witness_fact wf;
    wf.fact = f.name;
    wf.derived = f.derive != derivation::none;
    if (!facts.has(i)) {
      wf.value = "absent";
      wf.absent = true;
    } else if (f.type == fact_type::string && facts.value(i) == string_other && chosen[i]) {
      wf.value = other_text(f);
    } else {
      set_request_text(wf, f, facts.value(i));
    }
    w.facts.push_back(std::move(wf));
  }
  return w;
}

std::vector<witness_fact> describe_point(const space& s, const box& b) {
  std::vector<witness_fact> out;
  for (std::size_t d = 0; d < s.size(); ++d) {
    const dimension& dim = s[d];
    witness_fact wf;
    wf.fact = dim.def->name;
    const std::optional<std::int64_t> v = b.dims[d].pick();
    if (!v) {
      wf.value = "absent";
      wf.absent = true;
    } else {
      set_request_text(wf, *dim.def, *v);
    }
    out.push_back(std::move(wf));
  }
  return out;
}

std::optional<decision> decide_witness(const policy& p, std::uint32_t table, const request& r,
                                       sys_seconds at) {
  try {
    std::shared_ptr<const policy> view(&p, [](const policy*) {});  // `p` outlives the decision
    return decide(view, table, bind(p, r), at, decide_options{});
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace aftersale::analysis
