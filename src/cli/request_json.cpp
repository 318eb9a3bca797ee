// SPDX-License-Identifier: Apache-2.0
#include "request_json.hpp"

#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "base/bounded_file.hpp"
#include "base/nearest.hpp"
#include "model/semantics.hpp"

namespace aftersale::cli {
namespace {

using json = nlohmann::json;

// nlohmann's messages start with "[json.exception.parse_error.101] "; users need only the rest.
std::string without_exception_tag(const std::string& what) {
  if (what.rfind("[json.exception.", 0) == 0) {
    if (auto end = what.find("] "); end != std::string::npos) return what.substr(end + 2);
  }
  return what;
}

// nlohmann's DOM builder, except that a number with a fraction or an exponent is kept as the
// text it was written as (in a binary value, which JSON text never produces otherwise): a
// decimal fact is read exactly from that text, never through a double (docs/policy-format.md).
class exact_numbers {
 public:
  explicit exact_numbers(json& root) : dom_(root) {}
  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t, const std::string& text) {
    json::binary_t b(std::vector<std::uint8_t>(text.begin(), text.end()));
    return dom_.binary(b);
  }
  bool string(std::string& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) { return dom_.start_object(n); }
  bool key(std::string& k) { return dom_.key(k); }
  bool end_object() { return dom_.end_object(); }
  bool start_array(std::size_t n) { return dom_.start_array(n); }
  bool end_array() { return dom_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& e) {
    return dom_.parse_error(at, token, e);  // throws e
  }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
};

// Problems of one request file, each `where: error: message` with an optional help line.
class problems {
 public:
  explicit problems(std::string path) : path_(std::move(path)) {}
  void add(const std::string& pointer, const std::string& message, const std::string& help = {}) {
    if (listed_ == aftersale::request_error::max_problems) {
      ++omitted_;
      return;
    }
    ++listed_;
    if (!text_.empty()) text_ += '\n';
    text_ += path_ + (pointer.empty() ? "" : "#" + pointer) + ": error: " + message;
    if (!help.empty()) text_ += "\n  help: " + help;
  }
  // Throws them all as one input_error, if there are any.
  void raise() const {
    if (listed_ == 0) return;
    std::string text = text_;
    if (omitted_ != 0) {
      text += "\n" + path_ + ": error: " + std::to_string(omitted_) +
              (omitted_ == 1 ? " more problem" : " more problems") + " not listed";
    }
    throw input_error(text);
  }

 private:
  std::string path_;
  std::string text_;
  std::size_t listed_ = 0;
  std::size_t omitted_ = 0;
};

// A fact's value, or nothing after adding the reason it has none to `out`.
std::optional<fact_value> to_fact_value(problems& out, const std::string& pointer, const std::string& fact,
                                        const json& v) {
  switch (v.type()) {
    case json::value_t::binary: {  // a number with a fraction or an exponent, as written
      const json::binary_t& b = v.get_binary();
      const std::string text(b.begin(), b.end());
      if (const std::optional<decimal> d = parse_decimal(text)) return fact_value(*d);
      // nlohmann reads an integer beyond 64 bits as a float: say so rather than "a fraction".
      if (text.find_first_not_of("-0123456789") == std::string::npos) {
        out.add(pointer, "fact `" + fact +
                             "`: integer out of range: expected -9223372036854775808 to 9223372036854775807");
        return std::nullopt;
      }
      // Written right, but too precise or too large to be read exactly: say which.
      if (const std::optional<std::size_t> scale = detail::written_scale(text)) {
        out.add(pointer, "fact `" + fact + "`: `" + text + "` " +
                             (*scale > 18 ? "has " + std::to_string(*scale) +
                                                " digits after the point: at most 18 are read exactly"
                                          : std::string("does not fit 64 bits at its scale")));
        return std::nullopt;
      }
      out.add(pointer,
              "fact `" + fact + "`: `" + text +
                  "` is not accepted: write a number with digits and an optional point, no exponent");
      return std::nullopt;
    }
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return v.get<bool>();
    case json::value_t::number_integer:
      return v.get<std::int64_t>();
    case json::value_t::number_unsigned: {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        out.add(pointer, "fact `" + fact + "`: integer out of range");
        return std::nullopt;
      }
      return static_cast<std::int64_t>(u);
    }
    case json::value_t::null:
      out.add(pointer, "fact `" + fact + "`: null is not a value: leave the fact out instead");
      return std::nullopt;
    default:
      // `{"fact": {...}}`: most likely `facts` misspelt.
      out.add(pointer, "fact `" + fact + "`: expected a string, an integer or a boolean",
              v.is_object() ? detail::did_you_mean(fact, {"facts"}) : std::string());
      return std::nullopt;
  }
}

// The facts of `facts` (at JSON pointer `at`), every bad value added to `out`.
aftersale::request to_request(problems& out, const std::string& at, const json& facts) {
  aftersale::request r;
  for (const auto& [name, value] : facts.items()) {
    if (auto v = to_fact_value(out, at + "/" + json_pointer_token(name), name, value))
      r.set(name, std::move(*v));
  }
  return r;
}

