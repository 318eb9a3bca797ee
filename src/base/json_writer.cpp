// SPDX-License-Identifier: Apache-2.0
// RapidJSON's Writer, validating UTF-8 (kWriteValidateEncodingFlag), into RapidJSON's own
// string buffer, both on the work stack below.
#include "base/json_writer.hpp"

#include <rapidjson/allocators.h>
#include <rapidjson/internal/stack.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace aftersale::detail {
namespace {
/// RapidJSON's allocator under another name, so that the buffer and the writers get the stack below.
struct json_allocator : rapidjson::CrtAllocator {};
}  // namespace
}  // namespace aftersale::detail

namespace rapidjson::internal {

// RapidJSON 1.1's own Stack starts with null pointers and its first push computes
// `nullptr + n` (stack.h:117: `stackTop_ + sizeof(T) * count > stackEnd_`), undefined behaviour
// that clang's UBSan reports on every writer and string buffer it builds (the snapshot reader,
// tape.cpp, avoids its reader's stack altogether). This specialisation, for our allocator type
// only, has the same interface and compares sizes instead of pointers. The Debian header is
// left as it is.
template <>
class Stack<aftersale::detail::json_allocator> {
 public:
  Stack(aftersale::detail::json_allocator*, size_t capacity) : first_(std::max<size_t>(capacity, 64)) {}
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  ~Stack() { std::free(data_); }

  void Clear() { size_ = 0; }
  void ShrinkToFit() {}  // a buffer lives for one document: its memory is kept until then
  bool Empty() const { return size_ == 0; }
  size_t GetSize() const { return size_; }
  size_t GetCapacity() const { return capacity_; }

  template <typename T>
  void Reserve(size_t count = 1) {
    if (capacity_ - size_ < sizeof(T) * count) grow(sizeof(T) * count);
  }
  template <typename T>
  T* Push(size_t count = 1) {
    Reserve<T>(count);
    return PushUnsafe<T>(count);
  }
  template <typename T>
  T* PushUnsafe(size_t count = 1) {
    T* at = reinterpret_cast<T*>(data_ + size_);
    size_ += sizeof(T) * count;
    return at;
  }
  template <typename T>
  T* Pop(size_t count) {
    size_ -= sizeof(T) * count;
    return reinterpret_cast<T*>(data_ + size_);
  }
  template <typename T>
  T* Top() {
    return reinterpret_cast<T*>(data_ + size_ - sizeof(T));
  }
  template <typename T>
  const T* Top() const {
    return reinterpret_cast<const T*>(data_ + size_ - sizeof(T));
  }
  template <typename T>
  T* Bottom() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* Bottom() const {
    return reinterpret_cast<const T*>(data_);
  }

