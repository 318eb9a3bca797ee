// SPDX-License-Identifier: Apache-2.0
// Restores a case snapshot (formats `aftersale-case/2` and `/1`, docs/snapshots.md). Everything
// is checked against the policy and against the invariants the runtime keeps before the case
// exists, so a snapshot that does not fit gives a `snapshot_error` naming the JSON path, never
// a case the runtime could not have produced. The text is read by the strict tape parser
// (tape.hpp, on RapidJSON): no allocation per value.
#include <aftersale/case.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/nearest.hpp"
#include "base/time_range.hpp"
#include "case/access.hpp"
#include "case/snapshot/format.hpp"
#include "case/snapshot/tape.hpp"
#include "model/compiled.hpp"
#include "model/semantics.hpp"

namespace aftersale {

namespace {

namespace snap = detail::snapshot;
using access = detail::case_access;

// A JSON path built on the stack as the reader descends; text only when an error is thrown.
struct where {
  const where* parent = nullptr;
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;

  where operator[](std::string_view k) const { return where{this, k, 0, false}; }
  where at(std::size_t i) const { return where{this, {}, i, true}; }

  std::string str() const {
    if (parent == nullptr) return "$";
    std::string s = parent->str();
    if (is_index) return s + "[" + std::to_string(index) + "]";
    return s + "." + std::string(key);
  }
};

// Text from the snapshot is quoted in messages; escapes may have put control characters in
// it (`\n`, `\u0000`), which must not break the one-line message.
std::string one_line(std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  return s;
}

[[noreturn]] void fail(const where& w, const std::string& message) {
  throw snapshot_error(one_line(w.str()), one_line(message));
}

// Key comparison; most keys differ in length or first letter, so memcmp is rarely reached.
bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && a == b));
}

// A value in the parsed document.
class value {
 public:
  value(const snap::tape& t, std::uint32_t i) : t_(&t), i_(i) {}
  using kind = snap::node::kind;
  const snap::node& node() const { return t_->nodes[i_]; }
  kind type() const { return node().type; }
  bool is(kind k) const { return node().type == k; }
  std::string_view key() const { return node().key; }
  std::uint32_t size() const { return node().count; }
  // Children of an array or object, in order.
  template <class F>
  void each(F&& f) const {
    std::uint32_t index = 0;
    for (std::uint32_t k = i_ + 1; k < node().end; k = t_->nodes[k].end) f(value(*t_, k), index++);
  }
  std::optional<value> find(std::string_view k) const {
    for (std::uint32_t c = i_ + 1; c < node().end; c = t_->nodes[c].end)
      if (same(t_->nodes[c].key, k)) return value(*t_, c);
    return std::nullopt;
  }
  // A member known to be present (checked by `expect_object`).
  value operator[](std::string_view k) const { return *find(k); }
  const snap::tape& document() const { return *t_; }
  // The `n`-th element of an array (n < size()).
  value at(std::uint32_t n) const {
    std::uint32_t c = i_ + 1;
    while (n-- > 0) c = t_->nodes[c].end;
    return value(*t_, c);
  }

 private:
  const snap::tape* t_;
  std::uint32_t i_;
};

const char* kind_name(const value& v) {
  switch (v.type()) {
    case value::kind::null:
      return "null";
    case value::kind::object:
      return "an object";
    case value::kind::array:
      return "an array";
    case value::kind::string:
      return "a string";
    case value::kind::boolean:
      return "a boolean";
    case value::kind::integer:
    case value::kind::big_integer:
      return "an integer";
    case value::kind::fraction:
      return "a fraction";
  }
  return "something else";
}

[[noreturn]] void wrong_type(const value& v, const where& w, std::string_view expected) {
  fail(w, "expected " + std::string(expected) + ", got " + kind_name(v));
}

// An object whose keys are all in `allowed`, each once, the first `required` of them present.
void expect_object(const value& v, const where& w, std::initializer_list<std::string_view> allowed,
                   std::size_t required) {
  if (!v.is(value::kind::object)) wrong_type(v, w, "an object");
  std::uint32_t seen = 0;  // bit i: allowed[i] met
  v.each([&](const value& m, std::uint32_t) {
    const std::string_view k = m.key();
    std::uint32_t i = 0;
    for (std::string_view a : allowed) {
      if (same(a, k)) break;
      ++i;
    }
    if (i == allowed.size()) fail(w[k], "unknown key `" + std::string(k) + "`");
    if ((seen >> i) & 1U) fail(w, "key `" + std::string(k) + "` appears twice in one object");
    seen |= 1U << i;
  });
  for (std::size_t i = 0; i < required; ++i)
    if (((seen >> i) & 1U) == 0) fail(w, "missing key `" + std::string(allowed.begin()[i]) + "`");
}

std::string_view text(const value& v, const where& w) {
  if (!v.is(value::kind::string)) wrong_type(v, w, "a string");
  return v.node().text;
}

