// SPDX-License-Identifier: Apache-2.0
// `aftersale store`: cases in a database (docs/store.md) from the command line.
//
//   aftersale store init --store cases.db
//   aftersale store open --store cases.db -p policies/default.yaml --request req.json --case RMA-1
//   aftersale store apply --store cases.db -p policies/default.yaml --case RMA-1 --event approve --actor
//   agent aftersale store list|show|due|breaches --store cases.db ...
#include <aftersale/aftersale.hpp>
#include <algorithm>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "case_io.hpp"
#include "case_payload.hpp"
#include "case_render.hpp"
#include "case_view.hpp"
#include "command.hpp"
#include "request_json.hpp"
#include "store_render.hpp"
#include "store_support.hpp"
#include "store_url.hpp"

namespace aftersale::cli {
namespace {

/// Every subcommand's options; each reads the ones it registered.
struct store_options_cli {
  store_target target;
  std::string case_id;
  std::string state, phase, flow;
  std::size_t limit = 1000;
  std::string now;
  std::string format = "table";
  std::string request;
  std::size_t max_request_bytes = default_request_limit;
  std::string event, actor, event_id;
  std::string payload, payload_file;
  std::vector<std::string> sets;
  std::optional<std::int64_t> expected_version;
  std::string locale;  ///< "": the policy's `locale`
};

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw input_error(where + ": error: " + message);
}

bool json(const store_options_cli& o) { return o.format == "json"; }

// ---- init, migrate -------------------------------------------------------------------

// `case_store::open` creates a missing schema and migrates an older one; a newer one is E601.
int run_init(const store_options_cli& o, bool migrate) {
  case_store store = case_store::open(o.target.url);
  const int version = store.schema_version();
  std::cout << (migrate ? "migrated " : "initialised ") << printable_url(o.target.url) << ": schema version "
            << version << " (this aftersale writes " << case_store::current_schema_version << ")\n";
  return exit_store_ok;
}

// ---- list, due -----------------------------------------------------------------------

int run_list(const store_options_cli& o) {
  case_store store = case_store::open(o.target.url);
  case_filter f{o.state, o.phase, o.flow, o.limit};
  const std::vector<stored_case_info> cases = store.list(f);
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_array();
      for (const auto& c : cases) case_row_json(w, c);
      w.end_array();
    });
  } else {
    render_cases_text(std::cout, cases);
  }
  return exit_store_ok;
}

int run_due(const store_options_cli& o) {
  const sys_seconds now = resolve_now(o.now);
  case_store store = case_store::open(o.target.url);
  const std::vector<due_case> due = store.due(now, o.limit);
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) { due_json(w, due); });
  } else {
    render_due_text(std::cout, due);
  }
  return exit_store_ok;
}

// ---- show ----------------------------------------------------------------------------

int run_show(const store_options_cli& o) {
  const auto policies = load_policies(o.target.policies);
  const sys_seconds now = resolve_now(o.now);
  case_store store = open_store(o.target.url, policies);
  const std::vector<log_entry> log = store.history(o.case_id);  // E602 for an unknown case
  // The clocks need the case restored with its policy: only when a --policy was given.
  std::optional<stored_case> full;
  stored_case_info row;
  if (!policies.empty()) {
    full = store.get(o.case_id);
    row = full->info;
  } else {
    case_filter all;
    all.limit = std::numeric_limits<std::int64_t>::max();
    bool found = false;
    for (auto& c : store.list(all))
      if (c.id == o.case_id) {
        row = std::move(c);
        found = true;
        break;
      }
    if (!found) throw store_error(error_code::unknown_case, "no case `" + o.case_id + "` in the store");
  }
  std::optional<case_view> view;
  if (full) view = make_case_view(full->value, o.locale, false, now);
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("row");
      case_row_json(w, row);
      w.key("case");
      if (view) {
        case_json(w, *view);
      } else {
        w.null();
      }
      w.key("log");
      log_json(w, log);
      w.end_object();
    });
    return exit_store_ok;
  }
  render_case_row_text(std::cout, row, !view);
  if (view) render_status_text(std::cout, *view);
  std::cout << '\n';
  render_log_text(std::cout, log);
  return exit_store_ok;
}

// ---- breaches ------------------------------------------------------------------------

