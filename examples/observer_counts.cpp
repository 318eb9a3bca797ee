// SPDX-License-Identifier: Apache-2.0
// Counting what the library does with an observer (include/aftersale/observer.hpp), printed in
// the Prometheus text exposition format — what a host's /metrics endpoint would serve.
//
//     observer_counts [POLICY] [STORE_FILE]
//
// Decides a few requests on the default policy (policies/default.yaml), opens their cases in a
// SQLite store (a temporary file unless STORE_FILE is given), sends events (some refused),
// fires the timers a week later, and prints the counters. Nothing in the library was patched:
// the counts come from the hooks alone.
#include <aftersale/decide.hpp>
#include <aftersale/load.hpp>
#include <aftersale/observer.hpp>
#include <aftersale/store.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace {

// Counters by (metric, label value). Hooks may come from several threads (decide), so a mutex.
class counting_observer : public aftersale::observer {
 public:
  void on_decision(const aftersale::decision& d) override {
    add("aftersale_decisions_total", "status", std::string(aftersale::to_string(d.status())));
  }
  void on_event_applied(const aftersale::event_notice& n) override {
    add("aftersale_events_total", "result", "accepted");
    (void)n;
  }
  void on_event_refused(const aftersale::event_notice& n) override {
    add("aftersale_events_total", "result", n.outcome.result);
  }
  void on_timer_fired(const aftersale::timer_notice& n) override {
    add("aftersale_timers_fired_total", "to_state", n.outcome.to_state);
  }
  void on_sla_warning(const aftersale::sla_notice& n) override {
    add("aftersale_sla_warnings_total", "clock", std::string(n.clock));
  }
  void on_sla_breach(const aftersale::sla_notice& n) override {
    add("aftersale_sla_breaches_total", "clock", std::string(n.clock));
  }

  // https://prometheus.io/docs/instrumenting/exposition_formats/: HELP and TYPE once per
  // metric, then one sample per label value. Every metric is printed, at 0 when nothing came.
  void print(std::ostream& out) const {
    static const std::pair<const char*, const char*> metrics[] = {
        {"aftersale_decisions_total", "Decisions made, by status."},
        {"aftersale_events_total", "Events sent to stored cases, by result."},
        {"aftersale_timers_fired_total", "Timers fired by fire_due, by the state they led to."},
        {"aftersale_sla_warnings_total", "SLA warnings emitted, by clock."},
        {"aftersale_sla_breaches_total", "SLA deadlines passed, by clock."},
    };
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, help] : metrics) {
      out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << " counter\n";
      bool any = false;
      for (const auto& [key, value] : counts_) {
        if (key.first != name) continue;
        out << name << '{' << key.second << "} " << value << '\n';
        any = true;
      }
      if (!any) out << name << " 0\n";
    }
  }

 private:
  static std::string escaped(const std::string& v) {
    std::string out;
    for (const char c : v) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out;
  }
  void add(const std::string& metric, const std::string& label, const std::string& value) {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[{metric, label + "=\"" + escaped(value) + "\""}];
  }
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, long> counts_;
};

aftersale::request refund_request(const char* tier, std::int64_t amount) {
  aftersale::request r;
  // A late shipment (our fault): the baseline refunds without a retention attempt, through the
  // flow with automatic review and flash refund.
  r.set("order_status", "paid_unshipped")
      .set("request", "request_refund")
      .set("reason", "late_shipment")
      .set("amount", amount)
      .set("customer_tier", tier)
      .set("channel", "self_service");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string policy_path = argc > 1 ? argv[1] : "policies/default.yaml";
    const bool temporary = argc <= 2;
    const std::string store_path =
        temporary ? (std::filesystem::temp_directory_path() / "aftersale-observer-counts.db").string()
                  : argv[2];
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(store_path + suffix);

    const std::shared_ptr<const aftersale::policy> policy = aftersale::load_policy_file(policy_path);
    auto counts = std::make_shared<counting_observer>();
    aftersale::decide_options options;
    options.observer = counts.get();
    options.explain = false;

    aftersale::case_store store = aftersale::case_store::open_sqlite(store_path);
    store.set_observer(counts);
    const aftersale::sys_seconds now = *aftersale::parse_timestamp("2026-10-14T10:15:00+08:00");
    int opened = 0;
    const std::pair<const char*, std::int64_t> orders[] = {
        {"vip", 12900}, {"regular", 4500}, {"vip", 80000}, {"regular", 300}};
    for (const auto& [tier, amount] : orders) {
      const aftersale::decision d = aftersale::decide(policy, refund_request(tier, amount), now, options);
      if (!d.matched() || d.first_rule().then.flow.empty()) continue;
      store.open_case("RMA-" + std::to_string(++opened), d, now);
    }
    // Finance pays the first case (flash-reviewed), and the same message arrives twice (one id:
    // the second is a duplicate); a customer tries to approve the second (refused: not a role
    // that may).
    const auto later = now + std::chrono::minutes(10);
    store.apply("RMA-1", {"refund_paid", "finance", {}, "evt-1"}, later);
    store.apply("RMA-1", {"refund_paid", "finance", {}, "evt-1"}, later);
    if (opened > 1) store.apply("RMA-2", {"approve", "customer", {}, "evt-2"}, later);
    // A week later the worker fires whatever fell due.
    store.fire_due(now + std::chrono::hours(24 * 7), 100);

    counts->print(std::cout);
    if (temporary)
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(store_path + suffix);
    return 0;
  } catch (const aftersale::error& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}
