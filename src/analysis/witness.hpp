// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turning a box of requests into one concrete request the real evaluator can be run on
// (internal).
#include <aftersale/analysis.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/request.hpp>
#include <optional>
#include <vector>

#include "analysis/region.hpp"

namespace aftersale::analysis {

/// One concrete request, as the evaluator takes it and as a finding prints it.
struct witness_request {
  aftersale::request request;  ///< input facts only (derived facts come from their sources)
  std::vector<witness_fact>
      facts;  ///< every dimension's value as text, derived facts included, in fact order
};

/// A request inside `b` (request-fact dimensions of `s` only; flow variables are ignored),
/// evaluated at `at`: each dimension takes `value_set::pick()` (or absent when that is all it
/// allows); `days_since` / `hours_since` facts are realised by choosing their source timestamp
/// so that, at `at`, every derived fact of that source lands in its set (trying the ends of
/// each derived interval as candidates, which is exact for intervals). Empty optional when the
/// box holds no realisable request (for example `days_since_delivery` present while
/// `delivered_at` must be absent).
std::optional<witness_request> realize(const space& s, const box& b, sys_seconds at);

/// Sets `wf.value` to `v` of fact `f` as the request format spells it (money in minor units),
/// and `wf.literal` for values JSON writes unquoted.
void set_request_text(witness_fact& wf, const fact_def& f, std::int64_t v);

/// The real evaluator's decision of `r` on table `table` of `p` at `at`, or nothing when it
/// refuses the request: how every check confirms a witness before showing it.
std::optional<decision> decide_witness(const policy& p, std::uint32_t table, const request& r,
                                       sys_seconds at);

/// `fact=value` texts for a box of a flow's space (request facts and variables), without
/// realising derived facts: for witnesses of guards.
std::vector<witness_fact> describe_point(const space& s, const box& b);

}  // namespace aftersale::analysis
