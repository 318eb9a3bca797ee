// SPDX-License-Identifier: Apache-2.0
#pragma once
// A strict JSON reader for snapshots: the whole text becomes one flat vector of nodes (a
// "tape"), with strings viewed in one decoded copy of the text, so restoring a case costs no
// allocation per value (and none at all once the thread's tape has grown). Strict: RFC 8259
// grammar, UTF-8 only, integers that fit in 64 bits, nesting at most `max_depth` deep. The
// grammar, escapes and UTF-8 are RapidJSON's SAX reader's job (tape.cpp). (A key
// twice in one object is refused by the reader, which compares each object's keys with the
// ones it expects anyway.)
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale::detail::snapshot {

struct node {
  enum class kind : std::uint8_t { null, boolean, integer, big_integer, fraction, string, array, object };
  kind type = kind::null;
  bool truth = false;       ///< boolean
  std::uint32_t end = 0;    ///< index just past this value and everything inside it
  std::uint32_t count = 0;  ///< array: elements; object: members
  std::int64_t number = 0;  ///< integer
  std::string_view text;    ///< string (decoded); integers and fractions as written
  std::string_view key;     ///< the member name, for a value directly inside an object
};

/// The parsed document; `nodes[0]` is the root. Views point into the source text or `decoded`.
struct tape {
  std::vector<node> nodes;
  std::string decoded;  ///< a copy of the text, its strings decoded in place (the views point here)
};

inline constexpr int max_depth = 32;

/// Parses `text` into `out`. @throws snapshot_error at `$`: `not valid JSON at byte N: why`.
void parse(std::string_view text, tape& out);

}  // namespace aftersale::detail::snapshot
