// SPDX-License-Identifier: Apache-2.0
// Region algebra over fact values: value sets, spaces, boxes and unions of disjoint boxes.
#include "analysis/region.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace aftersale::analysis {

namespace {

constexpr std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t no_dim = static_cast<std::size_t>(-1);

// Sorts and merges overlapping or adjacent intervals (without computing hi + 1 at int64 max).
std::vector<value_set::interval> normalise(std::vector<value_set::interval> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](const value_set::interval& i) { return i.first > i.second; }),
          v.end());
  std::sort(v.begin(), v.end());
  std::vector<value_set::interval> out;
  out.reserve(v.size());
  for (const auto& i : v) {
    if (!out.empty() && (out.back().second == int_max || i.first <= out.back().second + 1)) {
      out.back().second = std::max(out.back().second, i.second);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

std::uint64_t magnitude(std::int64_t v) noexcept {
  return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// The present values of a fact's type, before absence is considered.
value_set type_domain(const fact_def& f) {
  switch (f.type) {
    case fact_type::enumeration:
      return f.values.empty() ? value_set{}
                              : value_set::range(0, static_cast<std::int64_t>(f.values.size()) - 1);
    case fact_type::boolean:
      return value_set::range(0, 1);
    case fact_type::string:
      return value_set::range(string_other, static_cast<std::int64_t>(f.values.size()) - 1);
    case fact_type::money:  // requests refuse negative money (E305) and values outside min/max (E306)
      return value_set::range(f.min.value_or(0), f.max.value_or(int_max));
    case fact_type::integer:
    case fact_type::decimal:
      return value_set::range(f.min.value_or(int_min), f.max.value_or(int_max));
    default:
      return value_set::range(int_min, int_max);
  }
}

// The present values of `domain` a condition passes (absence is decided by the caller).
value_set passing_present(const condition& c, const value_set& domain) {
  value_set present = domain.subtract(value_set::absent_only());
  switch (c.op) {
    case condition_op::missing:
      return value_set{};
    case condition_op::exists:
      return present;
    default:
      break;
  }
  const value_set tested = c.uses_set ? value_set::of(c.set) : value_set::range(c.lo, c.hi);
  return c.negate ? present.subtract(tested) : present.intersect(tested);
}

// True when the sets share a value (or both hold absent), without building the intersection.
bool meets(const value_set& a, const value_set& b) noexcept {
  if (a.has_absent() && b.has_absent()) return true;
  const auto& x = a.intervals();
  const auto& y = b.intervals();
  std::size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (x[i].second < y[j].first) {
      ++i;
    } else if (y[j].second < x[i].first) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// value_set

value_set value_set::range(std::int64_t lo, std::int64_t hi, bool absent) {
  value_set s;
  if (lo <= hi) s.intervals_.emplace_back(lo, hi);
  s.absent_ = absent;
  return s;
}

value_set value_set::of(std::vector<std::int64_t> values, bool absent) {
  std::vector<interval> v;
  v.reserve(values.size());
  for (std::int64_t x : values) v.emplace_back(x, x);
  value_set s;
  s.intervals_ = normalise(std::move(v));
  s.absent_ = absent;
  return s;
}

value_set value_set::absent_only() {
  value_set s;
  s.absent_ = true;
  return s;
}

bool value_set::contains(std::int64_t v) const noexcept {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), v,
                             [](std::int64_t x, const interval& i) { return x < i.first; });
  if (it == intervals_.begin()) return false;
  --it;
  return v <= it->second;
}

bool value_set::subset_of(const value_set& other) const noexcept {
  if (absent_ && !other.absent_) return false;
  std::size_t j = 0;
  for (const auto& i : intervals_) {
    while (j < other.intervals_.size() && other.intervals_[j].second < i.first) ++j;
    if (j == other.intervals_.size()) return false;
    if (other.intervals_[j].first > i.first || other.intervals_[j].second < i.second) return false;
  }
  return true;
}

value_set value_set::intersect(const value_set& other) const {
  value_set out;
  out.absent_ = absent_ && other.absent_;
  std::size_t i = 0, j = 0;
  while (i < intervals_.size() && j < other.intervals_.size()) {
    const auto& a = intervals_[i];
    const auto& b = other.intervals_[j];
    const std::int64_t lo = std::max(a.first, b.first);
    const std::int64_t hi = std::min(a.second, b.second);
    if (lo <= hi) out.intervals_.emplace_back(lo, hi);
    if (a.second < b.second) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;  // pieces of disjoint non-adjacent inputs stay disjoint and non-adjacent
}

value_set value_set::subtract(const value_set& other) const {
  value_set out;
  out.absent_ = absent_ && !other.absent_;
  std::size_t j = 0;
  for (const auto& a : intervals_) {
    std::int64_t lo = a.first;
    const std::int64_t hi = a.second;
    bool done = false;
    while (j < other.intervals_.size() && other.intervals_[j].second < lo) ++j;
    for (std::size_t k = j; k < other.intervals_.size() && other.intervals_[k].first <= hi; ++k) {
      const auto& b = other.intervals_[k];
      if (b.first > lo) out.intervals_.emplace_back(lo, b.first - 1);
      if (b.second >= hi) {
        done = true;
        break;
      }
      lo = b.second + 1;  // b.second < hi <= int64 max
    }
    if (!done) out.intervals_.emplace_back(lo, hi);
  }
  return out;
}

value_set value_set::unite(const value_set& other) const {
  std::vector<interval> v = intervals_;
  v.insert(v.end(), other.intervals_.begin(), other.intervals_.end());
  value_set out;
  out.intervals_ = normalise(std::move(v));
  out.absent_ = absent_ || other.absent_;
  return out;
}

std::optional<std::int64_t> value_set::pick() const noexcept {
  std::optional<std::int64_t> best;
  for (const auto& [lo, hi] : intervals_) {
    if (lo <= 0 && 0 <= hi) return 0;
    const std::int64_t c = lo > 0 ? lo : hi;
    if (!best || magnitude(c) < magnitude(*best)) best = c;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// space

space::space(const policy& p) : policy_(&p) {
  const std::size_t n = p.facts.size();
  dim_of_fact_.assign(n, no_dim);
  // Input facts and days/hours facts first (map facts have no dimension of their own).
  for (std::uint32_t i = 0; i < n; ++i) {
    const fact_def& f = p.facts[i];
    if (f.derive == derivation::map) continue;
    dimension d;
    d.fact = i;
    d.def = &f;
    d.domain = type_domain(f);
    if (f.derive == derivation::none) {
      if (!f.required && !f.default_value) d.domain = d.domain.unite(value_set::absent_only());
    } else {
      d.time_source = f.source;
      if (f.source >= n) {
        d.domain = value_set::absent_only();  // no source: always absent
      } else {
        const fact_def& src = p.facts[f.source];
        const bool src_absent = src.derive != derivation::none || (!src.required && !src.default_value);
        if (src_absent) d.domain = d.domain.unite(value_set::absent_only());
      }
    }
    dim_of_fact_[i] = dims_.size();
    dims_.push_back(std::move(d));
  }
  // Map facts: follow the chain of maps to the fact at its root.
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint32_t f = i;
    for (std::size_t steps = 0; f < n && p.facts[f].derive == derivation::map && steps <= n; ++steps)
      f = p.facts[f].source;
    if (f < n && p.facts[f].derive != derivation::map) dim_of_fact_[i] = dim_of_fact_[f];
  }
}

space::space(const policy& p, const flow_def& flow) : space(p) {
  const std::size_t base = p.facts.size();
  // Values `set` effects write, and variables a `record` effect writes, per variable.
  std::vector<std::vector<std::int64_t>> written(flow.variables.size());
  std::vector<bool> recorded(flow.variables.size(), false);
  for (const transition_def& t : flow.transitions) {
    for (const effect& e : t.effects) {
      if (e.target >= flow.variables.size()) continue;
      if (e.kind == effect_kind::set_variable) written[e.target].push_back(e.value);
      if (e.kind == effect_kind::record_amount) recorded[e.target] = true;
    }
  }
  for (std::uint32_t v = 0; v < flow.variables.size(); ++v) {
    const fact_def& f = flow.variables[v];
    dimension d;
    d.fact = static_cast<std::uint32_t>(base + v);
    d.def = &f;
    std::vector<std::int64_t> values = written[v];
    if (f.default_value) values.push_back(*f.default_value);
    d.domain = value_set::of(std::move(values), !f.default_value);
    if (recorded[v]) d.domain = d.domain.unite(type_domain(f));
    dim_of_fact_.push_back(dims_.size());
    dims_.push_back(std::move(d));
  }
}

std::size_t space::dimension_of(std::uint32_t fact) const noexcept {
  if (fact >= dim_of_fact_.size()) return npos;
  return dim_of_fact_[fact] == no_dim ? static_cast<std::size_t>(npos) : dim_of_fact_[fact];
}

value_set values_of(const space& s, const condition& c) {
  const std::size_t d = s.dimension_of(c.fact);
  if (d == npos) return value_set{};
  const dimension& dim = s[d];
  const policy& p = s.source();
  if (c.fact < p.facts.size() && p.facts[c.fact].derive == derivation::map) {
    // The map fact's value for each root value: compose the mappings from the root outwards.
    std::vector<std::uint32_t> chain;  // map facts from `c.fact` down to the root's child
    for (std::uint32_t f = c.fact;
         f < p.facts.size() && p.facts[f].derive == derivation::map && chain.size() <= p.facts.size();
         f = p.facts[f].source) {
      chain.push_back(f);
    }
    std::vector<std::int64_t> pass;
    for (const auto& [lo, hi] : dim.domain.intervals()) {
      for (std::int64_t v = lo; v <= hi; ++v) {
        std::int64_t mapped = v;
        for (auto it = chain.rbegin(); it != chain.rend() && mapped >= 0; ++it) {
          const auto& m = p.facts[*it].mapping;
          mapped = static_cast<std::uint64_t>(mapped) < m.size() ? m[static_cast<std::size_t>(mapped)] : -1;
        }
        // An unmapped root value leaves the map fact absent, which passes only `missing`.
        if (mapped < 0 ? c.op == condition_op::missing : c.test(mapped)) pass.push_back(v);
        if (v == hi) break;
      }
    }
    return value_set::of(std::move(pass), dim.domain.has_absent() && c.op == condition_op::missing);
  }
  value_set out = passing_present(c, dim.domain);
  if (c.op == condition_op::missing && dim.domain.has_absent()) out = out.unite(value_set::absent_only());
  return out;
}

// ---------------------------------------------------------------------------------------------
// boxes and regions

bool box::empty() const noexcept {
  return std::any_of(dims.begin(), dims.end(), [](const value_set& v) { return v.empty(); });
}

box full_box(const space& s) {
  box b;
  b.dims.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) b.dims.push_back(s[i].domain);
  return b;
}

box box_of(const space& s, const std::vector<condition>& conditions) {
  box b = full_box(s);
  for (const condition& c : conditions) {
    const std::size_t d = s.dimension_of(c.fact);
    if (d == npos) continue;
    b.dims[d] = b.dims[d].intersect(values_of(s, c));
  }
  return b;
}

std::optional<box> intersect(const box& a, const box& b) {
  box out;
  out.dims.reserve(a.dims.size());
  for (std::size_t i = 0; i < a.dims.size(); ++i) {
    out.dims.push_back(a.dims[i].intersect(b.dims[i]));
    if (out.dims.back().empty()) return std::nullopt;
  }
  return out;
}

bool intersects(const box& a, const box& b) noexcept {
  for (std::size_t i = 0; i < a.dims.size(); ++i)
    if (!meets(a.dims[i], b.dims[i])) return false;
  return true;
}

void subtract(const box& a, const box& b, std::vector<box>& out) {
  // Disjoint: nothing to remove. Checked first so no piece is built for nothing.
  if (!intersects(a, b)) {
    out.push_back(a);
    return;
  }
  box rest = a;
  for (std::size_t i = 0; i < a.dims.size(); ++i) {
    if (rest.dims[i].subset_of(b.dims[i])) continue;  // b does not cut this dimension
    box piece = rest;
    piece.dims[i] = rest.dims[i].subtract(b.dims[i]);
    rest.dims[i] = rest.dims[i].intersect(b.dims[i]);
    out.push_back(std::move(piece));
  }
}

region::region(box b) {
  if (!b.empty()) boxes_.push_back(std::move(b));
}

bool region::subtract(const box& b, std::size_t max_boxes) {
  // Pieces of the boxes `b` cuts are built aside; untouched boxes are only moved once the
  // result is known to fit, so a refusal leaves the region as it was.
  std::vector<box> pieces;
  std::vector<bool> cut(boxes_.size(), false);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    cut[i] = intersects(boxes_[i], b);
    if (cut[i]) {
      analysis::subtract(boxes_[i], b, pieces);
    } else {
      ++kept;
    }
    if (kept + pieces.size() > max_boxes) return false;
  }
  if (pieces.empty() && kept == boxes_.size()) return true;
  std::vector<box> next;
  next.reserve(kept + pieces.size());
  for (std::size_t i = 0; i < boxes_.size(); ++i)
    if (!cut[i]) next.push_back(std::move(boxes_[i]));
  for (box& piece : pieces) next.push_back(std::move(piece));
  boxes_ = std::move(next);
  return true;
}

region region::intersect(const box& b) const {
  region out;
  for (const box& a : boxes_) {
    if (auto i = analysis::intersect(a, b)) out.boxes_.push_back(std::move(*i));
  }
  return out;
}

}  // namespace aftersale::analysis
