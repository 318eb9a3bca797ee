// SPDX-License-Identifier: Apache-2.0
// A policy test file skeleton (docs/testing.md format) from covering paths: one flow case per
// path, with placeholder facts and payloads that the author replaces.
#include <aftersale/case.hpp>
#include <aftersale/decide.hpp>
#include <aftersale/diagram.hpp>
#include <aftersale/request.hpp>
#include <aftersale/time.hpp>
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "diagram/text.hpp"
#include "model/compiled.hpp"

namespace aftersale {

namespace {

// A YAML scalar: plain when it is an identifier YAML reads as a string, else double-quoted.
std::string yaml_scalar(const std::string& text) {
  static const char* const special[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
  bool plain = !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0])) && text[0] != '-';
  for (char c : text) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : special) plain = plain && lower != word;
  if (plain) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

// Comments are one line: no line breaks from policy texts.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

// Encoded values worth trying for a fact under some conditions: the bounds and set members the
// conditions name and their neighbours, then a few ordinary values.
std::vector<std::int64_t> candidates(const fact_def& def, const std::vector<const condition*>& conds,
                                     std::int64_t now) {
  std::vector<std::int64_t> out;
  switch (def.type) {
    case fact_type::enumeration:
    case fact_type::string:
      for (std::size_t i = 0; i < def.values.size(); ++i) out.push_back(static_cast<std::int64_t>(i));
      if (def.type == fact_type::string) out.push_back(string_other);
      return out;
    case fact_type::boolean:
      return {1, 0};
    default:
      break;
  }
  for (const condition* c : conds) {
    for (std::int64_t v : c->set) out.insert(out.end(), {v, v + 1, v - 1});
    if (c->lo != lowest) out.insert(out.end(), {c->lo, c->lo + 1});
    if (c->hi != highest) out.insert(out.end(), {c->hi, c->hi - 1});
  }
  if (def.type == fact_type::timestamp) out.push_back(now);
  out.insert(out.end(), {0, 1, 100, 3600, 86400});
  return out;
}

std::string value_text(const fact_def& def, std::int64_t v) {
  switch (def.type) {
    case fact_type::enumeration:
      return yaml_scalar(v >= 0 && static_cast<std::size_t>(v) < def.values.size() ? def.values[v] : "?");
    case fact_type::string:
      return yaml_scalar(v >= 0 && static_cast<std::size_t>(v) < def.values.size() ? def.values[v]
                                                                                   : "other text");
    case fact_type::boolean:
      return v != 0 ? "true" : "false";
    case fact_type::integer:
    case fact_type::money:
      return std::to_string(v);
    case fact_type::duration:
      return yaml_scalar(format_duration(std::chrono::seconds{v}));
    case fact_type::timestamp:
      return yaml_scalar(format_utc(sys_seconds{std::chrono::seconds{v}}));
    case fact_type::decimal:
      return format_decimal(v, def.scale);
  }
  return "0";
}

// One `name: value  # TODO ...` line for a fact or variable: a value every condition accepts
// and every `avoid` condition refuses when there is one, else one every condition accepts, else
// one the first accepts, else an ordinary value of the type.
// The value as the request format takes it (what `bind` and `apply` read).
fact_value request_value(const fact_def& def, std::int64_t v) {
  switch (def.type) {
    case fact_type::enumeration:
    case fact_type::string:
      return v >= 0 && static_cast<std::size_t>(v) < def.values.size() ? def.values[v]
                                                                       : std::string("other text");
    case fact_type::boolean:
      return v != 0;
    case fact_type::decimal:
      return decimal{v, def.scale};
    default:
      return v;  // int, money; durations in seconds, timestamps in Unix seconds
  }
}

struct placed {
  std::string line;                   // `name: value  # TODO (...)`, or a comment
  std::optional<std::int64_t> value;  // nothing: the fact is left out
};

