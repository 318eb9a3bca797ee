// SPDX-License-Identifier: Apache-2.0
// The Boost.Graph view of a flow and the two reachability questions the checks ask of it.
#include "analysis/flow_graph.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/visitors.hpp>

namespace aftersale::analysis {

flow_graph make_flow_graph(const flow_def& f, const flow_graph_options& options) {
  flow_graph g(f.states.size());
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    if (!options.usable.empty() && (t >= options.usable.size() || !options.usable[t])) continue;
    const transition_def& td = f.transitions[t];
    if (td.from >= f.states.size() || td.to >= f.states.size()) continue;  // never from the loader
    boost::add_edge(td.from, td.to, flow_edge{t}, g);
  }
  if (options.reopen_edges && f.reopen_to < f.states.size()) {
    for (std::uint32_t s = 0; s < f.states.size(); ++s) {
      if (f.states[s].terminal) boost::add_edge(s, f.reopen_to, flow_edge{reopen_edge}, g);
    }
  }
  return g;
}

namespace {

// Breadth-first search from every vertex flagged in `sources` over `g` (the flow graph or its
// reverse), recording what it discovers.
template <class Graph>
std::vector<bool> search(const Graph& g, const std::vector<bool>& sources) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<bool> seen(n, false);
  std::vector<boost::default_color_type> color(n, boost::white_color);
  auto colors = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, g));
  struct recorder : boost::default_bfs_visitor {
    std::vector<bool>* seen;
    void discover_vertex(typename boost::graph_traits<Graph>::vertex_descriptor v, const Graph&) const {
      (*seen)[v] = true;
    }
  } visitor;
  visitor.seen = &seen;
  boost::queue<typename boost::graph_traits<Graph>::vertex_descriptor> queue;
  for (std::size_t v = 0; v < n && v < sources.size(); ++v) {
    // Sources found by an earlier search are already black: searching them again adds nothing.
    if (sources[v] && color[v] == boost::white_color) {
      boost::breadth_first_visit(g, static_cast<typename boost::graph_traits<Graph>::vertex_descriptor>(v),
                                 queue, visitor, colors);
    }
  }
  return seen;
}

}  // namespace

std::vector<bool> reachable_from(const flow_graph& g, flow_vertex from) {
  std::vector<bool> sources(boost::num_vertices(g), false);
  if (from < sources.size()) sources[from] = true;
  return search(g, sources);
}

std::vector<bool> reaching(const flow_graph& g, const std::vector<bool>& targets) {
  return search(boost::make_reverse_graph(g), targets);
}

}  // namespace aftersale::analysis
