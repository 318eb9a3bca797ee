// SPDX-License-Identifier: Apache-2.0
#include "flow_heap.hpp"

#include <malloc.h>

#include <cstdlib>
#include <new>

namespace aftersale::bench::heap {
namespace {
// Single-threaded benchmark: plain counters.
bool counting = false;
std::int64_t bytes = 0;
std::int64_t blocks = 0;

void* allocate(std::size_t n) noexcept {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p != nullptr && counting) {
    bytes += static_cast<std::int64_t>(malloc_usable_size(p));
    ++blocks;
  }
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  if (counting) {
    bytes -= static_cast<std::int64_t>(malloc_usable_size(p));
    --blocks;
  }
  std::free(p);
}

void* allocate_or_throw(std::size_t n) {
  void* p = allocate(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void start() { counting = true; }
void stop() { counting = false; }
std::int64_t live_bytes() { return bytes; }
std::int64_t live_blocks() { return blocks; }
std::size_t block_bytes(const void* p) { return p == nullptr ? 0 : malloc_usable_size(const_cast<void*>(p)); }

}  // namespace aftersale::bench::heap

// The replaceable global allocation functions (aligned forms keep their defaults, which do
// not go through these).
void* operator new(std::size_t n) { return aftersale::bench::heap::allocate_or_throw(n); }
void* operator new[](std::size_t n) { return aftersale::bench::heap::allocate_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return aftersale::bench::heap::allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return aftersale::bench::heap::allocate(n);
}
void operator delete(void* p) noexcept { aftersale::bench::heap::release(p); }
void operator delete[](void* p) noexcept { aftersale::bench::heap::release(p); }
void operator delete(void* p, std::size_t) noexcept { aftersale::bench::heap::release(p); }
void operator delete[](void* p, std::size_t) noexcept { aftersale::bench::heap::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { aftersale::bench::heap::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { aftersale::bench::heap::release(p); }