placed placeholder(const fact_def& def, const std::vector<const condition*>& conds, std::int64_t now,
                   const std::string& why, const std::vector<const condition*>& avoid = {}) {
  for (const condition* c : conds) {
    if (c->op == condition_op::missing) return {"# " + def.name + ": leave it out  # TODO (" + why + ")", {}};
  }
  std::vector<const condition*> all = conds;
  all.insert(all.end(), avoid.begin(), avoid.end());
  const std::vector<std::int64_t> tries = candidates(def, all, now);
  auto accepted = [&](std::int64_t v) {
    return std::all_of(conds.begin(), conds.end(), [&](const condition* c) { return c->test(v); });
  };
  std::optional<std::int64_t> chosen;
  for (std::int64_t v : tries) {
    if (accepted(v) &&
        std::none_of(avoid.begin(), avoid.end(), [&](const condition* c) { return c->test(v); })) {
      chosen = v;
      break;
    }
  }
  for (std::size_t i = 0; !chosen && i < tries.size(); ++i)
    if (accepted(tries[i])) chosen = tries[i];
  for (std::size_t i = 0; !chosen && i < tries.size(); ++i)
    if (!conds.empty() && conds.front()->test(tries[i])) chosen = tries[i];
  if (!chosen) chosen = def.default_value.value_or(def.type == fact_type::timestamp ? now : 0);
  return {def.name + ": " + value_text(def, *chosen) + "  # TODO (" + why + ")", chosen};
}

struct skeleton_writer {
  const policy& p;
  const flow_def& f;
  const detail::flow_dispatch& dispatch;
  const skeleton_options& options;
  std::int64_t now;
  std::ostringstream out;
  // The case walked along the path with the placeholder values, to find when each timer falls
  // due; dropped (times stay placeholders) as soon as the walk leaves the path.
  std::shared_ptr<const policy> shared;
  std::optional<service_case> walk;
  sys_seconds walk_now{};

  std::string state(std::uint32_t s) const { return s < f.states.size() ? f.states[s].id : "?"; }

  // Guard conditions of the path's transitions, per fact or variable index, in path order.
  std::map<std::uint32_t, std::vector<const condition*>> guard_conditions(const covering_path& path) const {
    std::map<std::uint32_t, std::vector<const condition*>> by_fact;
    for (std::uint32_t t : path.transitions)
      for (const condition& c : f.transitions[t].guard) by_fact[c.fact].push_back(&c);
    return by_fact;
  }

