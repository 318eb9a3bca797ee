// SPDX-License-Identifier: Apache-2.0
// What the store writes into text columns besides snapshots: hashes as hex, event payloads and
// emitted actions as JSON (written through the one JSON writer, read with RapidJSON's DOM:
// these documents are small and written by the store itself).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <aftersale/store.hpp>
#include <limits>
#include <string>
#include <variant>

#include "base/json_writer.hpp"
#include "store/backend.hpp"

namespace aftersale {

namespace {

[[noreturn]] void corrupt(std::string_view what, std::string_view why) {
  throw store_error(error_code::malformed_row,
                    "the store holds a malformed " + std::string(what) + ": " + std::string(why));
}

rapidjson::Document parse(std::string_view json, std::string_view what) {
  rapidjson::Document d;
  // Iterative: a column written behind the store's back may nest a million deep, and the
  // recursive parser would overflow the stack on it.
  d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) corrupt(what, rapidjson::GetParseError_En(d.GetParseError()));
  return d;
}

}  // namespace

int schema_version_from(std::int64_t stored) {
  if (stored < 0) corrupt("schema version", std::to_string(stored) + " is negative");
  return stored > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                  : static_cast<int>(stored);
}

std::string hex64(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return s;
}

std::optional<std::uint64_t> parse_hex64(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  for (const char ch : s) {
    unsigned d = 0;
    if (ch >= '0' && ch <= '9') {
      d = static_cast<unsigned>(ch - '0');
    } else if (ch >= 'a' && ch <= 'f') {
      d = static_cast<unsigned>(ch - 'a' + 10);
    } else {
      return std::nullopt;
    }
    v = (v << 4) | d;
  }
  return v;
}

std::string payload_to_json(const request& r) {
  detail::json_writer w("an event payload");
  w.begin_object();
  for (const auto& [name, value] : r.values()) {
    w.key(name);
    if (const auto* b = std::get_if<bool>(&value)) {
      w.boolean(*b);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      w.integer(*i);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      w.string(*s);
    } else if (const auto* d = std::get_if<decimal>(&value)) {
      w.string(format_decimal(d->units, d->scale));  // read back as decimal text, exactly
    } else if (const auto* t = std::get_if<sys_seconds>(&value)) {
      w.begin_object();
      w.key("t");
      w.integer(t->time_since_epoch().count());
      w.end_object();
    } else {
      w.begin_object();
      w.key("s");
      w.integer(std::get<std::chrono::seconds>(value).count());
      w.end_object();
    }
  }
  w.end_object();
  return w.take();
}

request payload_from_json(std::string_view json) {
  const rapidjson::Document d = parse(json, "event payload");
  if (!d.IsObject()) corrupt("event payload", "not an object");
  request r;
  for (const auto& m : d.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    const rapidjson::Value& v = m.value;
    if (v.IsBool()) {
      r.set(std::move(name), fact_value(v.GetBool()));
    } else if (v.IsInt64()) {
      r.set(std::move(name), fact_value(static_cast<std::int64_t>(v.GetInt64())));
    } else if (v.IsString()) {
      r.set(std::move(name), fact_value(std::string(v.GetString(), v.GetStringLength())));
    } else if (v.IsObject() && v.MemberCount() == 1 && v.MemberBegin()->value.IsInt64()) {
      const std::string_view kind(v.MemberBegin()->name.GetString(), v.MemberBegin()->name.GetStringLength());
      const std::int64_t n = v.MemberBegin()->value.GetInt64();
      if (kind == "t") {
        r.set(std::move(name), fact_value(sys_seconds(std::chrono::seconds(n))));
      } else if (kind == "s") {
        r.set(std::move(name), fact_value(std::chrono::seconds(n)));
      } else {
        corrupt("event payload", "unknown value kind `" + std::string(kind) + "`");
      }
    } else {
      corrupt("event payload", "value of `" + name + "` is not a payload value");
    }
  }
  return r;
}

std::string actions_to_json(const std::vector<emitted_action>& actions) {
  detail::json_writer w("emitted actions");
  w.begin_array();
  for (const emitted_action& a : actions) {
    w.begin_object();
    w.key("name");
    w.string(a.name);
    w.key("args");
    w.begin_array();
    for (const auto& [k, v] : a.args) {
      w.begin_array();
      w.string(k);
      w.string(v);
      w.end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  return w.take();
}

std::vector<emitted_action> actions_from_json(std::string_view json) {
  const rapidjson::Document d = parse(json, "list of actions");
  if (!d.IsArray()) corrupt("list of actions", "not an array");
  std::vector<emitted_action> out;
  for (const auto& a : d.GetArray()) {
    if (!a.IsObject() || !a.HasMember("name") || !a["name"].IsString() || !a.HasMember("args") ||
        !a["args"].IsArray())
      corrupt("list of actions", "an action is not {name, args}");
    emitted_action e;
    e.name.assign(a["name"].GetString(), a["name"].GetStringLength());
    for (const auto& kv : a["args"].GetArray()) {
      if (!kv.IsArray() || kv.Size() != 2 || !kv[0].IsString() || !kv[1].IsString())
        corrupt("list of actions", "an argument is not [key, value]");
      e.args.emplace_back(std::string(kv[0].GetString(), kv[0].GetStringLength()),
                          std::string(kv[1].GetString(), kv[1].GetStringLength()));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace aftersale
