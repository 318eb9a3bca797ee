// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counts heap memory while switched on, by replacing the global operator new/delete of the
// benchmark binary (flow_heap.cpp). Sizes are what the allocator hands out
// (malloc_usable_size: the request rounded up to glibc's chunk size, without its 8-byte
// chunk header), so "bytes a case owns" means the memory it really holds.
#include <cstddef>
#include <cstdint>

namespace aftersale::bench::heap {

/// Counts from now on (allocations and frees). Off by default, so timed code pays one branch.
void start();
void stop();
/// Bytes allocated minus bytes freed while counting.
std::int64_t live_bytes();
/// Blocks allocated minus blocks freed while counting.
std::int64_t live_blocks();
/// The usable size of a heap block (0 for nullptr).
std::size_t block_bytes(const void* p);

}  // namespace aftersale::bench::heap
