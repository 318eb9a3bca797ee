// SPDX-License-Identifier: Apache-2.0
// Reads `protected:`: outcomes a platform policy guarantees and a store policy that extends it
// must not weaken (checked by the analysis, A410). Read after the tables, the entry table and the
// clocks, which the requirements name.
#include <algorithm>

#include "load/build_state.hpp"

namespace aftersale::load {

namespace {

// One id or a list of ids; `none` (parties only) stands for "nobody" and is stored as npos.
void read_one_of(build_state& s, const node& n, const std::vector<vocabulary_entry>& list,
                 std::string_view kind, bool allow_none, std::vector<std::uint32_t>& out) {
  std::vector<const node*> items;
  if (n.is_scalar()) {
    items.push_back(&n);
  } else if (s.r.expect(n, node::kind::sequence, "`" + std::string(kind) + "` of a protected outcome")) {
    for (const node& item : n.children) items.push_back(&item);
  }
  for (const node* item : items) {
    if (allow_none && item->is_scalar() && !item->quoted && item->value == "none") {
      out.push_back(npos);
      continue;
    }
    const std::uint32_t i = resolve_vocabulary(s, *item, list, kind);
    if (i != npos) out.push_back(i);
  }
}

void read_clock_requirements(build_state& s, const node& n, protected_outcome& o) {
  const std::string label = "`clocks` of protected outcome `" + o.id + "`";
  if (!s.r.expect(n, node::kind::mapping, label)) return;
  for (std::size_t i = 0; i < n.pairs(); ++i) {
    const node& k = n.key(i);
    const node& v = n.val(i);
    if (!s.r.expect(k, node::kind::scalar, "a clock id in " + label)) continue;
    protected_clock c;
    c.where = s.r.span(k);
    for (std::uint32_t j = 0; j < s.p.clocks.size(); ++j) {
      if (s.p.clocks[j].id == k.value) c.clock = j;
    }
    if (c.clock == npos && !quiet(s.broken_clocks, k.value)) {
      std::vector<std::string> names;
      for (const clock_def& d : s.p.clocks) names.push_back(d.id);
      s.r.error(error_code::unknown_id, k, "unknown clock `" + k.value + "` in " + label,
                suggest(k.value, names, "declared clocks: " + quote_list(names)));
    }
    if (!s.r.expect(v, node::kind::mapping, "the requirement on clock `" + k.value + "`")) continue;
    if (!s.r.check_keys(v, "the requirement on clock `" + k.value + "`", {"within"}, {"within"})) continue;
    auto within =
        read_within(s, *v.find("within"), "clock `" + k.value + "` of protected outcome `" + o.id + "`");
    if (within && c.clock != npos) {
      c.within = *within;
      o.clocks.push_back(std::move(c));
    }
  }
}

void read_one(build_state& s, const node& key, const node& decl) {
  protected_outcome o;
  o.id = s.r.id(key, "a protected outcome id").value_or(key.value);
  o.where = s.r.span(key);
  const std::string label = "protected outcome `" + o.id + "`";
  const bool dup = std::any_of(s.p.protected_outcomes.begin(), s.p.protected_outcomes.end(),
                               [&](const protected_outcome& other) { return other.id == o.id; });
  if (dup) {
    s.r.error(error_code::duplicate_id, key, "protected outcome `" + o.id + "` is declared twice",
              "give every protected outcome its own id");
  }
  if (!s.r.expect(decl, node::kind::mapping, label)) return;
  s.r.check_keys(decl, label,
                 {"description", "table", "when", "solution", "fee_payer", "clocks", "if_solution"});
  if (!decl.find("solution") && !decl.find("fee_payer") && !decl.find("clocks")) {
    s.r.error(error_code::missing_key, decl, label + " requires nothing",
              "write at least one of `solution`, `fee_payer`, `clocks`");
  }
  if (const node* d = decl.find("description"))
    o.description = s.r.text(*d, "the description of " + label).value_or("");
  o.table = s.p.info.entry;
  if (const node* t = decl.find("table"); t && s.r.expect(*t, node::kind::scalar, "`table` of " + label)) {
    o.table = npos;
    for (std::uint32_t j = 0; j < s.p.decisions.size(); ++j) {
      if (s.p.decisions[j].id == t->value) o.table = j;
    }
    if (o.table == npos &&
        std::find(s.table_names.begin(), s.table_names.end(), t->value) == s.table_names.end()) {
      s.r.error(error_code::unknown_id, *t, "unknown decision table `" + t->value + "` in " + label,
                suggest(t->value, s.table_names, "declared decision tables: " + quote_list(s.table_names)));
    }
  }
  if (const node* w = decl.find("when")) read_when(s, *w, "protected outcome `" + o.id + "`", o.scope);
  if (const node* n = decl.find("solution"))
    read_one_of(s, *n, s.p.vocabulary.solutions, "solutions", false, o.solutions);
  if (const node* n = decl.find("fee_payer"))
    read_one_of(s, *n, s.p.vocabulary.parties, "parties", true, o.fee_payers);
  if (const node* n = decl.find("clocks")) read_clock_requirements(s, *n, o);
  if (const node* n = decl.find("if_solution"))
    read_one_of(s, *n, s.p.vocabulary.solutions, "solutions", false, o.if_solutions);
  s.p.protected_outcomes.push_back(std::move(o));
}

}  // namespace

void read_protected(build_state& s, const node& section) {
  if (!s.r.expect(section, node::kind::mapping, "the `protected` section")) return;
  for (std::size_t i = 0; i < section.pairs(); ++i) read_one(s, section.key(i), section.val(i));
}

}  // namespace aftersale::load
