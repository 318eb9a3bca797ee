// The strict JSON reader behind `from_json` (see case_json_tape.hpp for why it exists).
#include "case_json_tape.hpp"

#include <aftersale/case.hpp>
#include <limits>

namespace aftersale::detail::snapshot {

namespace {

class parser {
 public:
  parser(std::string_view text, tape& out) : s_(text), out_(out) {}

  void run() {
    out_.nodes.clear();
    out_.decoded.clear();
    out_.nodes.reserve(s_.size() / 6 + 4);  // about one value per 6-10 bytes of snapshot
    skip_space();
    value({}, 0);
    skip_space();
    if (i_ != s_.size()) fail("text after the end of the snapshot");
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw snapshot_error("$", "not valid JSON at byte " + std::to_string(i_) + ": " + why);
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }

  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }

  void expect(char c, const char* why) {
    if (i_ >= s_.size()) fail("unexpected end of text, expected " + std::string(why));
    if (s_[i_] != c) fail("expected " + std::string(why));
    ++i_;
  }

  std::uint32_t push(node::kind k, std::string_view key) {
    if (out_.nodes.size() >= std::numeric_limits<std::uint32_t>::max() - 1) fail("too many values");
    node n;
    n.type = k;
    n.key = key;
    out_.nodes.push_back(n);
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }

  void value(std::string_view key, int depth) {
    if (i_ >= s_.size()) fail("unexpected end of text, expected a value");
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      if (depth >= max_depth) fail("nested deeper than " + std::to_string(max_depth) + " levels");
      return c == '{' ? object(key, depth) : array(key, depth);
    }
    if (c == '"') {
      const std::uint32_t at = push(node::kind::string, key);
      const std::string_view text = string();
      out_.nodes[at].text = text;
      out_.nodes[at].end = at + 1;
      return;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(key);
    if (literal("true")) return scalar(node::kind::boolean, key, true);
    if (literal("false")) return scalar(node::kind::boolean, key, false);
    if (literal("null")) return scalar(node::kind::null, key, false);
    fail("expected a value");
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  void scalar(node::kind k, std::string_view key, bool truth) {
    const std::uint32_t at = push(k, key);
    out_.nodes[at].truth = truth;
    out_.nodes[at].end = at + 1;
  }

  void object(std::string_view key, int depth) {
    const std::uint32_t at = push(node::kind::object, key);
    ++i_;
    skip_space();
    std::uint32_t count = 0;
    if (peek() == '}') {
      ++i_;
    } else {
      for (;;) {
        skip_space();
        if (peek() != '"')
          fail(i_ >= s_.size() ? "unexpected end of text, expected a key" : "expected a key");
        // A key given twice is found by the reader, which knows each object's keys.
        const std::string_view name = string();
        skip_space();
        expect(':', "`:` after a key");
        skip_space();
        value(name, depth + 1);
        ++count;
        skip_space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect('}', "`,` or `}` in an object");
        break;
      }
    }
    out_.nodes[at].count = count;
    out_.nodes[at].end = static_cast<std::uint32_t>(out_.nodes.size());
  }

  void array(std::string_view key, int depth) {
    const std::uint32_t at = push(node::kind::array, key);
    ++i_;
    skip_space();
    std::uint32_t count = 0;
    if (peek() == ']') {
      ++i_;
    } else {
      for (;;) {
        skip_space();
        value({}, depth + 1);
        ++count;
        skip_space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(']', "`,` or `]` in an array");
        break;
      }
    }
    out_.nodes[at].count = count;
    out_.nodes[at].end = static_cast<std::uint32_t>(out_.nodes.size());
  }

  void number(std::string_view key) {
    const std::size_t start = i_;
    const bool negative = peek() == '-';
    if (negative) ++i_;
    if (!is_digit(peek())) fail("expected a digit");
    // Magnitude in unsigned arithmetic so that -9223372036854775808 fits.
    std::uint64_t mag = 0;
    bool big = false;
    if (peek() == '0') {
      ++i_;
    } else {
      while (is_digit(peek())) {
        const auto d = static_cast<std::uint64_t>(s_[i_] - '0');
        if (mag > (std::numeric_limits<std::uint64_t>::max() - d) / 10) big = true;
        if (!big) mag = mag * 10 + d;
        ++i_;
      }
    }
    bool fraction = false;
    if (peek() == '.') {
      fraction = true;
      ++i_;
      if (!is_digit(peek())) fail("expected a digit after `.`");
      while (is_digit(peek())) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      fraction = true;
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!is_digit(peek())) fail("expected a digit in the exponent");
      while (is_digit(peek())) ++i_;
    }
    node::kind k = node::kind::integer;
    std::int64_t v = 0;
    const std::uint64_t limit =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
    if (fraction) {
      k = node::kind::fraction;
    } else if (big || mag > limit) {
      k = node::kind::big_integer;
    } else {
      v = negative ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
    }
    const std::uint32_t at = push(k, key);
    out_.nodes[at].number = v;
    out_.nodes[at].text = s_.substr(start, i_ - start);
    out_.nodes[at].end = at + 1;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // Reads a string at `"`; returns a view of the source when it has no escapes, else of the
  // decoded copy.
  std::string_view string() {
    ++i_;
    const std::size_t start = i_;
    bool escaped = false;
    while (true) {
      if (i_ >= s_.size()) fail("unexpected end of text inside a string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        i_ += 2;
        continue;
      }
      if (c < 0x20) fail("control character inside a string (write it as an escape)");
      if (c >= 0x80) {
        const std::size_t n = utf8_length(i_);
        if (n == 0) fail("text is not valid UTF-8");
        i_ += n;
        continue;
      }
      ++i_;
    }
    const std::size_t stop = i_;
    ++i_;
    if (!escaped) return s_.substr(start, stop - start);
    return decode(start, stop);
  }

  std::string_view decode(std::size_t start, std::size_t stop) {
    std::string& d = out_.decoded;
    if (d.capacity() < s_.size()) d.reserve(s_.size());  // decoded text is never longer: views stay valid
    const std::size_t first = d.size();
    for (std::size_t k = start; k < stop;) {
      if (s_[k] != '\\') {
        d += s_[k++];
        continue;
      }
      i_ = k;
      const char e = k + 1 < stop ? s_[k + 1] : '\0';
      k += 2;
      switch (e) {
        case '"':
          d += '"';
          break;
        case '\\':
          d += '\\';
          break;
        case '/':
          d += '/';
          break;
        case 'b':
          d += '\b';
          break;
        case 'f':
          d += '\f';
          break;
        case 'n':
          d += '\n';
          break;
        case 'r':
          d += '\r';
          break;
        case 't':
          d += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4(k, stop);
          k += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (k + 6 > stop || s_[k] != '\\' || s_[k + 1] != 'u') fail("lone surrogate in a \\u escape");
            const std::uint32_t lo = hex4(k + 2, stop);
            if (lo < 0xDC00 || lo > 0xDFFF) fail("lone surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            k += 6;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone surrogate in a \\u escape");
          }
          append_utf8(d, cp);
          break;
        }
        default:
          fail("invalid escape in a string");
      }
    }
    i_ = stop + 1;
    return std::string_view(d).substr(first);
  }

