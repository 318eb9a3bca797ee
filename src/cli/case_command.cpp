// SPDX-License-Identifier: Apache-2.0
#include "case_command.hpp"

#include <aftersale/aftersale.hpp>
#include <aftersale/case.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "base/nearest.hpp"
#include "case_io.hpp"
#include "case_payload.hpp"
#include "case_render.hpp"
#include "case_view.hpp"
#include "command.hpp"
#include "policy_path.hpp"
#include "request_json.hpp"

namespace aftersale::cli {
namespace {

using options = case_command::options;

// A problem reported as `where: error: message` with exit code 2 (input_error says it already).
[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw input_error(where + ": error: " + message);
}

std::shared_ptr<const policy> load(const options& opt) {
  return load_policy(opt.policy);  // policy_error: reported by run()
}

// The snapshot file as `to_json` wrote it, ending with a newline (a text file).
std::string snapshot_text(const service_case& c) {
  std::string text = to_json(c);
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

service_case read_case(const std::shared_ptr<const policy>& p, const std::string& path,
                       const std::string& text) {
  try {
    return from_json(p, text);
  } catch (const snapshot_error& e) {
    fail(path, e.what());  // what() starts with the JSON path: `$.clocks[2].due: ...`
  }
}

service_case read_case(const std::shared_ptr<const policy>& p, const std::string& path) {
  return read_case(p, path, read_text_file(path));
}

std::chrono::milliseconds lock_wait(const options& opt) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(opt.lock_wait * 1000));
}

// The instant of the case's last step: history is in time order, and a step at an earlier
// `--now` would put it out of order (and run clocks backwards).
sys_seconds last_step(const service_case& c) {
  sys_seconds last = std::max(c.opened_at(), c.entered_at());
  for (const history_entry& h : c.history()) last = std::max(last, h.at);
  return last;
}

void refuse_going_back(const service_case& c, sys_seconds now) {
  const sys_seconds last = last_step(c);
  if (now < last) {
    fail("--now", "`" + format_utc(now) + "` is earlier than the case's last step at `" + format_utc(last) +
                      "`: a case's history only moves forward (give a later --now)");
  }
}

void add_lock_wait(CLI::App* cmd, options& opt) {
  cmd->add_option("--lock-wait", opt.lock_wait,
                  "Seconds to wait while another process changes the same case file (default 10)")
      ->check(CLI::Range(0.0, 3600.0));
}

void add_format(CLI::App* cmd, options& opt) {
  cmd->add_option("--format", opt.format, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
}

void add_locale(CLI::App* cmd, options& opt) { add_locale_option(cmd, opt.locale); }

void add_now(CLI::App* cmd, options& opt, const char* what) { cmd->add_option("--now", opt.now, what); }

// ---- open ----------------------------------------------------------------------------

/// The decision a case was opened from.
struct decided {
  std::string table, rule, solution, flow;
};

struct opened {
  service_case c;
  std::optional<decided> decision;  ///< nothing when --flow chose the flow
};

opened open_from_request(const std::shared_ptr<const policy>& p, const options& opt, const request_file& r,
                         sys_seconds now) {
  const std::string& where = r.path;
  opened out;
  if (!opt.flow.empty()) {
    if (!p->find_flow(opt.flow)) {
      std::string known;
      std::vector<std::string> ids;
      for (const auto& f : p->flows) {
        known += (known.empty() ? "`" : ", `") + f.id + "`";
        ids.push_back(f.id);
      }
      fail("--flow", detail::with_did_you_mean(
                         "unknown flow `" + opt.flow + "`" +
                             (known.empty() ? ": the policy has no flows" : " (flows: " + known + ")"),
                         opt.flow, ids));
    }
    bound_request facts = bind(*p, r.facts);
    derive_facts(*p, facts, now);
    out.c = open_case(p, opt.flow, facts, now);
    return out;
  }
  decision d = decide(p, r.facts, now);
  if (!d.matched()) {
    fail(where, std::string("no case to open: the decision is `") + std::string(to_string(d.status())) +
                    "` (give --flow to open a flow directly)");
  }
  if (d.first_rule().then.flow.empty()) {
    fail(where, "no case to open: rule `" + std::string(d.rule_id()) + "` names no flow (give --flow)");
  }
  out.decision =
      decided{d.table().id, std::string(d.rule_id()), std::string(d.solution()), d.first_rule().then.flow};
  out.c = open_case(d, now);
  return out;
}

void decision_json(json_writer& w, const std::optional<decided>& d) {
  if (!d) return w.null();
  w.begin_object();
  w.key("table");
  w.string(d->table);
  w.key("rule");
  w.string(d->rule);
  w.key("solution");
  w.string(d->solution);
  w.key("flow");
  w.string(d->flow);
  w.end_object();
}

int run_open(const options& opt) {
  auto p = load(opt);
  request_file r = read_request_file(opt.request, opt.max_request_bytes);
  const sys_seconds now = resolve_now(opt.now, r.now, r.path);
  std::error_code ec;
  if (!opt.force && std::filesystem::exists(opt.snapshot, ec)) {
    fail(opt.snapshot, "the file exists: give --force to replace it");
  }
  // Replacing a case another process is changing waits for it (and keeps it out meanwhile).
  std::optional<case_file_lock> lock;
  if (opt.force && std::filesystem::is_regular_file(opt.snapshot, ec))
    lock.emplace(opt.snapshot, lock_wait(opt));
  opened o;
  try {
    o = open_from_request(p, opt, r, now);
  } catch (const request_error& e) {
    // `file#/facts/name: error[E300]: ...`, as `decide` prints request errors
    throw input_error(located(r, e));
  } catch (const input_error&) {
    throw;
  } catch (const error& e) {
    fail(r.path, e.what());
  }
  // Without --force, created only if still absent: of two `case open` at once, one fails.
  write_file_atomically(opt.snapshot, snapshot_text(o.c), opt.force);

  case_view view = make_case_view(o.c, opt.locale, false, now);
  if (opt.format == "json") {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("snapshot");
      w.string(opt.snapshot);
      w.key("decision");
      decision_json(w, o.decision);
      w.key("case");
      case_json(w, view);
      w.end_object();
    });
    return exit_case_ok;
  }
  text_field(std::cout, "saved", {opt.snapshot});
  if (!o.decision) {
    text_field(std::cout, "decision", {"- (flow chosen with --flow)"});
  } else {
    text_field(
        std::cout, "decision",
        {"rule " + o.decision->rule + " → " + o.decision->solution + "  (table " + o.decision->table + ")"});
  }
  render_case_text(std::cout, view);
  return exit_case_ok;
}

