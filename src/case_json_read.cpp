// Restores a case snapshot (format `aftersale-case/1`, docs/snapshots.md). Everything is
// checked against the policy before the case exists, so a snapshot that does not fit gives a
// `snapshot_error` naming the JSON path, never a case the runtime could trip over.
#include <aftersale/case.hpp>
#include <aftersale/time.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "case_access.hpp"
#include "case_json_format.hpp"

namespace aftersale {

namespace {

namespace snap = detail::snapshot;
using json = nlohmann::json;
using access = detail::case_access;

constexpr std::int64_t k_iso_first = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t k_iso_last = 253402300799;   // 9999-12-31T23:59:59Z

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

[[noreturn]] void fail(const where& w, const std::string& message) { throw snapshot_error(w.str(), message); }

// Builds the document like nlohmann's own DOM parser, but refuses a key repeated in one object
// (the plain parser keeps the last one silently) and keeps the parse error for our message.
class strict_parser {
 public:
  explicit strict_parser(json& root) : dom_(root, false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) {
    keys_.emplace_back();
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    std::vector<std::string>& seen = keys_.back();
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      error_ = "key `" + k + "` appears twice in one object";
      return false;
    }
    seen.push_back(k);
    return dom_.key(k);
  }
  bool end_object() {
    keys_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return dom_.start_array(n); }
  bool end_array() { return dom_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& /*last_token*/, const Exception& ex) {
    // nlohmann's text is `[json.exception...] parse error at line L, column C: why`; keep `why`.
    std::string why = ex.what();
    const std::size_t at = why.find("parse error");
    const std::size_t colon = at == std::string::npos ? std::string::npos : why.find(": ", at);
    if (colon != std::string::npos) why = why.substr(colon + 2);
    error_ = "not valid JSON at byte " + std::to_string(position) + ": " + why;
    return false;
  }
  bool is_errored() const { return !error_.empty() || dom_.is_errored(); }
  const std::string& error_text() const { return error_; }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<std::vector<std::string>> keys_;
  std::string error_;
};

json parse(std::string_view text) {
  json doc;
  strict_parser sax(doc);
  const bool ok = json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true);
  if (!ok || sax.is_errored())
    throw snapshot_error("$", sax.error_text().empty() ? "not valid JSON" : sax.error_text());
  return doc;
}

const char* kind_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a fraction";
    default: return "something else";
  }
}

[[noreturn]] void wrong_type(const json& v, const where& w, std::string_view expected) {
  fail(w, "expected " + std::string(expected) + ", got " + kind_name(v));
}

// An object whose keys are all in `allowed` and include every key of `required`.
void expect_object(const json& v, const where& w, std::initializer_list<std::string_view> allowed,
                   std::initializer_list<std::string_view> required) {
  if (!v.is_object()) wrong_type(v, w, "an object");
  for (const auto& item : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
      fail(w[item.key()], "unknown key `" + item.key() + "`");
  }
  for (std::string_view k : required)
    if (v.find(k) == v.end()) fail(w, "missing key `" + std::string(k) + "`");
}

const json* member(const json& obj, std::string_view k) {
  const auto it = obj.find(k);
  return it == obj.end() ? nullptr : &*it;
}

const std::string& text(const json& v, const where& w) {
  if (!v.is_string()) wrong_type(v, w, "a string");
  return v.get_ref<const std::string&>();
}

std::int64_t integer(const json& v, const where& w) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      fail(w, "integer " + std::to_string(u) + " is out of range");
    return static_cast<std::int64_t>(u);
  }
  if (!v.is_number_integer()) wrong_type(v, w, "an integer");
  return v.get<std::int64_t>();
}

