// SPDX-License-Identifier: Apache-2.0
#include <aftersale/model.hpp>
#include <algorithm>

namespace aftersale {

std::string_view to_string(fact_type t) {
  switch (t) {
    case fact_type::enumeration:
      return "enum";
    case fact_type::integer:
      return "int";
    case fact_type::money:
      return "money";
    case fact_type::boolean:
      return "bool";
    case fact_type::duration:
      return "duration";
    case fact_type::timestamp:
      return "timestamp";
    case fact_type::string:
      return "string";
    case fact_type::decimal:
      return "decimal";
  }
  return "?";
}

std::string_view to_string(aggregate_op op) {
  switch (op) {
    case aggregate_op::none:
      return "none";
    case aggregate_op::sum:
      return "sum";
    case aggregate_op::min:
      return "min";
    case aggregate_op::max:
      return "max";
    case aggregate_op::count:
      return "count";
  }
  return "?";
}

std::string_view to_string(condition_op op) {
  switch (op) {
    case condition_op::eq:
      return "eq";
    case condition_op::ne:
      return "ne";
    case condition_op::in:
      return "in";
    case condition_op::not_in:
      return "not_in";
    case condition_op::lt:
      return "lt";
    case condition_op::le:
      return "le";
    case condition_op::gt:
      return "gt";
    case condition_op::ge:
      return "ge";
    case condition_op::between:
      return "between";
    case condition_op::exists:
      return "exists";
    case condition_op::missing:
      return "missing";
  }
  return "?";
}

std::string_view to_string(hit_policy h) {
  switch (h) {
    case hit_policy::unique:
      return "unique";
    case hit_policy::first:
      return "first";
    case hit_policy::priority:
      return "priority";
    case hit_policy::any:
      return "any";
    case hit_policy::collect:
      return "collect";
    case hit_policy::rule_order:
      return "rule_order";
    case hit_policy::output_order:
      return "output_order";
  }
  return "?";
}

bool condition::test(std::int64_t value) const noexcept {
  if (op == condition_op::missing) return false;
  if (op == condition_op::exists) return true;
  const bool inside =
      uses_set ? std::binary_search(set.begin(), set.end(), value) : (lo <= value && value <= hi);
  return inside != negate;
}

namespace {
template <class Items, class IdOf>
void index_by_name(std::map<std::string, std::uint32_t, std::less<>>& out, const Items& items, IdOf id_of) {
  out.clear();
  for (std::uint32_t i = 0; i < items.size(); ++i) out.emplace(id_of(items[i]), i);
}

std::optional<std::uint32_t> lookup(const std::map<std::string, std::uint32_t, std::less<>>& ids,
                                    std::string_view name) {
  auto it = ids.find(name);
  if (it == ids.end()) return std::nullopt;
  return it->second;
}
}  // namespace

void policy::build_lookups() {
  index_by_name(fact_ids_, facts, [](const fact_def& f) { return f.name; });
  index_by_name(decision_ids_, decisions, [](const decision_table& t) { return t.id; });
  index_by_name(clock_ids_, clocks, [](const clock_def& c) { return c.id; });
  index_by_name(calendar_ids_, calendars, [](const business_calendar& c) { return c.id(); });
  index_by_name(flow_ids_, flows, [](const flow_def& f) { return f.id; });
}

std::optional<std::uint32_t> policy::find_fact(std::string_view name) const {
  return lookup(fact_ids_, name);
}
std::optional<std::uint32_t> policy::find_decision(std::string_view id) const {
  return lookup(decision_ids_, id);
}
std::optional<std::uint32_t> policy::find_clock(std::string_view id) const { return lookup(clock_ids_, id); }
std::optional<std::uint32_t> policy::find_calendar(std::string_view id) const {
  return lookup(calendar_ids_, id);
}
std::optional<std::uint32_t> policy::find_flow(std::string_view id) const { return lookup(flow_ids_, id); }

}  // namespace aftersale
