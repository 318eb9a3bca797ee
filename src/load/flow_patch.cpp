// SPDX-License-Identifier: Apache-2.0
// A store's `flows:` merged onto its base's. A flow written with `patch: true` keeps the base's
// flow and changes it by id, the way a table's rules are overridden:
//   - `states:` a state of the base's id is changed in place: the keys the store writes replace
//     the base's, the others stay; a new id is added;
//   - `transitions:` an item whose `id` is a base transition's (its `id:`, else the implicit
//     `FROM.TRIGGER`, flow_read.hpp) changes it in place the same way (a trigger written —
//     `event`, `auto` or `after` — replaces the base's trigger); a new transition says where it
//     goes with `place: {before: ID}` or `place: {after: ID}`;
//   - `variables:` added or replaced by name; `migrations:` appended; any other key replaces the
//     base's (`start`, `description`, `close_roles`, `reopen`).
// The base's transitions get their implicit ids written out first, so that placing a new
// transition among them does not renumber them. A patch may not stop, pause or reset a clock the
// base's protected outcomes require where the base's state or transition did not (E244):
// that would end the protected deadline early, which lint's decision-side proof cannot see.
#include "load/flow_patch.hpp"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <utility>

#include "load/flow_read.hpp"
#include "load/tree_edit.hpp"

namespace aftersale::load {

namespace {

node scalar_like(const node& at, std::string text) {
  node n = at;
  n.what = node::kind::scalar;
  n.quoted = false;
  n.children.clear();
  n.value = std::move(text);
  return n;
}

struct halt {
  std::string verb;  // stops, pauses, resets
  const node* clock;
};

// The clocks a state's `on_entry` or a transition's `effects` stop, pause or reset.
std::vector<halt> halts(const node* item, bool state) {
  std::vector<halt> out;
  if (!item || !item->is_mapping()) return out;
  auto add = [&](const node& list, const std::string& key) {
    const std::string verb = key == "stop" ? "stops" : key == "pause" ? "pauses" : "resets";
    if (list.is_scalar()) out.push_back({verb, &list});
    if (list.is_sequence())
      for (const node& c : list.children)
        if (c.is_scalar()) out.push_back({verb, &c});
  };
  auto scan = [&](const node& m) {
    if (!m.is_mapping()) return;
    for (const char* key : {"stop", "pause", "reset"})
      if (const node* v = m.find(key)) add(*v, key);
  };
  if (state) {
    if (const node* on_entry = item->find("on_entry")) scan(*on_entry);
  } else if (const node* effects = item->find("effects"); effects && effects->is_sequence()) {
    for (const node& e : effects->children) scan(e);
  }
  return out;
}

struct patcher {
  reader& r;
  const std::vector<std::string>& files;
  std::map<std::string, std::pair<std::string, const node*>> protected_clocks;  // clock → outcome, its key
  std::string flow;

  void collect(const node& base_root) {
    const node* prot = base_root.find("protected");
    if (!prot || !prot->is_mapping()) return;
    for (std::size_t i = 0; i < prot->pairs(); ++i) {
      const node* clocks = prot->val(i).is_mapping() ? prot->val(i).find("clocks") : nullptr;
      if (!clocks || !clocks->is_mapping()) continue;
      for (std::size_t j = 0; j < clocks->pairs(); ++j)
        protected_clocks.emplace(clocks->key(j).value, std::make_pair(prot->key(i).value, &prot->key(i)));
    }
  }

  // E244: `item` (replacing `old`, or new) halts a protected clock `old` left running.
  void check_clocks(const node* old, const node& item, bool state, const std::string& what) {
    if (state && item.is_mapping()) {
      // A terminal state ends the case: the base's terminal states stop its clocks too.
      if (const node* t = item.find("terminal"); t && t->is_scalar() && t->value == "true") return;
    }
    const std::vector<halt> before = halts(old, state);
    for (const halt& h : halts(&item, state)) {
      const auto it = protected_clocks.find(h.clock->value);
      if (it == protected_clocks.end()) continue;
      const bool base_did = std::any_of(before.begin(), before.end(), [&](const halt& b) {
        return b.clock->value == h.clock->value && b.verb == h.verb;
      });
      if (base_did) continue;
      r.error(error_code::patch_refused, *h.clock,
              what + " " + h.verb + " clock `" + h.clock->value + "`, which the base's protected outcome `" +
                  it->second.first + "` requires (" + where_text(files, *it->second.second) +
                  "); a flow patch cannot stop, pause or reset it where the base's flow does not",
              "leave the clock running here (the base's states stop it when the case moves on), or stop it "
              "in a terminal state");
    }
  }

