// SPDX-License-Identifier: Apache-2.0
// `aftersale worker`: fires due timers of a store in batches until SIGTERM or SIGINT.
//
//   aftersale worker --store cases.db --policy policies/default.yaml --interval 5
//
// A batch is up to --batch cases fired one `fire_due(now, 1)` call each, each case in its own
// transaction. A signal only sets a flag (and wakes the sleep through a self-pipe): the case
// being fired finishes, so no commit is ever cut in half, and the worker stops before the next. Store errors
// are logged and retried with a growing pause; a schema newer than this aftersale (E601) or a
// policy the store refuses (E603) stops the worker, since retrying cannot help.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <aftersale/aftersale.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "case_io.hpp"
#include "command.hpp"
#include "request_json.hpp"
#include "store_support.hpp"
#include "store_url.hpp"

namespace aftersale::cli {
namespace {

using steady = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_signal = 0;
int wake_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int sig) {
  stop_signal = sig;
  if (wake_pipe[1] >= 0) {
    const int saved = errno;
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_pipe[1], &byte, 1);  // full pipe: already woken
    errno = saved;
  }
}

// SIGTERM and SIGINT set the flag and wake the sleep; restored when the worker returns.
class stop_signals {
 public:
  stop_signals() {
    stop_signal = 0;
    if (::pipe(wake_pipe) != 0) throw input_error("worker: error: cannot create a pipe for signals");
    for (int fd : wake_pipe) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR and the loop looks at the flag
    ::sigaction(SIGTERM, &sa, &old_term_);
    ::sigaction(SIGINT, &sa, &old_int_);
  }
  ~stop_signals() {
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGINT, &old_int_, nullptr);
    for (int& fd : wake_pipe) {
      ::close(fd);
      fd = -1;
    }
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  static bool stopping() { return stop_signal != 0; }

