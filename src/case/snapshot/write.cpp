// Writes a case snapshot (format `aftersale-case/1`, docs/snapshots.md). Written by hand
// rather than through a JSON tree: the text must be byte-for-byte deterministic (the reader
// rewrites what it read identically) and a snapshot is taken often, so it should be cheap.
#include <aftersale/case.hpp>
#include <aftersale/time.hpp>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "case/snapshot/format.hpp"
#include "base/wall_clock.hpp"
#include "base/utf8.hpp"

namespace aftersale {

namespace {

namespace snap = detail::snapshot;

// Years 0000..9999 are written as ISO 8601 text; anything else (only a request could carry
// such a timestamp) as integer seconds since the epoch, so every value round-trips exactly.
constexpr std::int64_t k_iso_first = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t k_iso_last = 253402300799;   // 9999-12-31T23:59:59Z

class writer {
 public:
  explicit writer(std::string& out) : out_(out) {}

  void raw(std::string_view s) { out_ += s; }
  void key(std::string_view k) {
    string(k);
    out_ += ':';
  }
  void integer(std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }

  // JSON string; control characters escaped, other bytes as they are (UTF-8 is checked:
  // JSON cannot carry anything else, and the reader would refuse it). Plain runs are
  // appended at once.
  void string(std::string_view s) {
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++i;
        continue;
      }
      if (c >= 0x80) {
        const std::size_t n = detail::utf8_sequence(s, i);
        if (n == 0) throw error("cannot write a snapshot: text `" + printable(s) + "` is not valid UTF-8");
        i += n;
        continue;
      }
      out_.append(s.data() + run, i - run);
      escape(c);
      run = ++i;
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  void time(sys_seconds t) {
    const std::int64_t s = t.time_since_epoch().count();
    if (s < k_iso_first || s > k_iso_last) return integer(s);
    // `"YYYY-MM-DDTHH:MM:SSZ"`, as format_utc writes it, without its printf.
    const detail::civil_time c = detail::civil_from_seconds(s);
    char buf[23] = "\"0000-00-00T00:00:00Z\"";
    const auto put = [&](int at, std::int64_t v, int digits) {
      for (int i = digits - 1; i >= 0; --i, v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
    };
    put(1, c.year, 4);
    put(6, c.month, 2);
    put(9, c.day, 2);
    put(12, c.hour, 2);
    put(15, c.minute, 2);
    put(18, c.second, 2);
    out_.append(buf, 22);
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
        if (v == string_other) return raw("{\"other\":true}");
        break;
      case fact_type::boolean:
        if (v == 0 || v == 1) return raw(v != 0 ? "true" : "false");
        break;
      case fact_type::timestamp:
        return time(sys_seconds{std::chrono::seconds{v}});
      case fact_type::integer:
      case fact_type::money:
      case fact_type::duration:
        break;
    }
    // Integers, and (never produced by the runtime) an out-of-range code: the reader refuses it.
    integer(v);
  }

 private:
  void escape(unsigned char c) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
      }
    }
  }
  static std::string printable(std::string_view s) {
    std::string p;
    for (char c : s) p += static_cast<unsigned char>(c) < 0x80 ? c : '?';
    return p;
  }
  std::string& out_;
};

// 16 lowercase hexadecimal digits, quoted.
void write_hash(writer& w, std::uint64_t h) {
  static constexpr char digits[] = "0123456789abcdef";
  char buf[18] = {'"'};
  for (int i = 16; i >= 1; --i, h >>= 4) buf[i] = digits[h & 15];
  buf[17] = '"';
  w.raw(std::string_view(buf, 18));
}

