// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Loading policies from YAML.
///
///     std::shared_ptr<const aftersale::policy> p = aftersale::load_policy_file("policies/default.yaml");
///
/// Loading either returns a complete, immutable policy or throws `policy_error` with every
/// independent problem found, each as `file:line:col: error[CODE]: message`. It never
/// crashes on hostile input: anchors/aliases are refused, and documents over
/// `load_limits` are refused before they are walked.
#include <aftersale/model.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aftersale {

/// Bounds on what the loader accepts.
struct load_limits {
  std::size_t max_bytes = 16u << 20;  ///< document size
  std::size_t max_depth = 64;         ///< nesting of mappings and lists
  std::size_t max_nodes = 2'000'000;  ///< scalars + collections
  /// `extends:` links followed from the file loaded: a policy extending a base that extends a
  /// root is 2 deep; 0 refuses every `extends:`. Past it, the `extends:` of the file one link too
  /// deep is refused with E213. Bases are loaded one inside the other, so the limit also bounds
  /// the stack: 16 links load on a thread with a 1 MiB stack.
  std::size_t max_extends_depth = 16;

  // Budgets: what a valid policy may declare. Loading and analysing take time and memory in
  // proportion to these counts (never to the values written), so a document within `max_bytes`
  // cannot make the loader, `decide` or `lint` run away; past a budget, the count is refused
  // with E215 before anything proportional to it is built. Real policies stay far below: the
  // shipped default policy has a few hundred rules, enums of a few dozen values, a handful of
  // flows of a dozen states.

  /// Rules of all decision tables together. 100,000 rules load in a few seconds and index in a
  /// few hundred MB at most; a hand-written policy has hundreds.
  std::size_t max_rules = 100'000;
  /// Values of one enum fact or flow variable, entries of one `vocabulary` list. 500,000 values
  /// load in about a second; a real enum has dozens.
  std::size_t max_enum_values = 500'000;
  /// Flows of a policy; a real policy has a handful.
  std::size_t max_flows = 1'000;
  /// States of one flow, and distinct events of one flow: a flow's dispatch table has states ×
  /// events cells (at most 1,000,000, 4 MB, at the defaults); a real flow has a dozen of each.
  std::size_t max_flow_states = 1'000;
  std::size_t max_flow_events = 1'000;
};

/// Where `extends:` may read base policies from: a set of folders, each with everything below
/// it (docs/store-policies.md, "Where a base may live"). A base outside them is refused with
/// E216 before it is opened; paths are compared after resolving symbolic links and `..`, and
/// the base is then opened beneath its folder one component at a time without following links,
/// so neither a link nor a renamed folder can lead out.
///
///     aftersale::load_options o;
///     o.policy_paths = {"/srv/baseline"};  // uploaded store policies may extend only these
///     o.file_folder = false;
///     auto p = aftersale::load_policy_string(uploaded, "upload.yaml", {}, o);
struct load_options {
  /// Folders bases may be read from, like include paths: a relative `extends:` target is looked
  /// for next to the file that writes it, then in each of these in order; the first that exists
  /// is taken. A folder that does not exist is ignored.
  std::vector<std::string> policy_paths;
  /// `load_policy_file` only: the loaded file's own folder (and below) may be read from too. A
  /// server that validates uploaded files turns it off to allow exactly `policy_paths`. Text
  /// has no folder: `load_policy_string` reads bases from `policy_paths` only (none by default).
  bool file_folder = true;
};

/// Loads a policy file; its `extends:` may read from the file's own folder (and below) only.
/// @throws policy_error (E109 when the file cannot be read or is not a regular file: a
/// directory, a FIFO or a device is refused before it blocks or is read).
std::shared_ptr<const policy> load_policy_file(const std::string& path, const load_limits& limits = {});
/// The same, with the folders `extends:` may read from. @throws policy_error (E216: a base
/// outside them)
std::shared_ptr<const policy> load_policy_file(const std::string& path, const load_limits& limits,
                                               const load_options& options);

/// Loads a policy from text; `file_name` is used in diagnostics. Text has no folder of its own:
/// its `extends:` is refused (E216) unless the overload below names `policy_paths`.
/// @throws policy_error
std::shared_ptr<const policy> load_policy_string(std::string_view yaml,
                                                 const std::string& file_name = "<string>",
                                                 const load_limits& limits = {});
/// The same, with the folders `extends:` may read from (without them, text extends nothing: every
/// `extends:` is E216). @throws policy_error
std::shared_ptr<const policy> load_policy_string(std::string_view yaml, const std::string& file_name,
                                                 const load_limits& limits, const load_options& options);

/// One text of a policy's sources (`policy_sources`).
struct policy_source {
  /// How `extends:` finds the text: a base by the target the `extends:` that named it wrote, as
  /// written (`../default.yaml`); the policy's own text by its file name.
  std::string name;
  /// The file name its diagnostics show (for a base read from disk, its path as found there).
  std::string file;
  std::string text;  ///< the YAML, byte for byte
};

/// The texts a policy was loaded from, enough to load the same policy again without its files:
/// in another process or on another machine, where no compiled policy can travel (the Python
/// package pickles a policy as these; docs/scale.md).
///
///     aftersale::policy_sources s = aftersale::policy_sources_of(*store);  // store + its bases
///     // ... send s.texts and s.content_hash elsewhere ...
///     auto again = aftersale::load_policy_sources(s);  // same content hash, same decisions
struct policy_sources {
  /// The policy's own text first, then the base its `extends:` names, then that base's base, ...
  std::vector<policy_source> texts;
  /// The `policy_info::content_hash` of the policy the texts load; `load_policy_sources`
  /// refuses texts that load another policy (E238). 0: not checked.
  std::uint64_t content_hash = 0;
};

/// The texts `p` was loaded from (`policy::source` of `p` and of each of its bases) and its
/// content hash. For a policy built in code (no `source`), no texts.
policy_sources policy_sources_of(const policy& p);

/// Loads a policy from texts in memory: `texts[0]` as `load_policy_string` loads it (named by
/// its `file`), except that an `extends: X` of text `i` reads the first text after `i` whose
/// `name` is `X` instead of a file, with no disk and no `policy_paths` involved. The checks
/// and diagnostics are those of loading the files (E211, E213, E214, every section's, the
/// texts' `file` names in locations), and so is the content hash: the policy loaded from
/// `policy_sources_of(p)` equals `p`.
/// @throws policy_error: also E237 (an `extends:` names no text of the set), E238 (the texts load
/// a policy of another content hash than `sources.content_hash`), E239 (no texts, or a text
/// the policy does not read)
std::shared_ptr<const policy> load_policy_sources(const policy_sources& sources,
                                                  const load_limits& limits = {});

/// Builds the name lookups (`policy::build_lookups`) and `policy::compiled` (the decision
/// tables' indexes, the flows' dispatch lists) from the rest of `p`. The loader calls it; call
/// it on a policy built or changed in code before deciding with it or opening cases. Checks
/// nothing: the ids in `p` must be in range (the loader guarantees it for what it returns).
void compile_policy(policy& p);

}  // namespace aftersale
