// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Diagrams of a flow (Graphviz DOT, Mermaid, SVG) and generated event sequences that cover
/// every transition of a flow, written out as a policy test skeleton.
///
///     auto p = aftersale::load_policy_file("policies/default.yaml");
///     const aftersale::flow_def& f = p->flows[*p->find_flow("refund_before_picking")];
///     std::string dot = aftersale::flow_to_dot(*p, f, {});          // `dot -Tsvg` renders it
///     std::string mmd = aftersale::flow_to_mermaid(*p, f, {});      // stateDiagram-v2
///     std::vector<aftersale::covering_path> paths = aftersale::covering_paths(*p, f);
///     std::string yaml = aftersale::paths_to_test_skeleton(*p, f, paths, {"../default.yaml"});
///
/// States are drawn with their labels, the start state is marked (an arrow from a dot, `[*]`
/// in Mermaid), terminal states are double circles (`--> [*]` in Mermaid). Transitions carry
/// their event, guard (condition texts joined with ` and `) and allowed roles; automatic
/// transitions are labelled `auto`, timer transitions are dashed and labelled `after 2d` or
/// `after <clock id>`. docs/diagrams.md shows the output for a shipped flow.
#include <aftersale/error.hpp>
#include <aftersale/model.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace aftersale {

/// Which state labels a diagram shows.
enum class diagram_labels : std::uint8_t {
  agent,     ///< the agent-facing label
  customer,  ///< the customer-facing label
  both,      ///< agent label, then the customer label
  none,      ///< state ids only
};

struct diagram_options {
  /// Locale of the labels (`zh`, `en`); empty: the policy's `locale`. A label without it falls
  /// back to the policy's `locale`, then to its first text (`policy::text`).
  std::string locale;
  diagram_labels labels = diagram_labels::both;
  bool show_guards = true;  ///< the guard's condition texts on transitions
  bool show_roles = true;   ///< the roles allowed to send an event
  /// Also draws `reopen` (dotted) from every terminal state to the flow's `reopen.to`.
  bool show_reopen = false;
  /// A state to mark as the current one (a case's state): filled in DOT, class `current` in
  /// Mermaid. Empty, or an id the flow does not have: nothing is marked.
  std::string highlight_state;
};

/// The flow as a Graphviz `digraph` (UTF-8), written with Boost.Graph's graphviz writer.
/// Labels are escaped (quotes, backslashes, newlines), so any policy text gives valid DOT.
std::string flow_to_dot(const policy& p, const flow_def& f, const diagram_options& options = {});

/// The flow as a Mermaid `stateDiagram-v2`. State ids are sanitised to `[A-Za-z0-9_]` (and kept
/// unique); labels have the characters Mermaid reads as syntax (`:` `;` `#` quotes, braces,
/// angle brackets) written as HTML entity codes (`#58;`).
std::string flow_to_mermaid(const policy& p, const flow_def& f, const diagram_options& options = {});

/// `dot` (Graphviz) could not render a diagram: it is not installed, or it failed.
class graphviz_error : public error {
 public:
  graphviz_error(bool not_found, const std::string& message) : error(message), not_found_(not_found) {}
  /// True when no `dot` executable was found on `PATH`.
  bool not_found() const noexcept { return not_found_; }

 private:
  bool not_found_;
};

/// The flow rendered as SVG by running Graphviz's `dot -Tsvg` (found on `PATH`) on `flow_to_dot`.
/// @throws graphviz_error when `dot` is not on `PATH` ("graphviz `dot` was not found on PATH;
/// install it (Debian: apt-get install graphviz) or use --format dot|mermaid") or when it fails
/// (its exit status and error output).
std::string flow_to_svg(const policy& p, const flow_def& f, const diagram_options& options = {});

/// One event sequence from the flow's start state: indexes into `flow_def::transitions`, each
/// leaving the state the previous one entered (the first leaves `flow_def::start`).
struct covering_path {
  std::vector<std::uint32_t> transitions;
};

/// Short paths from the start state that together fire every transition whose source state is
/// reachable (guards are not evaluated: a path is a walk on the flow's graph). Built greedily
/// with a breadth-first search from the start: take the uncovered transition whose source is
/// nearest the start (ties: written order), walk a shortest path to its source, fire it, then
/// keep firing uncovered transitions from where it lands while there are any.
std::vector<covering_path> covering_paths(const policy& p, const flow_def& f);

/// The transitions no path can fire because their source state is unreachable from the start,
/// in written order.
std::vector<std::uint32_t> uncoverable_transitions(const flow_def& f);

struct skeleton_options {
  /// The `policy:` key as written (relative to the test file's directory).
  std::string policy_path;
  /// The pinned `now:` of the file (a placeholder the author adjusts).
  std::string now = "2026-01-07T12:00:00+08:00";
  /// Locale of the state labels quoted in comments.
  std::string locale;
};

/// A policy test file (`aftersale test` format, docs/testing.md) with one flow case per path,
/// named `path N: a -> b -> c`: the request facts the path's guards mention (and the required
/// ones) with placeholder values marked `# TODO`, one step per event (`as:` the first allowed
/// role, a `payload:` for the variables the guards read) or timer (`advance:` to a placeholder
/// time), automatic transitions as comments, and `expect: {state: ...}` after every step.
/// Placeholder values satisfy the path's guards when one value can; the text is valid YAML.
std::string paths_to_test_skeleton(const policy& p, const flow_def& f,
                                   const std::vector<covering_path>& paths, const skeleton_options& options);

}  // namespace aftersale
