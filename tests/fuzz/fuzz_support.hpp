// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the fuzz targets share: a property check that stops the run, a reader that turns the
// fuzzer's bytes into choices, and the default policy, loaded once per process.
#include <aftersale/load.hpp>
#include <aftersale/model.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

// A broken property is a finding like a crash: print it and abort, so that libFuzzer saves the
// input (crash-*) and the regression runner (regression_main.cpp) fails.
#define FUZZ_CHECK(condition, what)                                                            \
  do {                                                                                         \
    if (!(condition)) ::aftersale_fuzz::property_failed(#condition, what, __FILE__, __LINE__); \
  } while (false)

namespace aftersale_fuzz {

[[noreturn]] inline void property_failed(const char* condition, std::string_view what, const char* file,
                                         int line) {
  std::fprintf(stderr, "%s:%d: property broken: %s\n  %.*s\n", file, line, condition,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Choices read from the front of the fuzzer's bytes; past the end every choice is 0, so a
/// short input is still a valid (short) run.
class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const noexcept { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  /// A value in [0, n) for n > 0.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : (n <= 256 ? byte() % n : word() % n); }
  std::uint32_t word() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  std::int64_t wide() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return static_cast<std::int64_t>(v);
  }
  /// Up to `max` bytes as text (any bytes: not necessarily UTF-8).
  std::string text(std::size_t max) {
    std::size_t n = below(max + 1);
    std::string s;
    while (n-- > 0 && !empty()) s.push_back(static_cast<char>(byte()));
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// The shipped default policy (policies/default.yaml), loaded on first use.
inline const std::shared_ptr<const aftersale::policy>& default_policy() {
  static const std::shared_ptr<const aftersale::policy> p =
      aftersale::load_policy_file(std::string(AFTERSALE_SOURCE_DIR) + "/policies/default.yaml");
  return p;
}

}  // namespace aftersale_fuzz
