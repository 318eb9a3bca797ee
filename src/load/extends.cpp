// SPDX-License-Identifier: Apache-2.0
// `extends:`: a store policy written on top of a base policy. The base is loaded on its own
// (recursively: a base may extend another, up to `load_limits::max_extends_depth` links, which
// also bounds the stack: nothing large lives in a frame), then the store's YAML tree is merged onto the
// base's tree and the merged tree is built like any policy. Every node remembers its file, so
// a diagnostic points into the store or the base, wherever the text was written.
//
// Merge rules (docs/store-policies.md): the store's `policy` keys replace the base's (the entry
// table stays the base's); vocabulary lists are extended; facts, calendars, clocks and flows are
// added, or replaced whole by id (a fact keeps its type and, for an enum, every base value);
// a table of the base gets the store's rules: same id = the base rule replaced in place, a new
// rule goes where `before:` / `after:` says, else ahead of the base's rules; `protected`
// outcomes are added, never redefined.
#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <map>

#include "base/bounded_file.hpp"
#include "load/build_state.hpp"
#include "load/flow_patch.hpp"
#include "load/tree_edit.hpp"

namespace aftersale::load {

namespace {

namespace fs = std::filesystem;

void shift_files(node& n, std::uint16_t offset) {
  n.file = static_cast<std::uint16_t>(n.file + offset);
  for (node& c : n.children) shift_files(c, offset);
}

// Same YAML text up to layout, ignoring the mapping keys in `skip` at the top level.
bool same_tree(const node& a, const node& b, std::initializer_list<std::string_view> skip = {}) {
  if (a.what != b.what) return false;
  if (a.is_scalar()) return a.value == b.value && a.quoted == b.quoted;
  if (a.is_sequence()) {
    if (a.children.size() != b.children.size()) return false;
    for (std::size_t i = 0; i < a.children.size(); ++i)
      if (!same_tree(a.children[i], b.children[i])) return false;
    return true;
  }
  if (!a.is_mapping()) return true;
  auto skipped = [&](const node& k) {
    return k.is_scalar() && std::find(skip.begin(), skip.end(), k.value) != skip.end();
  };
  std::size_t kept = 0;
  for (std::size_t i = 0; i < a.pairs(); ++i) {
    if (skipped(a.key(i))) continue;
    ++kept;
    const node* other = a.key(i).is_scalar() ? b.find(a.key(i).value) : nullptr;
    if (!other || !same_tree(a.val(i), *other)) return false;
  }
  std::size_t kept_b = 0;
  for (std::size_t i = 0; i < b.pairs(); ++i) kept_b += skipped(b.key(i)) ? 0 : 1;
  return kept == kept_b;
}

struct merger {
  reader& r;
  const std::vector<std::string>& files;  // names of the merged tree's files (store first)
  // What the base's protected scopes read: the facts named in their `when` and, through
  // `derived:`, the facts and calendars those are computed from, each with the protected
  // outcome that needs it. A store redefining one would change the scope itself, and the
  // analysis (which reads the scope with the merged definitions) could not see the weakening.
  std::map<std::string, std::string> guarded_facts;
  std::map<std::string, std::string> guarded_calendars;

  void guard(const node& base_root) {
    const node* prot = base_root.find("protected");
    const node* facts = base_root.find("facts");
    if (!prot || !prot->is_mapping()) return;
    for (std::size_t i = 0; i < prot->pairs(); ++i) {
      const node* when = prot->val(i).is_mapping() ? prot->val(i).find("when") : nullptr;
      if (!when || !when->is_mapping()) continue;
      for (std::size_t j = 0; j < when->pairs(); ++j) {
        // Follow the derivation chain (bounded: a loop is the builder's error to report).
        std::string f = when->key(j).value;
        for (std::size_t steps = 0; steps < 64 && !f.empty(); ++steps) {
          if (!guarded_facts.emplace(f, prot->key(i).value).second && steps > 0) break;
          const node* decl = facts && facts->is_mapping() ? facts->find(f) : nullptr;
          const node* derived = decl && decl->is_mapping() ? decl->find("derived") : nullptr;
          f.clear();
          if (!derived || !derived->is_mapping()) break;
          if (const node* cal = derived->find("calendar"); cal && cal->is_scalar())
            guarded_calendars.emplace(cal->value, prot->key(i).value);
          for (const char* k : {"days_since", "hours_since", "map"})
            if (const node* src = derived->find(k); src && src->is_scalar()) f = src->value;
        }
      }
    }
  }

