// SPDX-License-Identifier: Apache-2.0
#include "flow_cases.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace aftersale::bench {

neutral_flow_cases read_flow_cases_bin(const std::string& path, std::size_t event_count) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t off = 0;
  auto next = [&]() {
    if (off + 4 > raw.size()) throw std::runtime_error(path + ": truncated at byte " + std::to_string(off));
    std::int32_t v;
    std::memcpy(&v, raw.data() + off, 4);
    off += 4;
    return v;
  };
  if (raw.size() < 8 || std::memcmp(raw.data(), "ASF1", 4) != 0)
    throw std::runtime_error(path + ": not an ASF1 file");
  off = 4;
  const std::int32_t n = next();
  if (n < 0) throw std::runtime_error(path + ": negative case count");
  neutral_flow_cases c;
  c.amount_cents.reserve(static_cast<std::size_t>(n));
  c.inspection_ok.reserve(static_cast<std::size_t>(n));
  c.begin.reserve(static_cast<std::size_t>(n) + 1);
  for (std::int32_t i = 0; i < n; ++i) {
    c.amount_cents.push_back(next());
    c.inspection_ok.push_back(next() != 0);
    const std::int32_t k = next();
    if (k < 0) throw std::runtime_error(path + ": case " + std::to_string(i) + " has a negative event count");
    c.begin.push_back(static_cast<std::uint32_t>(c.events.size()));
    for (std::int32_t j = 0; j < k; ++j) {
      const std::int32_t e = next();
      if (e < 0 || static_cast<std::size_t>(e) >= event_count) {
        throw std::runtime_error(path + ": case " + std::to_string(i) + " has event index " +
                                 std::to_string(e) + " out of range");
      }
      c.events.push_back(static_cast<std::uint8_t>(e));
    }
    if (k > c.max_events) c.max_events = k;
  }
  c.begin.push_back(static_cast<std::uint32_t>(c.events.size()));
  if (off != raw.size()) throw std::runtime_error(path + ": trailing bytes after the last case");
  return c;
}

std::string flow_case_line(const std::string& state, std::int64_t refunded_cents) {
  return state + "|" + std::to_string(refunded_cents) + "\n";
}

}  // namespace aftersale::bench
