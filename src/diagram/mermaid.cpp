// SPDX-License-Identifier: Apache-2.0
// A flow as a Mermaid `stateDiagram-v2`.
#include <aftersale/diagram.hpp>
#include <cctype>
#include <set>
#include <sstream>

#include "diagram/text.hpp"

namespace aftersale {

namespace {

// Mermaid reads `:` `;` `#` `%` quotes, braces and angle brackets as syntax even inside a
// label; its entity codes (`#58;`) render them as text. Lines are joined with `<br/>`.
std::string escaped(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "<br/>";
    for (char c : lines[i]) {
      switch (c) {
        case ':':
          out += "#58;";
          break;
        case ';':
          out += "#59;";
          break;
        case '#':
          out += "#35;";
          break;
        case '%':
          out += "#37;";
          break;
        case '"':
          out += "#quot;";
          break;
        case '\'':
          out += "#39;";
          break;
        case '{':
          out += "#123;";
          break;
        case '}':
          out += "#125;";
          break;
        case '<':
          out += "#lt;";
          break;
        case '>':
          out += "#gt;";
          break;
        case '\n':
          out += "<br/>";
          break;
        case '\r':
          break;
        default:
          out += c;
      }
    }
  }
  return out;
}

// Words of the state diagram grammar that cannot be state ids.
bool is_mermaid_keyword(const std::string& id) {
  static const std::set<std::string> words{
      "end",   "state", "note", "direction", "class", "classDef", "click", "style",    "as",      "left",
      "right", "of",    "TB",   "BT",        "LR",    "RL",       "hide",  "accTitle", "accDescr"};
  return words.count(id) != 0;
}

// `[A-Za-z0-9_]` ids, unique, never a keyword.
std::vector<std::string> sanitized_ids(const flow_def& f) {
  std::vector<std::string> ids;
  std::set<std::string> used;
  for (const state_def& s : f.states) {
    std::string id;
    for (char c : s.id) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "s_" + id;
    if (is_mermaid_keyword(id)) id += '_';
    const std::string base = id;
    for (int n = 2; used.count(id) != 0; ++n) id = base + '_' + std::to_string(n);
    used.insert(id);
    ids.push_back(id);
  }
  return ids;
}

}  // namespace

std::string flow_to_mermaid(const policy& p, const flow_def& f, const diagram_options& options) {
  const std::vector<std::string> ids = sanitized_ids(f);
  std::ostringstream out;
  out << "stateDiagram-v2\n";
  out << "  %% flow " << escaped({f.id}) << '\n';
  for (std::size_t s = 0; s < f.states.size(); ++s) {
    std::vector<std::string> lines = analysis::state_label_lines(p, f.states[s], options);
    // The id shows anyway; a description repeating only the id would be noise.
    if (lines.size() == 1 && ids[s] == f.states[s].id) {
      out << "  " << ids[s] << '\n';
    } else {
      out << "  " << ids[s] << " : " << escaped(lines) << '\n';
    }
  }
  if (f.start < f.states.size()) out << "  [*] --> " << ids[f.start] << '\n';
  for (const transition_def& t : f.transitions) {
    if (t.from >= f.states.size() || t.to >= f.states.size()) continue;
    out << "  " << ids[t.from] << " --> " << ids[t.to] << " : "
        << escaped(analysis::transition_label_lines(p, f, t, options)) << '\n';
  }
  if (options.show_reopen && f.reopen_to < f.states.size()) {
    for (std::size_t s = 0; s < f.states.size(); ++s)
      if (f.states[s].terminal) out << "  " << ids[s] << " --> " << ids[f.reopen_to] << " : reopen\n";
  }
  for (std::size_t s = 0; s < f.states.size(); ++s)
    if (f.states[s].terminal) out << "  " << ids[s] << " --> [*]\n";
  for (std::size_t s = 0; s < f.states.size(); ++s) {
    if (options.highlight_state.empty() || f.states[s].id != options.highlight_state) continue;
    out << "  classDef current fill:#ffe9a8,stroke:#b58900,stroke-width:2px\n"
        << "  class " << ids[s] << " current\n";
  }
  return out.str();
}

}  // namespace aftersale