  // A store redefining what a protected scope reads must leave its meaning as it is.
  void check_guarded(const std::map<std::string, std::string>& guarded, const char* what, const node& key,
                     const node& old, const node& decl) {
    const auto it = guarded.find(key.value);
    if (it == guarded.end()) return;
    if (std::string_view(what) == "calendar") {
      // Counting dates reads only the time zone: working hours and holidays may change.
      const node* a = old.is_mapping() ? old.find("time_zone") : nullptr;
      const node* b = decl.is_mapping() ? decl.find("time_zone") : nullptr;
      if (a && b && same_tree(*a, *b)) return;
    } else if (same_tree(old, decl, {"description", "values"}) &&
               (!old.find("values") || (decl.find("values") && decl.find("values")->is_sequence()))) {
      // Descriptions may change; an enum may gain values (its base values are checked as E202).
      return;
    }
    r.error(error_code::override_refused, key,
            std::string(what) + " `" + key.value + "` is read by the base's protected outcome `" +
                it->second + "` (" + where_text(files, old) + "); a store policy cannot change its meaning",
            std::string_view(what) == "calendar" ? "keep the base's `time_zone` (hours and holidays may "
                                                   "change), or declare a new calendar for the "
                                                   "store's own clocks"
                                                 : "keep the base's definition (only `description` and new "
                                                   "enum values may change), or declare a new "
                                                   "fact under another name for the store's own rules");
  }

  // Sections of declarations by id (calendars, clocks, flows): add, or replace whole.
  void by_id(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;  // the builder reports the wrong kind, in the store
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) put(base, store.key(i), store.val(i));
  }

  void policy_header(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;
      return;
    }
    for (const char* key : {"id", "version"}) {  // the builder checks the rest of the merged header
      if (!store.find(key)) {
        r.error(error_code::missing_key, store,
                "missing key `" + std::string(key) + "` in `policy` of a store policy",
                "a store policy names its own `id` and `version`");
      }
    }
    const node* base_entry = base.find("entry");
    if (const node* e = store.find("entry");
        e && base_entry && !(e->is_scalar() && base_entry->is_scalar() && e->value == base_entry->value)) {
      r.error(error_code::override_refused, *e,
              "a store policy cannot change the entry table `" + base_entry->value + "` of its base",
              "remove `entry` (the base's table is the entry), or override its rules by id");
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      if (store.key(i).value != "entry") put(base, store.key(i), store.val(i));
    }
  }

