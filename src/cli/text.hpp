// SPDX-License-Identifier: Apache-2.0
#pragma once
// Terminal text helpers: display width of UTF-8 text (CJK is two columns wide),
// word wrapping and padding, so tables stay aligned with Chinese labels in them.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::cli {

/// Columns `text` takes in a terminal: East Asian wide characters count 2, combining marks 0.
std::size_t display_width(std::string_view text);

/// Splits `text` into lines of at most `width` columns, breaking at spaces, or anywhere
/// inside words longer than a line (CJK text has no spaces). Never returns an empty list.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

/// `text` followed by spaces up to `width` columns.
std::string pad(std::string_view text, std::size_t width);

}  // namespace aftersale::cli
