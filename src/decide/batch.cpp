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

// Rows read from the batch at a time: each fact is read as one run of its column into a
// block that stays in L1 (64 rows of a 20-fact policy are 11 KB).
constexpr std::size_t block_rows = 64;
static_assert(block_rows <= detail::max_column_rows);

// What a worker keeps between chunks.
struct worker_state {
  std::vector<std::int64_t> values;  // block_rows × facts, row-major (or column-major by column)
  std::vector<std::uint8_t> present;
  std::vector<const std::int64_t*> column_values;  // by column: fact → its run in `values`, or null
  std::vector<const std::uint8_t*> column_present;
  bound_request facts;  // a row for derive_facts, compute_amounts and decide
  std::vector<std::int64_t> amounts;
  std::vector<std::uint8_t> amount_present;
};

// One worker's rows [begin, end): the fast path for `first` tables (no decision object, no
// allocation per row; a row read in place when nothing is derived or computed), the full
// evaluator for the other hit policies.
void decide_rows(const std::shared_ptr<const policy>& p, std::uint32_t table, const request_columns& in,
                 sys_seconds now, std::size_t begin, std::size_t end, bool derived, batch_decisions& out,
                 worker_state& w) {
  const policy& pol = *p;
  const decision_table& t = pol.decisions[table];
  const detail::table_index& ix = detail::compiled_of(pol).tables[table];
  const std::size_t stride = out.amount_stride;
  const std::size_t n = pol.facts.size();
  const bool first = t.hit_policy == hit_policy::first;
  const bool in_place = first && !derived && stride == 0;
  w.values.resize(block_rows * n);
  w.present.resize(block_rows * n);
  if (in_place && detail::matches_by_column(ix)) {
    // Column by column: only the facts the index tests are read, each into its own run.
    w.column_values.assign(n, nullptr);
    w.column_present.assign(n, nullptr);
    for (const detail::column_index& col : ix.first.columns) {
      if (col.fact >= n) continue;
      w.column_values[col.fact] = &w.values[col.fact * block_rows];
      w.column_present[col.fact] = &w.present[col.fact * block_rows];
    }
    for (std::size_t b = begin; b < end; b += block_rows) {
      const std::size_t count = std::min(block_rows, end - b);
      for (std::uint32_t f = 0; f < n; ++f) {
        if (w.column_values[f])
          in.fact_rows(f, b, count, &w.values[f * block_rows], &w.present[f * block_rows]);
      }
      detail::first_match_columns(ix, count, w.column_values.data(), w.column_present.data(), &out.rule[b]);
      for (std::size_t i = 0; i < count; ++i)
        out.status[b + i] = out.rule[b + i] != npos ? decision_status::matched : decision_status::no_match;
    }
    return;
  }
  for (std::size_t b = begin; b < end; b += block_rows) {
    const std::size_t count = std::min(block_rows, end - b);
    in.rows(b, count, w.values.data(), w.present.data());
    if (in_place) {
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t rule =
            detail::first_match(ix, detail::fact_row{&w.values[i * n], &w.present[i * n], n});
        out.status[b + i] = rule != npos ? decision_status::matched : decision_status::no_match;
        out.rule[b + i] = rule;
      }
      continue;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t r = b + i;
      w.facts.values.assign(w.values.begin() + static_cast<std::ptrdiff_t>(i * n),
                            w.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
      w.facts.present.assign(w.present.begin() + static_cast<std::ptrdiff_t>(i * n),
                             w.present.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
      std::uint32_t rule = npos;
      decision_status status = decision_status::no_match;
      if (first) {
        if (derived) derive_facts(pol, w.facts, now);
        rule = detail::first_match(ix, w.facts);
        if (rule != npos) {
          status = decision_status::matched;
          if (stride != 0) detail::compute_amounts(t.rules[rule].then, w.facts, w.amounts, w.amount_present);
        }
      } else {
        const decision d = decide(p, table, w.facts, now, decide_options{false});
        status = d.status();
        if (status == decision_status::matched) {
          rule = d.matches().front().rule;
          w.amounts = d.matches().front().amounts;
          w.amount_present = d.matches().front().amount_present;
        }
      }
      out.status[r] = status;
      out.rule[r] = rule;
      if (rule != npos && stride != 0) {
        for (std::size_t k = 0; k < w.amounts.size() && k < stride; ++k) {
          out.amounts[r * stride + k] = w.amounts[k];
          out.amount_present[r * stride + k] = w.amount_present[k];
        }
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
  bool derived = false;
  for (const fact_def& f : pol.facts) derived = derived || f.derive != derivation::none;
  auto work = [&] {
    worker_state state;
    try {
      for (std::size_t c = next++; c < chunks; c = next++)
        decide_rows(p, id, in, now, c * chunk, std::min(rows, (c + 1) * chunk), derived, out, state);
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
