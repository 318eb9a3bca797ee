#include <nlohmann/json.hpp>

#include "render.hpp"

namespace aftersale::cli {
namespace {

// ordered_json keeps the keys in the documented order (status, table, rule, solution, ...).
using json = nlohmann::ordered_json;

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json deadlines_json(const match_view& m) {
  json out = json::array();
  for (const auto& dl : m.deadlines) {
    out.push_back({{"clock", dl.clock}, {"due_utc", dl.due_utc}, {"due_local", dl.due_local_iso}});
  }
  return out;
}

json match_json(const match_view& m) {
  json amounts = json::object();
  for (const auto& [name, minor] : m.amounts) amounts[name] = minor;
  json remark = nullptr;
  if (!m.remark_flag.empty() || !m.remark_text.empty()) {
    remark = {{"flag", text_or_null(m.remark_flag)}, {"text", m.remark_text}};
  }
  return {{"rule", m.rule},
          {"solution", m.solution},
          {"steps", m.steps},
          {"fee_payer", text_or_null(m.fee_payer)},
          {"evidence", m.evidence},
          {"escalation", text_or_null(m.escalation)},
          {"remark", remark},
          {"amounts", amounts},
          {"deadlines", deadlines_json(m)},
          {"labels", {{"customer", text_or_null(m.customer_label)}, {"agent", text_or_null(m.agent_label)}}}};
}

json outcome_json(const outcome& o, bool with_name) {
  json out = json::object();
  if (with_name) out["request"] = o.request;
  out["status"] = o.status;
  out["table"] = o.table;
  out["now"] = o.now_utc;
  // The first match's outputs at the top level (for single-hit tables: the answer).
  json first = o.matches.empty() || o.status != "matched" ? json(nullptr) : match_json(o.matches.front());
  for (const char* key : {"rule", "solution", "steps", "fee_payer", "evidence", "escalation", "remark",
                          "amounts", "deadlines", "labels"}) {
    out[key] = first.is_null() ? json(nullptr) : first[key];
  }
  if (o.multi_hit || o.matches.size() > 1) {
    json matches = json::array();
    for (const auto& m : o.matches) matches.push_back(match_json(m));
    out["matches"] = matches;
  }
  if (!o.explanation.empty()) out["explanation"] = o.explanation;
  return out;
}

}  // namespace

void render_json(std::ostream& out, const std::vector<outcome>& outcomes) {
  if (outcomes.size() == 1) {
    out << outcome_json(outcomes.front(), false).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  json all = json::array();
  for (const auto& o : outcomes) all.push_back(outcome_json(o, true));
  out << all.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace aftersale::cli
