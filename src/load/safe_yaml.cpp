// SPDX-License-Identifier: Apache-2.0
#include "load/safe_yaml.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>
#include <string>
#include <unordered_set>
#include <utility>

#include "base/utf8.hpp"

namespace aftersale::load {

const node* node::find(std::string_view k) const {
  if (what != kind::mapping) return nullptr;
  for (std::size_t i = 0; i < pairs(); ++i) {
    const node& name = key(i);
    if (name.what == kind::scalar && name.value == k) return &val(i);
  }
  return nullptr;
}

std::string_view kind_name(node::kind k) {
  switch (k) {
    case node::kind::null:
      return "nothing";
    case node::kind::scalar:
      return "a scalar";
    case node::kind::sequence:
      return "a list";
    case node::kind::mapping:
      return "a mapping";
  }
  return "nothing";
}

namespace {

// Reads a string_view as a stream without copying the document.
class view_buffer : public std::streambuf {
 public:
  explicit view_buffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // get area only: never written through
    setg(begin, begin, begin + text.size());
  }
};

// Thrown from the event handler to stop the parser at a limit: the rest is not read.
struct stop_reading {};

std::uint32_t to_line(const YAML::Mark& m) {
  return m.line < 0 ? 1u : static_cast<std::uint32_t>(m.line) + 1;
}
std::uint32_t to_column(const YAML::Mark& m) {
  return m.column < 0 ? 1u : static_cast<std::uint32_t>(m.column) + 1;
}

// Builds the tree while checking the limits and refusing anchors, aliases and duplicate keys.
class builder : public YAML::EventHandler {
 public:
  builder(const std::string& file, const load_limits& limits, std::vector<diagnostic>& out)
      : file_(file), limits_(limits), out_(out) {}

  std::optional<node> result;
  std::size_t documents = 0;

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    if (documents > 1) {
      report(error_code::yaml_syntax, mark, "more than one yaml document in the policy",
             "a policy is exactly one document: remove the `---` separator and what follows it");
      throw stop_reading{};
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node n = make(mark, node::kind::null, anchor);
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    report(error_code::yaml_alias, mark, "yaml aliases are not allowed",
           "write the value out in full instead of referring to an anchor");
    // Keep the tree well-formed; the document is refused anyway.
    add(make(mark, node::kind::null, YAML::NullAnchor));
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    node n = make(mark, node::kind::scalar, anchor);
    // The text was checked before parsing, but yaml-cpp 0.7 turns the escapes `\_` (U+00A0) and
    // `\N` (U+0085) of a double-quoted scalar into a single raw byte, not UTF-8.
    if (!detail::valid_utf8(value)) {
      report(error_code::yaml_syntax, mark, "this quoted text is not valid utf-8 once its escapes are read",
             "write the character itself instead of the escape `\\_` or `\\N`");
      throw stop_reading{};
    }
    n.quoted = tag != "?";
    n.value = value;
    add(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(mark, node::kind::sequence, anchor));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(mark, node::kind::mapping, anchor));
  }
  void OnMapEnd() override { close(); }

 private:
  struct open_node {
    node n;
    // Scalar keys of a mapping, indexed only once it grows large: small mappings are
    // scanned, large ones (generated or hostile) stay linear overall.
    std::unordered_set<std::string> keys;
    bool indexed = false;
    bool drop_value = false;  // the last key was a duplicate: its value is left out too
  };

  static constexpr std::size_t scan_limit = 16;

  // True when `key` is already a scalar key of the open mapping `m`.
  static bool seen_before(open_node& m, const std::string& key) {
    const std::vector<node>& c = m.n.children;
    if (!m.indexed && c.size() / 2 < scan_limit) {
      for (std::size_t i = 0; i < c.size(); i += 2) {
        if (c[i].what == node::kind::scalar && c[i].value == key) return true;
      }
      return false;
    }
    if (!m.indexed) {
      for (std::size_t i = 0; i < c.size(); i += 2) {
        if (c[i].what == node::kind::scalar) m.keys.insert(c[i].value);
      }
      m.indexed = true;
    }
    return !m.keys.insert(key).second;
  }

  void report(error_code code, const YAML::Mark& mark, std::string message, std::string help) {
    report_at(code, to_line(mark), to_column(mark), std::move(message), std::move(help));
  }
  void report_at(error_code code, std::uint32_t line, std::uint32_t column, std::string message,
                 std::string help) {
    diagnostic d;
    d.code = code;
    d.where = source_span{file_, line, column};
    d.message = std::move(message);
    d.help = std::move(help);
    out_.push_back(std::move(d));
  }

