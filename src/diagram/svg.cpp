// SPDX-License-Identifier: Apache-2.0
// SVG through Graphviz's `dot -Tsvg`, run as a child process on the DOT text.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aftersale/diagram.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace aftersale {

namespace {

// `dot` on PATH, as a shell would find it; empty when none (also when PATH is unset or empty).
std::string find_dot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string dirs = path;
  std::size_t begin = 0;
  while (begin <= dirs.size()) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = dirs.substr(begin, end - begin);
    if (!dir.empty()) {
      const std::string candidate = dir + "/dot";
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          ::access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    begin = end + 1;
  }
  return {};
}

// A temporary file, removed when this goes out of scope.
class temp_file {
 public:
  explicit temp_file(const char* suffix_tag) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/aftersale-" + suffix_tag + "-XXXXXX";
    name_.assign(pattern.begin(), pattern.end());
    name_.push_back('\0');
    // Close-on-exec: otherwise every child spawned meanwhile, by any thread, inherits it.
    fd_ = ::mkostemp(name_.data(), O_CLOEXEC);
    if (fd_ < 0)
      throw graphviz_error(
          false, "cannot create a temporary file for graphviz: " + std::string(std::strerror(errno)));
  }
  ~temp_file() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(name_.data());
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  const char* name() const { return name_.data(); }
  int fd() const { return fd_; }
  std::string read() const {
    std::ifstream in(name_.data(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::vector<char> name_;
  int fd_ = -1;
};

}  // namespace

std::string flow_to_svg(const policy& p, const flow_def& f, const diagram_options& options) {
  const std::string dot = find_dot();
  if (dot.empty()) {
    throw graphviz_error(
        true,
        "graphviz `dot` was not found on PATH; install it (Debian: apt-get install graphviz) "
        "or use --format dot|mermaid");
  }
  const std::string source = flow_to_dot(p, f, options);
  temp_file input("dot"), output("svg"), errors("err");
  {
    std::ofstream in(input.name(), std::ios::binary);
    in << source;
    if (!in.flush()) throw graphviz_error(false, "cannot write the diagram for graphviz to a temporary file");
  }

  // The child reads the DOT file on stdin and writes into the two other files.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.name(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.fd(), STDERR_FILENO);
  std::string arg0 = dot, arg1 = "-Tsvg";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, dot.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw graphviz_error(false, "cannot run `" + dot + "`: " + std::strerror(spawned));

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw graphviz_error(false, "waiting for `" + dot + "` failed: " + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string message = errors.read();
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
    const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                              : std::string("was killed by a signal");
    throw graphviz_error(false, "`dot -Tsvg` " + how + (message.empty() ? "" : ": " + message));
  }
  return output.read();
}

}  // namespace aftersale
