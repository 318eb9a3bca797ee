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
#include <type_traits>

#include "decide/bucket.hpp"
#include "decide/column_type.hpp"
#include "decide/encode.hpp"
#include "decide/evaluate.hpp"
#include "model/compiled.hpp"

namespace aftersale {

namespace {

// Rows read from the batch at a time: each fact is read as one run of its column into a
// block that stays in L1 (64 rows of a 20-fact policy are 11 KB).
constexpr std::size_t block_rows = 64;

// One column of a one-word index (detail::matches_by_column) read straight from the run of
// its fact (request_columns::fact_run): `and_into` ANDs the bits of each row's bucket into acc.
// A run of codes (enum and string columns) goes through a code → bits table made once per batch;
// a numeric column counts its breakpoints on the element itself. The same buckets as
// detail::first_match on the row (tests/decide/batch_columns_test.cpp compares them).
class column_plan {
 public:
  column_plan(const detail::column_index& col, const request_columns::fact_run& run) : col_(&col), run_(run) {
    absent_ = col.bits[run.fill_present ? detail::value_bucket(col, run.fill) : col.buckets];
    coded_ = !col.numeric && run.data && run.code_count > 0;
    if (coded_) {
      code_bits_.resize(run.code_count);
      for (std::size_t e = 0; e < run.code_count; ++e) {
        const std::int64_t v = run.codes ? run.codes[e] : static_cast<std::int64_t>(e);
        code_bits_[e] = col.bits[detail::value_bucket(col, v)];
      }
    }
  }

  void and_into(std::size_t begin, std::size_t count, std::uint64_t* acc) const {
    if (!run_.data) {
      for (std::size_t i = 0; i < count; ++i) acc[i] &= absent_;
      return;
    }
    detail::with_type(run_.type, [&](auto x) {
      using T = decltype(x);
      const T* d = static_cast<const T*>(run_.data) + begin;
      const std::uint8_t* m = run_.missing ? run_.missing + begin : nullptr;
      const bool negative = std::is_signed_v<T> && run_.negative_missing;
      if (m) {
        if (negative)
          loop<T, true, true>(d, m, count, acc);
        else
          loop<T, true, false>(d, m, count, acc);
      } else {
        if (negative)
          loop<T, false, true>(d, m, count, acc);
        else
          loop<T, false, false>(d, m, count, acc);
      }
    });
  }

 private:
  template <class T, bool Mask, bool Negative>
  void loop(const T* d, const std::uint8_t* m, std::size_t count, std::uint64_t* __restrict acc) const {
    // Everything the loop reads, in locals: `acc` is written every row and must not make the
    // compiler fetch them again.
    const std::uint64_t absent = absent_;
    auto has = [&](std::size_t i, std::int64_t v) {
      bool h = true;
      if constexpr (Mask) h = m[i] == 0;
      if constexpr (Negative) h = h && v >= 0;
      return h;
    };
    if (coded_) {
      const std::uint64_t* code_bits = code_bits_.data();
      for (std::size_t i = 0; i < count; ++i) {
        const std::int64_t v = static_cast<std::int64_t>(d[i]);
        const bool h = has(i, v);
        const std::uint64_t b = code_bits[h ? v : 0];
        acc[i] &= h ? b : absent;
      }
      return;
    }
    const std::uint64_t* bits = col_->bits.data();
    if (!col_->numeric) {
      const std::uint64_t other = col_->buckets - 1;
      for (std::size_t i = 0; i < count; ++i) {
        const std::int64_t v = static_cast<std::int64_t>(d[i]);
        const std::uint64_t u = static_cast<std::uint64_t>(v);
        const std::uint64_t b = bits[u < other ? u : other];
        acc[i] &= has(i, v) ? b : absent;
      }
      return;
    }
    const std::size_t n = col_->breakpoints.size();
    if (n <= small_) {
      // A few breakpoints (the usual case), kept on the stack: a branch-free count.
      std::int64_t bp[small_];
      std::copy(col_->breakpoints.begin(), col_->breakpoints.end(), bp);
      for (std::size_t i = 0; i < count; ++i) {
        const std::int64_t v = static_cast<std::int64_t>(d[i]);
        std::uint32_t bucket = 0;
        for (std::size_t k = 0; k < n; ++k) bucket += bp[k] <= v;
        acc[i] &= has(i, v) ? bits[bucket] : absent;
      }
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::int64_t v = static_cast<std::int64_t>(d[i]);
      acc[i] &= has(i, v) ? bits[detail::numeric_bucket(*col_, v)] : absent;
    }
  }