std::int64_t integer(const value& v, const where& w) {
  if (v.is(value::kind::big_integer)) fail(w, "integer " + std::string(v.node().text) + " is out of range");
  if (!v.is(value::kind::integer)) wrong_type(v, w, "an integer");
  return v.node().number;
}

// Exactly the text `to_json` writes: canonical UTC, or integer seconds outside years 0000..9999.
sys_seconds time(const value& v, const where& w) {
  if (v.is(value::kind::string)) {
    const std::string_view s = v.node().text;
    if (const auto t = parse_timestamp(s); t && s.size() == 20 && s[10] == 'T' && s[19] == 'Z' && s[4] == '-')
      return *t;
  } else if (v.is(value::kind::integer)) {
    const std::int64_t n = v.node().number;
    if (n < detail::k_iso_first_second || n > detail::k_iso_last_second)
      return sys_seconds{std::chrono::seconds{n}};
  }
  fail(w, "expected an ISO 8601 UTC time like 2026-10-08T02:00:00Z");
}

template <class List>
std::string one_of(const List& names) {
  std::string s;
  std::size_t n = 0;
  for (const auto& name : names) {
    if (n == 8) return s + ", ...";
    s += (n++ == 0 ? "`" : ", `") + std::string(name) + "`";
  }
  return s.empty() ? "nothing (none declared)" : s;
}

template <std::size_t N>
std::size_t named(const std::array<std::string_view, N>& names, const value& v, const where& w,
                  std::string_view what) {
  const std::string_view s = text(v, w);
  if (const auto i = snap::find_name(names, s)) return *i;
  fail(w, "unknown " + std::string(what) + " `" + std::string(s) + "`: expected one of " + one_of(names));
}

std::uint32_t vocabulary_id(const std::vector<vocabulary_entry>& list, const value& v, const where& w,
                            std::string_view what) {
  const std::string_view s = text(v, w);
  if (const std::uint32_t i = entry_index(list, s); i != npos) return i;
  fail(w, "unknown " + std::string(what) + " `" + std::string(s) + "`");
}

// A fact or variable value in the encoding of `fact_def`.
std::int64_t fact_value(const fact_def& f, const value& v, const where& w) {
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string: {
      if (f.type == fact_type::string && v.is(value::kind::object)) {
        expect_object(v, w, {"other"}, 1);
        const value other = v["other"];
        if (!other.is(value::kind::boolean) || !other.node().truth) fail(w["other"], "expected true");
        return string_other;
      }
      if (!v.is(value::kind::string))
        wrong_type(v, w, f.type == fact_type::string ? "a string or {\"other\": true}" : "a string");
      const std::string_view s = v.node().text;
      for (std::size_t i = 0; i < f.values.size(); ++i)
        if (f.values[i] == s) return static_cast<std::int64_t>(i);
      if (f.type == fact_type::string)
        fail(w, "`" + std::string(s) + "` is none of the literals of `" + f.name +
                    "` (text the policy does not mention is written {\"other\": true})");
      fail(w, "`" + std::string(s) + "` is not a value of `" + f.name + "`: expected one of " +
                  one_of(f.values));
    }
    case fact_type::boolean:
      if (!v.is(value::kind::boolean)) wrong_type(v, w, "true or false");
      return v.node().truth ? 1 : 0;
    case fact_type::timestamp:
      return time(v, w).time_since_epoch().count();
    case fact_type::integer:
    case fact_type::money:
    case fact_type::decimal:  // its scaled integer
    case fact_type::duration:
      return integer(v, w);
  }
  fail(w, "unsupported type of `" + f.name + "`");
}

// The 64-bit structure hash written as 16 lowercase hexadecimal digits.
std::optional<std::uint64_t> parse_hash(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::uint64_t h = 0;
  for (char c : s) {
    h <<= 4;
    if (c >= '0' && c <= '9') {
      h |= static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      h |= static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
  }
  return h;
}

std::string hex64(std::uint64_t h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) s[static_cast<std::size_t>(i)] = digits[h & 15];
  return s;
}

// The `integrity` hash (see snap::content_hash) of the value at node `i`; `root`: leave out
// the `integrity` member. Recursive, but the tape is at most snap::max_depth deep.
std::uint64_t content_hash_of(const snap::tape& t, std::uint32_t i, bool root) {
  namespace ch = snap::content_hash;
  const snap::node& n = t.nodes[i];
  switch (n.type) {
    case snap::node::kind::null:
      return ch::null();
    case snap::node::kind::boolean:
      return ch::boolean(n.truth);
    case snap::node::kind::integer:
      return ch::integer(n.number);
    case snap::node::kind::big_integer:
    case snap::node::kind::fraction:
      return ch::other_number(n.text);
    case snap::node::kind::string:
      return ch::string(n.text);
    case snap::node::kind::array:
    case snap::node::kind::object:
      break;
  }
  const bool object = n.type == snap::node::kind::object;
  ch::container c(object);
  for (std::uint32_t k = i + 1; k < n.end; k = t.nodes[k].end) {
    if (root && t.nodes[k].key == "integrity") continue;
    const std::uint64_t h = content_hash_of(t, k, false);
    c.add(object ? ch::member(t.nodes[k].key, h) : h);
  }
  return c.value();
}

