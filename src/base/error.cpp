// SPDX-License-Identifier: Apache-2.0
#include <aftersale/error.hpp>
#include <utility>

namespace aftersale {

std::string to_string(const source_span& where) {
  if (where.line == 0) return where.file;
  return where.file + ':' + std::to_string(where.line) + ':' + std::to_string(where.column);
}

std::string code_text(error_code code) {
  const auto number = static_cast<unsigned>(code);
  // Analysis findings (4xx) are not load errors: their own letter keeps the two apart.
  return (number >= 400 && number < 500 ? 'A' : 'E') + std::to_string(number);
}

std::string_view to_string(severity s) {
  switch (s) {
    case severity::error:
      return "error";
    case severity::warning:
      return "warning";
    case severity::note:
      return "note";
  }
  return "error";
}

namespace {

// A message or help line as printed: control characters (a NUL from a request's text above all,
// which would cut what() short) become `\xNN`; line breaks and tabs stay.
std::string visible(const std::string& text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string join_lines(const std::vector<diagnostic>& diagnostics) {
  std::string out;
  for (const diagnostic& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += to_string(d);
  }
  return out;
}
}  // namespace

std::string to_string(const diagnostic& d) {
  std::string out = to_string(d.where);
  if (!out.empty()) out += ": ";
  out += to_string(d.severity);
  out += '[' + code_text(d.code) + "]: " + visible(d.message);
  if (!d.help.empty()) out += "\n  help: " + visible(d.help);
  return out;
}

policy_error::policy_error(std::vector<diagnostic> diagnostics)
    : error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::string to_string(const request_problem& p) {
  std::string out = "error[" + code_text(p.code) + "]: " + visible(p.message);
  if (!p.help.empty()) out += "\n  help: " + visible(p.help);
  return out;
}

namespace {

std::vector<request_problem> at_least_one(std::vector<request_problem> problems) {
  if (problems.empty())
    problems.push_back(request_problem{error_code::fact_type, {}, "the request was refused", {}});
  return problems;
}

std::string request_text(const std::vector<request_problem>& problems, std::size_t omitted) {
  std::string out;
  for (const request_problem& p : problems) {
    if (!out.empty()) out += '\n';
    out += to_string(p);
  }
  if (omitted != 0) {
    out += "\nerror: " + std::to_string(omitted) + (omitted == 1 ? " more problem" : " more problems") +
           " not listed";
  }
  return out;
}

}  // namespace

request_error::request_error(error_code code, std::string fact, std::string message, std::string help)
    : request_error(std::vector<request_problem>{
          request_problem{code, std::move(fact), std::move(message), std::move(help)}}) {}

request_error::request_error(std::vector<request_problem> problems, std::size_t omitted)
    : error(request_text(at_least_one(problems), omitted)),
      problems_(at_least_one(std::move(problems))),
      omitted_(omitted) {}

usage_error::usage_error(error_code code, const std::string& message)
    : error("error[" + code_text(code) + "]: " + message), code_(code) {}

}  // namespace aftersale
