// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: "did you mean" — the names nearest to a misspelt one, by edit distance.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::detail {

/// The candidates nearest to `word`, nearest first (ties keep the candidates' order), at most
/// `limit`, each once. Distance is optimal string alignment on bytes, ASCII letters compared
/// without case: inserting, deleting or replacing a character, or swapping two neighbours, costs 1.
/// A candidate is near enough when its distance is at most a third of `word`'s length (at least
/// 1) and smaller than both lengths, so `refnd` finds `refund` and `x` finds nothing. Candidates
/// equal to `word` are left out. Cost is bounded: a candidate whose length differs by more than
/// the cutoff is skipped without comparing.
std::vector<std::string> nearest_names(std::string_view word, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

/// `did you mean `a`?`, `did you mean `a` or `b`?`, `did you mean `a`, `b` or `c`?` for the
/// nearest names of `word` (`nearest_names` with limit 3); empty when none is near enough.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// `message; did you mean `a`?` for a message that has no help line of its own (refusals, the
/// errors of a case), or `message` alone when no candidate is near `word`.
std::string with_did_you_mean(std::string message, std::string_view word,
                              const std::vector<std::string>& candidates);

}  // namespace aftersale::detail