class reader {
 public:
  reader(std::shared_ptr<const policy> p, const value& doc) : p_(std::move(p)), doc_(doc) {}

  service_case read() {
    const where root;
    expect_object(doc_, root,
                  {"format", "policy", "state", "phase", "escalation", "remark", "opened_at", "entered_at",
                   "facts", "variables", "clocks", "applied_event_ids", "history", "integrity"},
                  13);
    const std::string_view format = text(doc_["format"], root["format"]);
    if (format == snap::format_tag_1) {
      format_ = 1;
    } else if (format == snap::format_tag_2) {
      format_ = 2;
    } else if (format != snap::format_tag) {
      fail(root["format"], "unsupported snapshot format `" + std::string(format) + "`: expected `" +
                               std::string(snap::format_tag) + "` (or `" + std::string(snap::format_tag_2) +
                               "`, `" + std::string(snap::format_tag_1) + "`)");
    }
    const std::optional<value> integrity = doc_.find("integrity");
    if (integrity && format_ == 1)
      fail(root["integrity"], "unknown key `integrity` in format `aftersale-case/1`");
    read_policy(doc_["policy"], root["policy"]);

    service_case c;
    access::policy_ptr(c) = p_;
    access::flow(c) = flow_index_;
    access::state(c) = state(doc_["state"], root["state"]);
    access::phase(c) =
        static_cast<lifecycle_phase>(named(snap::phase_names, doc_["phase"], root["phase"], "phase"));
    check_phase(c, root["phase"]);
    const value esc = doc_["escalation"];
    access::escalation(c) = esc.is(value::kind::null)
                                ? npos
                                : vocabulary_id(p_->vocabulary.roles, esc, root["escalation"], "role");
    if (c.phase() == lifecycle_phase::escalated && c.escalation_index() == npos)
      fail(root["escalation"], "an escalated case has an escalation level (a role), not null");
    read_remark(c, doc_["remark"], root["remark"]);
    access::opened_at(c) = time(doc_["opened_at"], root["opened_at"]);
    access::entered_at(c) = time(doc_["entered_at"], root["entered_at"]);
    access::reset_values(c, static_cast<std::uint32_t>(p_->facts.size() + flow_->variables.size()));
    read_facts(c, doc_["facts"], root["facts"]);
    read_variables(c, doc_["variables"], root["variables"]);
    read_clocks(c, doc_["clocks"], root["clocks"]);
    read_ids(c, doc_["applied_event_ids"], root["applied_event_ids"]);
    read_history(c, doc_["history"], root["history"]);
    if (c.history().empty() || c.history().front().what != history_entry::kind::opened)
      fail(root["history"], "a case's history starts with its `opened` entry");
    check_history(c, root["history"]);
    check_case(c, root);
    check_facts(c, root["facts"]);
    check_variables(c, root["variables"]);
    check_ids(c, root);
    if (integrity) check_integrity(*integrity, root["integrity"]);
    // A restore under another version, or of the previous format, starts a new stretch of history.
    if (migration_ != nullptr || edited_ || format_ == 1) record_migration(c);
    return c;
  }

 private:
  void read_policy(const value& v, const where& w) {
    expect_object(v, w, {"id", "version", "flow", "structure_hash"}, 4);
    const std::string_view id = text(v["id"], w["id"]);
    if (id != p_->info.id)
      fail(w["id"],
           "the snapshot is of a case under policy `" + std::string(id) + "`, not `" + p_->info.id + "`");
    const std::string_view version = text(v["version"], w["version"]);
    edited_ = version != p_->info.version;
    const std::string_view flow = text(v["flow"], w["flow"]);
    const auto f = p_->find_flow(flow);
    if (!f) fail(w["flow"], "policy `" + p_->info.id + "` has no flow `" + std::string(flow) + "`");
    flow_index_ = *f;
    flow_ = &p_->flows[*f];
    const std::string_view hash = text(v["structure_hash"], w["structure_hash"]);
    const auto h = parse_hash(hash);
    if (!h) fail(w["structure_hash"], "expected 16 lowercase hexadecimal digits");
    if (*h == flow_->structure_hash) return;
    // The flow's states or transitions changed: only a declared migration may map the case.
    for (const flow_migration& m : flow_->migrations)
      if (m.from_version == version) migration_ = &m;
    if (migration_ == nullptr)
      fail(w["structure_hash"], "flow `" + flow_->id + "` changed since the snapshot (structure " +
                                    std::string(hash) + ", now " + hex64(flow_->structure_hash) +
                                    ") and declares no migration from policy version `" +
                                    std::string(version) + "`");
  }