  void states(node& base, const node& store) {
    if (!base.is_mapping() || !store.is_mapping()) {
      base = store;  // the builder reports the wrong kind, in the store
      return;
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      node* old = find_mut(base, k.value);
      if (!old) {
        check_clocks(nullptr, store.val(i), true, "state `" + k.value + "` added to flow `" + flow + "`");
        put(base, k, store.val(i));
        continue;
      }
      node merged = overlay(*old, store.val(i), {});
      check_clocks(old, merged, true, "state `" + k.value + "` of flow `" + flow + "`");
      put(base, k, merged);
    }
  }

  // The base's item with the keys `store` writes replaced (`trigger`: keys that replace each
  // other, as a transition's `event`/`auto`/`after`). Not a mapping: the store's, for the builder.
  static node overlay(const node& old, const node& store, std::initializer_list<std::string_view> trigger) {
    if (!old.is_mapping() || !store.is_mapping()) return store;
    node out = old;
    const bool new_trigger =
        std::any_of(trigger.begin(), trigger.end(), [&](std::string_view k) { return store.find(k); });
    if (new_trigger) {
      node ignored;
      for (std::string_view k : trigger) take(out, k, ignored);
    }
    for (std::size_t i = 0; i < store.pairs(); ++i) put(out, store.key(i), store.val(i));
    // The item is the store's now: what is said about it (lint, the loader) points at the store.
    out.file = store.file;
    out.line = store.line;
    out.column = store.column;
    return out;
  }

  static std::size_t index_of(const std::vector<std::string>& ids, const std::string& id) {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  }

  void unknown(const node& at, const std::string& id, const std::vector<std::string>& ids,
               const std::string& why) {
    r.error(error_code::unknown_transition, at,
            "flow `" + flow + "` of the base has no transition `" + id + "`" + why,
            suggest(id, ids, "its transitions: " + quote_list(ids)));
  }

