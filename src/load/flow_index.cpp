// SPDX-License-Identifier: Apache-2.0
// What the loader works out about a flow once it is read: the clocks a case of the flow needs,
// the structure hash, and the static check that automatic transitions cannot loop. (The
// dispatch lists the runtime reads are compiled with the rest of the policy: load/compile.cpp.)
#include <algorithm>
#include <deque>
#include <string>

#include "base/hash.hpp"
#include "load/flow_read.hpp"

namespace aftersale::load {

namespace {

// Over what a snapshot depends on, by id (not index, so adding an unrelated clock or calendar to
// the policy keeps the hash): states with their terminal flag and phase, in order; transitions
// with from, to, trigger, event name and timer, in order. Labels, descriptions, guards, roles and
// effects are left out, so fixing a text or a guard does not invalidate stored cases.
std::uint64_t structure_hash(const policy& p, const flow_def& f) {
  detail::fnv1a64 h;
  for (const state_def& st : f.states) {
    h.text(st.id);
    h.byte(st.terminal ? 1 : 0);
    h.byte(static_cast<std::uint8_t>(st.phase));
  }
  h.byte(0x1e);
  for (const transition_def& t : f.transitions) {
    h.text(f.states[t.from].id);
    h.text(f.states[t.to].id);
    h.byte(static_cast<std::uint8_t>(t.trigger));
    if (t.trigger == trigger_kind::event) h.text(f.events[t.event]);
    if (t.trigger == trigger_kind::timer) {
      if (t.timer.clock != npos) {
        h.text(p.clocks[t.timer.clock].id);
      } else {
        h.byte(static_cast<std::uint8_t>(t.timer.after.kind));
        h.text(std::to_string(t.timer.after.amount));
        h.text(t.timer.calendar == npos ? std::string_view{} : p.calendars[t.timer.calendar].id());
      }
    }
    h.byte(0x1e);
  }
  return h.value();
}

}  // namespace

void finish_flow(const policy& p, flow_def& f) {
  std::vector<std::uint32_t> clocks;
  for (const transition_def& t : f.transitions) {
    if (t.trigger == trigger_kind::timer && t.timer.clock != npos) clocks.push_back(t.timer.clock);
    for (const effect& e : t.effects) {
      if (e.kind == effect_kind::clock) clocks.push_back(e.target);
    }
  }
  for (const state_def& st : f.states) {
    for (const clock_effect& e : st.on_entry) clocks.push_back(e.clock);
  }
  std::sort(clocks.begin(), clocks.end());
  clocks.erase(std::unique(clocks.begin(), clocks.end()), clocks.end());
  f.clocks = std::move(clocks);
  f.structure_hash = structure_hash(p, f);
}

void check_automatic_cycles(build_state& s, const flow_def& f) {
  const std::size_t n = f.states.size();
  std::vector<std::vector<std::uint32_t>> next(n);  // automatic edges, guards ignored
  for (const transition_def& t : f.transitions) {
    if (t.trigger == trigger_kind::automatic) next[t.from].push_back(t.to);
  }
  std::vector<bool> reported(n, false);
  for (const transition_def& t : f.transitions) {
    if (t.trigger != trigger_kind::automatic || reported[t.from]) continue;
    // Breadth-first from `to` back to `from`: the shortest way round, for the message.
    std::vector<std::uint32_t> parent(n, npos);
    std::vector<bool> seen(n, false);
    std::deque<std::uint32_t> queue{t.to};
    seen[t.to] = true;
    while (!queue.empty() && !seen[t.from]) {
      const std::uint32_t at = queue.front();
      queue.pop_front();
      for (std::uint32_t to : next[at]) {
        if (seen[to]) continue;
        seen[to] = true;
        parent[to] = at;
        queue.push_back(to);
      }
    }
    if (!seen[t.from]) continue;
    std::vector<std::uint32_t> path{t.from};
    for (std::uint32_t at = t.from; at != t.to; at = parent[at]) path.push_back(parent[at]);
    std::reverse(path.begin() + 1, path.end());
    std::string loop = "`" + f.states[t.from].id + "`";
    for (std::size_t i = 1; i < path.size(); ++i) loop += " → `" + f.states[path[i]].id + "`";
    loop += " → `" + f.states[t.from].id + "`";
    for (std::uint32_t st : path) reported[st] = true;
    s.r.diagnostics().push_back(diagnostic{
        error_code::automatic_cycle, severity::error, t.where,
        "automatic transitions of flow `" + f.id + "` can loop forever: " + loop,
        "an automatic transition fires on entry whenever its guard holds: break the loop with an event "
        "or a timer transition"});
  }
}

}  // namespace aftersale::load