  void vocabulary(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      node* list = find_mut(base, k.value);
      // Lists grow (a repeated id is an E201 at the store's entry); the ladder is replaced whole.
      if (list && list->is_sequence() && store.val(i).is_sequence() && k.value != "escalation_ladder") {
        for (const node& item : store.val(i).children) list->children.push_back(item);
      } else {
        put(base, k, store.val(i));
      }
    }
  }

  void facts(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      const node& decl = store.val(i);
      const node* old = base.find(k.value);
      if (old && old->is_mapping() && decl.is_mapping()) check_fact_override(k.value, *old, decl);
      if (old) check_guarded(guarded_facts, "fact", k, *old, decl);
      put(base, k, decl);
    }
  }

  void check_fact_override(const std::string& name, const node& old, const node& decl) {
    const node* old_type = old.find("type");
    const node* new_type = decl.find("type");
    if (!old_type || !new_type || !old_type->is_scalar() || !new_type->is_scalar()) return;
    if (old_type->value != new_type->value) {
      r.error(error_code::type_mismatch, *new_type,
              "fact `" + name + "` is `" + old_type->value + "` in the base (" +
                  where_text(files, *old_type) + "); a store policy cannot change its type to `" +
                  new_type->value + "`",
              "keep `type: " + old_type->value + "`, or declare a new fact under another name");
      return;
    }
    const node* old_values = old.find("values");
    const node* new_values = decl.find("values");
    if (old_type->value != "enum" || !old_values || !new_values || !old_values->is_sequence() ||
        !new_values->is_sequence()) {
      return;
    }
    std::vector<std::string> dropped;
    for (const node& v : old_values->children) {
      const bool kept = std::any_of(new_values->children.begin(), new_values->children.end(),
                                    [&](const node& w) { return w.value == v.value; });
      if (!kept) dropped.push_back(v.value);
    }
    if (!dropped.empty()) {
      r.error(error_code::type_mismatch, *new_values,
              "fact `" + name + "` drops " + quote_list(dropped) + " of its base values (" +
                  where_text(files, *old_values) + ")",
              "a store policy may add enum values, not remove them: the base's rules use them");
    }
  }

  static std::string hit_policy_of(const node& table) {
    const node* h = table.find("hit_policy");
    return h && h->is_scalar() ? h->value : "first";
  }

  void decisions(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      node* old = find_mut(base, k.value);
      if (!old || !old->is_mapping() || !store.val(i).is_mapping()) {
        put(base, k, store.val(i));
        continue;
      }
      table(*old, k.value, store.val(i));
    }
  }

  void table(node& base, const std::string& id, const node& store) {
    if (const node* h = store.find("hit_policy"); h && h->is_scalar() && h->value != hit_policy_of(base)) {
      r.error(error_code::override_refused, *h,
              "a store policy cannot change the hit policy of table `" + id + "` (`" + hit_policy_of(base) +
                  "` in the base)",
              "keep the base's hit policy, or declare a table of your own");
    }
    // The aggregate is part of what the table answers, like its hit policy: a store may not
    // add, drop or change it (a base's `sum` of compensations must not become a `max`).
    if (const node* a = store.find("aggregate");
        a && aggregate_of(a) != aggregate_of(base.find("aggregate"))) {
      r.error(error_code::override_refused, *a,
              "a store policy cannot change the aggregate of table `" + id + "`" +
                  (base.find("aggregate") ? std::string() : " (the base aggregates nothing)"),
              "keep the base's aggregate, or declare a table of your own");
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      node* old_rules = find_mut(base, "rules");
      if (k.value == "hit_policy" || k.value == "aggregate") continue;
      if (k.value == "rules" && old_rules && old_rules->is_sequence() && store.val(i).is_sequence()) {
        rules(*old_rules, id, store.val(i));
      } else {
        put(base, k, store.val(i));
      }
    }
  }

  // An `aggregate:` mapping as comparable text (`op=sum;output=x;`, keys sorted); "" when absent.
  static std::string aggregate_of(const node* n) {
    if (!n) return "";
    if (!n->is_mapping()) return show(*n);
    std::map<std::string, std::string> pairs;
    for (std::size_t i = 0; i < n->pairs(); ++i) {
      if (n->key(i).is_scalar() && n->val(i).is_scalar()) pairs[n->key(i).value] = n->val(i).value;
    }
    std::string out;
    for (const auto& [k, v] : pairs) out += k + '=' + v + ';';
    return out;
  }

  static std::string rule_id(const node& rule) {
    const node* id = rule.is_mapping() ? rule.find("id") : nullptr;
    return id && id->is_scalar() ? id->value : std::string();
  }

  static std::size_t index_of(const node& list, const std::string& id) {
    for (std::size_t i = 0; i < list.children.size(); ++i) {
      if (!id.empty() && rule_id(list.children[i]) == id) return i;
    }
    return list.children.size();
  }

  // A base rule marked `safeguard: true` stays one when a store overrides it (A418 keeps
  // warning about store rules placed ahead of it); `safeguard: false` there is E245.
  void keep_safeguard(const node& old, node& rule, const std::string& table_id) {
    const node* was = old.is_mapping() ? old.find("safeguard") : nullptr;
    if (!was || !was->is_scalar() || was->value != "true" || !rule.is_mapping()) return;
    const node* now = rule.find("safeguard");
    if (!now) {
      rule.children.push_back(*find_key(old, "safeguard"));
      rule.children.push_back(*was);
    } else if (now->is_scalar() && now->value == "false") {
      r.error(error_code::safeguard_dropped, *now,
              "rule `" + rule_id(rule) + "` of table `" + table_id + "` is a safeguard of the base (" +
                  where_text(files, *was) + "); a store policy cannot unmark it",
              "remove `safeguard: false`: the override stays a safeguard, and lint warns about store rules "
              "placed ahead of it");
    }
  }

  static const node* find_key(const node& map, std::string_view key) {
    for (std::size_t i = 0; i + 1 < map.children.size(); i += 2)
      if (map.children[i].is_scalar() && map.children[i].value == key) return &map.children[i];
    return nullptr;
  }

  void rules(node& base, const std::string& table_id, const node& store) {
    struct placed {
      node rule;
      node anchor;
      bool before;
    };
    std::vector<node> front;
    std::vector<placed> anchored;
    std::vector<std::string> overridden;
    for (node rule : store.children) {
      node before_key, after_key;
      std::optional<node> before = rule.is_mapping() ? take(rule, "before", before_key) : std::nullopt;
      std::optional<node> after = rule.is_mapping() ? take(rule, "after", after_key) : std::nullopt;
      const std::string id = rule_id(rule);
      const std::size_t at = index_of(base, id);
      if (at < base.children.size()) {
        if (std::find(overridden.begin(), overridden.end(), id) != overridden.end()) {
          r.error(error_code::duplicate_id, *rule.find("id"),
                  "rule `" + id + "` overrides the base rule of that id twice in table `" + table_id + "`",
                  "keep one of the two overrides");
          continue;
        }
        overridden.push_back(id);
        if (before || after) {
          r.error(error_code::override_refused, before ? before_key : after_key,
                  "rule `" + id + "` overrides the base rule of that id, which keeps its place in table `" +
                      table_id + "`",
                  "remove `before`/`after`, or give the rule a new id to place it elsewhere");
        }
        keep_safeguard(base.children[at], rule, table_id);
        base.children[at] = rule;
        continue;
      }
      if (before && after) {
        r.error(error_code::override_refused, after_key, "rule `" + id + "` has both `before` and `after`",
                "place a new rule with one of them");
        continue;
      }
      if (before || after) {
        const node& anchor = before ? *before : *after;
        if (r.expect(anchor, node::kind::scalar, before ? "`before`" : "`after`")) {
          anchored.push_back(placed{std::move(rule), anchor, before.has_value()});
        }
        continue;
      }
      front.push_back(std::move(rule));
    }
    base.children.insert(base.children.begin(), front.begin(), front.end());
    for (placed& p : anchored) {
      const std::size_t at = index_of(base, p.anchor.value);
      if (at == base.children.size()) {
        std::vector<std::string> ids;
        for (const node& rule : base.children) ids.push_back(rule_id(rule));
        r.error(error_code::unknown_id, p.anchor,
                "unknown rule `" + p.anchor.value + "` in table `" + table_id + "` to place rule `" +
                    rule_id(p.rule) + "` " + (p.before ? "before" : "after"),
                suggest(p.anchor.value, ids, "rules of the table: " + quote_list(ids)));
        continue;
      }
      base.children.insert(base.children.begin() + static_cast<std::ptrdiff_t>(at + (p.before ? 0 : 1)),
                           std::move(p.rule));
    }
  }

  void protected_section(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      if (const node* old = base.find(k.value)) {
        r.error(error_code::override_refused, k,
                "protected outcome `" + k.value + "` is declared by the base (" + where_text(files, *old) +
                    "); a store policy cannot redefine it",
                "a store may add protected outcomes under new ids, never change its base's");
        continue;
      }
      put(base, k, store.val(i));
    }
  }

  void merge(node& base, const node& store) {
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      const node& v = store.val(i);
      if (!k.is_scalar() || k.value == "extends") continue;
      node* old = find_mut(base, k.value);
      if (!old) {
        put(base, k, v);
      } else if (k.value == "policy") {
        policy_header(*old, v);
      } else if (k.value == "vocabulary") {
        vocabulary(*old, v);
      } else if (k.value == "facts") {
        facts(*old, v);
      } else if (k.value == "decisions") {
        decisions(*old, v);
      } else if (k.value == "protected") {
        protected_section(*old, v);
      } else if (k.value == "flows") {
        merge_flows(r, files, base, *old, v);
      } else if (k.value == "calendars" || k.value == "clocks") {
        if (k.value == "calendars" && old->is_mapping() && v.is_mapping()) {
          for (std::size_t j = 0; j < v.pairs(); ++j)
            if (const node* c = old->find(v.key(j).value))
              check_guarded(guarded_calendars, "calendar", v.key(j), *c, v.val(j));
        }
        by_id(*old, v);
      } else {
        put(base, k, v);  // `format`, or a key the builder will refuse in the store
      }
    }
  }
};

