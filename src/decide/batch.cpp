// SPDX-License-Identifier: Apache-2.0
// decide_batch: the rows of a request_columns decided on several threads.
#include <aftersale/batch.hpp>
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "decide/encode.hpp"
#include "decide/evaluate.hpp"
#include "model/compiled.hpp"

namespace aftersale {

namespace {

// One worker's rows [begin, end): the fast path for `first` tables (no decision object, no
// allocation per row), the full evaluator for the other hit policies.
void decide_rows(const std::shared_ptr<const policy>& p, std::uint32_t table, const request_columns& in,
                 sys_seconds now, std::size_t begin, std::size_t end, batch_decisions& out,
                 bound_request& facts, std::vector<std::int64_t>& amounts,
                 std::vector<std::uint8_t>& amount_present) {
  const policy& pol = *p;
  const decision_table& t = pol.decisions[table];
  const detail::table_index& ix = detail::compiled_of(pol).tables[table];
  const std::size_t stride = out.amount_stride;
  for (std::size_t r = begin; r < end; ++r) {
    in.row(r, facts);
    std::uint32_t rule = npos;
    decision_status status = decision_status::no_match;
    if (t.hit_policy == hit_policy::first) {
      derive_facts(pol, facts, now);
      rule = detail::first_match(ix, facts);
      if (rule != npos) {
        status = decision_status::matched;
        if (stride != 0) detail::compute_amounts(t.rules[rule].then, facts, amounts, amount_present);
      }
    } else {
      const decision d = decide(p, table, facts, now, decide_options{false});
      status = d.status();
      if (status == decision_status::matched) {
        rule = d.matches().front().rule;
        amounts = d.matches().front().amounts;
        amount_present = d.matches().front().amount_present;
      }
    }
    out.status[r] = status;
    out.rule[r] = rule;
    if (rule != npos && stride != 0) {
      for (std::size_t k = 0; k < amounts.size() && k < stride; ++k) {
        out.amounts[r * stride + k] = amounts[k];
        out.amount_present[r * stride + k] = amount_present[k];
      }
    }
  }
}

}  // namespace

batch_decisions decide_batch(const std::shared_ptr<const policy>& p, const request_columns& in,
                             sys_seconds now, batch_options options) {
  if (!p) throw usage_error(error_code::no_policy, "decide_batch needs a policy, got none");
  if (p->info.entry >= p->decisions.size()) {
    throw request_error(error_code::unknown_decision, "",
                        "policy `" + p->info.id + "` has no entry decision table");
  }
  return decide_batch(p, p->decisions[p->info.entry].id, in, now, options);
}

batch_decisions decide_batch(const std::shared_ptr<const policy>& p, std::string_view table,
                             const request_columns& in, sys_seconds now, batch_options options) {
  if (!p) throw usage_error(error_code::no_policy, "decide_batch needs a policy, got none");
  const policy& pol = *p;
  if (&in.source_policy() != &pol)
    throw usage_error(error_code::foreign_input, "the batch was made for another policy");
  if (!in.finished()) {
    throw usage_error(error_code::unfinished_input,
                      "the batch is not finished: call finish() after the last value");
  }
  const std::uint32_t id = detail::find_table(pol, table);
  detail::compiled_of(pol);  // throws here, not in a worker, for a policy built in code and not compiled
  const decision_table& t = pol.decisions[id];

  batch_decisions out;
  out.table = id;
  out.now = now;
  const std::size_t rows = in.rows();
  out.status.assign(rows, decision_status::no_match);
  out.rule.assign(rows, npos);
  for (const rule& r : t.rules) out.amount_stride = std::max(out.amount_stride, r.then.amounts.size());
  out.amounts.assign(rows * out.amount_stride, 0);
  out.amount_present.assign(rows * out.amount_stride, 0);
  out.rule_deadlines.resize(t.rules.size());
  for (std::size_t r = 0; r < t.rules.size(); ++r)
    detail::compute_deadlines(pol, t.rules[r].then, now, out.rule_deadlines[r]);

  const std::size_t chunk = std::max<std::size_t>(options.chunk, 1);
  const std::size_t chunks = (rows + chunk - 1) / chunk;
  unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(chunks, 1)));

  // Workers take chunks in turn; each row is written by exactly one worker.
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    bound_request facts;
    std::vector<std::int64_t> amounts;
    std::vector<std::uint8_t> amount_present;
    try {
      for (std::size_t c = next++; c < chunks; c = next++) {
        decide_rows(p, id, in, now, c * chunk, std::min(rows, (c + 1) * chunk), out, facts, amounts,
                    amount_present);
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = chunks;
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (std::thread& th : pool) th.join();
  }
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace aftersale
