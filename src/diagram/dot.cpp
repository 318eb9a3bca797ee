// SPDX-License-Identifier: Apache-2.0
// A flow as Graphviz DOT, through Boost.Graph's `write_graphviz` with property writers.
#include <aftersale/diagram.hpp>
#include <cctype>
#include <sstream>

#include "analysis/flow_graph.hpp"
#include "diagram/graphviz_writer.hpp"
#include "diagram/text.hpp"

namespace aftersale {

namespace {

// A DOT quoted string: `"` and `\` escaped, lines joined with DOT's `\n` (a literal newline
// or carriage return inside a label would be kept verbatim or break the layout).
std::string quoted(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\\n";
    for (char c : lines[i]) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          break;
        default:
          out += c;
      }
    }
  }
  return out + '"';
}

bool is_dot_keyword(std::string id) {
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return id == "node" || id == "edge" || id == "graph" || id == "digraph" || id == "subgraph" ||
         id == "strict";
}

// Node ids: the state id when it is a plain DOT identifier, else a generated one; the vertex
// after the states is the start marker.
std::vector<std::string> node_ids(const flow_def& f) {
  std::vector<std::string> ids;
  for (std::size_t s = 0; s < f.states.size(); ++s) {
    const std::string& id = f.states[s].id;
    bool plain = !id.empty() && !std::isdigit(static_cast<unsigned char>(id[0])) && !is_dot_keyword(id) &&
                 id.rfind("__", 0) != 0;
    for (char c : id) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    ids.push_back(plain ? id : "__state" + std::to_string(s));
  }
  ids.push_back("__start");
  return ids;
}

struct vertex_writer {
  const policy* p;
  const flow_def* f;
  const diagram_options* options;
  void operator()(std::ostream& out, analysis::flow_vertex v) const {
    if (v >= f->states.size()) {  // the start marker
      out << "[shape=point, width=0.15, label=\"\"]";
      return;
    }
    const state_def& s = f->states[v];
    out << "[label=" << quoted(analysis::state_label_lines(*p, s, *options));
    if (s.terminal) out << ", shape=doublecircle";
    if (v == f->start) out << ", penwidth=2";
    if (!options->highlight_state.empty() && s.id == options->highlight_state)
      out << ", style=\"rounded,filled\", fillcolor=\"#ffe9a8\"";
    out << ']';
  }
};

struct edge_writer {
  const policy* p;
  const flow_def* f;
  const analysis::flow_graph* g;
  const diagram_options* options;
  void operator()(std::ostream& out, analysis::flow_edge_id e) const {
    if (boost::source(e, *g) >= f->states.size()) {  // start marker → start state
      out << "[penwidth=2]";
      return;
    }
    const std::uint32_t t = (*g)[e].transition;
    if (t == analysis::reopen_edge) {
      out << "[label=\"reopen\", style=dotted]";
      return;
    }
    const transition_def& td = f->transitions[t];
    out << "[label=" << quoted(analysis::transition_label_lines(*p, *f, td, *options));
    if (td.trigger == trigger_kind::timer) out << ", style=dashed";
    if (td.trigger == trigger_kind::automatic) out << ", color=gray40, fontcolor=gray40";
    out << ']';
  }
};

struct graph_writer {
  const flow_def* f;
  void operator()(std::ostream& out) const {
    out << "label=" << quoted({"flow " + f->id}) << ";\n"
        << "labelloc=t;\nrankdir=LR;\n"
        << "node [shape=box, style=rounded, fontname=\"sans-serif\"];\n"
        << "edge [fontname=\"sans-serif\", fontsize=10];\n";
  }
};

}  // namespace

std::string flow_to_dot(const policy& p, const flow_def& f, const diagram_options& options) {
  analysis::flow_graph_options graph_options;
  graph_options.reopen_edges = options.show_reopen;
  analysis::flow_graph g = analysis::make_flow_graph(f, graph_options);
  const analysis::flow_vertex marker = boost::add_vertex(g);
  if (f.start < f.states.size()) boost::add_edge(marker, f.start, analysis::flow_edge{}, g);

  const std::vector<std::string> ids = node_ids(f);
  auto id_map = boost::make_iterator_property_map(ids.begin(), boost::get(boost::vertex_index, g));
  std::ostringstream out;
  boost::write_graphviz(out, g, vertex_writer{&p, &f, &options}, edge_writer{&p, &f, &g, &options},
                        graph_writer{&f}, id_map);
  return out.str();
}

}  // namespace aftersale