  // A state id of the snapshot, through the migration's mapping when there is one.
  std::uint32_t state(const value& v, const where& w) const {
    const std::string_view id = text(v, w);
    std::string_view target = id;
    if (migration_ != nullptr) {
      for (const auto& [from, to] : migration_->states)
        if (from == id) target = to;
    }
    for (std::uint32_t i = 0; i < flow_->states.size(); ++i)
      if (flow_->states[i].id == target) return i;
    if (migration_ != nullptr)
      fail(w, "state `" + std::string(id) + "` is no longer in flow `" + flow_->id +
                  "` and the migration from version `" + migration_->from_version + "` does not map it");
    std::vector<std::string> states;
    for (const state_def& st : flow_->states) states.push_back(st.id);
    fail(w, detail::with_did_you_mean("unknown state `" + std::string(id) + "` in flow `" + flow_->id + "`",
                                      id, states));
  }

  // The lifecycle phase must be one the runtime can reach in this state, so a restored case
  // answers events as the never-stopped case would.
  void check_phase(const service_case& c, const where& w) const {
    const state_def& s = flow_->states[c.state_index()];
    const lifecycle_phase ph = c.phase();
    bool ok = false;
    if (s.terminal) {
      ok = ph == lifecycle_phase::resolved || ph == lifecycle_phase::closed;
    } else {
      const lifecycle_phase own = s.phase == state_phase::waiting_on_customer
                                      ? lifecycle_phase::waiting_on_customer
                                      : lifecycle_phase::active;
      ok = ph == own || ph == lifecycle_phase::escalated;
    }
    if (!ok)
      fail(w, "phase `" + std::string(snap::phase_names[static_cast<std::size_t>(ph)]) +
                  "` is impossible in " + (s.terminal ? "terminal " : "") + "state `" + s.id + "`");
  }

  void read_remark(service_case& c, const value& v, const where& w) const {
    if (v.is(value::kind::null)) return;
    expect_object(v, w, {"flag", "text"}, 2);
    const value flag = v["flag"];
    access::remark_flag(c) =
        flag.is(value::kind::null) ? npos : vocabulary_id(p_->vocabulary.flags, flag, w["flag"], "flag");
    const value t = v["text"];
    localized_text& remark = access::remark(c);
    if (t.is(value::kind::object)) {
      t.each([&](const value& m, std::uint32_t) {
        remark.by_locale.emplace_back(std::string(m.key()), std::string(text(m, w["text"][m.key()])));
      });
    } else if (const std::string_view s = text(t, w["text"]); !s.empty()) {
      remark.by_locale.emplace_back(p_->info.locale, std::string(s));
    }
  }

  void read_facts(service_case& c, const value& v, const where& w) const {
    if (!v.is(value::kind::object)) wrong_type(v, w, "an object");
    v.each([&](const value& m, std::uint32_t) {
      const where wf = w[m.key()];
      const auto f = p_->find_fact(m.key());
      if (!f) fail(wf, "unknown fact `" + std::string(m.key()) + "`");
      if (c.has_value(*f)) fail(w, "key `" + std::string(m.key()) + "` appears twice in one object");
      access::set_value(c, *f, fact_value(p_->facts[*f], m, wf), true);
    });
  }

  std::uint32_t variable(std::string_view name, const where& w) const {
    for (std::uint32_t i = 0; i < flow_->variables.size(); ++i)
      if (flow_->variables[i].name == name) return i;
    fail(w, "unknown variable `" + std::string(name) + "` in flow `" + flow_->id + "`");
  }

  void read_variables(service_case& c, const value& v, const where& w) const {
    if (!v.is(value::kind::object)) wrong_type(v, w, "an object");
    v.each([&](const value& m, std::uint32_t) {
      const where wv = w[m.key()];
      const std::uint32_t i = variable(m.key(), wv);
      if (c.has_value(p_->facts.size() + i))
        fail(w, "key `" + std::string(m.key()) + "` appears twice in one object");
      access::set_value(c, p_->facts.size() + i, fact_value(flow_->variables[i], m, wv), true);
    });
  }