std::string chain_text(const std::vector<std::string>& chain, const std::string& last) {
  std::string out;
  for (const std::string& f : chain) out += '`' + f + "` -> ";
  return out + '`' + last + '`';
}

// One spelling per file, so `a/../b.yaml` and `b.yaml` are the same link of a chain.
std::string identity(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::path(path).lexically_normal().string() : canonical.string();
}

// The root below which `canonical` lies, or nullptr. Both are canonical, so a prefix of whole
// components is containment: `/srv/base` holds `/srv/base/a.yaml`, not `/srv/baseline/a.yaml`.
const std::string* root_of(const fs::path& canonical, const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    const fs::path r(root);
    auto a = r.begin();
    auto b = canonical.begin();
    for (; a != r.end() && b != canonical.end() && *a == *b; ++a, ++b) {
    }
    // A trailing empty component (`/srv/base/`) matches anything.
    if ((a == r.end() || (std::next(a) == r.end() && a->empty())) && b != canonical.end()) return &root;
  }
  return nullptr;
}

// Where a base named `target` in `from` is: next to `from`, then in each root (include paths),
// the first that exists below a root. Returns the path as shown in diagnostics, its canonical
// form and whether it exists. When none does, the candidate next to `from`, missing; a file
// outside every root is never looked at, so that a diagnostic cannot tell whether it exists.
struct located {
  fs::path shown, canonical;
  bool exists = false;
};

