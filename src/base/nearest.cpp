// SPDX-License-Identifier: Apache-2.0
#include "base/nearest.hpp"

#include <algorithm>
#include <cstdint>

namespace aftersale::detail {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance between `a` and `b` (three rows of the usual table).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::vector<std::string> nearest_names(std::string_view word, const std::vector<std::string>& candidates,
                                       std::size_t limit) {
  const std::size_t cutoff = std::max<std::size_t>(1, word.size() / 3);
  struct near {
    std::size_t distance;
    std::size_t order;
  };
  std::vector<near> found;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::string& c = candidates[i];
    const std::size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (gap > cutoff || c == word) continue;
    const std::size_t d = distance(word, c);
    if (d == 0 || d > cutoff || d >= word.size() || d >= c.size()) continue;
    found.push_back(near{d, i});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const near& a, const near& b) { return a.distance < b.distance; });
  std::vector<std::string> out;
  for (const near& n : found) {
    if (out.size() == limit) break;
    if (std::find(out.begin(), out.end(), candidates[n.order]) == out.end())
      out.push_back(candidates[n.order]);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::string> names = nearest_names(word, candidates, 3);
  if (names.empty()) return {};
  std::string out = "did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out += i + 1 == names.size() ? " or " : ", ";
    out += '`' + names[i] + '`';
  }
  return out + '?';
}

std::string with_did_you_mean(std::string message, std::string_view word,
                              const std::vector<std::string>& candidates) {
  const std::string hint = did_you_mean(word, candidates);
  return hint.empty() ? message : message + "; " + hint;
}

}  // namespace aftersale::detail
