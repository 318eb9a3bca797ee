// SPDX-License-Identifier: Apache-2.0
#pragma once
// A backend wrapped with hooks, to make races deterministic: what another handle does in
// `before_begin` happens between this handle's reads and its transaction; `after_claim` runs
// while this handle holds the claim of a due case (a worker killed or hung right there).
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "store/backend.hpp"

namespace aftersale::testing_hooks {

struct hooks {
  std::function<void()> before_begin;                 // run once, before the next begin_write
  std::function<void(std::string_view)> after_claim;  // run after each successful claim_due
};

class hooked_backend final : public case_store::backend {
 public:
  hooked_backend(std::unique_ptr<case_store::backend> inner, hooks& h)
      : inner_(std::move(inner)), hooks_(h) {}
  int schema_version() override { return inner_->schema_version(); }
  void begin_write() override {
    if (hooks_.before_begin) std::exchange(hooks_.before_begin, nullptr)();  // once
    inner_->begin_write();
  }
  void commit() override { inner_->commit(); }
  void rollback() noexcept override { inner_->rollback(); }
  std::optional<case_row> read_case(std::string_view id, bool snapshot) override {
    return inner_->read_case(id, snapshot);
  }
  std::optional<case_row> claim_due(std::string_view id, sys_seconds now) override {
    std::optional<case_row> row = inner_->claim_due(id, now);
    if (row && hooks_.after_claim) {
      const auto hook = hooks_.after_claim;  // a copy: the hook may replace itself
      hook(id);
    }
    return row;
  }
  bool insert_case(const case_row& r) override { return inner_->insert_case(r); }
  bool update_case(const case_row& r, std::int64_t expected) override {
    return inner_->update_case(r, expected);
  }
  void record_policy(const policy_info& p, sys_seconds now) override { inner_->record_policy(p, now); }
  std::optional<std::uint64_t> find_event_id(std::string_view c, std::string_view e) override {
    return inner_->find_event_id(c, e);
  }
  void insert_event_id(std::string_view c, std::string_view e, std::uint64_t d, std::int64_t seq) override {
    inner_->insert_event_id(c, e, d, seq);
  }
  std::int64_t next_log_seq(std::string_view c) override { return inner_->next_log_seq(c); }
  void append_log(std::string_view c, const log_entry& e, bool changed) override {
    inner_->append_log(c, e, changed);
  }
  std::vector<log_entry> read_log(std::string_view c) override { return inner_->read_log(c); }
  write_reads read_for_write(std::string_view c, std::string_view e) override {
    return inner_->read_for_write(c, e);
  }
  std::vector<stored_case_info> list_cases(const case_filter& f) override { return inner_->list_cases(f); }
  std::vector<due_case> list_due(sys_seconds now, std::size_t limit,
                                 const std::vector<std::uint64_t>& p) override {
    return inner_->list_due(now, limit, p);
  }

 private:
  std::unique_ptr<case_store::backend> inner_;
  hooks& hooks_;
};

}  // namespace aftersale::testing_hooks