int run_breaches(const store_options_cli& o) {
  const auto policies = load_policies(o.target.policies);
  const sys_seconds now = resolve_now(o.now);
  case_store store = open_store(o.target.url, policies);
  case_filter f{o.state, o.phase, o.flow, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())};
  std::vector<breach> breaches;
  std::size_t checked = 0, unpinned = 0;
  for (const stored_case_info& info : store.list(f)) {
    bool known = false;
    for (const auto& p : policies) known = known || p->info.content_hash == info.policy_hash;
    if (!known) {
      ++unpinned;  // its policy was not given: its clocks cannot be read
      continue;
    }
    ++checked;
    const stored_case c = store.get(info.id);
    for (auto& b : find_breaches(info.id, c.value, now, o.locale)) breaches.push_back(std::move(b));
  }
  // Latest first: the deadline missed longest ago heads the list.
  std::stable_sort(breaches.begin(), breaches.end(),
                   [](const breach& a, const breach& b) { return a.due < b.due; });
  if (unpinned > 0) {
    std::cerr << "warning: " << unpinned << (unpinned == 1 ? " case was" : " cases were")
              << " not checked: pinned to a policy not given with --policy\n";
  }
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("now");
      w.string(format_utc(now));
      w.key("checked");
      w.unsigned_integer(checked);
      w.key("not_checked");
      w.unsigned_integer(unpinned);
      w.key("breaches");
      breaches_json(w, breaches);
      w.end_object();
    });
    return exit_store_ok;
  }
  render_breaches_text(std::cout, breaches);
  std::cout << breaches.size() << (breaches.size() == 1 ? " breach" : " breaches") << " in " << checked
            << (checked == 1 ? " case" : " cases") << " at " << format_utc(now) << '\n';
  return exit_store_ok;
}

// ---- open, apply ---------------------------------------------------------------------

int run_open(const store_options_cli& o) {
  const auto policies = load_policies(o.target.policies);
  request_file r = read_request_file(o.request, o.max_request_bytes);
  const sys_seconds now = resolve_now(o.now, r.now, r.path);
  const std::string where = r.path == "-" ? std::string("<stdin>") : r.path;
  std::optional<decision> d;
  try {
    d = decide(policies.front(), r.facts, now);
  } catch (const request_error& e) {
    throw input_error(located(r, e));  // `file#/facts/name: error[E300]: ...`, as `decide` prints it
  }
  if (!d->matched())
    fail(where, "no case to open: the decision is `" + std::string(to_string(d->status())) + "`");
  if (d->first_rule().then.flow.empty())
    fail(where, "no case to open: rule `" + std::string(d->rule_id()) + "` names no flow");
  case_store store = open_store(o.target.url, policies);
  const stored_case_info row = store.open_case(o.case_id, *d, now);
  const stored_case c = store.get(o.case_id);
  const case_view view = make_case_view(c.value, o.locale, false, now);
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("row");
      case_row_json(w, row);
      w.key("decision");
      w.begin_object();
      w.key("table");
      w.string(d->table().id);
      w.key("rule");
      w.string(d->rule_id());
      w.key("solution");
      w.string(d->solution());
      w.key("flow");
      w.string(d->first_rule().then.flow);
      w.end_object();
      w.key("case");
      case_json(w, view);
      w.end_object();
    });
    return exit_store_ok;
  }
  text_field(std::cout, "opened", {row.id + "  (version " + std::to_string(row.version) + ")"});
  text_field(std::cout, "decision",
             {"rule " + std::string(d->rule_id()) + " → " + std::string(d->solution()) + "  (table " +
              d->table().id + ")"});
  render_case_text(std::cout, view);
  return exit_store_ok;
}

// The event's payload: --payload JSON, --payload-file FILE (a JSON object, typed as request facts
// are), or --set var=value read by the flow's variable types.
request event_payload(const store_options_cli& o, case_store& store) {
  const int given = (o.payload.empty() ? 0 : 1) + (o.payload_file.empty() ? 0 : 1) + (o.sets.empty() ? 0 : 1);
  if (given > 1) fail("--payload", "give the payload one way: --payload, --payload-file or --set");
  if (!o.payload.empty()) return parse_request_json(o.payload, "payload", "--payload").facts;
  if (!o.payload_file.empty()) return read_request_file(o.payload_file, o.max_request_bytes).facts;
  if (!o.sets.empty()) return parse_payload(store.get(o.case_id).value.flow(), o.sets);
  return {};
}

