// SPDX-License-Identifier: Apache-2.0
// The types of the generated header: an `enum class` per enum fact and vocabulary list and per
// table's rules (declaration order, so the interpreter's index casts to the same value), their
// `to_string`, the typed request and the decision.
#include <algorithm>

#include "codegen/emit.hpp"
#include "model/semantics.hpp"

namespace aftersale::codegen {

namespace {

void emit_enum(code_writer& w, std::string_view doc, const std::string& type,
               const std::vector<std::string>& names, const std::vector<std::string_view>& ids) {
  w.line("");
  w.comment(doc);
  if (names.empty()) {
    w.line("enum class " + type + " : std::uint32_t {};");
  } else {
    w.open("enum class " + type + " : std::uint32_t");
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string l = names[i] + ",";
      if (names[i] != ids[i]) l += "  // " + comment_text(ids[i]);
      w.line(l);
    }
    w.close("};");
  }
  w.comment("The id of a `" + type + "` as written in the policy; \"\" for a value out of range.");
  w.open("inline constexpr std::string_view to_string(" + type + " v) noexcept");
  if (ids.empty()) {
    w.line("(void)v;");
    w.line("return {};");
  } else {
    std::string list;
    for (std::string_view id : ids) list += (list.empty() ? "" : ", ") + cpp_string(id);
    w.line("constexpr std::string_view ids[] = {" + list + "};");
    w.line("const auto i = static_cast<std::size_t>(v);");
    w.line("return i < " + std::to_string(ids.size()) + " ? ids[i] : std::string_view{};");
  }
  w.close();
}

std::vector<std::string_view> ids_of(const std::vector<vocabulary_entry>& list) {
  std::vector<std::string_view> out;
  for (const vocabulary_entry& e : list) out.push_back(e.id);
  return out;
}

std::string field_comment(const fact_def& f) {
  std::string out = f.name + " (" + std::string(to_string(f.type));
  if (f.type == fact_type::money) out += ", minor units";
  if (f.type == fact_type::decimal) out += ", scaled by 10^" + std::to_string(f.scale);
  if (f.required) out += ", required";
  if (f.default_value) out += ", default " + aftersale::detail::format_value(f, *f.default_value);
  out += ")";
  if (!f.description.empty()) out += ": " + f.description;
  return out;
}

}  // namespace

