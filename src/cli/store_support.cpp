// SPDX-License-Identifier: Apache-2.0
#include "store_support.hpp"

#include <aftersale/aftersale.hpp>
#include <algorithm>
#include <iostream>

#include "case_view.hpp"
#include "policy_path.hpp"
#include "request_json.hpp"
#include "store_url.hpp"
#include "text.hpp"

namespace aftersale::cli {

void add_store_option(CLI::App* cmd, store_target& t) {
  cmd->add_option("--store", t.url,
                  "The store: sqlite:PATH or a file path (created if missing), or postgresql://...")
      ->required();
}

void add_policies_option(CLI::App* cmd, store_target& t, bool required) {
  auto* opt = cmd->add_option("--policy,-p", t.policies,
                              "Policy YAML file (repeat for several versions side by side; the first "
                              "decides new cases)")
                  ->allow_extra_args(false);
  if (required) opt->required();
  add_policy_path_option(cmd);
}

std::vector<std::shared_ptr<const policy>> load_policies(const std::vector<std::string>& files) {
  std::vector<std::shared_ptr<const policy>> out;
  out.reserve(files.size());
  for (const auto& file : files) out.push_back(load_policy(file));
  return out;
}

case_store open_store(const std::string& url, const std::vector<std::shared_ptr<const policy>>& policies) {
  case_store store = case_store::open(url);
  for (const auto& p : policies) store.add_policy(p);
  return store;
}

int run_reporting(const std::function<int()>& body) {
  try {
    return body();
  } catch (const policy_error& e) {
    for (const auto& d : e.diagnostics()) std::cerr << to_string(d) << '\n';
    return exit_store_policy_error;
  } catch (const input_error& e) {
    std::cerr << e.what() << '\n';  // `where: error: ...`
    return exit_store_input_error;
  } catch (const store_error& e) {
    std::cerr << e.what() << '\n';  // `error[E6xx]: ...`
    return exit_store_error;
  } catch (const request_error& e) {
    std::cerr << e.what() << '\n';
    return exit_store_input_error;
  } catch (const error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_store_input_error;
  }
}

std::vector<breach> find_breaches(const std::string& case_id, const service_case& c, sys_seconds now,
                                  std::string_view locale) {
  const policy& p = c.source_policy();
  std::vector<breach> out;
  for (const case_clock& slot : c.clocks()) {
    if (slot.state != case_clock::status::running || slot.due == never_due || !(slot.due < now)) continue;
    breach b;
    b.case_id = case_id;
    std::uint32_t calendar = npos;
    if (slot.clock < p.clocks.size()) {
      b.clock = p.clocks[slot.clock].id;
      b.label = std::string(p.text(p.clocks[slot.clock].label, locale));
      calendar = p.clocks[slot.clock].calendar;
    }
    b.due = slot.due;
    const instant_view at = make_instant(p, slot.due, calendar);
    b.due_local = at.local;
    b.due_local_iso = at.local_iso;
    b.late = now - slot.due;
    b.state = std::string(c.state_id());
    b.phase = std::string(to_string(c.phase()));
    out.push_back(std::move(b));
  }
  return out;
}

void render_columns(std::ostream& out, const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(headers.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], display_width(row[i]));
  };
  measure(headers);
  for (const auto& row : rows) measure(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i)
      text += (i == 0 ? "" : "  ") + pad(row[i], width[i]);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  };
  line(headers);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows) line(row);
}

std::string utc_or_dash(const std::optional<sys_seconds>& t) { return t ? format_utc(*t) : std::string("-"); }

}  // namespace aftersale::cli
