// SPDX-License-Identifier: Apache-2.0
#pragma once
// The generated if-chain of the neutral workload (build/limit.cpp, produced by gen.js in
// the build tree), behind an interface that does not expose its types.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aftersale::bench {

/// One table of limit.cpp (60 or 1,000 rules) with its requests decoded into the
/// generated input struct.
class limit_table {
 public:
  /// `records`: n × fields int32 in the `.bin` column order. @throws std::invalid_argument
  /// for a rule count limit.cpp does not have.
  limit_table(int rules, const std::vector<std::int32_t>& records, int n, int fields);
  ~limit_table();
  limit_table(const limit_table&) = delete;
  limit_table& operator=(const limit_table&) = delete;

  /// Decides every request once, keeping each result (the timed work).
  void run();
  /// `solution|sla_hours|fee_payer|escalate\n` of request i after run().
  std::string line(std::size_t i) const;
  std::size_t size() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace aftersale::bench