// ---- apply ---------------------------------------------------------------------------

int run_apply(const options& opt) {
  auto p = load(opt);
  const sys_seconds now = resolve_now(opt.now);
  // Read, apply and write under one lock: a second `case apply` on the file waits and then
  // applies its event to the case this one wrote.
  const case_file_lock lock(opt.snapshot, lock_wait(opt));
  service_case c = read_case(p, opt.snapshot, lock.read());
  refuse_going_back(c, now);
  event e{opt.event, opt.role, parse_payload(c.flow(), opt.sets), opt.id};
  const std::size_t before = c.history().size();
  const outcome o = apply(c, e, now);
  // Refused: the case is unchanged and so is the file. Duplicate: unchanged too, but writing
  // it back is harmless and keeps "accepted or duplicate = saved" simple for scripts.
  const bool conflict = o.result() == outcome::status::conflict;  // unchanged; an error for the host
  const bool write = o.result() != outcome::status::refused && !conflict;
  if (write) write_file_atomically(opt.snapshot, snapshot_text(c));

  outcome_view ov = make_outcome_view(c, o);
  case_view view = make_case_view(c, opt.locale, false, now, before);
  if (opt.format == "json") {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("snapshot");
      w.string(opt.snapshot);
      w.key("written");
      w.boolean(write);
      w.key("event");
      w.begin_object();
      w.key("name");
      w.string(opt.event);
      w.key("role");
      w.string(opt.role);
      w.key("id");
      w.string_or_null(opt.id);
      w.end_object();
      w.key("outcome");
      outcome_json(w, ov);
      w.key("history");
      history_json(w, view.history);
      w.key("case");
      case_json(w, view);
      w.end_object();
    });
  } else {
    render_outcome_text(std::cout, ov, "result");
    if (o.accepted()) {
      render_history_text(std::cout, view.history);
      render_status_text(std::cout, view);
    }
    text_field(std::cout, write ? "saved" : "unchanged", {opt.snapshot});
  }
  return o.result() == outcome::status::refused || conflict ? exit_case_refused : exit_case_ok;
}

