// SPDX-License-Identifier: Apache-2.0
// Derived facts: computed at decision time from other facts and `now`.
#include <aftersale/decide.hpp>

namespace aftersale {

namespace {

__extension__ typedef __int128 wide;

// Floor division (toward −∞): a request from the future gives negative days, and
// -0.5 days is day -1, not day 0.
std::int64_t floor_div(wide n, std::int64_t d) {
  wide q = n / d;
  if (n % d != 0 && n < 0) --q;
  return static_cast<std::int64_t>(q);
}

// Derives fact `i`; returns false when its source is a derived fact not computed yet.
bool derive_one(const policy& p, bound_request& facts, std::uint32_t i, sys_seconds now,
                const std::vector<std::uint8_t>* pending) {
  const fact_def& f = p.facts[i];
  facts.reset(i);
  if (f.source >= p.facts.size()) return true;
  if (pending && (*pending)[f.source]) return false;
  if (!facts.has(f.source)) return true;
  const std::int64_t src = facts.value(f.source);
  std::int64_t v = 0;
  switch (f.derive) {
    case derivation::none:
      return true;
    case derivation::days_since: {
      if (f.calendar < p.calendars.size()) {
        v = p.calendars[f.calendar].local_days_between(sys_seconds{std::chrono::seconds{src}}, now);
      } else {
        v = floor_div(wide{now.time_since_epoch().count()} - src, 86400);
      }
      break;
    }
    case derivation::hours_since:
      v = floor_div(wide{now.time_since_epoch().count()} - src, 3600);
      break;
    case derivation::map: {
      if (src < 0 || static_cast<std::uint64_t>(src) >= f.mapping.size() || f.mapping[src] < 0) return true;
      v = f.mapping[src];
      break;
    }
  }
  facts.set(i, v);
  return true;
}

}  // namespace

void derive_facts(const policy& p, bound_request& facts, sys_seconds now) {
  // Declaration order covers every policy whose derived facts only use earlier facts; a
  // map over a later derived fact (rare) falls back to rounds until everything settles.
  if (facts.size() != p.facts.size()) facts.resize(p.facts.size());
  bool later_source = false;
  for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (f.derive == derivation::none) continue;
    if (f.source < p.facts.size() && f.source > i && p.facts[f.source].derive != derivation::none) {
      later_source = true;
      continue;
    }
    derive_one(p, facts, i, now, nullptr);
  }
  if (!later_source) return;
  std::vector<std::uint8_t> pending(p.facts.size(), 0);
  for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    pending[i] = f.derive != derivation::none && f.source < p.facts.size() && f.source > i &&
                 p.facts[f.source].derive != derivation::none;
  }
  // Each round settles at least one pending fact unless the sources form a cycle (which
  // the loader refuses); a cycle leaves its facts absent.
  for (bool progress = true; progress;) {
    progress = false;
    for (std::uint32_t i = 0; i < p.facts.size(); ++i) {
      if (pending[i] && derive_one(p, facts, i, now, &pending)) {
        pending[i] = 0;
        progress = true;
      }
    }
  }
}

}  // namespace aftersale
