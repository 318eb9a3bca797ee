// analyze(): runs every check, orders the findings by location, and prints them as text or JSON.
#include <aftersale/analysis.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>

#include "analysis/checks.hpp"

namespace aftersale {

namespace {

std::string span_text(const source_span& s) {
  return s.file + ":" + std::to_string(s.line) + ":" + std::to_string(s.column);
}

// JSON string escaping (RFC 8259): quotes, backslash and control characters; UTF-8 passes through.
void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void json_span(std::string& out, const source_span& s) {
  out += "{\"file\":";
  json_string(out, s.file);
  out += ",\"line\":" + std::to_string(s.line) + ",\"column\":" + std::to_string(s.column) + "}";
}

}  // namespace

bool analysis_report::has_errors() const noexcept { return count(severity::error) > 0; }

std::size_t analysis_report::count(severity s) const noexcept {
  return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(),
                                                [s](const finding& f) { return f.diagnostic.severity == s; }));
}

analysis_report analyze(const policy& p, const analysis_options& options) {
  analysis_report report;
  analysis::check_tables(p, options, report);
  analysis::check_flows(p, options, report);
  analysis::check_protected(p, options, report);
  // Document order; findings at one place keep the order their check reported them in.
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const finding& a, const finding& b) {
    const source_span& x = a.diagnostic.where;
    const source_span& y = b.diagnostic.where;
    return std::tie(x.file, x.line, x.column) < std::tie(y.file, y.line, y.column);
  });
  return report;
}

std::string to_string(const finding& f) {
  std::string out = to_string(f.diagnostic);
  if (!f.witness.empty()) {
    out += "\n  witness: ";
    for (std::size_t i = 0; i < f.witness.size(); ++i) {
      if (i) out += ", ";
      out += f.witness[i].fact + "=" + (f.witness[i].absent ? std::string("absent") : f.witness[i].value);
    }
  }
  for (const source_span& s : f.related) out += "\n  see: " + span_text(s);
  return out;
}

namespace {

// The witness facts that are (not) derived as one object in fact order; an absent fact is null,
// int / money / bool values are JSON literals as request files take them. null without a witness.
void json_witness(std::string& out, const std::vector<witness_fact>& facts, bool derived) {
  if (facts.empty()) {
    out += "null";
    return;
  }
  out += '{';
  bool first = true;
  for (const witness_fact& w : facts) {
    if (w.derived != derived) continue;
    if (!first) out += ',';
    first = false;
    json_string(out, w.fact);
    out += ':';
    if (w.absent) {
      out += "null";
    } else if (w.literal) {
      out += w.value;
    } else {
      json_string(out, w.value);
    }
  }
  out += '}';
}

}  // namespace

std::string to_json(const analysis_report& r) {
  std::string out = "{\"findings\":[";
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const finding& f = r.findings[i];
    if (i) out += ',';
    out += "{\"code\":";
    json_string(out, code_text(f.diagnostic.code));
    out += ",\"severity\":";
    json_string(out, to_string(f.diagnostic.severity));
    out += ",\"where\":";
    json_span(out, f.diagnostic.where);
    out += ",\"message\":";
    json_string(out, f.diagnostic.message);
    out += ",\"help\":";
    json_string(out, f.diagnostic.help);
    out += ",\"table\":";
    json_string(out, f.table);
    out += ",\"flow\":";
    json_string(out, f.flow);
    // `derived`: what the library computes from the request (days_since, map facts), shown for
    // the reader; `witness`: the request itself (input facts), replayable by `decide`.
    out += ",\"derived\":";
    json_witness(out, f.witness, true);
    out += ",\"witness\":";
    json_witness(out, f.witness, false);
    out += ",\"related\":[";
    for (std::size_t k = 0; k < f.related.size(); ++k) {
      if (k) out += ',';
      json_span(out, f.related[k]);
    }
    out += "]}";
  }
  out += "],\"coverage\":[";
  for (std::size_t i = 0; i < r.coverage.size(); ++i) {
    const pair_coverage& c = r.coverage[i];
    if (i) out += ',';
    out += "{\"table\":";
    json_string(out, c.table);
    auto pairs = [&out](const char* key, const std::vector<std::pair<std::string, std::string>>& v) {
      out += ",\"";
      out += key;
      out += "\":[";
      for (std::size_t k = 0; k < v.size(); ++k) {
        if (k) out += ',';
        out += '[';
        json_string(out, v[k].first);
        out += ',';
        json_string(out, v[k].second);
        out += ']';
      }
      out += ']';
    };
    pairs("unhandled", c.unhandled);
    pairs("catch_all_only", c.catch_all_only);
    out += '}';
  }
  out += "],\"errors\":" + std::to_string(r.count(severity::error)) +
         ",\"warnings\":" + std::to_string(r.count(severity::warning)) +
         ",\"notes\":" + std::to_string(r.count(severity::note)) + "}";
  return out;
}

}  // namespace aftersale