int run_apply(const store_options_cli& o) {
  const auto policies = load_policies(o.target.policies);
  const sys_seconds now = resolve_now(o.now);
  case_store store = open_store(o.target.url, policies);
  event e{o.event, o.actor, event_payload(o, store), o.event_id};
  const store_result r = store.apply(o.case_id, e, now, o.expected_version);
  const bool moved = r.outcome.accepted();
  std::optional<case_view> view;
  if (moved) view = make_case_view(store.get(o.case_id).value, o.locale, false, now);
  if (json(o)) {
    print_json(std::cout, [&](json_writer& w) {
      w.begin_object();
      w.key("case");
      w.string(o.case_id);
      w.key("event");
      w.begin_object();
      w.key("name");
      w.string(o.event);
      w.key("actor");
      w.string(o.actor);
      w.key("id");
      w.string_or_null(o.event_id);
      w.end_object();
      w.key("outcome");
      outcome_json(w, r.outcome);
      w.key("version");
      w.integer(r.version);
      w.key("state");
      if (view) {
        case_json(w, *view);
      } else {
        w.null();
      }
      w.end_object();
    });
  } else {
    render_outcome_text(std::cout, r.outcome, "result");
    text_field(std::cout, "version", {std::to_string(r.version) + (moved ? "" : "  (unchanged)")});
    if (view) render_status_text(std::cout, *view);
  }
  const bool refused = r.outcome.result == "refused" || r.outcome.result == "conflict";
  return refused ? exit_store_refused : exit_store_ok;
}

// ---- the command ---------------------------------------------------------------------

void add_format(CLI::App* cmd, store_options_cli& o) {
  cmd->add_option("--format", o.format, "Output format: table (default) or json")
      ->check(CLI::IsMember({"table", "json"}));
}

void add_filters(CLI::App* cmd, store_options_cli& o) {
  cmd->add_option("--state", o.state, "Only cases in this state");
  cmd->add_option("--phase", o.phase, "Only cases in this lifecycle phase (active, escalated, ...)");
  cmd->add_option("--flow", o.flow, "Only cases of this flow");
}

void add_case(CLI::App* cmd, store_options_cli& o) {
  cmd->add_option("--case,-c", o.case_id, "The case id")->required();
}

void add_locale(CLI::App* cmd, store_options_cli& o) { add_locale_option(cmd, o.locale); }

class store_command final : public command {
 public:
  explicit store_command(CLI::App& app) {
    store_ = app.add_subcommand("store", "Cases in a database: create the schema, open, apply, list, show");
    store_->require_subcommand(1);

    init_ = store_->add_subcommand("init", "Create the store's schema (or check it) and print its version");
    add_store_option(init_, o_.target);
    migrate_ = store_->add_subcommand("migrate", "Upgrade the store's schema to this aftersale's version");
    add_store_option(migrate_, o_.target);

    list_ = store_->add_subcommand("list", "List cases, by id, filtered by state, phase or flow");
    add_store_option(list_, o_.target);
    add_filters(list_, o_);
    list_->add_option("--limit", o_.limit, "At most this many cases (default 1000)")
        ->check(CLI::PositiveNumber);
    add_format(list_, o_);

    show_ = store_->add_subcommand("show", "Show one case: its row, its clocks (with --policy) and its log");
    add_store_option(show_, o_.target);
    add_case(show_, o_);
    add_policies_option(show_, o_.target, false);
    show_->add_option("--now", o_.now, "Instant to mark overdue clocks against (default: the wall clock)");
    add_locale(show_, o_);
    add_format(show_, o_);

    due_ = store_->add_subcommand("due", "List cases whose next timer is due at --now, earliest first");
    add_store_option(due_, o_.target);
    due_->add_option("--now", o_.now, "The instant, ISO 8601 with offset (default: the wall clock)");
    due_->add_option("--limit", o_.limit, "At most this many cases (default 1000)")
        ->check(CLI::PositiveNumber);
    add_format(due_, o_);

    breaches_ =
        store_->add_subcommand("breaches", "List SLA clocks past their deadline at --now, across cases");
    add_store_option(breaches_, o_.target);
    add_policies_option(breaches_, o_.target, true);
    add_locale(breaches_, o_);
    add_filters(breaches_, o_);
    breaches_->add_option("--now", o_.now, "The instant, ISO 8601 with offset (default: the wall clock)");
    add_format(breaches_, o_);

    open_ = store_->add_subcommand("open", "Decide a request with the first --policy and open a case");
    add_store_option(open_, o_.target);
    add_policies_option(open_, o_.target, true);
    add_case(open_, o_);
    open_->add_option("--request,-r", o_.request, "Request JSON file, or - for stdin")->required();
    open_
        ->add_option("--max-request-bytes", o_.max_request_bytes,
                     "Refuse a request or payload file larger than this (default 1048576, 1 MiB)")
        ->check(CLI::PositiveNumber);
    open_->add_option("--now", o_.now, "Opening instant (default: the request's `now`, else the wall clock)");
    add_locale(open_, o_);
    add_format(open_, o_);

    apply_ = store_->add_subcommand("apply", "Send an event to a stored case (exit 3 when refused)");
    add_store_option(apply_, o_.target);
    add_policies_option(apply_, o_.target, true);
    add_case(apply_, o_);
    apply_->add_option("--event,-e", o_.event, "Event name (a flow event, close or reopen)")->required();
    apply_->add_option("--actor,--as", o_.actor, "Role of the actor (customer, agent, system, ...)")
        ->required();
    apply_->add_option("--id", o_.event_id, "Idempotency key: an id already applied is a duplicate, a no-op");
    apply_->add_option("--payload", o_.payload, "Payload as a JSON object: {\"goods_resalable\": true}");
    apply_->add_option("--payload-file", o_.payload_file, "Payload from a JSON file");
    apply_->add_option("--set", o_.sets, "Payload: variable=value (repeat for several)");
    apply_
        ->add_option("--max-request-bytes", o_.max_request_bytes,
                     "Refuse a payload file larger than this (default 1048576, 1 MiB)")
        ->check(CLI::PositiveNumber);
    apply_->add_option("--expected-version", o_.expected_version,
                       "Refuse (E604, nothing written) unless the case is at this version");
    apply_->add_option("--now", o_.now, "Event instant, ISO 8601 with offset (default: the wall clock)");
    add_locale(apply_, o_);
    add_format(apply_, o_);
    add_footers();
  }