// Refuses a key given twice in one object, naming it and its line (nlohmann keeps the last one
// silently). Runs on text nlohmann has parsed, so it only needs to find strings, brackets and commas.
void check_duplicate_keys(std::string_view text, const std::string& path) {
  struct frame {
    bool object = false;
    bool expect_key = false;
    std::set<std::string> keys;
  };
  std::vector<frame> stack;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '{' || c == '[') {
      stack.push_back(frame{c == '{', c == '{', {}});
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
    } else if (c == '"') {
      const std::size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (stack.empty() || !stack.back().object || !stack.back().expect_key) continue;
      stack.back().expect_key = false;
      // The key as JSON means it (escapes decoded), so `"a"` and `"\u0061"` are the same key. Without
      // a backslash the text is the key: no parse (`aftersale diff` reads millions of lines).
      const std::string_view raw = text.substr(start + 1, i - start - 1);
      const std::string key = raw.find('\\') == std::string_view::npos
                                  ? std::string(raw)
                                  : json::parse(text.substr(start, i + 1 - start)).get<std::string>();
      if (!stack.back().keys.insert(key).second) {
        throw input_error(path + ":" + std::to_string(line) + ": error: duplicate key `" + key +
                          "`: each key may appear once in an object");
      }
    }
  }
}

}  // namespace

request_file parse_request_json(std::string_view text, std::string name, std::string path) {
  // nlohmann's lexer takes a NUL byte for the end of the input and ignores whatever follows;
  // JSON allows none anywhere (escaped `\u0000` inside a string is fine), so refuse it here.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    throw input_error(path + ": error: invalid json: a NUL byte at byte " + std::to_string(nul + 1));
  }
  json doc;
  try {
    exact_numbers builder(doc);
    json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const json::parse_error& e) {
    throw input_error(path + ": error: invalid json: " + without_exception_tag(e.what()));
  } catch (const json::out_of_range& e) {
    // 406: a number beyond a double (`1e400`); nlohmann's text says "number overflow parsing '1e400'".
    throw input_error(path + ": error: number out of range: " + without_exception_tag(e.what()));
  } catch (const json::exception& e) {
    throw input_error(path + ": error: invalid json: " + without_exception_tag(e.what()));
  }
  check_duplicate_keys(text, path);
  if (!doc.is_object()) throw input_error(path + ": error: expected a json object of facts");

  request_file out;
  out.name = std::move(name);
  out.path = std::move(path);
  problems found(out.path);
  auto facts_it = doc.find("facts");
  if (facts_it == doc.end()) {
    // A plain facts object: every member is a fact. `now` and `note` beside facts mean the
    // wrapped form was meant with its facts left at the top level.
    for (const char* key : {"now", "note"}) {
      if (doc.contains(key)) {
        found.add(std::string("/") + key,
                  std::string("`") + key +
                      "` sits at the top level with the facts: a request with `now` or "
                      "`note` puts its facts under `facts`",
                  "write `{\"facts\": {\"order_status\": ...}, \"now\": ...}`, or leave `now` and `note` "
                  "out and give --now");
      }
    }
    out.facts = to_request(found, "", doc);
    found.raise();
    return out;
  }
  if (!facts_it->is_object()) {
    found.add("/facts", "`facts` must be a json object of facts, found " + std::string(facts_it->type_name()),
              "write `\"facts\": {\"order_status\": \"delivered\", ...}`");
  }
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "facts" && key != "now" && key != "note") {
      std::string help = detail::did_you_mean(key, {"facts", "now", "note"});
      if (help.empty()) help = "if `" + key + "` is a fact, move it under `facts`";
      found.add("/" + json_pointer_token(key), "unknown key `" + key + "`: expected `facts`, `now` or `note`",
                help);
    }
  }
  out.facts_pointer = "/facts";
  if (facts_it->is_object()) out.facts = to_request(found, out.facts_pointer, *facts_it);
  for (const char* key : {"now", "note"}) {
    auto it = doc.find(key);
    if (it == doc.end()) continue;
    if (!it->is_string()) {
      found.add(std::string("/") + key, std::string("`") + key + "` must be a string");
    } else if (std::string_view(key) == "now") {
      out.now = it->get<std::string>();
    } else {
      out.note = it->get<std::string>();
    }
  }
  found.raise();
  return out;
}

std::string json_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string located(const request_file& r, const request_error& e) {
  std::string out;
  for (const request_problem& p : e.problems()) {
    if (!out.empty()) out += '\n';
    out += r.path;
    if (p.code == error_code::missing_fact) {
      if (!r.facts_pointer.empty()) out += "#" + r.facts_pointer;  // where it belongs
    } else if (!p.fact.empty()) {
      out += "#" + r.facts_pointer + "/" + json_pointer_token(p.fact);
    }
    out += ": " + to_string(p);
  }
  if (e.omitted() != 0) {
    out += "\n" + r.path + ": error: " + std::to_string(e.omitted()) +
           (e.omitted() == 1 ? " more problem" : " more problems") + " not listed";
  }
  return out;
}

namespace {

// The text of a bounded read, or input_error saying why there is none.
std::string request_text(const detail::bounded_text& read, const std::string& where, std::size_t limit) {
  if (read.status == detail::read_status::too_large) {
    throw input_error(where + ": error: the request is larger than " + std::to_string(limit) +
                      " bytes: a request file may be at most that (--max-request-bytes)");
  }
  if (read.status == detail::read_status::not_regular) {
    throw input_error(where + ": error: " + read.why + ": a request is read from a file, a pipe or `-`");
  }
  if (!read) throw input_error(where + ": error: cannot read the request file: " + read.why);
  return read.text;
}

}  // namespace

request_file read_request_file(const std::string& path, std::size_t limit) {
  detail::bounded_read_options options;
  options.max_bytes = limit;
  options.pipes = true;  // `<(cmd)` and `/dev/stdin` are pipes
  if (path == "-") {
    return parse_request_json(request_text(detail::read_bounded_fd(0, options), "<stdin>", limit), "-",
                              "<stdin>");
  }
  return parse_request_json(request_text(detail::read_bounded_file(path, options), path, limit),
                            std::filesystem::path(path).stem().string(), path);
}

}  // namespace aftersale::cli
