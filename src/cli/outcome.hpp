// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the CLI prints about one decision, as plain strings: built once from an
// aftersale::decision, then rendered as a table or as JSON.
#include <aftersale/decide.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aftersale::cli {

struct deadline_view {
  std::string clock;          ///< clock id
  std::string label;          ///< the clock's label, may be empty
  std::string due_utc;        ///< `2026-10-08T09:30:00Z`
  std::string due_local;      ///< `2026-10-08 17:30:00 CST (+08:00)` in the clock's calendar
  std::string due_local_iso;  ///< `2026-10-08T17:30:00+08:00`
};

/// One rule selected by the hit policy, with its outputs resolved to ids and text.
struct match_view {
  std::string rule;
  std::string rule_where;  ///< `file:line:col` of the rule
  std::string solution;
  std::string solution_label;  ///< the vocabulary label in the outcome's locale; may be empty
  std::vector<std::string> steps;
  std::string fee_payer;  ///< empty: nobody / not applicable
  std::string fee_payer_label;
  std::vector<std::string> evidence;
  std::vector<std::string> evidence_labels;  ///< one per evidence id, in the outcome's locale
  std::string escalation;                    ///< empty: none
  std::string escalation_label;
  std::string remark_flag;
  std::string remark_text;
  std::vector<std::pair<std::string, std::int64_t>> amounts;  ///< name, minor units
  std::vector<deadline_view> deadlines;
  std::string customer_label;
  std::string agent_label;
};

/// Everything shown about one request's decision.
struct outcome {
  std::string request;  ///< request name (file stem)
  std::string note;
  std::string now_utc;
  std::string now_local;  ///< in the policy's default calendar; empty without one
  std::string table;
  std::string hit_policy;
  std::string status;      ///< `matched`, `no_match`, `conflict`
  std::string locale;      ///< the locale the texts are in (may be "" for a policy without one)
  bool multi_hit = false;  ///< the table's hit policy can select several rules
  std::vector<match_view> matches;
  /// An aggregating `collect` table's aggregate (decision::aggregate): op (`sum`, ...; empty when
  /// the table aggregates nothing), the amount it is over (empty for `count`), the value (minor
  /// units, or a count; nullopt when absent) and the line `explain` prints for it.
  std::string aggregate_op;
  std::string aggregate_output;
  std::optional<std::int64_t> aggregate;
  std::string aggregate_text;
  std::vector<std::string> explanation;  ///< lines; empty unless asked for
  decision_audit audit;                  ///< decision id, policy id, version and content hash
};

/// Resolves a decision into printable values, every text in `locale` ("" = the policy's
/// `locale`; the fallback rule of `policy::text`). `explain` adds the explanation lines.
outcome make_outcome(const decision& d, std::string request, std::string note, bool explain,
                     std::string_view locale = {});

/// `129.00` style text for an amount.
std::string money_text(std::int64_t minor);

}  // namespace aftersale::cli
