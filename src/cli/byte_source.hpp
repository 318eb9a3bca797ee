// SPDX-License-Identifier: Apache-2.0
#pragma once
// A requests file read a chunk at a time, so a file of millions of lines is never held whole:
// a regular file or a pipe named on the command line, standard input, or (tests, fuzzing) text.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aftersale::cli {

/// Bytes read in order; `read` returns 0 at the end.
class byte_source {
 public:
  virtual ~byte_source() = default;
  /// Up to `n` bytes into `out`; 0 at the end. @throws input_error `path: error: cannot read ...`
  virtual std::size_t read(char* out, std::size_t n) = 0;
};

/// A file or a pipe (`-`: standard input). Opening never blocks on a FIFO; a directory, device
/// or socket is refused.
class file_source final : public byte_source {
 public:
  /// @throws input_error `path: error: ...` when it cannot be opened or is not a file or a pipe
  explicit file_source(const std::string& path);
  ~file_source() override;
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  std::size_t read(char* out, std::size_t n) override;

 private:
  std::string path_;
  int fd_ = -1;
  bool owned_ = false;
};

/// Text held in memory.
class text_source final : public byte_source {
 public:
  explicit text_source(std::string_view text) : text_(text) {}
  std::size_t read(char* out, std::size_t n) override;

 private:
  std::string_view text_;
};

/// A byte source read one byte or one line at a time through a buffer, counting lines.
class buffered_reader {
 public:
  explicit buffered_reader(byte_source& in) : in_(&in) {}
  /// The next byte, or -1 at the end.
  int get() {
    if (at_ == size_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[at_++]);
  }
  /// The next byte without taking it, or -1 at the end.
  int peek() {
    if (at_ == size_ && !refill()) return -1;
    return static_cast<unsigned char>(buffer_[at_]);
  }
  /// Skips a UTF-8 byte order mark at the start.
  void skip_bom();

 private:
  bool refill();

  byte_source* in_;
  std::string buffer_ = std::string(1 << 16, '\0');
  std::size_t at_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aftersale::cli