  static constexpr std::size_t small_ = 8;  // breakpoints copied to the stack
  const detail::column_index* col_;
  request_columns::fact_run run_;
  std::uint64_t absent_ = 0;
  bool coded_ = false;
  std::vector<std::uint64_t> code_bits_;
};

// The plan of a one-word index for one batch: every rule, and a plan per column.
struct column_plans {
  std::uint64_t all = 0;
  std::vector<column_plan> columns;
};

// What a worker keeps between chunks.
struct worker_state {
  std::vector<std::int64_t> values;  // block_rows × facts, row-major
  std::vector<std::uint8_t> present;
  bound_request facts;  // a row for derive_facts, compute_amounts and decide
  std::vector<std::int64_t> amounts;
  std::vector<std::uint8_t> amount_present;
};

// One worker's rows [begin, end): the fast path for `first` tables (no decision object, no
// allocation per row; a row read in place when nothing is derived or computed), the full
// evaluator for the other hit policies.
void decide_rows(const std::shared_ptr<const policy>& p, std::uint32_t table, const request_columns& in,
                 sys_seconds now, std::size_t begin, std::size_t end, bool derived, const column_plans* plan,
                 batch_decisions& out, worker_state& w) {
  const policy& pol = *p;
  const decision_table& t = pol.decisions[table];
  const detail::table_index& ix = detail::compiled_of(pol).tables[table];
  const std::size_t stride = out.amount_stride;
  const std::size_t n = pol.facts.size();
  const bool first = t.hit_policy == hit_policy::first;
  const bool in_place = first && !derived && stride == 0;
  if (in_place && plan) {
    // Column by column, straight from how each fact is held: acc[i] keeps the rules row i can
    // still match.
    std::uint64_t acc[block_rows];
    for (std::size_t b = begin; b < end; b += block_rows) {
      const std::size_t count = std::min(block_rows, end - b);
      std::fill(acc, acc + count, plan->all);
      for (const column_plan& c : plan->columns) c.and_into(b, count, acc);
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t rule = acc[i] ? static_cast<std::uint32_t>(__builtin_ctzll(acc[i])) : npos;
        out.rule[b + i] = rule;
        out.status[b + i] = rule != npos ? decision_status::matched : decision_status::no_match;
      }
    }
    return;
  }
  w.values.resize(block_rows * n);
  w.present.resize(block_rows * n);
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
      detail::assign_row(w.facts, detail::fact_row{&w.values[i * n], &w.present[i * n], n});
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
  // A `first` table of up to 64 rules, nothing derived, no amounts: matched column by column.
  std::unique_ptr<column_plans> plan;
  const detail::table_index& ix = detail::compiled_of(pol).tables[id];
  if (t.hit_policy == hit_policy::first && !derived && out.amount_stride == 0 &&
      detail::matches_by_column(ix)) {
    plan = std::make_unique<column_plans>();
    plan->all = ix.first.all[0];
    for (const detail::column_index& col : ix.first.columns) {
      if (col.fact >= pol.facts.size()) {
        plan->all &= col.bits[col.buckets];  // a fact the batch cannot hold: absent in every row
        continue;
      }
      plan->columns.emplace_back(col, in.run_of(col.fact));
    }
  }
  auto work = [&] {
    worker_state state;
    try {
      for (std::size_t c = next++; c < chunks; c = next++)
        decide_rows(p, id, in, now, c * chunk, std::min(rows, (c + 1) * chunk), derived, plan.get(), out,
                    state);
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