located locate(const std::string& target, const std::string& from, const std::vector<std::string>& roots) {
  std::vector<fs::path> candidates{(fs::path(from).parent_path() / target).lexically_normal()};
  if (fs::path(target).is_relative()) {
    for (const std::string& root : roots) candidates.push_back((fs::path(root) / target).lexically_normal());
  }
  for (const fs::path& c : candidates) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(c, ec);
    if (ec || !root_of(canonical, roots)) continue;
    if (fs::exists(fs::symlink_status(canonical, ec))) return {c, canonical, true};
  }
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(candidates.front(), ec);
  if (ec) canonical = fs::absolute(candidates.front(), ec);
  return {candidates.front(), canonical, false};
}

// Whether text that is not well-formed yaml was meant as a policy: a line `format:` at its
// top level. Only then are the yaml errors (which may quote the text) reported as they are.
bool looks_like_policy(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    if (text.compare(at, 7, "format:") == 0) return true;
    const std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
  return false;
}

// The text of the base found on disk at `where`, or nullopt after reporting why not (E216,
// E109). Checked on the resolved path (links and `..` followed), before anything is opened: a
// base outside every root is refused without a look at what it holds, or whether it exists.
std::optional<std::string> read_base(const located& where, const std::vector<std::string>& roots,
                                     const load_limits& limits, const node& key, reader& r) {
  const fs::path& canonical = where.canonical;
  const std::string base_file = where.shown.string();
  const std::string* within = root_of(canonical, roots);
  if (!within) {
    r.error(error_code::outside_policy_paths, key,
            "base policy `" + base_file + "` is outside the folders policies may be read from",
            roots.empty()
                ? "no folder is allowed (text has no folder of its own): name the folders of its bases "
                  "with `--policy-path` (`load_options::policy_paths`)"
                : "`extends` may read below the policy's own folder and below each folder named "
                  "with `--policy-path` (`load_options::policy_paths`)");
    return std::nullopt;
  }
  if (!where.exists) {
    r.error(error_code::file_unreadable, key,
            "cannot read base policy `" + base_file + "`: it does not exist",
            "`extends` is relative to this file, then to each policy path; name a readable policy file");
    return std::nullopt;
  }
  // Opened beneath its root along the resolved path without following links: what was checked
  // is what is read, even if a folder on the way is swapped for a link meanwhile.
  detail::bounded_read_options read;
  read.max_bytes = limits.max_bytes;
  detail::bounded_text base_text =
      detail::read_bounded_file_beneath(*within, canonical.lexically_relative(*within).string(), read);
  if (!base_text && base_text.status != detail::read_status::too_large) {
    r.error(error_code::file_unreadable, key, "cannot read base policy `" + base_file + "`: " + base_text.why,
            "`extends` is relative to this file, then to each policy path; name a readable policy file");
    return std::nullopt;
  }
  return std::move(base_text.text);
}

}  // namespace