// ---- advance -------------------------------------------------------------------------

int run_advance(const options& opt) {
  auto p = load(opt);
  const sys_seconds now = resolve_now(opt.now);
  const case_file_lock lock(opt.snapshot, lock_wait(opt));
  service_case c = read_case(p, opt.snapshot, lock.read());
  refuse_going_back(c, now);
  const std::size_t before = c.history().size();
  const std::vector<outcome> fired = advance(c, now);
  const bool write = !fired.empty();
  if (write) write_file_atomically(opt.snapshot, snapshot_text(c));

  case_view view = make_case_view(c, opt.locale, false, now, before);
  const instant_view at = make_instant(*p, now);
  if (opt.format == "json") {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("snapshot");
      w.string(opt.snapshot);
      w.key("now");
      instant_json(w, at);
      w.key("fired");
      w.unsigned_integer(fired.size());
      w.key("written");
      w.boolean(write);
      w.key("timers");
      w.begin_array();
      for (const auto& o : fired) outcome_json(w, make_outcome_view(c, o));
      w.end_array();
      w.key("history");
      history_json(w, view.history);
      w.key("case");
      case_json(w, view);
      w.end_object();
    });
    return exit_case_ok;
  }
  text_field(std::cout, "advanced",
             {"to " + at.local + ": " + std::to_string(fired.size()) +
              (fired.size() == 1 ? " timer" : " timers") + " fired"});
  for (std::size_t i = 0; i < fired.size(); ++i) {
    render_outcome_text(std::cout, make_outcome_view(c, fired[i]), "timer " + std::to_string(i + 1));
  }
  if (!view.history.empty()) render_history_text(std::cout, view.history);
  render_status_text(std::cout, view);
  text_field(std::cout, write ? "saved" : "unchanged", {opt.snapshot});
  return exit_case_ok;
}

// ---- show ----------------------------------------------------------------------------

int run_show(const options& opt) {
  auto p = load(opt);
  const sys_seconds now = resolve_now(opt.now);
  service_case c = read_case(p, opt.snapshot);
  case_view view = make_case_view(c, opt.locale, opt.customer, now);
  if (opt.format == "json") {
    print_json(std::cout, [&](json_writer& w) { case_json(w, view); });
    return exit_case_ok;
  }
  text_field(std::cout, "case", {opt.snapshot});
  render_case_text(std::cout, view);
  return exit_case_ok;
}

}  // namespace

