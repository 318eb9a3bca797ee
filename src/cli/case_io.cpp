#include "case_io.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "request_json.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

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
#if defined(__unix__) || defined(__APPLE__)
  // The data must be on disk before the rename makes it the file, or a crash could leave an
  // empty snapshot behind the old name.
  ok = ok && ::fsync(::fileno(f)) == 0;
#endif
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path + ": error: cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw input_error(path + ": error: cannot read the file");
  return buffer.str();
}

void write_file_atomically(const std::string& path, std::string_view text) {
  const std::string temp = temporary_name(path);
  if (!write_new_file(temp, text)) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw input_error(path + ": error: cannot write the file (temporary file `" + temp + "`)");
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw input_error(path + ": error: cannot replace the file: " + ec.message());
  }
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

}  // namespace aftersale::cli
