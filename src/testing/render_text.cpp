// SPDX-License-Identifier: Apache-2.0
// The runner's text output (what `aftersale test` prints).
#include <aftersale/policy_test.hpp>
#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>

namespace aftersale::testing {

namespace {

std::string place(const source_span& s) { return s.file + ":" + std::to_string(s.line); }

std::string percent_text(double v) {
  // 1999 of 2000 is not 100.0%: short of full coverage never rounds up to it.
  if (v < 100.0 && v >= 99.95) return "99.9%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

// Test-file problems print as `file:line:col: error: message` (their codes are the loader's
// E1xx and say nothing more to a test author); a policy's own diagnostics keep their codes.
void write_error(std::ostream& out, const diagnostic& d) {
  out << to_string(d.where) << ": error: " << d.message << '\n';
  if (!d.help.empty()) out << "  help: " << d.help << '\n';
}

void write_indented(std::ostream& out, const std::string& text, const char* indent) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out << indent << line << '\n';
}

void write_case(std::ostream& out, const case_result& c, bool verbose) {
  if (c.error) return;  // its diagnostic follows the file's cases
  if (c.passed) {
    if (verbose) out << "ok   " << place(c.where) << ": " << c.name << '\n';
    return;
  }
  out << "FAIL " << place(c.where) << ": " << c.name << '\n';
  for (const auto& f : c.failures) {
    out << "  " << place(f.where) << ": " << f.message << '\n';
    if (!f.detail.empty()) write_indented(out, f.detail, "    ");
  }
}

std::string rows_by_table(const coverage& cov) {
  std::string out;
  for (const auto& t : cov.tables) {
    if (t.hit.empty()) continue;
    out += (out.empty() ? "" : ", ") + t.table + " " + std::to_string(t.hit.size()) + "/" +
           std::to_string(t.hit.size() + t.missed.size());
  }
  return out;
}

void write_counts(std::ostream& out, const coverage& cov, bool percents) {
  auto part = [&](const char* what, std::size_t n, std::size_t total, double pc) {
    out << what << ' ' << n << '/' << total;
    if (percents) out << " (" << percent_text(pc) << ')';
  };
  part("rows", cov.rows_hit, cov.rows_total, cov.row_percent());
  if (!percents) {
    const std::string tables = rows_by_table(cov);
    if (!tables.empty()) out << " [" << tables << ']';
  }
  out << ", ";
  part("transitions", cov.transitions_fired, cov.transitions_total, cov.transition_percent());
  out << ", ";
  part("timers", cov.timers_fired, cov.timers_total, cov.timer_percent());
  out << '\n';
}

// ` `a` `b` ... and 12 more`: at most `shown` ids, each once, in order.
std::string compact_ids(const std::vector<std::string>& ids, std::size_t shown = 8) {
  std::vector<std::string> once;
  for (const auto& id : ids)
    if (std::find(once.begin(), once.end(), id) == once.end()) once.push_back(id);
  std::string out;
  for (std::size_t i = 0; i < once.size() && i < shown; ++i) out += " `" + once[i] + '`';
  if (once.size() > shown) out += " and " + std::to_string(once.size() - shown) + " more";
  return out;
}

void write_coverage(std::ostream& out, const test_report& report, const policy_result& p, bool full) {
  if (!p.total) return;
  out << "\ncoverage of " << p.path << (p.total->own ? " (its own rules and transitions)" : "") << '\n';
  for (const auto& f : report.files) {
    if (!f.covered || std::find(p.files.begin(), p.files.end(), f.path) == p.files.end()) continue;
    out << "  " << f.path << ": ";
    write_counts(out, *f.covered, false);
  }
  out << "  total: ";
  write_counts(out, *p.total, true);
  bool shortened = false;
  for (const auto& t : p.total->tables) {
    const std::size_t total = t.hit.size() + t.missed.size();
    out << "  table " << t.table << ": rows " << t.hit.size() << '/' << total;
    if (!full && t.hit.empty() && !t.missed.empty()) {
      out << ", none hit";  // the ids tell nothing more
      shortened = true;
    } else if (!t.missed.empty()) {
      out << ", never hit:" << (full ? compact_ids(t.missed, t.missed.size()) : compact_ids(t.missed));
      shortened = shortened || (!full && t.missed.size() > 8);
    }
    out << '\n';
  }
  for (const auto& f : p.total->flows) {
    const std::size_t total = f.fired.size() + f.missed.size();
    out << "  flow " << f.flow << ": transitions " << f.fired.size() << '/' << total << ", timers "
        << f.timers_fired << '/' << f.timers_total;
    if (f.missed.empty()) {
      out << '\n';
    } else if (!full && f.fired.empty()) {
      out << ", none fired\n";
      shortened = true;
    } else if (full) {
      out << ", not fired:\n";
      for (const auto& t : f.missed) {
        out << "    " << place(t.where) << ": " << t.text() << (t.timer ? " (timer)" : "") << '\n';
      }
    } else {
      std::vector<std::string> ids;
      for (const auto& t : f.missed) ids.push_back(t.id);
      out << ", not fired:" << compact_ids(ids) << '\n';
      shortened = true;
    }
  }
  if (shortened) out << "  (--coverage-full lists every id, and each transition with its place)\n";
}

}  // namespace

std::string render_text(const test_report& report, const render_options& options) {
  std::ostringstream out;
  for (const auto& d : report.errors) write_error(out, d);
  for (const auto& p : report.policies) {
    for (const auto& d : p.load_errors) out << to_string(d) << '\n';
  }
  for (const auto& f : report.files) {
    for (const auto& c : f.cases) write_case(out, c, options.verbose);
    for (const auto& d : f.errors) write_error(out, d);
  }
  if (options.coverage) {
    for (const auto& p : report.policies) write_coverage(out, report, p, options.coverage_full);
    if (!report.policies.empty()) out << '\n';
  }
  for (const auto& s : report.coverage_shortfalls) out << "coverage below the minimum: " << s << '\n';
  out << report.passed << " passed, " << report.failed << " failed";
  if (report.error_count > 0)
    out << ", " << report.error_count << (report.error_count == 1 ? " error" : " errors");
  out << '\n';
  return out.str();
}

}  // namespace aftersale::testing
