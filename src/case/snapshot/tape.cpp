// SPDX-License-Identifier: Apache-2.0
// The strict JSON reader behind `from_json` (see tape.hpp for why it exists): RapidJSON's
// SAX reader checks the grammar, escapes and UTF-8; the handler below only lays the values out as
// a tape and enforces what RapidJSON does not (nesting depth, lone low surrogates).
#include "case/snapshot/tape.hpp"

#include <rapidjson/error/error.h>
#include <rapidjson/reader.h>

#include <aftersale/case.hpp>
#include <array>
#include <charconv>
#include <limits>

namespace aftersale::detail::snapshot {

namespace {

// Grammar, escapes and UTF-8 are checked while reading. Not kParseStopWhenDoneFlag: text after
// the document is an error. NaN and Infinity are refused because kParseNanAndInfFlag is not
// given. In situ: strings are decoded inside a copy of the text (the tape's `decoded`), which is
// faster than RapidJSON's default of building each one on a side stack. Numbers come as their
// text, which this file reads as a 64-bit integer, or keeps as a fraction or an integer too big,
// for the reader to refuse at its path.
//
// Recursive, not kParseIterativeFlag: with in-situ strings and numbers the recursive reader never
// touches its work stack, whose first push in RapidJSON 1.1 computes `nullptr + n` (stack.h:117,
// undefined behaviour that UBSan reports). Deep input still cannot overflow the C++ stack: the
// handler refuses an object or array nested deeper than max_depth before the reader descends.
constexpr unsigned parse_flags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseInsituFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;

// Reads (and decodes strings inside) a NUL-terminated copy of the text. Positions are those of
// the original text: decoding writes only behind the read position.
using source = rapidjson::InsituStringStream;

// Lays out RapidJSON's events as a tape. (Its number events other than RawNumber never come,
// because of kParseNumbersAsStringsFlag; the base class supplies them.)
class builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, builder> {
 public:
  builder(std::string_view text, const char* copy, source& in, tape& out)
      : s_(text), copy_(copy), in_(in), out_(out), escapes_(text.find("\\u") != std::string_view::npos) {}

  bool Null() { return scalar(node::kind::null, false); }
  bool Bool(bool b) { return scalar(node::kind::boolean, b); }

  // `str` points at the number inside the copy, where the source has the same text.
  bool RawNumber(const char* str, rapidjson::SizeType len, bool) {
    const std::string_view text = s_.substr(static_cast<std::size_t>(str - copy_), len);
    node::kind k = node::kind::integer;
    std::int64_t v = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (end != text.data() + text.size()) {
      k = node::kind::fraction;  // stopped at `.`, `e` or `E`: the grammar is already checked
      v = 0;
    } else if (err == std::errc::result_out_of_range) {
      k = node::kind::big_integer;
      v = 0;
    }
    const std::uint32_t at = push(k);
    if (at == npos) return false;
    out_.nodes[at].number = v;
    out_.nodes[at].text = text;
    out_.nodes[at].end = at + 1;
    return true;
  }

  bool String(const char* str, rapidjson::SizeType len, bool) {
    std::string_view text;
    if (!keep(str, len, text)) return false;
    const std::uint32_t at = push(node::kind::string);
    if (at == npos) return false;
    out_.nodes[at].text = text;
    out_.nodes[at].end = at + 1;
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) { return keep(str, len, key_); }

  bool StartObject() { return open(node::kind::object); }
  bool EndObject(rapidjson::SizeType members) { return close(members); }
  bool StartArray() { return open(node::kind::array); }
  bool EndArray(rapidjson::SizeType elements) { return close(elements); }

  /// Why the handler stopped the reader, and where.
  const std::string& why() const { return why_; }
  std::size_t where() const { return where_; }

 private:
  static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

  bool fail_at(std::size_t at, std::string why) {
    where_ = at;
    why_ = std::move(why);
    return false;
  }

  // Appends a node keyed by the pending member name (empty inside arrays and at the root).
  std::uint32_t push(node::kind k) {
    if (out_.nodes.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
      fail_at(in_.Tell(), "too many values");
      return npos;
    }
    node n;
    n.type = k;
    n.key = key_;
    key_ = {};
    out_.nodes.push_back(n);
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }

  bool scalar(node::kind k, bool truth) {
    const std::uint32_t at = push(k);
    if (at == npos) return false;
    out_.nodes[at].truth = truth;
    out_.nodes[at].end = at + 1;
    return true;
  }

  // Keeps a view of a string decoded in place.
  bool keep(const char* str, rapidjson::SizeType len, std::string_view& view) {
    // RapidJSON validates the source's UTF-8 but encodes a lone low-surrogate escape (\udc00)
    // as the bytes ED B0..BF, which are not UTF-8. Only a \u escape can produce them.
    if (escapes_)
      for (rapidjson::SizeType i = 0; i + 1 < len; ++i)
        if (static_cast<unsigned char>(str[i]) == 0xED && static_cast<unsigned char>(str[i + 1]) >= 0xA0)
          return fail_at(lone_low_surrogate(static_cast<std::size_t>(str - copy_)),
                         "lone surrogate in a \\u escape");
    view = std::string_view(str, len);
    return true;
  }