void write_history(writer& w, const policy& p, const flow_def& f, const history_entry& h) {
  w.raw("{\"what\":");
  w.string(snap::history_kind_names[static_cast<std::size_t>(h.what)]);
  w.raw(",\"at\":");
  w.time(h.at);
  if (h.transition != npos) {
    w.raw(",\"transition\":");
    w.integer(h.transition);
  }
  if (h.actor_role != npos) {
    w.raw(",\"actor\":");
    w.string(p.vocabulary.roles[h.actor_role].id);
  }
  if (h.from != npos) {
    w.raw(",\"from\":");
    w.string(f.states[h.from].id);
  }
  if (h.to != npos) {
    w.raw(",\"to\":");
    w.string(f.states[h.to].id);
  }
  if (!h.event_id.empty()) {
    w.raw(",\"event_id\":");
    w.string(h.event_id);
  }
  if (!h.assigned.empty()) {
    // Pairs, not an object: one step may assign a variable twice (payload, then `set`), and
    // the order is part of the history.
    w.raw(",\"assigned\":[");
    bool first = true;
    for (const auto& [var, value] : h.assigned) {
      if (!first) w.raw(",");
      first = false;
      w.raw("[");
      w.string(f.variables[var].name);
      w.raw(",");
      w.value(f.variables[var], value);
      w.raw("]");
    }
    w.raw("]");
  }
  w.raw("}");
}

void write_values(writer& w, const service_case& c, const std::vector<fact_def>& defs, std::size_t offset) {
  w.raw("{");
  bool first = true;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (!c.has_value(offset + i)) continue;
    if (!first) w.raw(",");
    first = false;
    w.key(defs[i].name);
    w.value(defs[i], c.value(offset + i));
  }
  w.raw("}");
}

}  // namespace

std::string to_json(const service_case& c) {
  if (!c.policy_ptr()) throw error("cannot write a snapshot of an empty case");
  const policy& p = c.source_policy();
  const flow_def& f = c.flow();
  std::string out;
  out.reserve(512 + 160 * c.history().size() + 64 * c.clocks().size());
  writer w(out);

  w.raw("{\"format\":");
  w.string(snap::format_tag);
  w.raw(",\"policy\":{\"id\":");
  w.string(p.info.id);
  w.raw(",\"version\":");
  w.string(p.info.version);
  w.raw(",\"flow\":");
  w.string(f.id);
  w.raw(",\"structure_hash\":");
  write_hash(w, f.structure_hash);
  w.raw("},\"state\":");
  w.string(c.state_id());
  w.raw(",\"phase\":");
  w.string(snap::phase_names[static_cast<std::size_t>(c.phase())]);
  w.raw(",\"escalation\":");
  if (c.escalation() == npos) {
    w.raw("null");
  } else {
    w.string(p.vocabulary.roles[c.escalation()].id);
  }
  w.raw(",\"remark\":");
  if (c.remark_flag() == npos && c.remark().empty()) {
    w.raw("null");
  } else {
    w.raw("{\"flag\":");
    if (c.remark_flag() == npos) {
      w.raw("null");
    } else {
      w.string(p.vocabulary.flags[c.remark_flag()].id);
    }
    w.raw(",\"text\":");
    w.string(c.remark());
    w.raw("}");
  }
  w.raw(",\"opened_at\":");
  w.time(c.opened_at());
  w.raw(",\"entered_at\":");
  w.time(c.entered_at());
  w.raw(",\"facts\":");
  write_values(w, c, p.facts, 0);
  w.raw(",\"variables\":");
  write_values(w, c, f.variables, p.facts.size());

  w.raw(",\"clocks\":[");
  bool first = true;
  for (const case_clock& k : c.clocks()) {
    if (!first) w.raw(",");
    first = false;
    w.raw("{\"clock\":");
    w.string(p.clocks[k.clock].id);
    w.raw(",\"status\":");
    w.string(snap::clock_status_names[static_cast<std::size_t>(k.state)]);
    // Zero values (a clock never started) are left out; the reader restores them as zero.
    if (k.started != sys_seconds{}) {
      w.raw(",\"started\":");
      w.time(k.started);
    }
    if (k.due != sys_seconds{}) {
      w.raw(",\"due\":");
      w.time(k.due);
    }
    if (k.remaining.count() != 0) {
      w.raw(",\"remaining_s\":");
      w.integer(k.remaining.count());
    }
    w.raw("}");
  }
  w.raw("],");

  w.raw("\"applied_event_ids\":[");
  first = true;
  for (const std::string& id : c.applied_event_ids()) {
    if (!first) w.raw(",");
    first = false;
    w.string(id);
  }
  w.raw("],");

  w.raw("\"history\":[");
  first = true;
  for (const history_entry& h : c.history()) {
    if (!first) w.raw(",");
    first = false;
    write_history(w, p, f, h);
  }
  w.raw("]}");
  return out;
}

}  // namespace aftersale
