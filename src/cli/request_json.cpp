#include "request_json.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

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

fact_value to_fact_value(const std::string& where, const std::string& fact, const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::boolean:
      return v.get<bool>();
    case json::value_t::number_integer:
      return v.get<std::int64_t>();
    case json::value_t::number_unsigned: {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw input_error(where + ": error: fact `" + fact + "`: integer out of range");
      }
      return static_cast<std::int64_t>(u);
    }
    case json::value_t::number_float:
      // Money is integer minor units; a float here is almost always 129.00 meaning 12900.
      throw input_error(
          where + ": error: fact `" + fact +
          "`: numbers with a fraction are not accepted: give money in minor units (12900 for 129.00)");
    case json::value_t::null:
      throw input_error(where + ": error: fact `" + fact +
                        "`: null is not a value: leave the fact out instead");
    default:
      throw input_error(where + ": error: fact `" + fact + "`: expected a string, an integer or a boolean");
  }
}

aftersale::request to_request(const std::string& where, const json& facts) {
  aftersale::request r;
  for (const auto& [name, value] : facts.items()) r.set(name, to_fact_value(where, name, value));
  return r;
}

std::string text_member(const std::string& where, const json& doc, const char* key) {
  const json& v = doc.at(key);
  if (!v.is_string()) throw input_error(where + ": error: `" + key + "` must be a string");
  return v.get<std::string>();
}

}  // namespace

request_file parse_request_json(std::string_view text, std::string name, std::string path) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw input_error(path + ": error: invalid json: " + without_exception_tag(e.what()));
  }
  if (!doc.is_object()) throw input_error(path + ": error: expected a json object of facts");

  request_file out;
  out.name = std::move(name);
  out.path = std::move(path);
  auto facts_it = doc.find("facts");
  if (facts_it == doc.end() || !facts_it->is_object()) {
    // A plain facts object: every member is a fact.
    out.facts = to_request(out.path, doc);
    return out;
  }
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "facts" && key != "now" && key != "note") {
      throw input_error(out.path + ": error: unknown key `" + key + "`: expected `facts`, `now` or `note`");
    }
  }
  out.facts = to_request(out.path, *facts_it);
  if (doc.contains("now")) out.now = text_member(out.path, doc, "now");
  if (doc.contains("note")) out.note = text_member(out.path, doc, "note");
  return out;
}

request_file read_request_file(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return parse_request_json(text, "-", "<stdin>");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path + ": error: cannot open the request file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_request_json(buffer.str(), std::filesystem::path(path).stem().string(), path);
}

}  // namespace aftersale::cli
