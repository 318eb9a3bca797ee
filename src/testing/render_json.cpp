// SPDX-License-Identifier: Apache-2.0
// The report as JSON (`aftersale test --format json`), written with the library's JSON writer.
#include <aftersale/policy_test.hpp>
#include <string>

#include "base/json_writer.hpp"

namespace aftersale::testing {

namespace {

using writer = aftersale::detail::json_writer;

void str(writer& w, std::string_view s) { w.string(s); }
void key(writer& w, const char* k) { w.key(k); }
void size(writer& w, std::size_t n) { w.unsigned_integer(n); }

void location(writer& w, const source_span& s) {
  key(w, "file");
  str(w, s.file);
  key(w, "line");
  w.unsigned_integer(s.line);
  key(w, "column");
  w.unsigned_integer(s.column);
}

void diagnostics(writer& w, const std::vector<diagnostic>& ds) {
  w.begin_array();
  for (const auto& d : ds) {
    w.begin_object();
    location(w, d.where);
    key(w, "code");
    str(w, code_text(d.code));
    key(w, "message");
    str(w, d.message);
    key(w, "help");
    str(w, d.help);
    w.end_object();
  }
  w.end_array();
}

void ids(writer& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) str(w, s);
  w.end_array();
}

void counts(writer& w, const char* name, std::size_t n, std::size_t total, double percent) {
  key(w, name);
  w.begin_object();
  key(w, "covered");
  size(w, n);
  key(w, "total");
  size(w, total);
  key(w, "percent");
  w.number(percent);
  w.end_object();
}

void transitions(writer& w, const std::vector<transition_ref>& ts) {
  w.begin_array();
  for (const auto& t : ts) {
    w.begin_object();
    key(w, "index");
    w.unsigned_integer(t.index);
    key(w, "id");
    str(w, t.id);
    location(w, t.where);
    key(w, "from");
    str(w, t.from);
    key(w, "trigger");
    str(w, t.trigger);
    key(w, "to");
    str(w, t.to);
    key(w, "timer");
    w.boolean(t.timer);
    w.end_object();
  }
  w.end_array();
}

void write_coverage(writer& w, const coverage& c) {
  w.begin_object();
  key(w, "own");
  w.boolean(c.own);
  counts(w, "rows", c.rows_hit, c.rows_total, c.row_percent());
  counts(w, "transitions", c.transitions_fired, c.transitions_total, c.transition_percent());
  counts(w, "timers", c.timers_fired, c.timers_total, c.timer_percent());
  key(w, "tables");
  w.begin_array();
  for (const auto& t : c.tables) {
    w.begin_object();
    key(w, "table");
    str(w, t.table);
    key(w, "hit");
    ids(w, t.hit);
    key(w, "missed");
    ids(w, t.missed);
    w.end_object();
  }
  w.end_array();
  key(w, "flows");
  w.begin_array();
  for (const auto& f : c.flows) {
    w.begin_object();
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
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_case(writer& w, const case_result& c) {
  w.begin_object();
  key(w, "name");
  str(w, c.name);
  location(w, c.where);
  key(w, "kind");
  str(w, c.flow ? "flow" : "decide");
  key(w, "result");
  str(w, c.error ? "error" : c.passed ? "passed" : "failed");
  key(w, "failures");
  w.begin_array();
  for (const auto& f : c.failures) {
    w.begin_object();
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
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_json(const test_report& report, const render_options& options) {
  writer w("the test report", writer::layout::pretty);
  w.begin_object();
  key(w, "passed");
  size(w, report.passed);
  key(w, "failed");
  size(w, report.failed);
  key(w, "errors");
  size(w, report.error_count);
  key(w, "exit_code");
  w.integer(exit_code(report));
  key(w, "problems");
  diagnostics(w, report.errors);
  key(w, "coverage_shortfalls");
  ids(w, report.coverage_shortfalls);
  key(w, "files");
  w.begin_array();
  for (const auto& f : report.files) {
    w.begin_object();
    key(w, "path");
    str(w, f.path);
    key(w, "policy");
    str(w, f.policy_path);
    key(w, "cases");
    w.begin_array();
    for (const auto& c : f.cases) write_case(w, c);
    w.end_array();
    key(w, "problems");
    diagnostics(w, f.errors);
    if (options.coverage && f.covered) {
      key(w, "coverage");
      write_coverage(w, *f.covered);
    }
    w.end_object();
  }
  w.end_array();
  key(w, "policies");
  w.begin_array();
  for (const auto& p : report.policies) {
    w.begin_object();
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
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + '\n';
}

}  // namespace aftersale::testing
