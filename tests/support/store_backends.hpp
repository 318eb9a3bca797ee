// SPDX-License-Identifier: Apache-2.0
#pragma once
// Stores for the crash tests and the store benchmarks, built from the backend primitives
// (src/store/backend.hpp) so that a test can keep a pointer to the backend:
// - `open_backend(url)`: the backend `case_store::open(url)` would pick (same URL forms);
// - `batched`: a backend whose transactions are no-ops, so that many store operations run in
//   one transaction that the caller begins and commits on the inner backend (seeding 10^6
//   cases without 10^6 commits).
#include <aftersale/store.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/backend.hpp"

namespace aftersale::test_support {

inline bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

/// The SQLite path of a `sqlite:PATH` or plain-path URL; empty for PostgreSQL.
inline std::string sqlite_path(const std::string& url) {
  if (is_postgres_url(url)) return {};
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}

inline std::unique_ptr<case_store::backend> open_backend(const std::string& url, const store_options& o) {
  if (is_postgres_url(url)) return make_postgres_backend(url, o);
  return make_sqlite_backend(sqlite_path(url), o);
}

/// Forwards everything to `inner` except the transaction calls, which do nothing.
class batched final : public case_store::backend {
 public:
  explicit batched(case_store::backend& inner) : in_(inner) {}
  int schema_version() override { return in_.schema_version(); }
  void begin_write() override {}
  void commit() override {}
  void rollback() noexcept override {}
  std::optional<case_row> read_case(std::string_view id, bool s) override { return in_.read_case(id, s); }
  std::optional<case_row> claim_due(std::string_view id, sys_seconds now) override {
    return in_.claim_due(id, now);
  }
  bool insert_case(const case_row& r) override { return in_.insert_case(r); }
  bool update_case(const case_row& r, std::int64_t v) override { return in_.update_case(r, v); }
  void record_policy(const policy_info& p, sys_seconds now) override { in_.record_policy(p, now); }
  std::optional<std::uint64_t> find_event_id(std::string_view c, std::string_view e) override {
    return in_.find_event_id(c, e);
  }
  void insert_event_id(std::string_view c, std::string_view e, std::uint64_t d, std::int64_t s) override {
    in_.insert_event_id(c, e, d, s);
  }
  std::int64_t next_log_seq(std::string_view c) override { return in_.next_log_seq(c); }
  void append_log(std::string_view c, const log_entry& e, bool changed) override {
    in_.append_log(c, e, changed);
  }
  std::vector<log_entry> read_log(std::string_view c) override { return in_.read_log(c); }
  write_reads read_for_write(std::string_view c, std::string_view e) override {
    return in_.read_for_write(c, e);
  }
  std::vector<stored_case_info> list_cases(const case_filter& f) override { return in_.list_cases(f); }
  std::vector<due_case> list_due(sys_seconds now, std::size_t limit,
                                 const std::vector<std::uint64_t>& policies) override {
    return in_.list_due(now, limit, policies);
  }

 private:
  case_store::backend& in_;
};

}  // namespace aftersale::test_support
