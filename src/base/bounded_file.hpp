// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal: reading a file that a user named, without trusting it. The policy loader, `extends:`
// and the CLI's request and snapshot readers all read through here, so each gets the same
// guarantees: only a regular file (or, when asked, a pipe) is read, opening never blocks on a
// FIFO or a device, and no more than a bound is read into memory.
#include <cstddef>
#include <string>

namespace aftersale::detail {

/// What became of a read.
enum class read_status { ok, missing, not_regular, unreadable, too_large };

struct bounded_text {
  read_status status = read_status::ok;
  std::string text;  ///< the bytes read (ok; too_large: the first `max_bytes + 1` or more)
  std::string why;   ///< for a failure, lowercase: `it is a directory, not a regular file`, ...
  explicit operator bool() const { return status == read_status::ok; }
};

struct bounded_read_options {
  std::size_t max_bytes = 16u << 20;
  /// Also read a pipe or FIFO (`<(cmd)`, `/dev/stdin`), blocking until its writer closes it.
  /// Never a device, a directory or a socket.
  bool pipes = false;
  /// Open with O_NOFOLLOW: the last component must not be a symbolic link (the caller resolved
  /// the path and checked where it leads).
  bool no_follow = false;
};

/// Reads the file at `path`: opened with O_NONBLOCK (a FIFO or a device cannot block the open),
/// then checked with fstat on the descriptor itself, so a file swapped between a look and the
/// open is still refused. More than `max_bytes`: `too_large` with the bytes read so far.
bounded_text read_bounded_file(const std::string& path, const bounded_read_options& options);

/// The same on a descriptor the caller opened (standard input), whatever it is (a terminal too):
/// the caller chose it. The descriptor stays open.
bounded_text read_bounded_fd(int fd, const bounded_read_options& options);

/// Reads `relative` beneath the directory `root` without leaving it: each component of
/// `relative` (which must hold no `..`, `.` or empty component) is opened with `openat` and
/// O_NOFOLLOW from the one before, so neither a symbolic link nor a directory renamed while
/// the file is read can lead outside `root`. A link on the way is `not_regular` with a why.
bounded_text read_bounded_file_beneath(const std::string& root, const std::string& relative,
                                       const bounded_read_options& options);

}  // namespace aftersale::detail