  // Automatic transitions the path does not take from the states where the case rests (the
  // start unless an automatic transition leaves it at once, and where each event or timer step
  // lands): one request-fact condition of each, for the placeholders to refuse, so that the
  // automatic transition does not fire and carry the case off the path.
  std::map<std::uint32_t, std::vector<const condition*>> avoided(const covering_path& path) const {
    std::vector<std::uint32_t> resting;
    const auto& ts = path.transitions;
    if (ts.empty() || f.transitions[ts.front()].trigger != trigger_kind::automatic)
      resting.push_back(f.start);
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const bool next_automatic =
          i + 1 < ts.size() && f.transitions[ts[i + 1]].trigger == trigger_kind::automatic;
      if (!next_automatic) resting.push_back(f.transitions[ts[i]].to);
    }
    std::map<std::uint32_t, std::vector<const condition*>> out;
    for (std::uint32_t s : resting) {
      if (s >= dispatch.automatic_from.size()) continue;
      for (std::uint32_t t : dispatch.automatic_from[s]) {
        for (const condition& c : f.transitions[t].guard) {
          if (c.fact < p.facts.size() && c.op != condition_op::missing) {
            out[c.fact].push_back(&c);
            break;
          }
        }
      }
    }
    return out;
  }

  void facts(const covering_path& path) {
    const auto by_fact = guard_conditions(path);
    const auto avoid = avoided(path);
    auto avoid_for = [&](std::uint32_t id) {
      auto it = avoid.find(id);
      return it == avoid.end() ? std::vector<const condition*>{} : it->second;
    };
    std::vector<std::string> lines;
    request given;
    std::vector<bool> written(p.facts.size(), false);
    auto write = [&](std::uint32_t id, const std::vector<const condition*>& conds, const std::string& why) {
      if (written[id]) return;
      written[id] = true;
      placed v = placeholder(p.facts[id], conds, now, why, avoid_for(id));
      lines.push_back(v.line);
      if (v.value) given.set(p.facts[id].name, request_value(p.facts[id], *v.value));
    };
    for (const auto& [id, conds] : by_fact) {
      if (id >= p.facts.size()) continue;
      const fact_def& def = p.facts[id];
      if (def.derive != derivation::none && def.source < p.facts.size()) {
        // A derived fact is computed from its source: the author sets the source.
        lines.push_back("# " + def.name + " is derived from " + p.facts[def.source].name +
                        "; the guards want " + def.name + " " + one_line(conds.front()->text));
        write(def.source, {}, "source of " + def.name);
        continue;
      }
      write(id, conds, "guard: " + def.name + " " + one_line(conds.front()->text));
    }
    for (std::uint32_t id = 0; id < p.facts.size(); ++id) {
      if (p.facts[id].required && p.facts[id].derive == derivation::none) write(id, {}, "required");
    }
    start_walk(given);
    if (lines.empty()) {
      out << "    facts: {}\n";
      return;
    }
    out << "    facts:\n";
    for (const std::string& line : lines) out << "      " << line << '\n';
  }

  // The role sending the event: the first allowed, else `agent` (else the first declared role).
  std::string role(const transition_def& t) const {
    const auto& roles = p.vocabulary.roles;
    const std::string_view first = t.roles.empty() ? std::string_view() : entry_id(roles, t.roles.front());
    if (!first.empty()) return std::string(first);
    for (const auto& r : roles)
      if (r.id == "agent") return r.id;
    return roles.empty() ? std::string("agent") : roles.front().id;
  }

  // The variables the event's guard reads, and those of the automatic transitions the path takes
  // right after it (they fire on the values the event carried).
  request payload(const covering_path& path, std::size_t at) {
    std::map<std::uint32_t, std::vector<const condition*>> vars;
    for (std::size_t i = at; i < path.transitions.size(); ++i) {
      const transition_def& t = f.transitions[path.transitions[i]];
      if (i > at && t.trigger != trigger_kind::automatic) break;
      for (const condition& c : t.guard)
        if (c.fact >= p.facts.size() && c.fact - p.facts.size() < f.variables.size())
          vars[c.fact].push_back(&c);
    }
    if (vars.empty()) return {};
    request values;
    out << "        payload:\n";
    for (const auto& [id, conds] : vars) {
      const fact_def& def = f.variables[id - p.facts.size()];
      placed v = placeholder(def, conds, now, "guard: " + def.name + " " + one_line(conds.front()->text));
      out << "          " << v.line << '\n';
      if (v.value) values.set(def.name, request_value(def, *v.value));
    }
    return values;
  }

  void start_walk(const request& given) {
    walk.reset();
    walk_now = sys_seconds{std::chrono::seconds{now}};
    try {
      bound_request b = bind(p, given);
      derive_facts(p, b, walk_now);
      walk = open_case(shared, f.id, b, walk_now);
    } catch (const error&) {
      // Facts the policy refuses: the times stay placeholders.
    }
  }

  // The walked case is where the path expects it; else the walk stops.
  void check_walk(std::uint32_t expected) {
    if (walk && walk->state_index() != expected) walk.reset();
  }

  // Automatic transitions fire on entry: the state a step ends in is where the automatic
  // transitions that follow it on the path lead. Writes them as comments; returns that state.
  std::uint32_t automatics(const covering_path& path, std::size_t& i, std::uint32_t state) {
    while (i < path.transitions.size() &&
           f.transitions[path.transitions[i]].trigger == trigger_kind::automatic) {
      const transition_def& t = f.transitions[path.transitions[i]];
      const std::string guard = analysis::guard_text(p, f, t);
      out << "      # automatic on entry: " << this->state(t.from) << " -> " << this->state(t.to)
          << (guard.empty() ? std::string() : " when " + one_line(guard)) << '\n';
      state = t.to;
      ++i;
    }
    return state;
  }

  void write_case(std::size_t number, const covering_path& path) {
    std::string name = "path " + std::to_string(number) + ": " + state(f.start);
    for (std::uint32_t t : path.transitions) name += " -> " + state(f.transitions[t].to);
    out << "  - name: " << yaml_scalar(name) << '\n';
    // The case opens in the file's flow itself, whatever rule the facts would select.
    out << "    open: flow\n";
    facts(path);
    std::size_t i = 0;
    std::ostringstream head;
    std::swap(head, out);
    const std::uint32_t opened = automatics(path, i, f.start);
    const std::string leading = out.str();
    std::swap(head, out);
    out << "    opened: {state: " << yaml_scalar(state(opened)) << "}\n";
    check_walk(opened);
    if (i == path.transitions.size()) {
      out << "    steps: []\n" << leading;
      return;
    }
    out << "    steps:\n" << leading;
    while (i < path.transitions.size()) {
      const std::size_t at = i;
      const transition_def& t = f.transitions[path.transitions[i++]];
      if (!t.description.empty()) out << "      # " << one_line(t.description) << '\n';
      if (t.trigger == trigger_kind::timer) {
        const std::string due = t.timer.clock < p.clocks.size()
                                    ? "`" + p.clocks[t.timer.clock].id + "`"
                                    : analysis::duration_text(t.timer.after) + " in `" + state(t.from) + "`";
        std::optional<sys_seconds> when = walk ? next_deadline(*walk) : std::nullopt;
        if (when) {
          walk_now = *when;
          advance(*walk, walk_now);
        } else {
          walk.reset();
        }
        out << "      - advance: " << yaml_scalar(when ? format_utc(*when) : options.now)
            << "  # TODO: time when " << due << " falls due" << (when ? " (with these facts)" : "") << "\n";
      } else {
        const std::string guard = analysis::guard_text(p, f, t);
        out << "      - event: " << yaml_scalar(t.event < f.events.size() ? f.events[t.event] : "?") << '\n'
            << "        as: " << yaml_scalar(role(t)) << '\n';
        if (!guard.empty()) out << "        # guard: " << one_line(guard) << '\n';
        request values = payload(path, at);
        if (walk) {
          const outcome o = apply(*walk, event{f.events[t.event], role(t), std::move(values), {}}, walk_now);
          if (!o.accepted()) walk.reset();
        }
      }
      std::size_t k = i;
      std::ostringstream after;
      std::swap(after, out);
      const std::uint32_t lands = automatics(path, k, t.to);
      const std::string comments = out.str();
      std::swap(after, out);
      i = k;
      out << "        expect: {state: " << yaml_scalar(state(lands)) << "}\n" << comments;
      check_walk(lands);
    }
  }
};

}  // namespace