  void read_clocks(service_case& c, const value& v, const where& w) const {
    if (!v.is(value::kind::array)) wrong_type(v, w, "an array");
    std::vector<case_clock>& clocks = access::clocks(c);
    clocks.reserve(v.size() + flow_->clocks.size());
    v.each([&](const value& e, std::uint32_t i) {
      const where wc = w.at(i);
      expect_object(e, wc, {"clock", "status", "started", "due", "remaining_s", "notified"}, 2);
      case_clock k;
      const std::string_view id = text(e["clock"], wc["clock"]);
      const auto ci = p_->find_clock(id);
      if (!ci) fail(wc["clock"], "unknown clock `" + std::string(id) + "`");
      if (!clocks.empty() && clocks.back().clock >= *ci)
        fail(wc["clock"], "clock `" + std::string(id) +
                              "` is out of order or repeated: clocks are listed once, in policy order");
      k.clock = *ci;
      k.state = static_cast<case_clock::status>(
          named(snap::clock_status_names, e["status"], wc["status"], "status"));
      if (const auto s = e.find("started")) k.started = time(*s, wc["started"]);
      // `never`: a clock that never falls due (written as the integer of never_due before).
      if (const auto d = e.find("due"))
        k.due = d->is(value::kind::string) && d->node().text == "never" ? never_due : time(*d, wc["due"]);
      if (const auto r = e.find("remaining_s")) {
        const std::int64_t left = integer(*r, wc["remaining_s"]);
        if (left < 0) fail(wc["remaining_s"], "the time left on a clock is never negative");
        k.remaining = std::chrono::seconds{left};
      }
      if (const auto n = e.find("notified")) {
        if (format_ < 3)
          fail(wc["notified"],
               "unknown key `notified` in format `aftersale-case/" + std::to_string(format_) + "`");
        const std::int64_t percent = integer(*n, wc["notified"]);
        if (percent <= 0 || percent > 100)
          fail(wc["notified"],
               "a clock's notices are a percentage of its limit, from 1 to 100 (0 is left out)");
        k.notified = static_cast<std::uint8_t>(percent);
      }
      if (k.state == case_clock::status::idle && (k.started != sys_seconds{} || k.due != sys_seconds{} ||
                                                  k.remaining.count() != 0 || k.notified != 0))
        fail(wc["status"],
             "an idle clock was never started: it has no `started`, `due`, `remaining_s` or `notified`");
      // Starting sets a deadline after the start; pausing keeps it; resuming sets a later one.
      // Format 1 too: the case is written back as format 2, which must restore again.
      if (k.state != case_clock::status::idle && k.due < k.started)
        fail(wc["due"], "a clock is never due before it started (" + format_utc(k.started) + ")");
      if (k.state == case_clock::status::running && k.remaining.count() != 0)
        fail(wc["remaining_s"], "a running clock keeps no time left: only a paused or stopped one does");
      clocks.push_back(k);
    });
    // Every clock the flow mentions has a slot (the runtime updates clocks in place). One the
    // snapshot lacks was added to the flow later: this case never started it.
    for (std::uint32_t id : flow_->clocks) {
      const auto it = std::lower_bound(clocks.begin(), clocks.end(), id,
                                       [](const case_clock& k, std::uint32_t x) { return k.clock < x; });
      if (it == clocks.end() || it->clock != id) {
        case_clock k;
        k.clock = id;
        clocks.insert(it, k);
      }
    }
  }

  static void read_ids(service_case& c, const value& v, const where& w) {
    if (!v.is(value::kind::array)) wrong_type(v, w, "an array");
    std::vector<std::string>& ids = access::applied_ids(c);
    ids.reserve(v.size());
    v.each([&](const value& e, std::uint32_t i) {
      const std::string_view id = text(e, w.at(i));
      if (id.empty()) fail(w.at(i), "an applied event id is never empty");
      if (!ids.empty() && !(std::string_view(ids.back()) < id))
        fail(w.at(i), "event ids are listed once, sorted: `" + std::string(id) + "`");
      ids.emplace_back(id);
    });
  }

  void read_history(service_case& c, const value& v, const where& w) const {
    if (!v.is(value::kind::array)) wrong_type(v, w, "an array");
    std::vector<history_entry>& history = access::history(c);
    history.reserve(v.size() + (migration_ != nullptr ? 1 : 0));
    v.each([&](const value& e, std::uint32_t i) {
      const where wh = w.at(i);
      expect_object(
          e, wh, {"what", "at", "transition", "actor", "from", "to", "event_id", "assigned", "event_digest"},
          2);
      history_entry h;
      h.what = static_cast<history_entry::kind>(
          named(snap::history_kind_names, e["what"], wh["what"], "history entry"));
      h.at = time(e["at"], wh["at"]);
      if (const auto t = e.find("transition")) {
        const std::int64_t n = integer(*t, wh["transition"]);
        // Under a migration the number refers to the old flow, whose size is unknown here.
        if (n < 0 || (migration_ == nullptr && static_cast<std::uint64_t>(n) >= flow_->transitions.size()))
          fail(wh["transition"], "flow `" + flow_->id + "` has no transition " + std::to_string(n));
        // After a migration the old numbering means nothing: the entry keeps its states only.
        h.transition = migration_ != nullptr ? npos : static_cast<std::uint32_t>(n);
      }
      if (const auto a = e.find("actor"))
        h.actor_role = vocabulary_id(p_->vocabulary.roles, *a, wh["actor"], "role");
      if (const auto f = e.find("from")) h.from = state(*f, wh["from"]);
      if (const auto t = e.find("to")) h.to = state(*t, wh["to"]);
      if (const auto id = e.find("event_id")) {
        h.event_id = text(*id, wh["event_id"]);
        if (h.event_id.empty()) fail(wh["event_id"], "an event id is left out rather than empty");
      }
      if (const auto d = e.find("event_digest")) {
        if (format_ == 1) fail(wh["event_digest"], "unknown key `event_digest` in format `aftersale-case/1`");
        if (h.event_id.empty()) fail(wh["event_digest"], "an event digest goes with an `event_id`");
        const auto digest = parse_hash(text(*d, wh["event_digest"]));
        if (!digest || *digest == 0)
          fail(wh["event_digest"], "expected 16 lowercase hexadecimal digits, not all 0");
        h.event_digest = *digest;
      }
      if (const auto a = e.find("assigned")) read_assigned(h, *a, wh["assigned"]);
      history.push_back(std::move(h));
    });
  }