  void transitions(node& base, const node& store) {
    if (!base.is_sequence() || !store.is_sequence()) {
      base = store;
      return;
    }
    std::vector<std::string> ids = transition_ids(base);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      node& item = base.children[i];
      if (item.is_mapping() && !item.find("id")) {
        item.children.insert(item.children.begin(), {scalar_like(item, "id"), scalar_like(item, ids[i])});
      }
    }
    const std::vector<std::string> base_ids = ids;
    std::vector<std::string> replaced;
    for (node item : store.children) {
      node place_key;
      const std::optional<node> place = item.is_mapping() ? take(item, "place", place_key) : std::nullopt;
      const node* id_node = item.is_mapping() ? item.find("id") : nullptr;
      const std::string id = id_node && id_node->is_scalar() ? id_node->value : std::string();
      const std::size_t at = index_of(base_ids, id);
      if (!place) {
        if (!id_node) {
          r.error(
              error_code::unknown_transition, item,
              "a transition of the patch of flow `" + flow + "` names no base transition and has no `place`",
              "write `id:` of the base transition it replaces, or `place: {before: ID}` / `place: {after: "
              "ID}` to add it");
        } else if (at == base_ids.size()) {
          unknown(*id_node, id, base_ids, " to replace");
        } else if (std::find(replaced.begin(), replaced.end(), id) != replaced.end()) {
          r.error(error_code::duplicate_id, *id_node,
                  "transition `" + id + "` of flow `" + flow + "` is patched twice", "keep one of the two");
        } else {
          replaced.push_back(id);
          const std::size_t now = index_of(ids, id);
          node merged = overlay(base.children[now], item, {"event", "auto", "after"});
          check_clocks(&base.children[now], merged, false, "transition `" + id + "` of flow `" + flow + "`");
          base.children[now] = std::move(merged);
        }
        continue;
      }
      if (at < base_ids.size()) {
        r.error(error_code::unknown_transition, place_key,
                "transition `" + id + "` replaces the base's transition of that id in flow `" + flow +
                    "`, which keeps its place",
                "remove `place`, or give the new transition an id of its own");
        continue;
      }
      const node* before = place->is_mapping() ? place->find("before") : nullptr;
      const node* after = place->is_mapping() ? place->find("after") : nullptr;
      const node* anchor = before ? before : after;
      if (!place->is_mapping() || place->pairs() != 1 || !anchor || !anchor->is_scalar()) {
        r.error(error_code::unknown_transition, *place,
                "`place` of a transition added to flow `" + flow + "` is not `{before: ID}` or `{after: ID}`",
                "name one transition of the base's flow the new one goes before or after");
        continue;
      }
      const std::size_t where = index_of(ids, anchor->value);
      if (where == ids.size()) {
        unknown(*anchor, anchor->value, ids,
                std::string(" to place a transition ") + (before ? "before" : "after"));
        continue;
      }
      check_clocks(nullptr, item, false, "a transition added to flow `" + flow + "`");
      const std::size_t to = where + (before ? 0 : 1);
      ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(to), id);
      base.children.insert(base.children.begin() + static_cast<std::ptrdiff_t>(to), std::move(item));
    }
  }

  void patch(node& base, const node& store) {
    for (std::size_t i = 0; i < store.pairs(); ++i) {
      const node& k = store.key(i);
      const node& v = store.val(i);
      if (!k.is_scalar() || k.value == "patch") continue;
      node* old = find_mut(base, k.value);
      if (!old) {
        put(base, k, v);
      } else if (k.value == "states") {
        states(*old, v);
      } else if (k.value == "transitions") {
        transitions(*old, v);
      } else if (k.value == "variables" && old->is_mapping() && v.is_mapping()) {
        for (std::size_t j = 0; j < v.pairs(); ++j) put(*old, v.key(j), v.val(j));
      } else if (k.value == "migrations" && old->is_sequence() && v.is_sequence()) {
        old->children.insert(old->children.end(), v.children.begin(), v.children.end());
      } else {
        put(base, k, v);
      }
    }
  }
};

}  // namespace

void merge_flows(reader& r, const std::vector<std::string>& files, const node& base_root, node& base,
                 const node& store) {
  if (!base.is_mapping() || !store.is_mapping()) {
    base = store;  // the builder reports the wrong kind, in the store
    return;
  }
  patcher p{r, files, {}, {}};
  p.collect(base_root);
  std::vector<std::string> base_flows;
  for (std::size_t i = 0; i < base.pairs(); ++i) base_flows.push_back(base.key(i).value);
  for (std::size_t i = 0; i < store.pairs(); ++i) {
    const node& k = store.key(i);
    const node& v = store.val(i);
    const node* patch = v.is_mapping() ? v.find("patch") : nullptr;
    if (!patch || !(patch->is_scalar() && patch->value == "true")) {
      put(base, k, v);  // a whole flow: added, or replacing the base's (`patch: false` is refused there)
      continue;
    }
    const std::size_t at = static_cast<std::size_t>(std::find(base_flows.begin(), base_flows.end(), k.value) -
                                                    base_flows.begin());
    if (at == base_flows.size() || !base.val(at).is_mapping()) {
      r.error(error_code::flow_patch_no_base, *patch,
              "flow `" + k.value + "` patches the base's flow of that id, which the base does not have",
              suggest(k.value, base_flows, "remove `patch: true` to declare a flow of the store's own"));
      continue;
    }
    p.flow = k.value;
    p.patch(base.children[2 * at + 1], v);
    base.children[2 * at] = k;  // the flow is now the store's: its findings point at the store
  }
}

}  // namespace aftersale::load
