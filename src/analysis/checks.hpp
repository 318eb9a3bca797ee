// SPDX-License-Identifier: Apache-2.0
#pragma once
// The checks `analyze()` runs, one file each (internal). Each appends its findings; none throws
// on a loaded policy.
#include <aftersale/analysis.hpp>
#include <vector>

namespace aftersale::analysis {

/// Gaps (A406), overlaps (A407), shadowed rules (A408), (status × request) coverage (A409),
/// A411 budgets and intended gaps (A415-A417) of every decision table: table_checks.cpp.
void check_tables(const policy& p, const analysis_options& options, analysis_report& report);

/// Unreachable states (A400), no way to a terminal state (A401), nondeterminism (A402),
/// guards that never hold (A403), clocks on terminal states (A404), missing customer labels
/// (A405), resets that never apply (A412) of every flow, with Boost.Graph: flow_checks.cpp.
void check_flows(const policy& p, const analysis_options& options, analysis_report& report);

/// Texts without one of the locales of `policy.locales` (A413): text_checks.cpp.
void check_texts(const policy& p, analysis_report& report);

/// Calendars whose known holidays end before a business clock or timer on them can (A420):
/// calendar_checks.cpp.
void check_calendars(const policy& p, analysis_report& report);

/// Protected outcomes a store policy must not weaken (A410): protected_checks.cpp.
void check_protected(const policy& p, const analysis_options& options, analysis_report& report);

/// A store's new rules placed ahead of a base safeguard rule they overlap with another outcome
/// (A418): safeguard_checks.cpp.
void check_safeguards(const policy& p, const analysis_options& options, analysis_report& report);

/// Flow findings (A400-A405, A412) that a store's flow patch created point at the store's
/// patch instead of the base's line: patch_checks.cpp. Runs after check_flows.
void relocate_patch_findings(const policy& p, const analysis_options& options, analysis_report& report);

}  // namespace aftersale::analysis