  void read_assigned(history_entry& h, const value& v, const where& w) const {
    if (!v.is(value::kind::array)) wrong_type(v, w, "an array");
    h.assigned.reserve(v.size());
    v.each([&](const value& pair, std::uint32_t i) {
      const where wa = w.at(i);
      if (!pair.is(value::kind::array) || pair.size() != 2) fail(wa, "expected a pair [variable, value]");
      const std::uint32_t var = variable(text(pair.at(0), wa.at(0)), wa.at(0));
      h.assigned.emplace_back(var, fact_value(flow_->variables[var], pair.at(1), wa.at(1)));
    });
  }

  // --- the invariants the runtime keeps (docs/snapshots.md, "Invariants") ---------------------
  // Checks that depend on parts of the policy outside the flow's structure hash (roles, the
  // start and reopen states, defaults, derivations) apply only to what was written under this
  // very policy version: not when the snapshot names another version, and not to history
  // before a `migrated` entry (which every restore under another version adds).

  std::string state_name(std::uint32_t s) const {
    return s < flow_->states.size() ? "`" + flow_->states[s].id + "`" : std::string("no state");
  }
  static std::string_view kind_text(history_entry::kind k) {
    return snap::history_kind_names[static_cast<std::size_t>(k)];
  }
  // The first entry written under the current policy version: just after the last `migrated`.
  static std::size_t current_since(const std::vector<history_entry>& hs) {
    for (std::size_t i = hs.size(); i > 0; --i)
      if (hs[i - 1].what == history_entry::kind::migrated) return i;
    return 0;
  }
  bool same_version() const { return !edited_ && migration_ == nullptr; }

  void check_history(const service_case& c, const where& w) const {
    using kind = history_entry::kind;
    const std::vector<history_entry>& hs = c.history();
    const std::size_t since = current_since(hs);
    for (std::size_t i = 0; i < hs.size(); ++i) {
      const history_entry& h = hs[i];
      const where wh = w.at(i);
      const std::string_view k = kind_text(h.what);  // "an `event` entry", "a `timer` entry"
      const std::string what = std::string(k[0] == 'a' || k[0] == 'e' || k[0] == 'o' ? "an `" : "a `") +
                               std::string(k) + "` entry";
      if (i > 0 && h.what == kind::opened) fail(wh["what"], "only the first history entry is `opened`");
      // Time order is kept since format 2 (`time_went_back`): from the last `migrated` entry on,
      // which a restore of a format 1 snapshot adds.
      if (i > 0 && i >= since && format_ != 1 && h.at < hs[i - 1].at)
        fail(wh["at"], "history is in time order: this entry is earlier than the one before it");
      if (h.to == npos) fail(wh, "missing key `to`: every history entry names the state it ends in");
      if (i == 0 && h.from != npos) fail(wh["from"], "the `opened` entry comes from no state");
      if (i > 0 && h.from != hs[i - 1].to)
        fail(h.from == npos ? wh : wh["from"], "the entry starts in " + state_name(h.from) +
                                                   " but the entry before it ended in " +
                                                   state_name(hs[i - 1].to));
      const bool sent = h.what == kind::event || h.what == kind::close || h.what == kind::reopen;
      if (sent && h.actor_role == npos)
        fail(wh, "missing key `actor`: " + what + " names the role that sent it");
      if (!sent && h.actor_role != npos) fail(wh["actor"], what + " has no actor");
      if (!sent && !h.event_id.empty()) fail(wh["event_id"], what + " has no event id");
      // Digests exist since format 2: a case restored from format 1 has none before its `migrated` entry.
      if (!h.event_id.empty() && h.event_digest == 0 && format_ != 1 && i >= since)
        fail(wh, "missing key `event_digest`: an entry with an `event_id` has one");
      const bool fires = h.what == kind::event || h.what == kind::automatic || h.what == kind::timer;
      if (!fires && h.transition != npos) fail(wh["transition"], what + " fires no transition");
      if (fires && h.transition == npos && i >= since && migration_ == nullptr)
        fail(wh, "missing key `transition`: " + what + " names the transition it fired");
      if ((h.what == kind::close || h.what == kind::migrated) && h.from != h.to)
        fail(wh["to"], what + " stays in its state");
      if (fires && h.transition != npos) {
        const transition_def& t = flow_->transitions[h.transition];
        const trigger_kind expected = h.what == kind::event       ? trigger_kind::event
                                      : h.what == kind::automatic ? trigger_kind::automatic
                                                                  : trigger_kind::timer;
        if (t.trigger != expected)
          fail(wh["transition"], "transition " + std::to_string(h.transition) + " is not fired by " + what);
        if (t.from != h.from || t.to != h.to)
          fail(wh["transition"], "transition " + std::to_string(h.transition) + " goes from " +
                                     state_name(t.from) + " to " + state_name(t.to) + ", not from " +
                                     state_name(h.from) + " to " + state_name(h.to));
      }
      if (!same_version() || i < since) continue;
      if (h.what == kind::opened && h.to != flow_->start)
        fail(wh["to"], "a case opens in the start state " + state_name(flow_->start));
      if (h.what == kind::reopen && h.to != flow_->reopen_to)
        fail(wh["to"], flow_->reopen_to == npos ? "flow `" + flow_->id + "` does not allow `reopen`"
                                                : "`reopen` enters " + state_name(flow_->reopen_to));
      const std::vector<std::uint32_t>* roles = h.what == kind::close    ? &flow_->close_roles
                                                : h.what == kind::reopen ? &flow_->reopen_roles
                                                : h.what == kind::event && h.transition != npos
                                                    ? &flow_->transitions[h.transition].roles
                                                    : nullptr;
      if (roles && !roles->empty() && std::find(roles->begin(), roles->end(), h.actor_role) == roles->end())
        fail(wh["actor"], "role `" + std::string(entry_id(p_->vocabulary.roles, h.actor_role)) +
                              "` is not allowed to send this " + std::string(k));
    }
  }