  bool selected() const override { return store_->parsed(); }

  // One example and the exit codes (store_support.hpp) of each `store` command's --help.
  void add_footers() {
    const exit_code_help policy{exit_store_policy_error,
                                "a policy does not load (its diagnostics on stderr)"};
    const exit_code_help input{exit_store_input_error, "the command line, a request or a payload is wrong"};
    const exit_code_help failed{exit_store_error, "the store failed or refused (error[E6xx] on stderr)"};
    const exit_code_help refused{exit_store_refused, "the case refused the event (nothing written)"};
    const exit_code_help ok{exit_store_ok, "success"};
    set_help_footer(init_, "aftersale store init --store cases.db", {ok, input, failed});
    set_help_footer(migrate_, "aftersale store migrate --store cases.db", {ok, input, failed});
    set_help_footer(list_, "aftersale store list --store cases.db --phase escalated", {ok, input, failed});
    set_help_footer(show_, "aftersale store show --store cases.db --case RMA-1001 -p policies/default.yaml",
                    {ok, policy, input, failed});
    set_help_footer(due_, "aftersale store due --store cases.db --now 2026-10-17T09:00:00+08:00",
                    {ok, input, failed});
    set_help_footer(breaches_, "aftersale store breaches --store cases.db -p policies/default.yaml",
                    {ok, policy, input, failed});
    set_help_footer(open_,
                    "aftersale store open --store cases.db -p policies/default.yaml "
                    "-r examples/requests/02_return_refund_seven_day.json --case RMA-1001",
                    {ok, policy, input, failed});
    set_help_footer(apply_,
                    "aftersale store apply --store cases.db -p policies/default.yaml --case RMA-1001 "
                    "--event approve --actor agent --id msg-1",
                    {ok, policy, input, refused, failed});
    set_help_footer(store_, "aftersale store init --store cases.db", {ok, policy, input, refused, failed});
  }

  int run() const override {
    return run_reporting([this] {
      if (init_->parsed()) return run_init(o_, false);
      if (migrate_->parsed()) return run_init(o_, true);
      if (list_->parsed()) return run_list(o_);
      if (show_->parsed()) return run_show(o_);
      if (due_->parsed()) return run_due(o_);
      if (breaches_->parsed()) return run_breaches(o_);
      if (open_->parsed()) return run_open(o_);
      return run_apply(o_);
    });
  }

 private:
  store_options_cli o_;
  CLI::App* store_ = nullptr;
  CLI::App *init_ = nullptr, *migrate_ = nullptr, *list_ = nullptr, *show_ = nullptr, *due_ = nullptr;
  CLI::App *breaches_ = nullptr, *open_ = nullptr, *apply_ = nullptr;
};

const command_registration registration{
    50, [](CLI::App& app) { return std::unique_ptr<command>(new store_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
