// SPDX-License-Identifier: Apache-2.0
#pragma once
// FNV-1a 64: the policy content hash and the flow structure hash. Not cryptographic; stable
// across platforms and versions, because stored snapshots compare these values.
#include <cstdint>
#include <string>
#include <string_view>

namespace aftersale::detail {

class fnv1a64 {
 public:
  void byte(std::uint8_t b) {
    h_ ^= b;
    h_ *= 0x100000001b3ull;
  }
  /// The bytes as they are.
  void bytes(std::string_view t) {
    for (const unsigned char ch : t) byte(ch);
  }
  /// A text ended by a unit separator, so that `ab`+`c` and `a`+`bc` differ.
  void text(std::string_view t) {
    bytes(t);
    byte(0x1f);
  }
  /// The eight bytes of `v`, lowest first.
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

/// `0123456789abcdef`: 16 lowercase hex digits, as hashes and ids are written.
inline std::string hex16(std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 0xf];
  return out;
}

}  // namespace aftersale::detail