  /// Sleeps up to `d`, returning early when a stop signal arrives.
  static void sleep_for(std::chrono::milliseconds d) {
    const auto until = steady::now() + d;
    while (!stopping()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
      if (left.count() <= 0) return;
      pollfd p{wake_pipe[0], POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
      if (n > 0) {
        char buf[16];
        while (::read(wake_pipe[0], buf, sizeof buf) > 0) {
        }
      }
    }
  }

 private:
  struct sigaction old_term_ {};
  struct sigaction old_int_ {};
};

struct worker_options {
  store_target target;
  std::size_t batch = 100;
  double interval = 5;
  double status_every = 60;
  double max_backoff = 60;
  std::string now;
  bool once = false;
  bool verbose = false;
};

struct totals {
  std::size_t cases = 0, timers = 0, skipped = 0, errors = 0;
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

double since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

// `worker: <label>: 12 cases advanced, 30 timers fired, 0 skipped, 0 errors in 60.0 s (0.5 timers/s)`
void status_line(const char* label, const totals& t, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(t.timers) / seconds : 0.0;
  std::cerr << "worker: " << label << ": " << t.cases << " cases advanced, " << t.timers << " timers fired, "
            << t.skipped << " skipped, " << t.errors << " errors in " << seconds_text(seconds) << " s ("
            << seconds_text(rate) << " timers/s)" << std::endl;
}

// Permanent: retrying cannot help, so the worker stops with the message.
bool permanent(const store_error& e) {
  return e.code() == error_code::schema_too_new || e.code() == error_code::unknown_policy;
}

int run_worker(const worker_options& o) {
  const auto policies = load_policies(o.target.policies);
  // The worker's `now` is the wall clock at each round (`--now now` says the same); a `--now T`
  // fixes it, by the rule of every command (resolve_now).
  const std::optional<sys_seconds> fixed_now =
      o.now.empty() || o.now == "now" ? std::nullopt : std::optional<sys_seconds>(resolve_now(o.now));
  // The first open fails at once (a wrong URL, a newer schema): nothing has run yet to keep going.
  std::optional<case_store> store(open_store(o.target.url, policies));
  const stop_signals signals;

  const auto started = steady::now();
  auto last_status = started;
  totals all, period;
  double backoff = 0;
  std::cerr << "worker: started on " << printable_url(o.target.url) << " with " << policies.size()
            << (policies.size() == 1 ? " policy" : " policies") << ", batches of " << o.batch << std::endl;
  while (!stop_signals::stopping()) {
    bool more = false;  // the batch stopped before the due cases ran out: no pause
    try {
      if (!store) store.emplace(open_store(o.target.url, policies));
      const sys_seconds now = fixed_now ? *fixed_now : wall_clock();
      // One case per call: a stop signal is honoured between two cases' transactions, and the
      // cases fired before an error are counted (fire_due's report is lost when it throws).
      std::size_t fired_round = 0;
      bool drained = false;
      while (fired_round < o.batch && !stop_signals::stopping()) {
        const fire_report r = store->fire_due(now, 1);
        for (auto* t : {&all, &period}) {
          t->cases += r.cases;
          t->timers += r.timers;
          t->skipped += r.skipped;
        }
        if (o.verbose)
          for (const auto& id : r.advanced) std::cout << "advanced " << id << std::endl;
        // A case whose stored snapshot does not restore: logged once, then held by the store (passed
        // over for an hour of `now`), so the cases behind it keep firing.
        for (const auto& f : r.failed) {
          ++all.errors;
          ++period.errors;
          std::cerr << "worker: error: " << f.message << " (passed over for "
                    << std::chrono::duration_cast<std::chrono::minutes>(case_store::failed_case_retry).count()
                    << " min)" << std::endl;
        }
        if (r.cases + r.skipped + r.failed.size() == 0) {
          drained = true;  // nothing due (left) at `now`
          break;
        }
        ++fired_round;
      }
      backoff = 0;
      more = !drained;
      if (o.once && drained) {
        if (all.errors > 0) {
          status_line("stopped on an error", all, since(started));
          return exit_store_error;
        }
        break;
      }
    } catch (const store_error& e) {
      ++all.errors;
      ++period.errors;
      std::cerr << "worker: " << e.what() << std::endl;
      if (permanent(e) || o.once) {
        status_line("stopped on an error", all, since(started));
        return exit_store_error;
      }
      store.reset();  // a new connection next time: the old one may be broken
      backoff = backoff == 0 ? 1 : std::min(backoff * 2, o.max_backoff);
      std::cerr << "worker: retrying in " << seconds_text(backoff) << " s" << std::endl;
    } catch (const error& e) {
      // Anything else the library throws (an observer, a usage error): logged, tried again after a pause.
      ++all.errors;
      ++period.errors;
      std::cerr << "worker: error: " << e.what() << std::endl;
      if (o.once) {
        status_line("stopped on an error", all, since(started));
        return exit_store_error;
      }
      backoff = backoff == 0 ? 1 : std::min(backoff * 2, o.max_backoff);
      std::cerr << "worker: retrying in " << seconds_text(backoff) << " s" << std::endl;
    }
    if (stop_signals::stopping()) break;
    // Sleep until the batch is due again, waking for each status line and for a stop signal.
    const double pause = backoff > 0 ? backoff : more || o.once ? 0 : o.interval;
    const auto wake = steady::now() + std::chrono::milliseconds(static_cast<std::int64_t>(pause * 1000));
    while (true) {
      if (o.status_every > 0 && since(last_status) >= o.status_every) {
        status_line("status", period, since(last_status));
        period = totals{};
        last_status = steady::now();
      }
      auto until = wake;
      if (o.status_every > 0)
        until = std::min(
            until, last_status + std::chrono::milliseconds(static_cast<std::int64_t>(o.status_every * 1000)));
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
      if (stop_signals::stopping() || steady::now() >= wake) break;
      if (left.count() > 0) stop_signals::sleep_for(left);
    }
  }
  const char* why = stop_signal == SIGTERM  ? "stopped (SIGTERM)"
                    : stop_signal == SIGINT ? "stopped (SIGINT)"
                                            : "done";
  status_line(why, all, since(started));
  return exit_store_ok;
}

class worker_command final : public command {
 public:
  explicit worker_command(CLI::App& app) {
    cmd_ = app.add_subcommand("worker", "Fire due timers of a store in batches until SIGTERM or SIGINT");
    add_store_option(cmd_, o_.target);
    add_policies_option(cmd_, o_.target, true);
    cmd_->add_option("--batch", o_.batch,
                     "Cases fired before the worker looks at the clock again (default 100)")
        ->check(CLI::Range(1, 100000));
    cmd_->add_option("--interval", o_.interval, "Seconds to sleep when nothing more is due (default 5)")
        ->check(CLI::Range(0.0, 86400.0));
    cmd_->add_option("--status-every", o_.status_every,
                     "Seconds between status lines on stderr (default 60; 0: only the final summary)")
        ->check(CLI::Range(0.0, 86400.0));
    cmd_->add_option("--max-backoff", o_.max_backoff,
                     "Longest pause, in seconds, before retrying after a store error (default 60)")
        ->check(CLI::Range(1.0, 3600.0));
    cmd_->add_option("--now", o_.now,
                     "Fire as of this fixed instant instead of the wall clock (tests, catching up); now: the "
                     "wall clock at each round (default)");
    cmd_->add_flag("--once", o_.once, "Fire until nothing is due, then exit (errors are not retried)");
    cmd_->add_flag("--verbose,-v", o_.verbose, "Print `advanced ID` on stdout for every case advanced");
    set_help_footer(cmd_, "aftersale worker --store cases.db -p policies/default.yaml --once",
                    {{exit_store_ok, "stopped by SIGTERM or SIGINT, or --once found nothing more due"},
                     {exit_store_policy_error, "a policy does not load (its diagnostics on stderr)"},
                     {exit_store_input_error, "a bad command line"},
                     {exit_store_error,
                      "the store failed for good (a newer schema, an unknown policy), or with --once"}});
  }
  bool selected() const override { return cmd_->parsed(); }
  int run() const override {
    return run_reporting([this] { return run_worker(o_); });
  }

 private:
  worker_options o_;
  CLI::App* cmd_ = nullptr;
};

const command_registration registration{
    60, [](CLI::App& app) { return std::unique_ptr<command>(new worker_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
