// SPDX-License-Identifier: Apache-2.0
// analyze(): runs every check, orders the findings by location, and prints them as text or JSON.
#include <aftersale/analysis.hpp>
#include <algorithm>
#include <string>
#include <tuple>

#include "analysis/checks.hpp"
#include "base/json_writer.hpp"

namespace aftersale {

namespace {

std::string span_text(const source_span& s) {
  return s.file + ":" + std::to_string(s.line) + ":" + std::to_string(s.column);
}

void json_span(detail::json_writer& w, const source_span& s) {
  w.begin_object();
  w.key("file");
  w.string(s.file);
  w.key("line");
  w.unsigned_integer(s.line);
  w.key("column");
  w.unsigned_integer(s.column);
  w.end_object();
}

}  // namespace

bool analysis_report::has_errors() const noexcept { return count(severity::error) > 0; }

std::size_t analysis_report::count(severity s) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [s](const finding& f) { return f.diagnostic.severity == s; }));
}

analysis_report analyze(const policy& p, const analysis_options& options) {
  analysis_report report;
  analysis::check_tables(p, options, report);
  analysis::check_flows(p, options, report);
  analysis::relocate_patch_findings(p, options, report);
  analysis::check_protected(p, options, report);
  analysis::check_safeguards(p, options, report);
  analysis::check_texts(p, report);
  analysis::check_calendars(p, report);
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
void json_witness(detail::json_writer& w, const std::vector<witness_fact>& facts, bool derived) {
  if (facts.empty()) return w.null();
  w.begin_object();
  for (const witness_fact& f : facts) {
    if (f.derived != derived) continue;
    w.key(f.fact);
    if (f.absent) {
      w.null();
    } else if (f.literal) {
      w.literal(f.value);
    } else {
      w.string(f.value);
    }
  }
  w.end_object();
}

void json_pairs(detail::json_writer& w, const char* key,
                const std::vector<std::pair<std::string, std::string>>& v) {
  w.key(key);
  w.begin_array();
  for (const auto& [first, second] : v) {
    w.begin_array();
    w.string(first);
    w.string(second);
    w.end_array();
  }
  w.end_array();
}

void json_finding(detail::json_writer& w, const finding& f) {
  w.begin_object();
  w.key("code");
  w.string(code_text(f.diagnostic.code));
  w.key("severity");
  w.string(to_string(f.diagnostic.severity));
  w.key("where");
  json_span(w, f.diagnostic.where);
  w.key("message");
  w.string(f.diagnostic.message);
  w.key("help");
  w.string(f.diagnostic.help);
  w.key("table");
  w.string(f.table);
  w.key("flow");
  w.string(f.flow);
  // `derived`: what the library computes from the request (days_since, map facts), shown for
  // the reader; `witness`: the request itself (input facts), replayable by `decide`.
  w.key("derived");
  json_witness(w, f.witness, true);
  w.key("witness");
  json_witness(w, f.witness, false);
  w.key("related");
  w.begin_array();
  for (const source_span& s : f.related) json_span(w, s);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string to_json(const analysis_report& r) {
  detail::json_writer w("the analysis report");
  w.begin_object();
  w.key("findings");
  w.begin_array();
  for (const finding& f : r.findings) json_finding(w, f);
  w.end_array();
  w.key("coverage");
  w.begin_array();
  for (const pair_coverage& c : r.coverage) {
    w.begin_object();
    w.key("table");
    w.string(c.table);
    json_pairs(w, "unhandled", c.unhandled);
    json_pairs(w, "catch_all_only", c.catch_all_only);
    json_pairs(w, "intended", c.intended);
    w.end_object();
  }
  w.end_array();
  w.key("errors");
  w.unsigned_integer(r.count(severity::error));
  w.key("warnings");
  w.unsigned_integer(r.count(severity::warning));
  w.key("notes");
  w.unsigned_integer(r.count(severity::note));
  w.end_object();
  return w.take();
}

}  // namespace aftersale
