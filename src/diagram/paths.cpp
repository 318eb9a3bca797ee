// SPDX-License-Identifier: Apache-2.0
// Event sequences from the start state that together fire every reachable transition.
#include <aftersale/diagram.hpp>
#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>
#include <limits>

#include "analysis/flow_graph.hpp"

namespace aftersale {

namespace {

constexpr std::size_t unreached = std::numeric_limits<std::size_t>::max();

// Breadth-first tree from the start: distance of each state and the transition that first
// reached it (a shortest path to every state, read backwards).
struct bfs_tree {
  std::vector<std::size_t> distance;
  std::vector<std::uint32_t> via;  // transition index, npos for the start and unreached states
};

bfs_tree search_from_start(const flow_def& f) {
  const analysis::flow_graph g = analysis::make_flow_graph(f);
  bfs_tree tree{std::vector<std::size_t>(f.states.size(), unreached),
                std::vector<std::uint32_t>(f.states.size(), npos)};
  if (f.start >= f.states.size()) return tree;
  struct recorder : boost::default_bfs_visitor {
    bfs_tree* tree;
    void tree_edge(analysis::flow_edge_id e, const analysis::flow_graph& graph) const {
      const auto from = boost::source(e, graph), to = boost::target(e, graph);
      tree->distance[to] = tree->distance[from] + 1;
      tree->via[to] = graph[e].transition;
    }
  } visitor;
  visitor.tree = &tree;
  tree.distance[f.start] = 0;
  std::vector<boost::default_color_type> color(f.states.size(), boost::white_color);
  boost::breadth_first_search(g, static_cast<analysis::flow_vertex>(f.start),
                              boost::visitor(visitor).color_map(boost::make_iterator_property_map(
                                  color.begin(), boost::get(boost::vertex_index, g))));
  return tree;
}

}  // namespace

std::vector<std::uint32_t> uncoverable_transitions(const flow_def& f) {
  const bfs_tree tree = search_from_start(f);
  std::vector<std::uint32_t> out;
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    const std::uint32_t from = f.transitions[t].from;
    if (from >= tree.distance.size() || tree.distance[from] == unreached) out.push_back(t);
  }
  return out;
}

std::vector<covering_path> covering_paths(const policy& /*p*/, const flow_def& f) {
  const bfs_tree tree = search_from_start(f);
  const std::size_t n = f.transitions.size();
  std::vector<bool> covered(n, false);
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t from = f.transitions[t].from;
    if (from >= tree.distance.size() || tree.distance[from] == unreached)
      covered[t] = true;  // cannot be fired
  }
  // Uncovered transitions from each state, in written order.
  std::vector<std::vector<std::uint32_t>> from_state(f.states.size());
  for (std::uint32_t t = 0; t < n; ++t)
    if (!covered[t]) from_state[f.transitions[t].from].push_back(t);
  auto next_uncovered = [&](std::uint32_t state) -> std::uint32_t {
    for (std::uint32_t t : from_state[state])
      if (!covered[t]) return t;
    return npos;
  };

  std::vector<covering_path> paths;
  for (;;) {
    // The uncovered transition whose source is nearest the start; ties: written order.
    std::uint32_t pick = npos;
    for (std::uint32_t t = 0; t < n; ++t) {
      if (covered[t]) continue;
      if (pick == npos || tree.distance[f.transitions[t].from] < tree.distance[f.transitions[pick].from])
        pick = t;
    }
    if (pick == npos) break;
    covering_path path;
    for (std::uint32_t s = f.transitions[pick].from; s != f.start; s = f.transitions[tree.via[s]].from)
      path.transitions.push_back(tree.via[s]);
    std::reverse(path.transitions.begin(), path.transitions.end());
    // Then on through uncovered transitions from wherever it lands, while there are any.
    for (std::uint32_t t = pick; t != npos; t = next_uncovered(f.transitions[t].to)) {
      path.transitions.push_back(t);
      covered[t] = true;
    }
    for (std::uint32_t t : path.transitions) covered[t] = true;
    paths.push_back(std::move(path));
  }
  return paths;
}

}  // namespace aftersale
