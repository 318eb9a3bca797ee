// SPDX-License-Identifier: Apache-2.0
#include "byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "request_json.hpp"

namespace aftersale::cli {

file_source::file_source(const std::string& path) : path_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    fd_ = 0;
    return;
  }
  // O_NONBLOCK: opening a FIFO without a writer, or a device, must not hang; it is cleared
  // once fstat says what was opened.
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw input_error(path_ + ": error: cannot open the requests file: " + std::strerror(errno));
  owned_ = true;
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
    ::close(fd_);
    fd_ = -1;
    throw input_error(path_ + ": error: the requests file is not a regular file or a pipe");
  }
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
}

file_source::~file_source() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

std::size_t file_source::read(char* out, std::size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd_, out, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR)
      throw input_error(path_ + ": error: cannot read the requests file: " + std::strerror(errno));
  }
}

std::size_t text_source::read(char* out, std::size_t n) {
  const std::size_t k = std::min(n, text_.size());
  std::memcpy(out, text_.data(), k);
  text_.remove_prefix(k);
  return k;
}

bool buffered_reader::refill() {
  size_ = in_->read(buffer_.data(), buffer_.size());
  at_ = 0;
  return size_ > 0;
}

void buffered_reader::skip_bom() {
  if (peek() != 0xEF) return;
  // Only the three bytes EF BB BF are a mark; anything else stays (and is refused as UTF-8 later).
  if (size_ - at_ >= 3 && static_cast<unsigned char>(buffer_[at_ + 1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[at_ + 2]) == 0xBF)
    at_ += 3;
}

}  // namespace aftersale::cli
