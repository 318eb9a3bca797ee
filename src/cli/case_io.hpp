// SPDX-License-Identifier: Apache-2.0
#pragma once
// Files and instants for `aftersale case`: reading a snapshot, replacing it atomically, and
// reading `--now`.
#include <aftersale/time.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace aftersale::cli {

/// The most bytes a case snapshot may hold: a long case is some kilobytes.
inline constexpr std::size_t max_snapshot_bytes = 64u << 20;

/// The whole file as bytes (a regular file of at most `max_snapshot_bytes`).
/// @throws input_error `path: error: cannot read the file: ...`
std::string read_text_file(const std::string& path);

/// An exclusive lock on a case file for a whole read-modify-write (`case apply`, `advance`,
/// `open --force`), so that of two processes changing one case, the second reads what the first
/// wrote instead of losing it. The lock is `flock` on the file itself; since a write renames a
/// new file over the path, a lock taken on a file that was replaced meanwhile is dropped and
/// taken again on the new one. Released when the object goes.
class case_file_lock {
 public:
  /// Waits up to `wait` for the lock. @throws input_error when the file cannot be opened, is not
  /// a regular file, or is still locked after `wait` (`... gave up after N ms (--lock-wait)`)
  case_file_lock(const std::string& path, std::chrono::milliseconds wait);
  ~case_file_lock();
  case_file_lock(const case_file_lock&) = delete;
  case_file_lock& operator=(const case_file_lock&) = delete;

  /// The file's text, read under the lock. @throws input_error
  std::string read() const;

 private:
  void release() noexcept;
  std::string path_;
  int fd_ = -1;
};

/// Replaces `path` with `text` so that a reader never sees a half-written file: the text goes
/// to a temporary file in the same directory, is flushed to disk, and is renamed over `path`
/// (then the folder is flushed too). With `replace` false the file must not exist: it is
/// created with link(), which fails for the second of two writers. On failure the temporary
/// file is removed and `path` is left as it was.
/// @throws input_error `path: error: cannot write ...`, `path: error: the file exists ...`
void write_file_atomically(const std::string& path, std::string_view text, bool replace = true);

/// The instant an option names: ISO 8601 with an offset, or `now` (or empty) for the wall
/// clock. `where` prefixes the error (`--now`). @throws input_error
sys_seconds parse_instant(const std::string& text, const std::string& where);

/// The wall clock, to the second.
sys_seconds wall_clock();

/// The instant a command acts at: the one rule of every command that takes `--now` (decide,
/// case, store; the worker's fixed instant): `--now` when given, else the request file's `now`
/// (for commands that read a request; `file` names it in messages), else the wall clock. `now`
/// as a value, in either place, is the wall clock. docs/cli.md, "Times". @throws input_error
sys_seconds resolve_now(const std::string& option, const std::optional<std::string>& file_now = std::nullopt,
                        const std::string& file = "");

}  // namespace aftersale::cli