case_command::case_command(CLI::App& app) {
  case_ = app.add_subcommand("case", "Walk a case through its flow, one snapshot file per case");
  case_->require_subcommand(1);

  open_ = case_->add_subcommand("open", "Decide a request and open a case in the rule's flow (or --flow)");
  open_->add_option("POLICY", opt_.policy, "Policy YAML file")->required();
  add_policy_path_option(open_);
  open_->add_option("--request,-r", opt_.request, "Request JSON file, or - for stdin")->required();
  open_->add_option("--output,-o", opt_.snapshot, "Case snapshot file to write")->required();
  open_
      ->add_option("--max-request-bytes", opt_.max_request_bytes,
                   "Refuse a request file larger than this (default 1048576, 1 MiB)")
      ->check(CLI::PositiveNumber);
  open_->add_option("--flow", opt_.flow, "Open this flow with the request's facts instead of deciding");
  add_now(
      open_, opt_,
      "Opening instant, ISO 8601 with offset, or now (default: the request's `now`, else the wall clock)");
  open_->add_flag("--force", opt_.force, "Replace the output file if it exists");
  add_locale(open_, opt_);
  add_lock_wait(open_, opt_);
  add_format(open_, opt_);
  set_help_footer(
      open_,
      "aftersale case open policies/default.yaml -r examples/requests/02_return_refund_seven_day.json "
      "-o case.json",
      {{0, "success"},
       {1, "a policy does not load (its diagnostics on stderr)"},
       {2, "a request, snapshot, option or file is wrong"}});

  apply_ = case_->add_subcommand(
      "apply", "Send an event to a case; a refused event leaves the file untouched (exit 3)");
  apply_->add_option("POLICY", opt_.policy, "Policy YAML file")->required();
  add_policy_path_option(apply_);
  apply_->add_option("CASE", opt_.snapshot, "Case snapshot file")->required();
  apply_->add_option("--event,-e", opt_.event, "Event name (a flow event, close or reopen)")->required();
  apply_->add_option("--as", opt_.role, "Role of the actor (customer, agent, system, ...)")->required();
  apply_->add_option("--id", opt_.id, "Idempotency key: an id already applied is a no-op");
  apply_->add_option("--set", opt_.sets, "Payload: variable=value (repeat for several)");
  add_now(apply_, opt_, "Event instant, ISO 8601 with offset, or now (default: the wall clock)");
  add_locale(apply_, opt_);
  add_lock_wait(apply_, opt_);
  add_format(apply_, opt_);
  set_help_footer(
      apply_,
      "aftersale case apply policies/default.yaml case.json --event approve --as agent --id evt-1 "
      "--now 2026-10-14T10:30:00+08:00",
      {{0, "success"},
       {1, "a policy does not load (its diagnostics on stderr)"},
       {2, "a request, snapshot, option or file is wrong"},
       {3, "the case refused the event, or another process changed it (the file is unchanged)"}});

  advance_ = case_->add_subcommand("advance", "Fire the timers due by --now, earliest first");
  advance_->add_option("POLICY", opt_.policy, "Policy YAML file")->required();
  add_policy_path_option(advance_);
  advance_->add_option("CASE", opt_.snapshot, "Case snapshot file")->required();
  add_now(advance_, opt_, "Advance to this instant, ISO 8601 with offset, or now (default: the wall clock)");
  add_locale(advance_, opt_);
  add_lock_wait(advance_, opt_);
  add_format(advance_, opt_);
  set_help_footer(advance_,
                  "aftersale case advance policies/default.yaml case.json --now 2026-10-17T09:00:00+08:00",
                  {{0, "success"},
                   {1, "a policy does not load (its diagnostics on stderr)"},
                   {2, "a request, snapshot, option or file is wrong"}});

  show_ = case_->add_subcommand("show", "Print a case: state, clocks, next deadline, history");
  show_->add_option("POLICY", opt_.policy, "Policy YAML file")->required();
  add_policy_path_option(show_);
  show_->add_option("CASE", opt_.snapshot, "Case snapshot file")->required();
  show_->add_flag("--customer", opt_.customer, "Show the customer-facing state label and progress");
  add_now(show_, opt_,
          "Instant to mark overdue clocks and due timers against, or now (default: the wall clock)");
  add_locale(show_, opt_);
  add_format(show_, opt_);
  set_help_footer(show_, "aftersale case show policies/default.yaml case.json --customer --locale en",
                  {{0, "success"},
                   {1, "a policy does not load (its diagnostics on stderr)"},
                   {2, "a request, snapshot, option or file is wrong"}});
  set_help_footer(case_,
                  "aftersale case open policies/default.yaml -r "
                  "examples/requests/02_return_refund_seven_day.json -o case.json",
                  {{0, "success"},
                   {1, "a policy does not load (its diagnostics on stderr)"},
                   {2, "a request, snapshot, option or file is wrong"},
                   {3, "`apply`: the case refused the event (the file is unchanged)"}});
}

bool case_command::selected() const { return case_ != nullptr && case_->parsed(); }

int case_command::run() const {
  try {
    if (open_->parsed()) return run_open(opt_);
    if (apply_->parsed()) return run_apply(opt_);
    if (advance_->parsed()) return run_advance(opt_);
    return run_show(opt_);
  } catch (const policy_error& e) {
    for (const auto& d : e.diagnostics()) std::cerr << to_string(d) << '\n';
    return exit_case_policy_error;
  } catch (const input_error& e) {
    std::cerr << e.what() << '\n';  // `path: error: ...`
    return exit_case_input_error;
  } catch (const error& e) {
    std::cerr << (opt_.snapshot.empty() ? std::string("error: ") : opt_.snapshot + ": error: ") << e.what()
              << '\n';
    return exit_case_input_error;
  }
}

}  // namespace aftersale::cli