  void check_case(const service_case& c, const where& w) const {
    const std::vector<history_entry>& hs = c.history();
    if (c.state_index() != hs.back().to)
      fail(w["state"], "the case is in state " + state_name(c.state_index()) +
                           " but its last history entry ends in " + state_name(hs.back().to));
    if (c.opened_at() != hs.front().at)
      fail(w["opened_at"],
           "a case is opened at the time of its `opened` entry, " + format_utc(hs.front().at));
    const history_entry* entered = nullptr;  // the last entry that entered a state
    const history_entry* last = nullptr;     // the last change made under a flow (not `migrated`)
    for (const history_entry& h : hs) {
      if (h.what == history_entry::kind::migrated) continue;
      last = &h;
      if (h.what != history_entry::kind::close) entered = &h;
    }
    if (entered && c.entered_at() != entered->at)
      fail(w["entered_at"], "the current state was entered at the time of the last entry that entered it, " +
                                format_utc(entered->at));
    const bool closed_last = last && last->what == history_entry::kind::close;
    if ((c.phase() == lifecycle_phase::closed) != closed_last)
      fail(w["phase"], closed_last ? "a case whose last change is `close` is closed"
                                   : "a case is closed by a `close` entry, its last change");
  }

  // Derived facts agree with the facts they are derived from (under the policy that derived them).
  void check_facts(const service_case& c, const where& w) const {
    if (!same_version() || current_since(c.history()) != 0) return;
    for (std::uint32_t i = 0; i < p_->facts.size(); ++i) {
      const fact_def& f = p_->facts[i];
      if (f.derive == derivation::none || !c.has_value(i)) continue;
      if (f.source >= p_->facts.size() || !c.has_value(f.source))
        fail(w[f.name], "derived fact `" + f.name + "` has a value but `" +
                            (f.source < p_->facts.size() ? p_->facts[f.source].name : std::string("?")) +
                            "`, which it is derived from, has none");
      if (f.derive != derivation::map) continue;  // days and hours since depend on the decision's time
      const std::int64_t src = c.value(f.source);
      const std::int64_t mapped =
          src >= 0 && static_cast<std::uint64_t>(src) < f.mapping.size() ? f.mapping[src] : -1;
      if (mapped != c.value(i))
        fail(w[f.name],
             "derived fact `" + f.name + "` is `" + detail::format_value(f, c.value(i)) + "` but `" +
                 p_->facts[f.source].name + "` = `" + detail::format_value(p_->facts[f.source], src) +
                 "` maps to " +
                 (mapped < 0 ? std::string("no value") : "`" + detail::format_value(f, mapped) + "`"));
    }
  }

