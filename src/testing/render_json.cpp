// The report as JSON (`aftersale test --format json`), written with RapidJSON's writer.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <aftersale/policy_test.hpp>
#include <string>

namespace aftersale::testing {

namespace {

using writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void str(writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void key(writer& w, const char* k) { w.Key(k); }
void size(writer& w, std::size_t n) { w.Uint64(static_cast<std::uint64_t>(n)); }

void location(writer& w, const source_span& s) {
  key(w, "file");
  str(w, s.file);
  key(w, "line");
  w.Uint(s.line);
  key(w, "column");
  w.Uint(s.column);
}

void diagnostics(writer& w, const std::vector<diagnostic>& ds) {
  w.StartArray();
  for (const auto& d : ds) {
    w.StartObject();
    location(w, d.where);
    key(w, "code");
    str(w, code_text(d.code));
    key(w, "message");
    str(w, d.message);
    key(w, "help");
    str(w, d.help);
    w.EndObject();
  }
  w.EndArray();
}

void ids(writer& w, const std::vector<std::string>& v) {
  w.StartArray();
  for (const auto& s : v) str(w, s);
  w.EndArray();
}

void counts(writer& w, const char* name, std::size_t n, std::size_t total, double percent) {
  key(w, name);
  w.StartObject();
  key(w, "covered");
  size(w, n);
  key(w, "total");
  size(w, total);
  key(w, "percent");
  w.Double(percent);
  w.EndObject();
}

void transitions(writer& w, const std::vector<transition_ref>& ts) {
  w.StartArray();
  for (const auto& t : ts) {
    w.StartObject();
    key(w, "index");
    w.Uint(t.index);
    location(w, t.where);
    key(w, "from");
    str(w, t.from);
    key(w, "trigger");
    str(w, t.trigger);
    key(w, "to");
    str(w, t.to);
    key(w, "timer");
    w.Bool(t.timer);
    w.EndObject();
  }
  w.EndArray();
}

void write_coverage(writer& w, const coverage& c) {
  w.StartObject();
  counts(w, "rows", c.rows_hit, c.rows_total, c.row_percent());
  counts(w, "transitions", c.transitions_fired, c.transitions_total, c.transition_percent());
  counts(w, "timers", c.timers_fired, c.timers_total, c.timer_percent());
  key(w, "tables");
  w.StartArray();
  for (const auto& t : c.tables) {
    w.StartObject();
    key(w, "table");
    str(w, t.table);
    key(w, "hit");
    ids(w, t.hit);
    key(w, "missed");
    ids(w, t.missed);
    w.EndObject();
  }
  w.EndArray();
  key(w, "flows");
  w.StartArray();
  for (const auto& f : c.flows) {
    w.StartObject();
    key(w, "flow");
    str(w, f.flow);
    key(w, "timers_fired");
    size(w, f.timers_fired);
    key(w, "timers_total");
    size(w, f.timers_total);
    key(w, "fired");
    transitions(w, f.fired);
    key(w, "missed");
    transitions(w, f.missed);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_case(writer& w, const case_result& c) {
  w.StartObject();
  key(w, "name");
  str(w, c.name);
  location(w, c.where);
  key(w, "kind");
  str(w, c.flow ? "flow" : "decide");
  key(w, "result");
  str(w, c.error ? "error" : c.passed ? "passed" : "failed");
  key(w, "failures");
  w.StartArray();
  for (const auto& f : c.failures) {
    w.StartObject();
    location(w, f.where);
    key(w, "field");
    str(w, f.field);
    key(w, "expected");
    str(w, f.expected);
    key(w, "actual");
    str(w, f.actual);
    key(w, "message");
    str(w, f.message);
    if (!f.detail.empty()) {
      key(w, "detail");
      str(w, f.detail);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string render_json(const test_report& report, const render_options& options) {
  rapidjson::StringBuffer buffer;
  writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "passed");
  size(w, report.passed);
  key(w, "failed");
  size(w, report.failed);
  key(w, "errors");
  size(w, report.error_count);
  key(w, "exit_code");
  w.Int(exit_code(report));
  key(w, "problems");
  diagnostics(w, report.errors);
  key(w, "coverage_shortfalls");
  ids(w, report.coverage_shortfalls);
  key(w, "files");
  w.StartArray();
  for (const auto& f : report.files) {
    w.StartObject();
    key(w, "path");
    str(w, f.path);
    key(w, "policy");
    str(w, f.policy_path);
    key(w, "cases");
    w.StartArray();
    for (const auto& c : f.cases) write_case(w, c);
    w.EndArray();
    key(w, "problems");
    diagnostics(w, f.errors);
    if (options.coverage && f.covered) {
      key(w, "coverage");
      write_coverage(w, *f.covered);
    }
    w.EndObject();
  }
  w.EndArray();
  key(w, "policies");
  w.StartArray();
  for (const auto& p : report.policies) {
    w.StartObject();
    key(w, "path");
    str(w, p.path);
    key(w, "files");
    ids(w, p.files);
    key(w, "problems");
    diagnostics(w, p.load_errors);
    if (options.coverage && p.total) {
      key(w, "coverage");
      write_coverage(w, *p.total);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace aftersale::testing