  node make(const YAML::Mark& mark, node::kind k, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) {
      report(error_code::yaml_alias, mark, "yaml anchors are not allowed",
             "remove the `&name` anchor and write every value out in full");
    }
    if (++nodes_ > limits_.max_nodes) {
      report(error_code::too_large, mark,
             "the document has more than " + std::to_string(limits_.max_nodes) + " nodes",
             "split the policy or raise `load_limits.max_nodes`");
      throw stop_reading{};
    }
    node n;
    n.what = k;
    n.line = to_line(mark);
    n.column = to_column(mark);
    return n;
  }

  void open(node n) {
    if (stack_.size() + 1 > limits_.max_depth) {
      report_at(error_code::too_deep, n.line, n.column,
                "the document is nested more than " + std::to_string(limits_.max_depth) + " levels deep",
                "flatten the structure or raise `load_limits.max_depth`");
      throw stop_reading{};
    }
    stack_.push_back(open_node{std::move(n), {}, false});
  }

  void close() {
    node done = std::move(stack_.back().n);
    stack_.pop_back();
    add(std::move(done));
  }

  void add(node n) {
    if (stack_.empty()) {
      result = std::move(n);
      return;
    }
    open_node& parent = stack_.back();
    if (parent.drop_value) {
      parent.drop_value = false;
      return;
    }
    const bool is_key = parent.n.what == node::kind::mapping && parent.n.children.size() % 2 == 0;
    // yaml-cpp marks an empty value (`facts:` and nothing) at the next token, often lines
    // below: point at its key instead.
    if (!is_key && n.what == node::kind::null && parent.n.what == node::kind::mapping) {
      const node& key = parent.n.children.back();
      if (n.line > key.line) {
        n.line = key.line;
        n.column = key.column;
      }
    }
    if (is_key && n.what == node::kind::scalar && seen_before(parent, n.value)) {
      // The first one stays, so the rest of the document is still read and checked.
      report_at(error_code::duplicate_key, n.line, n.column, "duplicate key `" + n.value + "`",
                "each key may appear once in a mapping: remove or rename one of them");
      parent.drop_value = true;
      return;
    }
    parent.n.children.push_back(std::move(n));
  }

  const std::string& file_;
  const load_limits& limits_;
  std::vector<diagnostic>& out_;
  std::vector<open_node> stack_;
  std::size_t nodes_ = 0;
};

// The first character a policy may not hold: a byte that is not well-formed UTF-8, or a control
// character other than tab and line ends (not a YAML character; yaml-cpp takes NUL bytes for
// UTF-16 or UTF-32 and decodes the rest as such). Line and column are 1-based, in characters.
struct bad_character {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  std::string message;
};

std::optional<bad_character> first_bad_character(std::string_view text) {
  std::uint32_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size(); ++column) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : detail::utf8_sequence(text, i);
    if (n == 0) return bad_character{line, column, "the document is not valid utf-8 here"};
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      static constexpr char hex[] = "0123456789abcdef";
      return bad_character{
          line, column,
          std::string("control character 0x") + hex[c >> 4] + hex[c & 15] + " is not allowed in yaml text"};
    }
    if (c == '\n') {
      ++line;
      column = 0;
    }
    i += n;
  }
  return std::nullopt;
}

// yaml-cpp messages are mostly lowercase already; make sure of the house style.
std::string tidy(std::string msg) {
  if (!msg.empty() && msg[0] >= 'A' && msg[0] <= 'Z') msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  while (!msg.empty() && (msg.back() == '.' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace

std::optional<node> parse_yaml(std::string_view text, const std::string& file, const load_limits& limits,
                               std::vector<diagnostic>& out) {
  const std::size_t before = out.size();
  if (text.size() > limits.max_bytes) {
    out.push_back(diagnostic{error_code::too_large, severity::error, source_span{file, 1, 1},
                             "the document is " + std::to_string(text.size()) +
                                 " bytes, more than the limit of " + std::to_string(limits.max_bytes),
                             "split the policy or raise `load_limits.max_bytes`"});
    return std::nullopt;
  }
  // Every scalar (ids, labels, descriptions) reaches JSON and terminals: the text must be UTF-8,
  // and yaml-cpp passes invalid bytes through.
  if (auto bad = first_bad_character(text)) {
    out.push_back(diagnostic{error_code::yaml_syntax, severity::error,
                             source_span{file, bad->line, bad->column}, std::move(bad->message),
                             "a policy is utf-8 text: save the file as utf-8; inside a double-quoted "
                             "string, write a control character as an escape (`\\t`, `\\u0007`)"});
    return std::nullopt;
  }
  view_buffer buffer(text);
  std::istream in(&buffer);
  builder b(file, limits, out);
  bool stopped = true;  // the document was not read to its end
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(b)) {
    }
    stopped = false;
  } catch (const stop_reading&) {
  } catch (const YAML::DeepRecursion& e) {
    out.push_back(diagnostic{
        error_code::too_deep, severity::error, source_span{file, to_line(e.mark), to_column(e.mark)},
        "the document is nested too deeply for the yaml parser", "flatten the structure"});
  } catch (const YAML::Exception& e) {
    out.push_back(diagnostic{
        error_code::yaml_syntax, severity::error, source_span{file, to_line(e.mark), to_column(e.mark)},
        tidy(e.msg), "fix the yaml syntax at this position (indent with spaces, close brackets and quotes)"});
  }
  // Anchors, aliases (read as null) and duplicate keys (the first kept) leave a whole tree: the
  // caller goes on to report the document's other problems too.
  if (stopped || (out.size() != before && (!b.result || b.result->is_null()))) return std::nullopt;
  if (out.size() != before) return std::move(b.result);
  if (!b.result || (b.result->is_null() && b.documents <= 1)) {
    out.push_back(
        diagnostic{error_code::missing_key, severity::error, source_span{file, 1, 1}, "the policy is empty",
                   "a policy is a mapping with `format`, `policy`, `vocabulary`, `facts` and `decisions`"});
    return std::nullopt;
  }
  return std::move(b.result);
}

}  // namespace aftersale::load