 private:
  void grow(size_t more) {
    const size_t want = std::max({size_ + more, capacity_ + capacity_ / 2, first_});
    void* p = std::realloc(data_, want);  // malloc'd memory is aligned for any T pushed here
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    capacity_ = want;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t first_;
};

}  // namespace rapidjson::internal

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <aftersale/error.hpp>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include "base/utf8.hpp"

namespace aftersale::detail {

namespace {

using buffer = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, json_allocator>;
constexpr unsigned k_flags = rapidjson::kWriteValidateEncodingFlag;
using validating_writer =
    rapidjson::Writer<buffer, rapidjson::UTF8<>, rapidjson::UTF8<>, json_allocator, k_flags>;

// The compact writer, plus a fast path for the common string (ids, times): ASCII with nothing to
// escape, copied at once. RapidJSON would write the same bytes one by one through its UTF-8
// validator, which made a snapshot 2.5 times slower than the hand-written writer it replaced.
class compact_writer : public validating_writer {
 public:
  using validating_writer::validating_writer;
  void plain_string(std::string_view s) {
    Prefix(rapidjson::kStringType);  // also in key position: a key is a string to RapidJSON
    char* p = os_->Push(s.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    EndValue(true);
  }
};
// RapidJSON 1.1.0 (Debian 12) cannot build a PrettyWriter with flags: its `Base` drops them.
// The pretty layout checks UTF-8 itself (utf8.hpp, the same rules) before each string instead.
using pretty_writer = rapidjson::PrettyWriter<buffer, rapidjson::UTF8<>, rapidjson::UTF8<>, json_allocator>;

rapidjson::SizeType size_of(std::string_view s) { return static_cast<rapidjson::SizeType>(s.size()); }

// RapidJSON spells `\u001F`; snapshots have always been `\u001f`, and `to_json(from_json(s)) == s`
// must keep holding for them. Only text with a control character can need this.
void lowercase_escapes(char* text, std::size_t size) {
  for (std::size_t i = 0; i + 1 < size; ++i) {
    if (text[i] != '\\') continue;
    if (text[i + 1] == 'u')
      for (std::size_t k = i + 2; k < i + 6 && k < size; ++k)
        if (text[k] >= 'A' && text[k] <= 'F') text[k] = static_cast<char>(text[k] - 'A' + 'a');
    ++i;  // the escaped character is never the start of another escape
  }
}

struct text_scan {
  bool plain = true;     // printable ASCII without `"` or `\`: written as it is
  bool control = false;  // has a control character: RapidJSON escapes it in uppercase hex
};

constexpr std::array<bool, 256> plain_bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// True when one of the 8 bytes of `x` is not plain (SWAR: a control byte, a high bit, `"`, `\`).
bool has_special(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  const auto zero_byte = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  return ((x - ones * 0x20) & ~x & highs) | (x & highs) | zero_byte(x ^ (ones * '"')) |
         zero_byte(x ^ (ones * '\\'));
}

text_scan scan(std::string_view s) {
  text_scan r;
  // Plain text, the common case, eight bytes at a time; the rest byte by byte.
  std::size_t i = 0;
  for (std::uint64_t x; i + 8 <= s.size(); i += 8) {
    std::memcpy(&x, s.data() + i, 8);
    if (has_special(x)) break;
  }
  for (const char ch : s.substr(i)) {
    const auto c = static_cast<unsigned char>(ch);
    if (plain_bytes[c]) continue;
    r.plain = false;
    if (c < 0x20) r.control = true;
  }
  return r;
}

// Non-ASCII bytes as `?`, so the message itself stays valid UTF-8.
std::string printable(std::string_view s) {
  std::string p;
  for (char c : s) p += static_cast<unsigned char>(c) < 0x80 ? c : '?';
  return p;
}

}  // namespace

struct json_writer::impl {
  impl(std::string_view document, layout l, std::size_t capacity)
      : document(document), out(&allocator, capacity) {
    if (l == layout::pretty) {
      pretty.emplace(out, &allocator);
      pretty->SetIndent(' ', 2);
    } else {
      compact.emplace(out, &allocator);
    }
  }

  // Calls `f` with the writer in use; false from RapidJSON means text that is not UTF-8.
  template <class F>
  bool with(F&& f) {
    return pretty ? f(*pretty) : f(*compact);
  }

  void text(std::string_view s, bool is_key) {
    const text_scan kind = scan(s);
    if (kind.plain && compact) return compact->plain_string(s);
    const std::size_t start = out.GetSize();
    const bool ok = (!pretty || valid_utf8(s)) && with([&](auto& w) {
                      return is_key ? w.Key(s.data(), size_of(s)) : w.String(s.data(), size_of(s));
                    });
    if (!ok) {
      out.Pop(out.GetSize() - start);
      throw encoding_error("cannot write " + document + ": text `" + printable(s) + "` is not valid UTF-8");
    }
    if (kind.control) {
      // The buffer's own storage (GetString only adds the terminator), so writable.
      char* text = const_cast<char*>(out.GetString());
      lowercase_escapes(text + start, out.GetSize() - start);
    }
  }

  std::string document;
  json_allocator allocator;  // stateless: shared, so the buffer and writer allocate none
  buffer out;
  // Only one is constructed: each allocates its level stack.
  std::optional<compact_writer> compact;
  std::optional<pretty_writer> pretty;
};

json_writer::json_writer(std::string_view document, layout l, std::size_t capacity)
    : impl_(std::make_unique<impl>(document, l, capacity)) {}
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

void json_writer::string_or_null(std::string_view s) {
  if (s.empty()) return null();
  string(s);
}
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

std::string json_writer::take() {
  std::string text(impl_->out.GetString(), impl_->out.GetSize());
  impl_->out.Clear();
  return text;
}

}  // namespace aftersale::detail