  std::uint32_t hex4(std::size_t k, std::size_t stop) {
    if (k + 4 > stop) fail("a \\u escape needs four hexadecimal digits");
    std::uint32_t v = 0;
    for (std::size_t j = k; j < k + 4; ++j) {
      const char c = s_[j];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        fail("a \\u escape needs four hexadecimal digits");
      }
    }
    return v;
  }

  static void append_utf8(std::string& d, std::uint32_t cp) {
    if (cp < 0x80) {
      d += static_cast<char>(cp);
    } else if (cp < 0x800) {
      d += static_cast<char>(0xC0 | (cp >> 6));
      d += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      d += static_cast<char>(0xE0 | (cp >> 12));
      d += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      d += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      d += static_cast<char>(0xF0 | (cp >> 18));
      d += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      d += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      d += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Length of the well-formed UTF-8 sequence at `k` (no overlongs, no surrogates), or 0.
  std::size_t utf8_length(std::size_t k) const {
    const auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s_[j]); };
    const unsigned char c = byte(k);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    if (k + n > s_.size() || byte(k + 1) < lo || byte(k + 1) > hi) return 0;
    for (std::size_t j = 2; j < n; ++j)
      if (byte(k + j) < 0x80 || byte(k + j) > 0xBF) return 0;
    return n;
  }

  std::string_view s_;
  tape& out_;
  std::size_t i_ = 0;
};

}  // namespace

void parse(std::string_view text, tape& out) { parser(text, out).run(); }

}  // namespace aftersale::detail::snapshot