  // Where the lone low-surrogate escape is, in the string whose text starts at `first` (in situ,
  // the decoded string starts where its text did). Rare, so the source is read again, escape by
  // escape; RapidJSON has already checked every one, and a high surrogate is followed by its low one.
  std::size_t lone_low_surrogate(std::size_t first) const {
    std::size_t k = first;
    for (; k + 5 < s_.size(); ++k) {
      if (s_[k] != '\\') continue;
      if (s_[k + 1] != 'u') {
        ++k;
        continue;
      }
      const unsigned long cp = std::stoul(std::string(s_.substr(k + 2, 4)), nullptr, 16);
      if (cp >= 0xDC00 && cp <= 0xDFFF) return k;
      k += cp >= 0xD800 && cp <= 0xDBFF ? 11 : 5;
    }
    return k;
  }

  bool open(node::kind k) {
    // Called just after `{` or `[` is taken: the error is reported at it.
    if (depth_ >= max_depth)
      return fail_at(in_.Tell() - 1, "nested deeper than " + std::to_string(max_depth) + " levels");
    const std::uint32_t at = push(k);
    if (at == npos) return false;
    open_[static_cast<std::size_t>(depth_++)] = at;
    return true;
  }

  bool close(rapidjson::SizeType count) {
    const std::uint32_t at = open_[static_cast<std::size_t>(--depth_)];
    out_.nodes[at].count = count;
    out_.nodes[at].end = static_cast<std::uint32_t>(out_.nodes.size());
    return true;
  }

  std::string_view s_;
  const char* copy_;  ///< the copy being read in situ
  source& in_;
  tape& out_;
  bool escapes_;                                 ///< whether the text has a \u escape at all
  std::string_view key_;                         ///< the member name read last, for the value that follows it
  std::array<std::uint32_t, max_depth> open_{};  ///< nodes of the containers being read
  int depth_ = 0;
  std::string why_;
  std::size_t where_ = 0;
};

// RapidJSON's error, in the words of the other snapshot messages.
std::string explain(rapidjson::ParseErrorCode code, std::string_view s, std::size_t at) {
  const bool at_end = at >= s.size();
  const auto expected = [&](const std::string& what) {
    return (at_end ? "unexpected end of text, expected " : "expected ") + what;
  };
  switch (code) {
    case rapidjson::kParseErrorValueInvalid:
      if (at > 0 && s[at - 1] == '-') return expected("a digit");  // reported just after the sign
      return expected("a value");
    case rapidjson::kParseErrorDocumentEmpty:
      return expected("a value");
    case rapidjson::kParseErrorDocumentRootNotSingular:
      return "text after the end of the snapshot";
    case rapidjson::kParseErrorObjectMissName:
      return expected("a key");
    case rapidjson::kParseErrorObjectMissColon:
      return expected("`:` after a key");
    case rapidjson::kParseErrorObjectMissCommaOrCurlyBracket:
      return expected("`,` or `}` in an object");
    case rapidjson::kParseErrorArrayMissCommaOrSquareBracket:
      return expected("`,` or `]` in an array");
    case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex:
      return "a \\u escape needs four hexadecimal digits";
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
      return "lone surrogate in a \\u escape";
    case rapidjson::kParseErrorStringEscapeInvalid:
      // Reported both for `\x` and for a raw control character.
      if (!at_end && static_cast<unsigned char>(s[at]) < 0x20)
        return "control character inside a string (write it as an escape)";
      return "invalid escape in a string";
    case rapidjson::kParseErrorStringMissQuotationMark:
      // RapidJSON takes a NUL byte for the end of the text.
      if (!at_end) return "control character inside a string (write it as an escape)";
      return "unexpected end of text inside a string";
    case rapidjson::kParseErrorStringInvalidEncoding:
      return "text is not valid UTF-8";
    case rapidjson::kParseErrorNumberTooBig:
      return "number too large";
    case rapidjson::kParseErrorNumberMissFraction:
      return "expected a digit after `.`";
    case rapidjson::kParseErrorNumberMissExponent:
      return "expected a digit in the exponent";
    default:
      return expected("a value");
  }
}

[[noreturn]] void fail(std::size_t at, const std::string& why) {
  throw snapshot_error("$", "not valid JSON at byte " + std::to_string(at) + ": " + why);
}

}  // namespace

void parse(std::string_view text, tape& out) {
  out.nodes.clear();
  out.nodes.reserve(text.size() / 6 + 4);  // about one value per 6-10 bytes of snapshot
  out.decoded.assign(text.data(), text.size());
  // One reader per thread (it is cheap: its work stack stays unused, see parse_flags).
  thread_local rapidjson::Reader reader;
  source in(&out.decoded[0]);  // NUL-terminated, as std::string always is
  builder b(text, out.decoded.data(), in, out);
  const rapidjson::ParseResult r = reader.Parse<parse_flags>(in, b);
  if (r.IsError()) {
    if (r.Code() == rapidjson::kParseErrorTermination) fail(b.where(), b.why());
    fail(r.Offset(), explain(r.Code(), text, r.Offset()));
  }
  // RapidJSON stops at a NUL byte as if the text ended there.
  if (in.Tell() != text.size()) fail(in.Tell(), "text after the end of the snapshot");
}

}  // namespace aftersale::detail::snapshot
