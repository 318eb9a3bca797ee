// SPDX-License-Identifier: Apache-2.0
// Calendars that run out (A420): a business clock or timer started late in the last year whose
// holidays a calendar knows can fall due in a year it does not know, where only its weekly hours
// count (no public holidays, no make-up days).
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/checks.hpp"
#include "analysis/finding.hpp"
#include "model/semantics.hpp"

namespace aftersale::analysis {

namespace {

std::string tick(std::string_view id) { return "`" + std::string(id) + "`"; }

bool is_business(clock_kind k) { return k == clock_kind::business_time || k == clock_kind::business_days; }

// What runs on a calendar: a clock (by id) or a flow's timer (`flow` `from` -> `to`).
struct runner {
  std::string name;
  clock_duration duration;
};

std::vector<runner> runners_on(const policy& p, const business_calendar* cal) {
  std::vector<runner> out;
  for (const clock_def& c : p.clocks) {
    if (is_business(c.within.kind) && detail::calendar_or_default(p, c.calendar) == cal)
      out.push_back({"clock " + tick(c.id), c.within});
  }
  for (const flow_def& f : p.flows) {
    for (const transition_def& t : f.transitions) {
      if (t.trigger != trigger_kind::timer || t.timer.clock != npos || !is_business(t.timer.after.kind))
        continue;
      if (detail::calendar_or_default(p, t.timer.calendar) != cal) continue;
      out.push_back({"the timer of flow " + tick(f.id) + " from " + tick(f.states[t.from].id) + " to " +
                         tick(f.states[t.to].id),
                     t.timer.after});
    }
  }
  return out;
}

}  // namespace

void check_calendars(const policy& p, analysis_report& report) {
  for (const business_calendar& cal : p.calendars) {
    const auto years = cal.coverage();
    if (!years) continue;
    char text[24];
    std::snprintf(text, sizeof text, "%04d-12-31 23:59", years->last);
    const auto late = cal.parse_local(text);
    if (!late) continue;
    const std::string last = std::to_string(years->last);
    const std::string next = std::to_string(years->last + 1);
    std::vector<std::string> past;
    std::string first;
    for (const runner& r : runners_on(p, &cal)) {
      const sys_seconds due = cal.add(*late, r.duration);
      if (due == never_due || cal.local_date_of(due).year <= years->last) continue;
      if (past.empty())
        first = r.name + " started " + cal.format_readable(*late) + " falls due " + cal.format_readable(due);
      past.push_back(r.name);
    }
    if (past.empty()) continue;
    std::string message = "calendar " + tick(cal.id()) + " knows holidays through " + last +
                          " only: " + first + ", counting " + next + " by its weekly hours alone";
    if (past.size() == 2) message += "; 1 more clock or timer on it can run past " + last;
    if (past.size() > 2)
      message +=
          "; " + std::to_string(past.size() - 1) + " more clocks and timers on it can run past " + last;
    const source_span& where = cal.definition().where.line ? cal.definition().where : p.info.where;
    report.findings.push_back(policy_finding(
        error_code::calendar_runs_out, severity::warning, where, std::move(message),
        "add the public holidays and make-up days of " + next + " to `holidays` and `makeup_workdays`, and " +
            next + " to `covers`, once they are announced (docs/calendar.md)"));
  }
}

}  // namespace aftersale::analysis