  // Variables hold what the history last assigned them; under this policy version, the others
  // hold their defaults.
  void check_variables(const service_case& c, const where& w) const {
    const auto facts = static_cast<std::uint32_t>(p_->facts.size());
    const auto n = static_cast<std::uint32_t>(flow_->variables.size());
    std::vector<std::optional<std::int64_t>> expected(n);
    std::vector<bool> assigned(n, false);
    const bool pristine = same_version() && current_since(c.history()) == 0;
    if (pristine)
      for (std::uint32_t v = 0; v < n; ++v) expected[v] = flow_->variables[v].default_value;
    for (const history_entry& h : c.history())
      for (const auto& [var, val] : h.assigned) {
        expected[var] = val;
        assigned[var] = true;
      }
    for (std::uint32_t v = 0; v < n; ++v) {
      if (!pristine && !assigned[v]) continue;
      const fact_def& def = flow_->variables[v];
      const bool has = c.has_value(facts + v);
      if (has == expected[v].has_value() && (!has || c.value(facts + v) == *expected[v])) continue;
      const std::string should =
          expected[v] ? "`" + detail::format_value(def, *expected[v]) + "`" : std::string("no value");
      const std::string source = assigned[v] ? "the history last assigned it " : "it has ";
      if (!has) fail(w, "variable `" + def.name + "` is missing: " + source + should);
      fail(w[def.name], "variable `" + def.name + "` is `" + detail::format_value(def, c.value(facts + v)) +
                            "` but " + source + should);
    }
  }

  // Every event id of the history is applied, and every applied id is on one history entry.
  static void check_ids(const service_case& c, const where& w) {
    std::vector<std::pair<std::string_view, std::size_t>> seen;  // id, history index
    const std::vector<history_entry>& hs = c.history();
    for (std::size_t i = 0; i < hs.size(); ++i)
      if (!hs[i].event_id.empty()) seen.emplace_back(hs[i].event_id, i);
    std::sort(seen.begin(), seen.end());
    for (std::size_t k = 1; k < seen.size(); ++k)
      if (seen[k].first == seen[k - 1].first)
        fail(w["history"].at(seen[k].second)["event_id"],
             "event id `" + std::string(seen[k].first) + "` is already on history entry " +
                 std::to_string(seen[k - 1].second) + ": an id is applied once");
    const std::vector<std::string>& ids = c.applied_event_ids();
    for (std::size_t i = 0; i < hs.size(); ++i)
      if (!hs[i].event_id.empty() && !std::binary_search(ids.begin(), ids.end(), hs[i].event_id))
        fail(w["history"].at(i)["event_id"],
             "event id `" + hs[i].event_id + "` is missing from `applied_event_ids`");
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const auto it =
          std::lower_bound(seen.begin(), seen.end(), std::pair<std::string_view, std::size_t>(ids[k], 0));
      if (it == seen.end() || it->first != ids[k])
        fail(w["applied_event_ids"].at(k), "no history entry has event id `" + ids[k] + "`");
    }
  }

  void check_integrity(const value& v, const where& w) const {
    const std::optional<std::uint64_t> expected = parse_hash(text(v, w));
    if (!expected) fail(w, "expected 16 lowercase hexadecimal digits");
    if (content_hash_of(doc_.document(), 0, true) != *expected)
      fail(w,
           "the snapshot's content does not match its integrity hash: it was changed after `to_json` wrote "
           "it (leave `integrity` out to restore a hand-edited snapshot)");
  }

  // A `migrated` entry records a restore under another policy version: a new structure (through
  // a migration) or the same one (an edit to labels, guards, roles, effects, ...); or of a
  // snapshot of format 1, written by a runtime that did not keep history in time order. It is
  // dated at the latest instant the snapshot knows (restoring takes no clock reading), so history
  // stays in order from there on.
  void record_migration(service_case& c) const {
    sys_seconds at = std::max(c.opened_at(), c.entered_at());
    for (const history_entry& h : c.history()) at = std::max(at, h.at);
    history_entry h;
    h.what = history_entry::kind::migrated;
    h.at = at;
    h.from = c.state_index();
    h.to = c.state_index();
    access::history(c).push_back(std::move(h));
  }

  std::shared_ptr<const policy> p_;
  value doc_;
  std::uint32_t flow_index_ = npos;
  const flow_def* flow_ = nullptr;
  const flow_migration* migration_ = nullptr;
  int format_ = 3;       ///< 1 for `aftersale-case/1`, 2 for `/2`
  bool edited_ = false;  ///< the snapshot names another policy version than the policy's
};

}  // namespace

service_case from_json(std::shared_ptr<const policy> p, std::string_view json_text) {
  if (!p) throw snapshot_error("", "no policy to restore the snapshot under");
  detail::compiled_of(*p);  // the runtime reads its dispatch lists unchecked
  // One tape per thread, reused: restoring allocates only the case itself. After an unusually
  // large snapshot the memory is given back rather than kept for the thread's lifetime.
  thread_local snap::tape doc;
  struct trim {
    snap::tape& t;
    ~trim() {
      if (t.nodes.capacity() > 4096) std::vector<snap::node>().swap(t.nodes);
      if (t.decoded.capacity() > 65536) std::string().swap(t.decoded);
    }
  } guard{doc};
  snap::parse(json_text, doc);
  return reader(std::move(p), value(doc, 0)).read();
}

}  // namespace aftersale
