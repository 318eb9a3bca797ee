#pragma once
// Files and instants for `aftersale case`: reading a snapshot, replacing it atomically, and
// reading `--now`.
#include <aftersale/time.hpp>
#include <string>
#include <string_view>

namespace aftersale::cli {

/// The whole file as bytes. @throws input_error `path: error: cannot open ...`
std::string read_text_file(const std::string& path);

/// Replaces `path` with `text` so that a reader never sees a half-written file: the text goes
/// to a temporary file in the same directory, is flushed to disk, and is renamed over `path`.
/// On failure the temporary file is removed and `path` is left as it was.
/// @throws input_error `path: error: cannot write ...`
void write_file_atomically(const std::string& path, std::string_view text);

/// The instant an option names: ISO 8601 with an offset, or `now` (or empty) for the wall
/// clock. `where` prefixes the error (`--now`). @throws input_error
sys_seconds parse_instant(const std::string& text, const std::string& where);

/// The wall clock, to the second.
sys_seconds wall_clock();

}  // namespace aftersale::cli