std::vector<std::string> policy_roots(const load_options& options, const std::string* file) {
  std::vector<std::string> out;
  auto add = [&](const fs::path& folder) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(folder.empty() ? fs::path(".") : folder, ec);
    if (!ec && fs::is_directory(canonical, ec)) out.push_back(canonical.string());
  };
  if (file && options.file_folder) add(fs::path(*file).parent_path());
  for (const std::string& p : options.policy_paths) add(fs::path(p));
  return out;
}

std::shared_ptr<const policy> extend(node& root, std::vector<std::string>& files, const load_limits& limits,
                                     const std::vector<std::string>& chain, const base_lookup& bases,
                                     reader& r, std::vector<diagnostic>& base_errors) {
  const node* key = nullptr;
  const node* value = nullptr;
  for (std::size_t i = 0; i < root.pairs(); ++i) {
    if (root.key(i).is_scalar() && root.key(i).value == "extends") {
      key = &root.key(i);
      value = &root.val(i);
    }
  }
  if (!key) return nullptr;
  auto target = r.text(*value, "`extends`");
  if (!target) return nullptr;
  if (target->empty()) {
    r.error(error_code::invalid_value, *value, "`extends` names no file",
            "write the path of the base policy, relative to this file");
    return nullptr;
  }
  if (!root.find("format")) {
    r.error(error_code::missing_key, root, "missing key `format` in the store policy",
            "add `format: 1` to the store policy itself");
  }
  if (!root.find("policy")) {
    r.error(error_code::missing_key, root, "missing key `policy` in the store policy",
            "a store policy names its own `policy.id` and `policy.version`");
  }
  // In memory a text is known by its file name as given; on disk by its resolved path.
  const auto identity_of = [&](const std::string& file) { return bases.texts ? file : identity(file); };
  located where;
  base_lookup below = bases;  // where the base's own `extends:` reads from
  const policy_source* in_memory = nullptr;
  if (bases.texts) {
    in_memory = find_source(bases, *target, below.self);
    if (!in_memory) {
      std::vector<std::string> names;
      for (std::size_t i = bases.self + 1; i < bases.texts->texts.size(); ++i)
        names.push_back(bases.texts->texts[i].name);
      r.error(
          error_code::base_not_in_sources, *key,
          "base policy `" + *target + "` is not among the texts the policy is loaded from",
          suggest(*target, names,
                  names.empty() ? "no text follows `" + files.front() + "` to be its base"
                                : "the texts after `" + files.front() + "` are named " + quote_list(names)));
      return nullptr;
    }
  } else {
    where = locate(*target, files.front(), bases.roots);
  }
  const std::string base_file = in_memory ? in_memory->file : where.shown.string();

  std::vector<std::string> links = chain;
  links.push_back(identity_of(files.front()));
  if (std::find(links.begin(), links.end(), identity_of(base_file)) != links.end()) {
    std::vector<std::string> shown = chain;
    shown.push_back(files.front());
    r.error(error_code::extends_cycle, *key, "policy extends itself: " + chain_text(shown, base_file),
            "a base policy must not extend, directly or through its own bases, a policy that extends it");
    return nullptr;
  }
  if (links.size() > limits.max_extends_depth) {
    r.error(error_code::extends_too_deep, *key,
            "`extends` goes more than " + std::to_string(limits.max_extends_depth) +
                " links deep: " + chain_text(chain, files.front()) + " -> `" + base_file + "`",
            "extend a base nearer the root, or raise `load_limits.max_extends_depth`");
    return nullptr;
  }
  std::optional<std::string> text;
  if (in_memory) {
    text = in_memory->text;
  } else if (!(text = read_base(where, bases.roots, limits, *key, r))) {
    return nullptr;
  }
  // A file that is not a policy is refused without quoting it: `extends` may name any file below
  // the roots (a data file next to the policy), and its text (a key, a yaml error's context)
  // must not reach a diagnostic.
  std::vector<diagnostic> parse_errors;
  std::optional<node> parsed = parse_yaml(*text, base_file, limits, parse_errors);
  const char* not_policy = nullptr;
  if (!parsed && !looks_like_policy(*text)) {
    not_policy = "it is not yaml with `format:` at its top level";
  } else if (parsed && !(parsed->is_mapping() && parsed->find("format"))) {
    not_policy =
        parsed->is_mapping() ? "its top level has no `format:` key" : "its top level is not a mapping";
  }
  if (not_policy) {
    r.error(error_code::not_a_policy, *key, "base policy `" + base_file + "` is not a policy: " + not_policy,
            "`extends` names a policy file (a mapping with `format: 1`), relative to this file");
    return nullptr;
  }
  if (!parsed) {
    base_errors = std::move(parse_errors);  // a policy with a yaml error: its diagnostics are its own
    return nullptr;
  }
  loaded_tree base;
  try {
    base = load_parsed(std::move(*parsed), *text, base_file, limits, links, below);
  } catch (const policy_error& e) {
    base_errors = e.diagnostics();
  }
  if (!parse_errors.empty() || !base_errors.empty()) {
    // A duplicate key or an alias in the base refuses it along with its other problems.
    base_errors.insert(base_errors.begin(), parse_errors.begin(), parse_errors.end());
    return nullptr;
  }
  // The base's nodes keep their files, numbered after the store's.
  const auto offset = static_cast<std::uint16_t>(files.size());
  shift_files(base.root, offset);
  files.insert(files.end(), base.files.begin(), base.files.end());
  merger m{r, files, {}, {}};
  m.guard(base.root);
  node merged = std::move(base.root);
  if (merged.is_mapping()) m.merge(merged, root);
  root = std::move(merged);
  return base.result;
}

}  // namespace aftersale::load