// Exactly the text `to_json` writes: canonical UTC, or integer seconds outside years 0000..9999.
sys_seconds time(const json& v, const where& w) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (const auto t = parse_timestamp(s); t && format_utc(*t) == s) return *t;
  } else if (v.is_number_integer()) {
    const std::int64_t n = integer(v, w);
    if (n < k_iso_first || n > k_iso_last) return sys_seconds{std::chrono::seconds{n}};
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
std::size_t named(const std::array<std::string_view, N>& names, const json& v, const where& w, std::string_view what) {
  const std::string& s = text(v, w);
  if (const auto i = snap::find_name(names, s)) return *i;
  fail(w, "unknown " + std::string(what) + " `" + s + "`: expected one of " + one_of(names));
}

std::uint32_t vocabulary_id(const std::vector<vocabulary_entry>& list, const json& v, const where& w,
                            std::string_view what) {
  const std::string& s = text(v, w);
  for (std::uint32_t i = 0; i < list.size(); ++i)
    if (list[i].id == s) return i;
  fail(w, "unknown " + std::string(what) + " `" + s + "`");
}

// A fact or variable value in the encoding of `fact_def`.
std::int64_t value(const fact_def& f, const json& v, const where& w) {
  switch (f.type) {
    case fact_type::enumeration:
    case fact_type::string: {
      if (f.type == fact_type::string && v.is_object()) {
        expect_object(v, w, {"other"}, {"other"});
        const json& other = v["other"];
        if (!other.is_boolean() || !other.get<bool>()) fail(w["other"], "expected true");
        return string_other;
      }
      if (!v.is_string())
        wrong_type(v, w, f.type == fact_type::string ? "a string or {\"other\": true}" : "a string");
      const std::string& s = v.get_ref<const std::string&>();
      for (std::size_t i = 0; i < f.values.size(); ++i)
        if (f.values[i] == s) return static_cast<std::int64_t>(i);
      if (f.type == fact_type::string)
        fail(w, "`" + s + "` is none of the literals of `" + f.name +
                    "` (text the policy does not mention is written {\"other\": true})");
      fail(w, "`" + s + "` is not a value of `" + f.name + "`: expected one of " + one_of(f.values));
    }
    case fact_type::boolean:
      if (!v.is_boolean()) wrong_type(v, w, "true or false");
      return v.get<bool>() ? 1 : 0;
    case fact_type::timestamp: return time(v, w).time_since_epoch().count();
    case fact_type::integer:
    case fact_type::money:
    case fact_type::duration: return integer(v, w);
  }
  fail(w, "unsupported type of `" + f.name + "`");
}

std::string hex64(std::uint64_t h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) s[static_cast<std::size_t>(i)] = digits[h & 15];
  return s;
}

class reader {
 public:
  reader(std::shared_ptr<const policy> p, const json& doc) : p_(std::move(p)), doc_(doc) {}

  service_case read() {
    const where root;
    expect_object(doc_, root,
                  {"format", "policy", "state", "phase", "escalation", "remark", "opened_at", "entered_at", "facts",
                   "variables", "clocks", "applied_event_ids", "history"},
                  {"format", "policy", "state", "phase", "escalation", "remark", "opened_at", "entered_at", "facts",
                   "variables", "clocks", "applied_event_ids", "history"});
    if (text(doc_["format"], root["format"]) != snap::format_tag)
      fail(root["format"], "unsupported snapshot format `" + doc_["format"].get<std::string>() + "`: expected `" +
                               std::string(snap::format_tag) + "`");
    read_policy(doc_["policy"], root["policy"]);

    service_case c;
    access::policy_ptr(c) = p_;
    access::flow(c) = flow_index_;
    access::state(c) = state(doc_["state"], root["state"]);
    access::phase(c) = static_cast<lifecycle_phase>(named(snap::phase_names, doc_["phase"], root["phase"], "phase"));
    check_phase(c, root["phase"]);
    const json& esc = doc_["escalation"];
    access::escalation(c) =
        esc.is_null() ? npos : vocabulary_id(p_->vocabulary.roles, esc, root["escalation"], "role");
    read_remark(c, doc_["remark"], root["remark"]);
    access::opened_at(c) = time(doc_["opened_at"], root["opened_at"]);
    access::entered_at(c) = time(doc_["entered_at"], root["entered_at"]);
    access::reset_values(c, static_cast<std::uint32_t>(p_->facts.size() + flow_->variables.size()));
    read_facts(c, doc_["facts"], root["facts"]);
    read_variables(c, doc_["variables"], root["variables"]);
    read_clocks(c, doc_["clocks"], root["clocks"]);
    read_ids(c, doc_["applied_event_ids"], root["applied_event_ids"]);
    read_history(c, doc_["history"], root["history"]);
    if (migration_ != nullptr) record_migration(c);
    return c;
  }

