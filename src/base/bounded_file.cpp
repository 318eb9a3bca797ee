// SPDX-License-Identifier: Apache-2.0
#include "base/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace aftersale::detail {

namespace {

struct descriptor {
  int fd = -1;
  descriptor() = default;
  explicit descriptor(int f) : fd(f) {}
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  descriptor(descriptor&& o) noexcept : fd(o.fd) { o.fd = -1; }
  descriptor& operator=(descriptor&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

bounded_text failure(read_status status, std::string why) {
  bounded_text out;
  out.status = status;
  out.why = std::move(why);
  return out;
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a fifo";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "it is a device";
  if (S_ISSOCK(mode)) return "it is a socket";
  if (S_ISLNK(mode)) return "it is a symbolic link";
  return "it is not a regular file";
}

bounded_text open_failure(int error) {
  if (error == ENOENT || error == ENOTDIR) return failure(read_status::missing, "it does not exist");
  if (error == ELOOP) return failure(read_status::not_regular, "it is a symbolic link, not a regular file");
  if (error == ENXIO) return failure(read_status::not_regular, "it is a socket, not a regular file");
  return failure(read_status::unreadable, "it cannot be opened");
}

// Checks what was opened and reads it.
bounded_text read_opened(int fd, const bounded_read_options& options, bool any_kind = false) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return failure(read_status::unreadable, "it cannot be examined");
  const bool pipe = S_ISFIFO(st.st_mode);
  if (S_ISDIR(st.st_mode) || (!any_kind && !S_ISREG(st.st_mode) && !(pipe && options.pipes))) {
    return failure(read_status::not_regular, kind_of(st.st_mode) + ", not a regular file");
  }
  if (pipe || any_kind) {
    // Wait for the writer: a pipe's text arrives as it is written.
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  // Read in chunks and stop one chunk past the limit: enough to know the file is too large.
  // The chunk is on the heap: policy bases are read one inside the other.
  bounded_text out;
  std::vector<char> chunk(std::size_t{1} << 16);
  while (out.text.size() <= options.max_bytes) {
    const ssize_t got = ::read(fd, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return failure(read_status::unreadable, "a read error occurred");
    if (got == 0) break;
    out.text.append(chunk.data(), static_cast<std::size_t>(got));
  }
  if (out.text.size() > options.max_bytes) {
    out.status = read_status::too_large;
    out.why = "it is larger than " + std::to_string(options.max_bytes) + " bytes";
  }
  return out;
}

}  // namespace

bounded_text read_bounded_fd(int fd, const bounded_read_options& options) {
  return read_opened(fd, options, true);
}

bounded_text read_bounded_file(const std::string& path, const bounded_read_options& options) {
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  if (options.no_follow) flags |= O_NOFOLLOW;
  if (options.pipes) {
    // A named pipe is opened blocking, as a reader waits for its writer; anything else is not.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) flags &= ~O_NONBLOCK;
  }
  const descriptor file(::open(path.c_str(), flags));
  if (file.fd < 0) return open_failure(errno);
  return read_opened(file.fd, options);
}

bounded_text read_bounded_file_beneath(const std::string& root, const std::string& relative,
                                       const bounded_read_options& options) {
  descriptor dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) return open_failure(errno);
  std::size_t at = 0;
  while (true) {
    const std::size_t slash = relative.find('/', at);
    const std::string part = relative.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    if (part.empty() || part == "." || part == "..") {
      return failure(read_status::unreadable, "its path is not a plain path below its folder");
    }
    if (slash == std::string::npos) {
      const descriptor file(
          ::openat(dir.fd, part.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
      if (file.fd < 0) return open_failure(errno);
      return read_opened(file.fd, options);
    }
    descriptor next(::openat(dir.fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (next.fd < 0) {
      const int error = errno;
      // A link where a folder was: the path changed since it was resolved.
      if (error == ELOOP || error == ENOTDIR)
        return failure(read_status::not_regular, "a folder on its path is not a folder");
      return open_failure(error);
    }
    dir = std::move(next);
    at = slash + 1;
  }
}

}  // namespace aftersale::detail