std::string paths_to_test_skeleton(const policy& p, const flow_def& f,
                                   const std::vector<covering_path>& paths, const skeleton_options& options) {
  const auto parsed = parse_timestamp(options.now);
  const std::int64_t now = parsed ? parsed->time_since_epoch().count() : 0;
  skeleton_writer w{p, f, detail::dispatch_of(p, f), options, now, {}, {}, {}, {}};
  // Not owning: the walks end before this function returns.
  w.shared = std::shared_ptr<const policy>(std::shared_ptr<const policy>(), &p);
  std::vector<bool> fired(f.transitions.size(), false);
  for (const covering_path& path : paths)
    for (std::uint32_t t : path.transitions)
      if (t < fired.size()) fired[t] = true;
  const auto count = static_cast<std::size_t>(std::count(fired.begin(), fired.end(), true));

  w.out << "# Generated by `aftersale paths` for flow `" << f.id << "` of policy `" << one_line(p.info.id)
        << "`" << (p.info.version.empty() ? std::string() : " " + one_line(p.info.version)) << ": "
        << paths.size() << (paths.size() == 1 ? " path fires " : " paths fire ") << count << " of "
        << f.transitions.size() << " transitions.\n"
        << "# Replace the values marked TODO (facts, payloads, times), then add expectations "
           "(docs/testing.md).\n";
  for (std::uint32_t t = 0; t < f.transitions.size(); ++t) {
    if (fired[t]) continue;
    const transition_def& td = f.transitions[t];
    w.out << "# not covered (its source state is unreachable): " << one_line(to_string(td.where)) << ' '
          << w.state(td.from) << " --" << one_line(analysis::trigger_text(p, f, td)) << "--> "
          << w.state(td.to) << '\n';
  }
  w.out << "policy: " << yaml_scalar(options.policy_path) << '\n'
        << "now: " << yaml_scalar(options.now) << "  # TODO: the instant the cases start\n"
        << "flow: " << yaml_scalar(f.id) << '\n';
  if (paths.empty()) {
    w.out << "cases: []\n";
    return w.out.str();
  }
  w.out << "cases:\n";
  for (std::size_t i = 0; i < paths.size(); ++i) w.write_case(i + 1, paths[i]);
  return w.out.str();
}

}  // namespace aftersale
