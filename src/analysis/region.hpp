// SPDX-License-Identifier: Apache-2.0
#pragma once
// Region algebra for the exact analysis of conditions (internal).
//
// A *space* has one dimension per fact (or flow variable) the analysis looks at. A dimension's
// values are int64 (enum and string: value index, bool 0/1, money minor units, durations and
// timestamps seconds) plus one extra value, "absent", for optional facts without a default.
// A *box* is a product of one value set per dimension: exactly what a conjunction of
// conditions (a rule's `when`, a transition's guard) describes. A *region* is a union of
// disjoint boxes; gaps and shadowing are region differences, overlaps box intersections.
//
// Derived facts: a `map` fact is not a dimension of its own — a condition on it becomes a
// set condition on the enum it maps from (followed through chains of maps). `days_since` /
// `hours_since` facts are dimensions of their own; `dimension::time_source` ties them to the
// timestamp they count from, so a witness can realise them together (see witness.hpp).
#include <aftersale/model.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace aftersale::analysis {

/// A set of int64 values, as sorted, disjoint, non-adjacent closed intervals, plus "absent".
class value_set {
 public:
  using interval = std::pair<std::int64_t, std::int64_t>;

  value_set() = default;  ///< the empty set
  static value_set range(std::int64_t lo, std::int64_t hi, bool absent = false);
  static value_set of(std::vector<std::int64_t> values, bool absent = false);  ///< any order, duplicates ok
  static value_set absent_only();

  bool empty() const noexcept { return intervals_.empty() && !absent_; }
  bool has_absent() const noexcept { return absent_; }
  bool has_present() const noexcept { return !intervals_.empty(); }
  bool contains(std::int64_t v) const noexcept;
  bool subset_of(const value_set& other) const noexcept;
  const std::vector<interval>& intervals() const noexcept { return intervals_; }

  value_set intersect(const value_set& other) const;
  value_set subtract(const value_set& other) const;
  value_set unite(const value_set& other) const;

  /// A representative present value: 0 when contained, else the bound of smallest magnitude
  /// (so witnesses read naturally). Empty optional when there is no present value.
  std::optional<std::int64_t> pick() const noexcept;

  friend bool operator==(const value_set& a, const value_set& b) {
    return a.absent_ == b.absent_ && a.intervals_ == b.intervals_;
  }
  friend bool operator!=(const value_set& a, const value_set& b) { return !(a == b); }

 private:
  std::vector<interval> intervals_;
  bool absent_ = false;
};

/// One dimension of a space.
struct dimension {
  std::uint32_t fact = npos;         ///< index into the condition fact space (facts, then flow variables)
  const fact_def* def = nullptr;     ///< the fact or variable declaration
  value_set domain;                  ///< every value the dimension can take (absent only if possible)
  std::uint32_t time_source = npos;  ///< days_since / hours_since: the timestamp fact it counts from
};

/// The dimensions conditions are checked over: every input fact of the policy (derived `map`
/// facts excluded), then — for a flow — its variables.
class space {
 public:
  /// The request facts of `p`. Domains: enum → [0, n-1]; bool → [0, 1]; string → [-1, n-1]
  /// (-1 = any text the policy does not mention); int, money, duration, timestamp → all int64.
  /// Absent is in the domain when the fact is neither required nor defaulted (derived facts:
  /// when their source can be absent).
  explicit space(const policy& p);
  /// The request facts of `p`, then the variables of `flow`. A variable's domain is narrowed to
  /// the values the flow can give it: its default (or absent without one), every value a `set`
  /// effect writes, and any value for money variables a `record` effect writes.
  space(const policy& p, const flow_def& flow);

  std::size_t size() const noexcept { return dims_.size(); }
  const dimension& operator[](std::size_t i) const { return dims_[i]; }
  /// The dimension of condition fact index `fact` (after following `map` facts), or npos.
  std::size_t dimension_of(std::uint32_t fact) const noexcept;
  const policy& source() const noexcept { return *policy_; }

 private:
  const policy* policy_;
  std::vector<dimension> dims_;
  std::vector<std::size_t> dim_of_fact_;  // condition fact index → dimension (npos: none)
};

/// A product of one value set per dimension of a space.
struct box {
  std::vector<value_set> dims;

  bool empty() const noexcept;  ///< some dimension is empty
};

/// The whole space.
box full_box(const space& s);

/// The requests (or case states) satisfying every condition of `conditions`, as one box. A
/// condition on a `map` fact constrains its source enum; several conditions on one fact
/// intersect. May be empty (a guard that can never hold).
box box_of(const space& s, const std::vector<condition>& conditions);

/// The values of one condition alone on dimension `s.dimension_of(c.fact)`, within its domain.
value_set values_of(const space& s, const condition& c);

std::optional<box> intersect(const box& a, const box& b);  ///< empty optional when disjoint
/// True when `a` and `b` share a point (no allocation: for the hot loops of the analysis).
bool intersects(const box& a, const box& b) noexcept;

/// Appends `a \ b` to `out` as at most `dims` disjoint boxes (only dimensions `b` constrains
/// are split).
void subtract(const box& a, const box& b, std::vector<box>& out);

/// A union of disjoint boxes.
class region {
 public:
  region() = default;
  explicit region(box b);

  /// Removes `b` from every box. Returns false (and leaves the region as it was) when the result
  /// would hold more than `max_boxes` boxes.
  bool subtract(const box& b, std::size_t max_boxes);
  /// The part of the region inside `b`.
  region intersect(const box& b) const;

  bool empty() const noexcept { return boxes_.empty(); }
  const std::vector<box>& boxes() const noexcept { return boxes_; }

 private:
  std::vector<box> boxes_;
};

}  // namespace aftersale::analysis
