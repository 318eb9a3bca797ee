// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: what the section readers share while one policy is being built. Each section
// reader adds its part to `p` and reports problems through `r`; nothing outside this
// state is touched, so a failed load leaves no trace.
#include <aftersale/load.hpp>
#include <aftersale/model.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "load/reader.hpp"
#include "load/safe_yaml.hpp"

namespace aftersale::load {

struct build_state {
  reader& r;
  policy& p;
  /// Names declared with a problem already reported: references to them stay quiet, so one
  /// mistake is reported once.
  std::set<std::string, std::less<>> broken_facts, broken_calendars, broken_clocks, broken_vocabulary;
  std::vector<std::string> calendar_names;                  ///< every declared calendar id, compiled or not
  std::vector<std::string> table_names;                     ///< every declared decision table id
  std::unordered_map<std::string, std::uint32_t> fact_ids;  ///< name → index into p.facts, as declared
  std::optional<std::uint32_t> default_calendar;
  bool default_calendar_named = false;  ///< `policy.calendar` was written (even if wrong)
  /// Rules' `then.flow` must name one of `flow_names`; the check is skipped only when a
  /// `flows:` section exists but is not a mapping (already reported; no cascade of errors).
  bool flow_names_known = true;
  std::vector<std::string> flow_names;  ///< every declared flow id, readable or not
  /// Enum values and string literals by name, per index into p.facts (`value_index`, facts.cpp):
  /// an enum may declare many values, and a look-up per condition must not scan them. A flow's
  /// variables drop their entries when they leave p.facts (flows.cpp).
  std::unordered_map<std::uint32_t, std::unordered_map<std::string, std::int64_t>> value_ids;
  /// Vocabulary ids by name, per list (`resolve_vocabulary`), built on first use once the
  /// vocabulary is read.
  std::unordered_map<const void*, std::unordered_map<std::string, std::uint32_t>> vocabulary_ids;
  /// The budgets of `load_limits` (rules, enum values, flows, states: E215).
  const load_limits& limits;
};

/// E215 at `at` when `count` `what` (plural, as the message says it) is more than `limit`, the
/// budget `load_limits.<field>`; true when within budget. Called as soon as a count is known,
/// before anything proportional to it is built.
bool within_budget(build_state& s, const node& at, std::size_t count, std::size_t limit,
                   std::string_view what, std::string_view field);

/// True when references to `name` must stay quiet: it, or its whole section (`*`), was
/// already reported.
inline bool quiet(const std::set<std::string, std::less<>>& broken, std::string_view name) {
  return broken.count(name) != 0 || broken.count("*") != 0;
}

/// The index of a declared fact, or npos.
inline std::uint32_t fact_id(const build_state& s, const std::string& name) {
  auto it = s.fact_ids.find(name);
  return it == s.fact_ids.end() ? npos : it->second;
}

/// Looks `n` up in a vocabulary list; E200 naming the declared ids when it is not there.
/// `kind` is the plural list name (`solutions`). Returns npos after reporting.
std::uint32_t resolve_vocabulary(build_state& s, const node& n, const std::vector<vocabulary_entry>& list,
                                 std::string_view kind);

/// The ids of a vocabulary list, a fact list, ... for `help:` lines.
std::vector<std::string> ids_of(const std::vector<vocabulary_entry>& list);

// Section readers, each tolerant of errors in the others.
void read_vocabulary(build_state& s, const node& section);
void read_facts(build_state& s, const node& section);  ///< after calendars (derived facts name them)
void read_calendars(build_state& s, const node& section);
void read_clocks(build_state& s, const node* section);
void read_decisions(build_state& s, const node& section);
void read_flows(build_state& s, const node& section);  ///< last: flows refer to every other section

/// A duration written as exactly one of `seconds`, `minutes`, `hours`, `days`,
/// `business_minutes`, `business_hours`, `business_days` (a clock's `within`, a timer's
/// `after`); `key` names the mapping in messages.
std::optional<clock_duration> read_within(build_state& s, const node& n, const std::string& label,
                                          std::string_view key = "within");

/// A value of fact `fact` written in a condition or a default; enum values become indexes,
/// string literals are added to the fact's values, decimals are scaled. Reports E202/E108, E231
/// (too many decimal digits) or E229 (outside the fact's `min`/`max`; `what` starts that message:
/// "`default` of fact `x` is ...") and returns nothing.
std::optional<std::int64_t> read_fact_value(build_state& s, std::uint32_t fact, const node& n,
                                            std::string_view what = "a value of");

/// Reads `type` and, for enums, `values` of a fact or flow variable declaration into `f`;
/// `noun` (`fact`, `variable`) words the messages. False when they are not usable.
bool read_type_and_values(build_state& s, const node& decl, const std::string& label, std::string_view noun,
                          fact_def& f);

/// The conditions of one `when:` cell (normally one; none for `any`).
void read_condition(build_state& s, std::uint32_t fact, const node& cell, std::vector<condition>& out);

/// The conditions of a `when:` mapping (fact name → cell) of `owner` (`rule `x``,
/// `protected outcome `x``, as it reads in messages).
void read_when(build_state& s, const node& when, const std::string& owner, std::vector<condition>& out);

/// `intended_gaps:` of table `t`: a list of `{when, reason}` (intended_gaps.cpp).
void read_intended_gaps(build_state& s, const node& list, decision_table& t);

/// The `amounts:` mapping of a rule outcome.
void read_amounts(build_state& s, const node& section, std::vector<amount_rule>& out);

/// `protected:` outcomes; after the tables, the entry table and the clocks (protected.cpp).
void read_protected(build_state& s, const node& section);

/// One policy file loaded: its tree after merging onto its bases, the names of the files its
/// nodes come from (`node::file`; the policy's own first) and the compiled policy.
struct loaded_tree {
  node root;
  std::vector<std::string> files;
  std::shared_ptr<const policy> result;
};

/// Where `extends:` reads bases from: the folders of a disk, or a set of texts in memory.
struct base_lookup {
  /// Disk: the canonical folders bases may be read from (`policy_roots`).
  std::vector<std::string> roots;
  /// Memory (`load_policy_sources`): the texts; `roots` is then unused and no file is opened.
  const policy_sources* texts = nullptr;
  /// Memory: the index in `texts` of the text being loaded (its base is looked for after it).
  std::size_t self = 0;
};

/// Loads a policy from text (load.cpp); `chain` holds the files that extend this one, outermost
/// first, to refuse cycles; `bases` where its `extends:` may read from.
/// @throws policy_error
loaded_tree load_tree(std::string_view text, const std::string& file, const load_limits& limits,
                      const std::vector<std::string>& chain, const base_lookup& bases);

/// `load_tree` on a tree already parsed from `text` (extends.cpp parses a base to check that
/// it is a policy before loading it). @throws policy_error
loaded_tree load_parsed(node root, std::string_view text, const std::string& file, const load_limits& limits,
                        const std::vector<std::string>& chain, const base_lookup& bases);

/// The text of `bases.texts` that `extends: target` of text `bases.self` names: the first after
/// it named `target` (sources.cpp); nullptr when there is none (the caller reports E237).
const policy_source* find_source(const base_lookup& bases, std::string_view target, std::size_t& at);

/// The folders `extends:` may read from when loading `file` (nullptr: text, which has no folder):
/// `options.policy_paths` that exist and, for a file with `options.file_folder`, the file's own
/// folder; each canonical (symbolic links and `..` resolved), so that containment is a prefix
/// test (extends.cpp).
std::vector<std::string> policy_roots(const load_options& options, const std::string* file);

/// When `root` (a policy read from `files[0]`) has `extends:`, loads the base and replaces `root`
/// by the store merged onto the base's tree, appending the base's files to `files` (extends.cpp).
/// On disk the base must lie below one of `bases.roots` (E216) and is read beneath it, so that
/// neither a symbolic link nor `..` leads out; in memory it is a later text of `bases.texts`
/// (E237). Returns the base; nullptr after reporting through `r` (E107-E109, E202, E211-E214,
/// E216, E237, E200) or with the base's own diagnostics in `base_errors`, or when there is no
/// `extends`.
std::shared_ptr<const policy> extend(node& root, std::vector<std::string>& files, const load_limits& limits,
                                     const std::vector<std::string>& chain, const base_lookup& bases,
                                     reader& r, std::vector<diagnostic>& base_errors);

}  // namespace aftersale::load