 private:
  void read_policy(const json& v, const where& w) {
    expect_object(v, w, {"id", "version", "flow", "structure_hash"}, {"id", "version", "flow", "structure_hash"});
    const std::string& id = text(v["id"], w["id"]);
    if (id != p_->info.id)
      fail(w["id"], "the snapshot is of a case under policy `" + id + "`, not `" + p_->info.id + "`");
    version_ = &text(v["version"], w["version"]);
    const std::string& flow = text(v["flow"], w["flow"]);
    const auto f = p_->find_flow(flow);
    if (!f) fail(w["flow"], "policy `" + p_->info.id + "` has no flow `" + flow + "`");
    flow_index_ = *f;
    flow_ = &p_->flows[*f];
    const std::string& hash = text(v["structure_hash"], w["structure_hash"]);
    const bool hex = hash.size() == 16 && std::all_of(hash.begin(), hash.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) fail(w["structure_hash"], "expected 16 lowercase hexadecimal digits");
    const std::string now = hex64(flow_->structure_hash);
    if (hash == now) return;
    // The flow's states or transitions changed: only a declared migration may map the case.
    for (const flow_migration& m : flow_->migrations)
      if (m.from_version == *version_) migration_ = &m;
    if (migration_ == nullptr)
      fail(w["structure_hash"], "flow `" + flow_->id + "` changed since the snapshot (structure " + hash +
                                    ", now " + now + ") and declares no migration from policy version `" +
                                    *version_ + "`");
  }

