// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Boost.Graph view of a flow (internal): vertex `i` is `flow_def::states[i]`, and each
// transition is one edge carrying its index into `flow_def::transitions`. Used by the flow
// checks (A400-A405) and by generated paths and diagrams.
//
// Boost.Graph 1.74 headers compile without warnings under -Wall -Wextra -Wpedantic here (they
// are system headers), so they are included directly.
#include <aftersale/model.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <vector>

namespace aftersale::analysis {

/// The transition index of an edge that stands for `reopen` (a terminal state back to the
/// flow's `reopen.to`), not for a written transition.
inline constexpr std::uint32_t reopen_edge = npos;

/// What an edge carries: the transition it stands for, or `reopen_edge`.
struct flow_edge {
  std::uint32_t transition = reopen_edge;
};

/// Directed, with in-edges (reverse reachability); parallel edges kept (one per transition).
using flow_graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, flow_edge>;
using flow_vertex = boost::graph_traits<flow_graph>::vertex_descriptor;
using flow_edge_id = boost::graph_traits<flow_graph>::edge_descriptor;

struct flow_graph_options {
  /// Adds one `reopen_edge` from every terminal state to `reopen.to` when the flow has one.
  bool reopen_edges = false;
  /// When not empty (one flag per transition), only transitions flagged true become edges.
  std::vector<bool> usable;
};

/// The graph of `f`: one vertex per state, then one edge per transition in written order.
flow_graph make_flow_graph(const flow_def& f, const flow_graph_options& options = {});

/// The states reachable from `from` (inclusive), one flag per state.
std::vector<bool> reachable_from(const flow_graph& g, flow_vertex from);

/// The states from which some state flagged in `targets` is reachable (inclusive).
std::vector<bool> reaching(const flow_graph& g, const std::vector<bool>& targets);

}  // namespace aftersale::analysis
