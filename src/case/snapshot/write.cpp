// SPDX-License-Identifier: Apache-2.0
// Writes a case snapshot (format `aftersale-case/3`, docs/snapshots.md). Streamed through the
// library's JSON writer rather than built as a tree: the text must be byte-for-byte
// deterministic (the reader rewrites what it read identically) and a snapshot is taken often,
// so it should be cheap.
#include <aftersale/case.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.hpp"
#include "base/time_range.hpp"
#include "base/wall_clock.hpp"
#include "case/snapshot/format.hpp"

namespace aftersale {

namespace {

namespace snap = detail::snapshot;

// The snapshot's values over the JSON writer: times, and fact values by their declared type.
// Everything written inside the root object also goes into the `integrity` hash (format.hpp).
class writer : public detail::json_writer {
 public:
  explicit writer(std::size_t capacity) : json_writer("a snapshot", layout::compact, capacity) {
    open_.reserve(6);  // the snapshot nests at most 5 deep
  }

  // The root object: its `integrity` member, written last, is left out of the hash.
  void begin_root() {
    open_.push_back({snap::content_hash::container(true), {}});
    json_writer::begin_object();
  }
  void end_root() {
    json_writer::key("integrity");
    char buf[16];
    std::uint64_t h = open_.back().hash.value();
    static constexpr char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, h >>= 4) buf[i] = digits[h & 15];
    json_writer::string(std::string_view(buf, 16));
    json_writer::end_object();
  }

  void begin_object() {
    open_.push_back({snap::content_hash::container(true), key_});
    json_writer::begin_object();
  }
  void end_object() {
    json_writer::end_object();
    close();
  }
  void begin_array() {
    open_.push_back({snap::content_hash::container(false), key_});
    json_writer::begin_array();
  }
  void end_array() {
    json_writer::end_array();
    close();
  }
  void key(std::string_view k) {
    key_ = k;
    json_writer::key(k);
  }
  void string(std::string_view s) {
    json_writer::string(s);
    hashed(snap::content_hash::string(s));
  }
  void integer(std::int64_t v) {
    json_writer::integer(v);
    hashed(snap::content_hash::integer(v));
  }
  void boolean(bool b) {
    json_writer::boolean(b);
    hashed(snap::content_hash::boolean(b));
  }
  void null() {
    json_writer::null();
    hashed(snap::content_hash::null());
  }

  void time(sys_seconds t) {
    const std::int64_t s = t.time_since_epoch().count();
    // Years 0000..9999 are written as ISO 8601 text; anything else (only a request could carry
    // such a timestamp) as integer seconds since the epoch, so every value round-trips exactly.
    if (s < detail::k_iso_first_second || s > detail::k_iso_last_second) return integer(s);
    // `YYYY-MM-DDTHH:MM:SSZ`, as format_utc writes it, without its printf.
    const detail::civil_time c = detail::civil_from_seconds(s);
    char buf[21] = "0000-00-00T00:00:00Z";
    const auto put = [&](int at, std::int64_t v, int digits) {
      for (int i = digits - 1; i >= 0; --i, v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
    };
    put(0, c.year, 4);
    put(5, c.month, 2);
    put(8, c.day, 2);
    put(11, c.hour, 2);
    put(14, c.minute, 2);
    put(17, c.second, 2);
    string(std::string_view(buf, 20));
  }

  // A fact or variable value, by its declared type (see `fact_def`).
  void value(const fact_def& f, std::int64_t v) {
    const bool literal = v >= 0 && static_cast<std::uint64_t>(v) < f.values.size();
    switch (f.type) {
      case fact_type::enumeration:
        if (literal) return string(f.values[static_cast<std::size_t>(v)]);
        break;
      case fact_type::string:
        if (literal) return string(f.values[static_cast<std::size_t>(v)]);
        if (v == string_other) {
          begin_object();
          key("other");
          boolean(true);
          return end_object();
        }
        break;
      case fact_type::boolean:
        if (v == 0 || v == 1) return boolean(v != 0);
        break;
      case fact_type::timestamp:
        return time(sys_seconds{std::chrono::seconds{v}});
      case fact_type::integer:
      case fact_type::money:
      case fact_type::decimal:  // its scaled integer, as money is its minor units
      case fact_type::duration:
        break;
    }
    // Integers, and (never produced by the runtime) an out-of-range code: the reader refuses it.
    integer(v);
  }

 private:
  // A container being written: its hash so far and the key it stands under in its parent.
  struct open_container {
    snap::content_hash::container hash;
    std::string_view key;
  };
  // A value written in the innermost open container (every value is inside the root).
  void hashed(std::uint64_t h) {
    open_container& parent = open_.back();
    parent.hash.add(parent.hash.is_object() ? snap::content_hash::member(key_, h) : h);
  }
  void close() {
    const std::uint64_t h = open_.back().hash.value();
    key_ = open_.back().key;
    open_.pop_back();
    hashed(h);
  }

  std::vector<open_container> open_;
  // Keys are literals or names the policy owns: views stay valid while the snapshot is written.
  std::string_view key_;  ///< the key of the value being written, in an object
};

// 16 lowercase hexadecimal digits.
void write_hash(writer& w, std::uint64_t h) {
  static constexpr char digits[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i, h >>= 4) buf[i] = digits[h & 15];
  w.string(std::string_view(buf, 16));
}

void write_history(writer& w, const policy& p, const flow_def& f, const history_entry& h) {
  w.begin_object();
  w.key("what");
  w.string(snap::history_kind_names[static_cast<std::size_t>(h.what)]);
  w.key("at");
  w.time(h.at);
  if (h.transition != npos) {
    w.key("transition");
    w.integer(h.transition);
  }
  if (h.actor_role != npos) {
    w.key("actor");
    w.string(entry_id(p.vocabulary.roles, h.actor_role));
  }
  if (h.from != npos) {
    w.key("from");
    w.string(f.states[h.from].id);
  }
  if (h.to != npos) {
    w.key("to");
    w.string(f.states[h.to].id);
  }
  if (!h.event_id.empty()) {
    w.key("event_id");
    w.string(h.event_id);
    if (h.event_digest != 0) {
      w.key("event_digest");
      write_hash(w, h.event_digest);
    }
  }
  if (!h.assigned.empty()) {
    // Pairs, not an object: one step may assign a variable twice (payload, then `set`), and
    // the order is part of the history.
    w.key("assigned");
    w.begin_array();
    for (const auto& [var, value] : h.assigned) {
      w.begin_array();
      w.string(f.variables[var].name);
      w.value(f.variables[var], value);
      w.end_array();
    }
    w.end_array();
  }
  w.end_object();
}

void write_values(writer& w, const service_case& c, const std::vector<fact_def>& defs, std::size_t offset) {
  w.begin_object();
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (!c.has_value(offset + i)) continue;
    w.key(defs[i].name);
    w.value(defs[i], c.value(offset + i));
  }
  w.end_object();
}

void write_clock(writer& w, const policy& p, const case_clock& k) {
  w.begin_object();
  w.key("clock");
  w.string(p.clocks[k.clock].id);
  w.key("status");
  w.string(snap::clock_status_names[static_cast<std::size_t>(k.state)]);
  // Zero values (a clock never started) are left out; the reader restores them as zero.
  if (k.started != sys_seconds{}) {
    w.key("started");
    w.time(k.started);
  }
  if (k.due != sys_seconds{}) {
    w.key("due");
    if (k.due == never_due)
      w.string("never");  // a clock that never falls due
    else
      w.time(k.due);
  }
  if (k.remaining.count() != 0) {
    w.key("remaining_s");
    w.integer(k.remaining.count());
  }
  if (k.notified != 0) {
    w.key("notified");
    w.integer(k.notified);
  }
  w.end_object();
}

// A role, flag, ... id, or null for none.
void id_or_null(writer& w, const std::vector<vocabulary_entry>& ids, std::uint32_t i) {
  if (i == npos) return w.null();
  w.string(entry_id(ids, i));
}

}  // namespace