  // A state id of the snapshot, through the migration's mapping when there is one.
  std::uint32_t state(const json& v, const where& w) const {
    const std::string& id = text(v, w);
    std::string_view target = id;
    if (migration_ != nullptr) {
      for (const auto& [from, to] : migration_->states)
        if (from == id) target = to;
    }
    for (std::uint32_t i = 0; i < flow_->states.size(); ++i)
      if (flow_->states[i].id == target) return i;
    if (migration_ != nullptr)
      fail(w, "state `" + id + "` is no longer in flow `" + flow_->id + "` and the migration from version `" +
                  migration_->from_version + "` does not map it");
    fail(w, "unknown state `" + id + "` in flow `" + flow_->id + "`");
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
      const lifecycle_phase own = s.phase == state_phase::waiting_on_customer ? lifecycle_phase::waiting_on_customer
                                                                              : lifecycle_phase::active;
      ok = ph == own || ph == lifecycle_phase::escalated;
    }
    if (!ok)
      fail(w, "phase `" + std::string(snap::phase_names[static_cast<std::size_t>(ph)]) + "` is impossible in " +
                  (s.terminal ? "terminal " : "") + "state `" + s.id + "`");
  }

  void read_remark(service_case& c, const json& v, const where& w) const {
    if (v.is_null()) return;
    expect_object(v, w, {"flag", "text"}, {"flag", "text"});
    const json& flag = v["flag"];
    access::remark_flag(c) = flag.is_null() ? npos : vocabulary_id(p_->vocabulary.flags, flag, w["flag"], "flag");
    access::remark(c) = text(v["text"], w["text"]);
  }

  void read_facts(service_case& c, const json& v, const where& w) const {
    if (!v.is_object()) wrong_type(v, w, "an object");
    for (const auto& item : v.items()) {
      const where wf = w[item.key()];
      const auto f = p_->find_fact(item.key());
      if (!f) fail(wf, "unknown fact `" + item.key() + "`");
      access::set_value(c, *f, value(p_->facts[*f], item.value(), wf), true);
    }
  }

  std::uint32_t variable(const std::string& name, const where& w) const {
    for (std::uint32_t i = 0; i < flow_->variables.size(); ++i)
      if (flow_->variables[i].name == name) return i;
    fail(w, "unknown variable `" + name + "` in flow `" + flow_->id + "`");
  }

  void read_variables(service_case& c, const json& v, const where& w) const {
    if (!v.is_object()) wrong_type(v, w, "an object");
    for (const auto& item : v.items()) {
      const where wv = w[item.key()];
      const std::uint32_t i = variable(item.key(), wv);
      access::set_value(c, p_->facts.size() + i, value(flow_->variables[i], item.value(), wv), true);
    }
  }

  void read_clocks(service_case& c, const json& v, const where& w) const {
    if (!v.is_array()) wrong_type(v, w, "an array");
    std::vector<case_clock>& clocks = access::clocks(c);
    clocks.reserve(v.size() + flow_->clocks.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const where wc = w.at(i);
      const json& e = v[i];
      expect_object(e, wc, {"clock", "status", "started", "due", "remaining_s"}, {"clock", "status"});
      case_clock k;
      const std::string& id = text(e["clock"], wc["clock"]);
      const auto ci = p_->find_clock(id);
      if (!ci) fail(wc["clock"], "unknown clock `" + id + "`");
      if (!clocks.empty() && clocks.back().clock >= *ci)
        fail(wc["clock"], "clock `" + id + "` is out of order or repeated: clocks are listed once, in policy order");
      k.clock = *ci;
      k.state = static_cast<case_clock::status>(named(snap::clock_status_names, e["status"], wc["status"], "status"));
      if (const json* s = member(e, "started")) k.started = time(*s, wc["started"]);
      if (const json* d = member(e, "due")) k.due = time(*d, wc["due"]);
      if (const json* r = member(e, "remaining_s")) k.remaining = std::chrono::seconds{integer(*r, wc["remaining_s"])};
      clocks.push_back(k);
    }
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

  static void read_ids(service_case& c, const json& v, const where& w) {
    if (!v.is_array()) wrong_type(v, w, "an array");
    std::vector<std::string>& ids = access::applied_ids(c);
    ids.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string& id = text(v[i], w.at(i));
      if (id.empty()) fail(w.at(i), "an applied event id is never empty");
      if (!ids.empty() && !(ids.back() < id)) fail(w.at(i), "event ids are listed once, sorted: `" + id + "`");
      ids.push_back(id);
    }
  }

  void read_history(service_case& c, const json& v, const where& w) const {
    if (!v.is_array()) wrong_type(v, w, "an array");
    std::vector<history_entry>& history = access::history(c);
    history.reserve(v.size() + (migration_ != nullptr ? 1 : 0));
    for (std::size_t i = 0; i < v.size(); ++i) {
      const where wh = w.at(i);
      const json& e = v[i];
      expect_object(e, wh, {"what", "at", "transition", "actor", "from", "to", "event_id", "assigned"}, {"what", "at"});
      history_entry h;
      h.what = static_cast<history_entry::kind>(named(snap::history_kind_names, e["what"], wh["what"], "history entry"));
      h.at = time(e["at"], wh["at"]);
      if (const json* t = member(e, "transition")) {
        const std::int64_t n = integer(*t, wh["transition"]);
        if (n < 0 || static_cast<std::uint64_t>(n) >= flow_->transitions.size())
          fail(wh["transition"], "flow `" + flow_->id + "` has no transition " + std::to_string(n));
        // After a migration the old numbering means nothing: the entry keeps its states only.
        h.transition = migration_ != nullptr ? npos : static_cast<std::uint32_t>(n);
      }
      if (const json* a = member(e, "actor")) h.actor_role = vocabulary_id(p_->vocabulary.roles, *a, wh["actor"], "role");
      if (const json* f = member(e, "from")) h.from = state(*f, wh["from"]);
      if (const json* t = member(e, "to")) h.to = state(*t, wh["to"]);
      if (const json* id = member(e, "event_id")) {
        h.event_id = text(*id, wh["event_id"]);
        if (h.event_id.empty()) fail(wh["event_id"], "an event id is left out rather than empty");
      }
      if (const json* a = member(e, "assigned")) read_assigned(h, *a, wh["assigned"]);
      history.push_back(std::move(h));
    }
  }

  void read_assigned(history_entry& h, const json& v, const where& w) const {
    if (!v.is_array()) wrong_type(v, w, "an array");
    h.assigned.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      const where wa = w.at(i);
      const json& pair = v[i];
      if (!pair.is_array() || pair.size() != 2) fail(wa, "expected a pair [variable, value]");
      const std::uint32_t var = variable(text(pair[0], wa.at(0)), wa.at(0));
      h.assigned.emplace_back(var, value(flow_->variables[var], pair[1], wa.at(1)));
    }
  }

  // A `migrated` entry records the restore under the new structure. It is dated at the latest
  // instant the snapshot knows (restoring takes no clock reading), so history stays in order.
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
  const json& doc_;
  std::uint32_t flow_index_ = npos;
  const flow_def* flow_ = nullptr;
  const std::string* version_ = nullptr;
  const flow_migration* migration_ = nullptr;
};

}  // namespace

service_case from_json(std::shared_ptr<const policy> p, std::string_view json_text) {
  if (!p) throw snapshot_error("", "no policy to restore the snapshot under");
  const json doc = parse(json_text);
  return reader(std::move(p), doc).read();
}

}  // namespace aftersale