void emit_types(code_writer& w, const policy& p, const policy_names& n) {
  const std::string& q = n.qualified;
  for (std::size_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (f.type != fact_type::enumeration) continue;
    std::vector<std::string_view> ids(f.values.begin(), f.values.end());
    emit_enum(w, "The values of fact `" + f.name + "`.", n.facts[i].enum_type, n.facts[i].enumerators, ids);
  }
  emit_enum(w, "Solutions, in declaration order (the priority of `priority` and `output_order` tables).",
            "solution", n.solutions, ids_of(p.vocabulary.solutions));
  emit_enum(w, "Parties (who pays return shipping).", "party", n.parties, ids_of(p.vocabulary.parties));
  emit_enum(w, "Roles (actors and escalation levels).", "role", n.roles, ids_of(p.vocabulary.roles));
  emit_enum(w, "Evidence kinds.", "evidence", n.evidence, ids_of(p.vocabulary.evidence));
  emit_enum(w, "Order remark flags.", "flag", n.flags, ids_of(p.vocabulary.flags));
  {
    std::vector<std::string_view> ids;
    for (const clock_def& c : p.clocks) ids.push_back(c.id);
    emit_enum(w, "SLA clocks.", "clock", n.clocks, ids);
  }
  for (std::size_t t = 0; t < p.decisions.size(); ++t) {
    std::vector<std::string_view> ids;
    for (const rule& r : p.decisions[t].rules) ids.push_back(r.id);
    emit_enum(w, "The rules of table `" + p.decisions[t].id + "`, in order.", n.tables[t].rule_enum,
              n.tables[t].rules, ids);
  }

  w.line("");
  w.comment(
      "The facts of one request. An empty optional is a fact not given: its default (if any)\n"
      "applies, as in `aftersale::bind`; a required fact left empty makes `decide` throw\n"
      "`aftersale::request_error` (E303). Derived facts are computed by `decide`.");
  w.open("struct request");
  for (std::size_t i = 0; i < p.facts.size(); ++i) {
    const fact_def& f = p.facts[i];
    if (f.derive != derivation::none) continue;
    const fact_names& fn = n.facts[i];
    const std::string type = f.type == fact_type::enumeration ? q + fn.enum_type : value_type(f, fn);
    w.line("std::optional<" + type + "> " + fn.field + ";  ///< " + comment_text(field_comment(f)));
  }
  w.close("};");

  std::size_t max_amounts = 0, max_deadlines = 0;
  for (const decision_table& t : p.decisions) {
    for (const rule& r : t.rules) {
      max_amounts = std::max(max_amounts, r.then.amounts.size());
      max_deadlines = std::max(max_deadlines, r.then.clocks.size());
    }
  }
  w.line("");
  w.line("inline constexpr std::size_t max_amounts = " + std::to_string(max_amounts) +
         ";    ///< the most amounts one rule computes");
  w.line("inline constexpr std::size_t max_deadlines = " + std::to_string(max_deadlines) +
         ";  ///< the most clocks one rule starts");
  w.lines(R"(
/// A read-only view of a static or inline array (C++17 has no std::span).
template <class T>
class list_view {
 public:
  constexpr list_view() noexcept = default;
  constexpr list_view(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + size_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// An amount a rule computes: absent when it refers to a fact (or an earlier amount) that has none.
struct amount {
  std::string_view name;
  std::int64_t value = 0;  ///< minor units; 0 when absent
  bool present = false;
};

/// A clock started by a decision and the UTC instant it falls due (on the clock's calendar).
struct deadline {)");
  w.indent();
  w.line(q + "clock clock{};");
  w.line("aftersale::sys_seconds due{};");
  w.close("};");
  w.line("");
  w.comment(
      "One rule selected by the hit policy, with what it prescribes and computed; texts are in\n"
      "the policy's locale (`" +
      p.info.locale + "`).");
  w.open("struct rule_match");
  w.lines(
      "std::uint32_t rule = 0;  ///< index into its table's rules (cast it to the table's `<table>_rule`)\n"
      "std::string_view rule_id;\n"
      "std::optional<" +
      q +
      "solution> solution;\n"
      "std::optional<" +
      q +
      "party> fee_payer;  ///< empty: nobody, or not applicable\n"
      "list_view<" +
      q +
      "evidence> evidence;\n"
      "std::optional<" +
      q +
      "role> escalation;\n"
      "std::optional<" +
      q +
      "flag> remark_flag;\n"
      "std::string_view remark;\n"
      "list_view<std::string_view> steps;\n"
      "std::string_view customer_label;\n"
      "std::string_view agent_label;\n"
      "std::string_view flow;  ///< the flow a case starts in; empty: none\n"
      "std::array<" +
      q + "amount, " + q +
      "max_amounts> amount_slots{};\n"
      "std::uint32_t amount_count = 0;\n"
      "std::array<" +
      q + "deadline, " + q +
      "max_deadlines> deadline_slots{};\n"
      "std::uint32_t deadline_count = 0;\n"
      "\n"
      "/// One per `then.amounts` of the rule, in order (absent ones too, `present` false).\n"
      "list_view<" +
      q +
      "amount> amounts() const noexcept { return {amount_slots.data(), amount_count}; }\n"
      "/// One per clock the rule starts, in order.\n"
      "list_view<" +
      q + "deadline> deadlines() const noexcept { return {deadline_slots.data(), deadline_count}; }");
  w.close("};");
  w.lines(R"(
enum class decision_status : std::uint8_t {
  matched,   ///< one or more rules selected by the hit policy
  no_match,  ///< no rule matched the request
  conflict,  ///< `unique` matched several rules, or `any` matched rules with different outcomes
};

inline constexpr std::string_view to_string(decision_status s) noexcept {
  return s == decision_status::matched ? "matched" : s == decision_status::no_match ? "no_match" : "conflict";
}

/// The selected matches, in output order: the first is stored inline (no allocation for a
/// single-hit table), more go to the heap.
class match_list {
 public:
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const rule_match* begin() const noexcept { return size_ <= 1 ? &one_ : more_.data(); }
  const rule_match* end() const noexcept { return begin() + size_; }
  const rule_match& operator[](std::size_t i) const noexcept { return begin()[i]; }
  const rule_match& front() const noexcept { return *begin(); }
  /// A new match at the end.
  rule_match& add() {
    if (size_ == 0) {
      size_ = 1;
      return one_;
    }
    if (size_ == 1) {
      more_.reserve(4);
      more_.push_back(one_);
    }
    ++size_;
    return more_.emplace_back();
  }

 private:
  rule_match one_{};
  std::vector<rule_match> more_;
  std::size_t size_ = 0;
};

/// What `decide` returns: as the interpreter's `aftersale::decision` (status, the selected
/// matches, the aggregate), without the trace.
struct decision {
  std::uint32_t table = 0;  ///< index of the table that decided
  std::string_view table_id;
  decision_status status = decision_status::no_match;
  match_list matches;  ///< for a conflict: the rules in conflict
  /// The table's `aggregate` over the selected rules (as `aftersale::decision::aggregate`).
  std::optional<std::int64_t> aggregate;

  bool matched() const noexcept { return status == decision_status::matched; }
  /// The first selected match. @throws aftersale::usage_error (E504) when none was selected.
  const rule_match& first() const {
    if (matches.empty()) throw aftersale::usage_error(aftersale::error_code::no_rule_selected, "the decision selected no rule");
    return matches.front();
  }
};)");
}

}  // namespace aftersale::codegen