std::string to_json(const service_case& c) {
  if (!c.policy_ptr()) throw error("cannot write a snapshot of an empty case");
  const policy& p = c.source_policy();
  const flow_def& f = c.flow();
  writer w(512 + 160 * c.history().size() + 64 * c.clocks().size());

  // The oldest format that holds the case: a fleet mid-upgrade (docs/versioning.md, "read before
  // write") still reads every case whose clocks sent no SLA notice, byte for byte as before.
  const bool notices =
      std::any_of(c.clocks().begin(), c.clocks().end(), [](const case_clock& k) { return k.notified != 0; });
  w.begin_root();
  w.key("format");
  w.string(notices ? snap::format_tag : snap::format_tag_2);
  w.key("policy");
  w.begin_object();
  w.key("id");
  w.string(p.info.id);
  w.key("version");
  w.string(p.info.version);
  w.key("flow");
  w.string(f.id);
  w.key("structure_hash");
  write_hash(w, f.structure_hash);
  w.end_object();
  w.key("state");
  w.string(c.state_id());
  w.key("phase");
  w.string(snap::phase_names[static_cast<std::size_t>(c.phase())]);
  w.key("escalation");
  id_or_null(w, p.vocabulary.roles, c.escalation_index());
  w.key("remark");
  const localized_text& remark = c.remark_text();
  if (c.remark_flag_index() == npos && remark.empty()) {
    w.null();
  } else {
    w.begin_object();
    w.key("flag");
    id_or_null(w, p.vocabulary.flags, c.remark_flag_index());
    w.key("text");
    // One text in the policy's locale as a string (as before locales); else one per locale.
    if (remark.empty()) {
      w.string("");
    } else if (remark.by_locale.size() == 1 && remark.by_locale[0].first == p.info.locale) {
      w.string(remark.by_locale[0].second);
    } else {
      w.begin_object();
      for (const auto& [locale, text] : remark.by_locale) {
        w.key(locale);
        w.string(text);
      }
      w.end_object();
    }
    w.end_object();
  }
  w.key("opened_at");
  w.time(c.opened_at());
  w.key("entered_at");
  w.time(c.entered_at());
  w.key("facts");
  write_values(w, c, p.facts, 0);
  w.key("variables");
  write_values(w, c, f.variables, p.facts.size());
  w.key("clocks");
  w.begin_array();
  for (const case_clock& k : c.clocks()) write_clock(w, p, k);
  w.end_array();
  w.key("applied_event_ids");
  w.begin_array();
  for (const std::string& id : c.applied_event_ids()) w.string(id);
  w.end_array();
  w.key("history");
  w.begin_array();
  for (const history_entry& h : c.history()) write_history(w, p, f, h);
  w.end_array();
  w.end_root();
  return w.take();
}

}  // namespace aftersale
