// SPDX-License-Identifier: Apache-2.0
#pragma once
// Boost.Graph's graphviz writer, included in one place (internal).
//
// Why the pragma: in Release builds g++ 12 warns -Wmaybe-uninitialized inside
// boost/graph/graphviz.hpp (its property-map and xpressive internals), a false positive in
// Boost's code that -Werror would turn into a failed build. Only this include is silenced. Not
// for clang (the fuzz build), which has no such warning and would reject the unknown name.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/graphviz.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
