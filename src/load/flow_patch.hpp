// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: a store policy's `flows:` merged onto its base's (extends.cpp). A store flow that
// says `patch: true` changes the base's flow of the same id state by state and transition by
// transition (flow_patch.cpp); any other store flow replaces the base's whole, or is added.
#include <string>
#include <vector>

#include "load/reader.hpp"
#include "load/safe_yaml.hpp"

namespace aftersale::load {

/// Merges the store's `flows:` mapping `store` onto the base's `base` (both of the merged tree:
/// `files` names their files). `base_root` is the base policy's whole tree, for the clocks its
/// `protected:` outcomes require. Reports E242-E244 through `r`.
void merge_flows(reader& r, const std::vector<std::string>& files, const node& base_root, node& base,
                 const node& store);

}  // namespace aftersale::load
