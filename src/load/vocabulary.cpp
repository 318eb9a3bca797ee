// SPDX-License-Identifier: Apache-2.0
// Reads `vocabulary:`: five lists of ids, each item a bare id or `{id, label}`.
#include <algorithm>
#include <string>
#include <unordered_set>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {
std::string singular(std::string_view kind) {
  if (kind == "parties") return "party";
  if (kind == "evidence") return "evidence kind";
  return std::string(kind.substr(0, kind.size() - 1));
}
}  // namespace

std::vector<std::string> ids_of(const std::vector<vocabulary_entry>& list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& e : list) out.push_back(e.id);
  return out;
}

bool within_budget(build_state& s, const node& at, std::size_t count, std::size_t limit,
                   std::string_view what, std::string_view field) {
  if (count <= limit) return true;
  s.r.error(
      error_code::over_budget, at,
      std::to_string(count) + " " + std::string(what) + " are more than the budget of " +
          std::to_string(limit),
      "split the policy, or raise `load_limits." + std::string(field) + "` for a generated policy you trust");
  return false;
}

std::uint32_t resolve_vocabulary(build_state& s, const node& n, const std::vector<vocabulary_entry>& list,
                                 std::string_view kind) {
  if (!s.r.expect(n, node::kind::scalar, "a reference to " + std::string(kind))) return npos;
  if (list.size() <= 16) {
    if (const std::uint32_t i = entry_index(list, n.value); i != npos) return i;
  } else {
    // Long lists: a hash map built on first use (the vocabulary is complete by then).
    auto& ids = s.vocabulary_ids[&list];
    if (ids.size() != list.size()) {
      ids.clear();
      for (std::uint32_t i = 0; i < list.size(); ++i) ids.emplace(list[i].id, i);
    }
    if (auto it = ids.find(n.value); it != ids.end()) return it->second;
  }
  // A list that could not be read at all (`kind:*`) or this entry was already reported.
  if (s.broken_vocabulary.count(std::string(kind) + ":*") == 0 &&
      s.broken_vocabulary.count(std::string(kind) + ':' + n.value) == 0) {
    s.r.error(
        error_code::unknown_id, n, "unknown " + singular(kind) + " `" + n.value + "`",
        suggest(n.value, ids_of(list), "declared " + std::string(kind) + ": " + quote_list(ids_of(list))));
  }
  return npos;
}

namespace {

void read_list(build_state& s, const node& n, std::string_view kind, std::vector<vocabulary_entry>& out) {
  const std::string what = "`vocabulary." + std::string(kind) + "`";
  if (!s.r.expect(n, node::kind::sequence, what)) {
    s.broken_vocabulary.insert(std::string(kind) + ":*");
    return;
  }
  if (!within_budget(s, n, n.children.size(), s.limits.max_enum_values, "entries of " + what,
                     "max_enum_values")) {
    s.broken_vocabulary.insert(std::string(kind) + ":*");
    return;
  }
  std::unordered_set<std::string> seen;  // a scan per entry would be quadratic in the list
  for (const node& item : n.children) {
    const node* id_node = &item;
    vocabulary_entry e;
    e.where = s.r.span(item);
    if (item.is_mapping()) {
      if (!s.r.check_keys(item, "an entry of " + what, {"id", "label"}, {"id"})) {
        if (const node* i = item.find("id"); i && i->is_scalar())
          s.broken_vocabulary.insert(std::string(kind) + ':' + i->value);
        continue;
      }
      id_node = item.find("id");
      if (const node* label = item.find("label")) {
        auto text = s.r.localized(*label, "the label of an entry of " + what);
        if (text) e.label = std::move(*text);
      }
    }
    auto id = s.r.id(*id_node, "an entry of " + what);
    if (!id) {
      if (id_node->is_scalar()) s.broken_vocabulary.insert(std::string(kind) + ':' + id_node->value);
      continue;
    }
    if (!seen.insert(*id).second) {
      s.r.error(error_code::duplicate_id, *id_node, "`" + *id + "` is declared twice in " + what,
                "remove one of the two entries");
      continue;
    }
    e.id = *id;
    out.push_back(std::move(e));
  }
}

// `escalation_ladder: [agent, specialist, supervisor]`: role ids, lowest first, each once.
void read_ladder(build_state& s, const node& n) {
  if (!s.r.expect(n, node::kind::sequence, "`vocabulary.escalation_ladder`")) return;
  std::vector<std::uint32_t>& ladder = s.p.vocabulary.escalation_ladder;
  std::vector<bool> on_ladder(s.p.vocabulary.roles.size());
  for (const node& item : n.children) {
    const std::uint32_t role = resolve_vocabulary(s, item, s.p.vocabulary.roles, "roles");
    if (role == npos) continue;
    if (on_ladder[role]) {
      s.r.error(error_code::duplicate_id, item, "role `" + item.value + "` is on the escalation ladder twice",
                "list each role once, lowest first");
      continue;
    }
    on_ladder[role] = true;
    ladder.push_back(role);
  }
}

}  // namespace

void read_vocabulary(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `vocabulary` section")) {
    for (const char* kind : {"solutions", "parties", "roles", "evidence", "flags"}) {
      s.broken_vocabulary.insert(std::string(kind) + ":*");
    }
    return;
  }
  s.r.check_keys(section, "`vocabulary`",
                 {"solutions", "parties", "roles", "evidence", "flags", "escalation_ladder"}, {"solutions"});
  vocabulary& v = s.p.vocabulary;
  if (const node* n = section.find("solutions")) read_list(s, *n, "solutions", v.solutions);
  if (const node* n = section.find("parties")) read_list(s, *n, "parties", v.parties);
  if (const node* n = section.find("roles")) read_list(s, *n, "roles", v.roles);
  if (const node* n = section.find("evidence")) read_list(s, *n, "evidence", v.evidence);
  if (const node* n = section.find("flags")) read_list(s, *n, "flags", v.flags);
  if (const node* n = section.find("escalation_ladder")) read_ladder(s, *n);
}

}  // namespace aftersale::load
