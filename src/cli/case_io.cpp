// SPDX-License-Identifier: Apache-2.0
#include "case_io.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <thread>

#include "base/bounded_file.hpp"
#include "request_json.hpp"

namespace aftersale::cli {
namespace {

namespace fs = std::filesystem;

// A name next to `path` that no other writer uses: same directory, so the rename is atomic.
std::string temporary_name(const std::string& path) {
  std::random_device device;
  std::mt19937_64 bits((static_cast<std::uint64_t>(device()) << 32) ^ device());
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(bits()));
  return path + ".tmp-" + suffix;
}

// Writes and flushes `text` to a new file; false on any failure.
bool write_new_file(const std::string& name, std::string_view text) {
  std::FILE* f = std::fopen(name.c_str(), "wbx");  // x: never reuse an existing file
  if (f == nullptr) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  // The data must be on disk before the rename makes it the file, or a crash could leave an
  // empty snapshot behind the old name.
  ok = ok && ::fsync(::fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

// The rename itself is on disk once the folder is: a crash after it keeps the new file.
void sync_folder(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The system's error text in the house style (`No such file` → `no such file`).
std::string lowercase(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  detail::bounded_read_options options;
  options.max_bytes = max_snapshot_bytes;
  const detail::bounded_text read = detail::read_bounded_file(path, options);
  if (read.status == detail::read_status::too_large) {
    throw input_error(path + ": error: the file is larger than " + std::to_string(max_snapshot_bytes) +
                      " bytes");
  }
  if (!read) throw input_error(path + ": error: cannot read the file: " + read.why);
  return read.text;
}

case_file_lock::case_file_lock(const std::string& path, std::chrono::milliseconds wait) : path_(path) {
  const auto give_up = std::chrono::steady_clock::now() + wait;
  while (true) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) {
      throw input_error(path + (errno == ENOENT
                                    ? ": error: cannot read the file: it does not exist"
                                    : ": error: cannot open the file: " + lowercase(std::strerror(errno))));
    }
    struct stat opened {};
    if (::fstat(fd_, &opened) != 0 || !S_ISREG(opened.st_mode)) {
      release();
      throw input_error(path + ": error: not a regular file: a case is a snapshot file");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
      // Locked; but a writer that held the lock may have renamed a new file over the path
      // meanwhile, and this lock is on the old one: then start again on the new one.
      struct stat now {};
      if (::stat(path.c_str(), &now) == 0 && same_file(now, opened)) return;
    } else if (errno != EWOULDBLOCK && errno != EINTR) {
      const int error = errno;
      release();
      throw input_error(path + ": error: cannot lock the file: " + lowercase(std::strerror(error)));
    } else if (std::chrono::steady_clock::now() >= give_up) {
      release();
      throw input_error(
          path + ": error: another process is changing this case (the file is locked); gave up after " +
          std::to_string(wait.count()) + " ms (--lock-wait)");
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    release();
  }
}

case_file_lock::~case_file_lock() { release(); }

void case_file_lock::release() noexcept {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor drops the lock
  fd_ = -1;
}

std::string case_file_lock::read() const {
  detail::bounded_read_options options;
  options.max_bytes = max_snapshot_bytes;
  const detail::bounded_text read = detail::read_bounded_fd(fd_, options);
  if (read.status == detail::read_status::too_large) {
    throw input_error(path_ + ": error: the file is larger than " + std::to_string(max_snapshot_bytes) +
                      " bytes");
  }
  if (!read) throw input_error(path_ + ": error: cannot read the file: " + read.why);
  return read.text;
}

void write_file_atomically(const std::string& path, std::string_view text, bool replace) {
  const std::string temp = temporary_name(path);
  if (!write_new_file(temp, text)) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw input_error(path + ": error: cannot write the file (temporary file `" + temp + "`)");
  }
  if (!replace) {
    // link() never replaces: of two writers creating the file at once, one gets EEXIST.
    const int linked = ::link(temp.c_str(), path.c_str());
    const int error = errno;
    std::error_code ignored;
    fs::remove(temp, ignored);
    if (linked != 0 && error == EEXIST)
      throw input_error(path + ": error: the file exists: give --force to replace it");
    if (linked != 0)
      throw input_error(path + ": error: cannot create the file: " + lowercase(std::strerror(error)));
    sync_folder(path);
    return;
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw input_error(path + ": error: cannot replace the file: " + ec.message());
  }
  sync_folder(path);
}

sys_seconds wall_clock() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

sys_seconds parse_instant(const std::string& text, const std::string& where) {
  if (text.empty() || text == "now") return wall_clock();
  auto t = parse_timestamp(text);
  if (!t) {
    throw input_error(where + ": error: not an ISO 8601 timestamp with an offset: `" + text +
                      "` (expected e.g. 2026-10-08T09:30:00+08:00, or `now`)");
  }
  return *t;
}

sys_seconds resolve_now(const std::string& option, const std::optional<std::string>& file_now,
                        const std::string& file) {
  if (!option.empty() || !file_now) return parse_instant(option, "--now");
  return parse_instant(*file_now, (file == "-" ? std::string("<stdin>") : file) + ": `now`");
}

}  // namespace aftersale::cli
