// SPDX-License-Identifier: Apache-2.0
// Vocabulary lookups by index and by id, shared by every room that shows or resolves an id.
#include <aftersale/model.hpp>

namespace aftersale {

std::string_view entry_id(const std::vector<vocabulary_entry>& list, std::uint32_t index) noexcept {
  return index < list.size() ? std::string_view(list[index].id) : std::string_view();
}

std::uint32_t entry_index(const std::vector<vocabulary_entry>& list, std::string_view id) noexcept {
  for (std::uint32_t i = 0; i < list.size(); ++i) {
    if (list[i].id == id) return i;
  }
  return npos;
}

}  // namespace aftersale
