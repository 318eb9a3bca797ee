// RapidJSON's Writer, validating UTF-8 (kWriteValidateEncodingFlag), writing straight into the
// caller's string.
#include "base/json_writer.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include <aftersale/error.hpp>
#include <algorithm>
#include <optional>

#include "base/utf8.hpp"

namespace aftersale::detail {

namespace {

// RapidJSON's output stream concept over a std::string.
struct string_stream {
  using Ch = char;
  std::string& s;
  void Put(char c) { s.push_back(c); }
  void Flush() {}
};

constexpr unsigned k_flags = rapidjson::kWriteValidateEncodingFlag;
using compact_writer =
    rapidjson::Writer<string_stream, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator, k_flags>;
// RapidJSON 1.1.0 (Debian 12) cannot build a PrettyWriter with flags: its `Base` drops them.
// The pretty layout checks UTF-8 itself (utf8.hpp, the same rules) before each string instead.
using pretty_writer = rapidjson::PrettyWriter<string_stream>;

rapidjson::SizeType size_of(std::string_view s) { return static_cast<rapidjson::SizeType>(s.size()); }

// RapidJSON spells `\u001F`; snapshots have always been `\u001f`, and `to_json(from_json(s)) == s`
// must keep holding for them. Only text with a control character can need this.
void lowercase_escapes(std::string& out, std::size_t from) {
  for (std::size_t i = from; i + 1 < out.size(); ++i) {
    if (out[i] != '\\') continue;
    if (out[i + 1] == 'u')
      for (std::size_t k = i + 2; k < i + 6 && k < out.size(); ++k)
        if (out[k] >= 'A' && out[k] <= 'F') out[k] = static_cast<char>(out[k] - 'A' + 'a');
    ++i;  // the escaped character is never the start of another escape
  }
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// Non-ASCII bytes as `?`, so the message itself stays valid UTF-8.
std::string printable(std::string_view s) {
  std::string p;
  for (char c : s) p += static_cast<unsigned char>(c) < 0x80 ? c : '?';
  return p;
}

}  // namespace

struct json_writer::impl {
  impl(std::string& out, std::string_view document, layout l) : out(out), document(document), stream{out} {
    if (l == layout::pretty) {
      pretty.emplace(stream);
      pretty->SetIndent(' ', 2);
    } else {
      compact.emplace(stream);
    }
  }

  // Calls `f` with the writer in use; false from RapidJSON means text that is not UTF-8.
  template <class F>
  bool with(F&& f) {
    return pretty ? f(*pretty) : f(*compact);
  }

  void text(std::string_view s, bool is_key) {
    const std::size_t start = out.size();
    const bool ok = (!pretty || valid_utf8(s)) && with([&](auto& w) {
                      return is_key ? w.Key(s.data(), size_of(s)) : w.String(s.data(), size_of(s));
                    });
    if (!ok) {
      out.resize(start);
      throw encoding_error("cannot write " + document + ": text `" + printable(s) + "` is not valid UTF-8");
    }
    if (has_control(s)) lowercase_escapes(out, start);
  }

  std::string& out;
  std::string document;
  string_stream stream;
  // Only one is constructed: each allocates its level stack.
  std::optional<compact_writer> compact;
  std::optional<pretty_writer> pretty;
};

json_writer::json_writer(std::string& out, std::string_view document, layout l)
    : impl_(std::make_unique<impl>(out, document, l)) {}
json_writer::~json_writer() = default;

void json_writer::begin_object() {
  impl_->with([](auto& w) { return w.StartObject(); });
}
void json_writer::end_object() {
  impl_->with([](auto& w) { return w.EndObject(); });
}
void json_writer::begin_array() {
  impl_->with([](auto& w) { return w.StartArray(); });
}
void json_writer::end_array() {
  impl_->with([](auto& w) { return w.EndArray(); });
}
void json_writer::key(std::string_view k) { impl_->text(k, true); }
void json_writer::string(std::string_view s) { impl_->text(s, false); }
void json_writer::integer(std::int64_t v) {
  impl_->with([v](auto& w) { return w.Int64(v); });
}
void json_writer::unsigned_integer(std::uint64_t v) {
  impl_->with([v](auto& w) { return w.Uint64(v); });
}
void json_writer::number(double v) {
  impl_->with([v](auto& w) { return w.Double(v); });
}
void json_writer::boolean(bool v) {
  impl_->with([v](auto& w) { return w.Bool(v); });
}
void json_writer::null() {
  impl_->with([](auto& w) { return w.Null(); });
}
void json_writer::literal(std::string_view json) {
  impl_->with([json](auto& w) { return w.RawValue(json.data(), json.size(), rapidjson::kNumberType); });
}

}  // namespace aftersale::detail
