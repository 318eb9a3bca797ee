// SPDX-License-Identifier: Apache-2.0
// `aftersale compile POLICY -o OUT.hpp`: the policy as a C++ header (docs/compile.md), and
// `aftersale compile --check OUT.hpp POLICY`: whether a header is stale against its policy.
//
//   aftersale compile policies/default.yaml -o store_policy.hpp --namespace store_policy
//   aftersale compile --check store_policy.hpp policies/default.yaml
//
// Exit codes, compiling: 0 written, 1 the policy does not load, 2 a bad command line, namespace
// (E509) or an output that cannot be written (E511). Checking: 0 fresh, 1 stale (one line says
// why, naming both hashes or both versions), 2 an error (the policy does not load, the header
// cannot be read or is no generated header, E510).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <aftersale/codegen.hpp>
#include <aftersale/load.hpp>
#include <aftersale/version.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "base/bounded_file.hpp"
#include "base/hash.hpp"
#include "command.hpp"
#include "flow_select.hpp"
#include "policy_path.hpp"

namespace aftersale::cli {
namespace {

constexpr int exit_stale = 1;

// The files one run writes, each first to a temporary file beside it; `commit` renames them all
// only when every one was written, so a failed run leaves the old files (or none), never half a
// header, nor a new header without its depfile. False (and a message) on failure.
class staged_files {
 public:
  staged_files() = default;
  staged_files(const staged_files&) = delete;
  staged_files& operator=(const staged_files&) = delete;
  ~staged_files() {
    for (const auto& f : files_) std::remove(f.temp.c_str());
  }

  bool add(const std::string& path, const std::string& text) {
    const std::string temp = path + ".tmp-" + std::to_string(::getpid());
    bool ok = false;
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (out) out << text;
      ok = out && out.flush();
    }
    const int saved = errno;
    if (ok) {
      files_.push_back({path, temp});
      return true;
    }
    std::cerr << "error[E511]: cannot write `" << path << "`: " << std::strerror(saved ? saved : EIO) << '\n';
    std::remove(temp.c_str());
    return false;
  }

  bool commit() {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      std::error_code ec;
      std::filesystem::rename(files_[i].temp, files_[i].path, ec);
      if (ec) {
        std::cerr << "error[E511]: cannot write `" << files_[i].path << "`: " << ec.message() << '\n';
        return false;
      }
      files_[i].temp.clear();  // renamed: nothing left to remove
    }
    return true;
  }

 private:
  struct file {
    std::string path, temp;
  };
  std::vector<file> files_;
};

// A Make rule: `target: policy base base-of-base ...`, spaces, `#`, `:` and `$` escaped as Make
// reads them. A name with a line break cannot be written in a Make rule at all: nullopt.
std::optional<std::string> depfile_text(const std::string& target, const policy& p) {
  for (const policy* q = &p; q != nullptr; q = q->base.get()) {
    if (q->source && q->source->file.find_first_of("\n\r") != std::string::npos) return std::nullopt;
  }
  if (target.find_first_of("\n\r") != std::string::npos) return std::nullopt;
  auto escaped = [](const std::string& file) {
    std::string out;
    for (const char ch : file) {
      if (ch == ' ' || ch == '#' || ch == ':') out += '\\';
      if (ch == '$') out += '$';
      out += ch;
    }
    return out;
  };
  std::string out = escaped(target) + ":";
  for (const policy* q = &p; q != nullptr; q = q->base.get()) {
    if (q->source) out += " " + escaped(q->source->file);
  }
  return out + "\n";
}

std::string default_flows_name(const std::string& header) {
  const std::filesystem::path h(header);
  return (h.parent_path() / (h.stem().string() + "_flows.cpp")).string();
}

class compile_command final : public command {
 public:
  explicit compile_command(CLI::App& app) {
    cmd_ = app.add_subcommand("compile", "Compile a policy's decisions (and flows) to a C++ header");
    cmd_->add_option("policy", policy_, "Policy file")->required();
    add_policy_path_option(cmd_);
    cmd_->add_option("--output,-o", output_, "The header to write (e.g. store_policy.hpp)");
    cmd_->add_option("--namespace", namespace_,
                     "C++ namespace of the generated code (default aftersale_policy)");
    cmd_->add_option("--flows-source", flows_source_,
                     "The flows source to write when the policy has flows (default: <OUT stem>_flows.cpp)");
    cmd_->add_option("--depfile", depfile_,
                     "Also write a Make depfile: the policy and every `extends:` base");
    cmd_->add_option(
            "--check", check_,
            "Only check: exit 0 when HEADER was made from this policy text by this aftersale, 1 when stale")
        ->excludes("--output")
        ->excludes("--namespace")
        ->excludes("--flows-source")
        ->excludes("--depfile");
    set_help_footer(cmd_,
                    "aftersale compile policies/default.yaml -o store_policy.hpp --namespace store_policy",
                    {{0, "written (with --check: the header is fresh)"},
                     {1, "the policy does not load (with --check: the header is stale, one line says why)"},
                     {2,
                      "a bad command line or namespace, an output that cannot be written (with --check: any "
                      "error, the policy not loading included)"}});
  }

  bool selected() const override { return cmd_->parsed(); }

  int run() const override { return check_.empty() ? compile() : check(); }

 private:
  int compile() const {
    if (output_.empty()) {
      std::cerr << "error: compile needs --output (-o) HEADER, or --check HEADER\n";
      return exit_usage;
    }
    const auto p = load_or_report(policy_);
    if (!p) return exit_policy;
    codegen_options o;
    o.name_space = namespace_;
    o.header_name = std::filesystem::path(output_).filename().string();
    o.source_name = std::filesystem::path(policy_).filename().string();
    generated_code code;
    try {
      code = generate_cpp(*p, o);
    } catch (const usage_error& e) {
      std::cerr << e.what() << '\n';
      return exit_usage;
    }
    staged_files files;
    if (!files.add(output_, code.header)) return exit_usage;
    if (!code.flows_source.empty()) {
      const std::string flows = flows_source_.empty() ? default_flows_name(output_) : flows_source_;
      if (!files.add(flows, code.flows_source)) return exit_usage;
    }
    if (!depfile_.empty()) {
      const std::optional<std::string> rule = depfile_text(output_, *p);
      if (!rule) {
        std::cerr << "error[E511]: cannot write `" << depfile_
                  << "`: a file name with a line break cannot be written in a Make rule\n";
        return exit_usage;
      }
      if (!files.add(depfile_, *rule)) return exit_usage;
    }
    return files.commit() ? 0 : exit_usage;
  }

  int check() const {
    // The stamp is in the first lines: read a bounded head, of regular files only (a FIFO or a
    // device would block or never end).
    detail::bounded_read_options head;
    head.max_bytes = 64u << 10;
    const detail::bounded_text read = detail::read_bounded_file(check_, head);
    if (read.status == detail::read_status::missing) {
      std::cout << "stale: " << check_ << " does not exist: run aftersale compile " << policy_ << " -o "
                << check_ << '\n';
      return exit_stale;
    }
    if (!read && read.status != detail::read_status::too_large) {
      std::cerr << "error[E510]: cannot read `" << check_ << "`: " << read.why << '\n';
      return exit_usage;
    }
    const std::optional<header_stamp> stamp = read_header_stamp(read.text);
    if (!stamp) {
      std::cerr << "error[E510]: `" << check_
                << "` is not a header aftersale generated: its first lines carry no `aftersale-policy-hash` "
                   "stamp\n";
      return exit_usage;
    }
    std::shared_ptr<const policy> p;
    try {
      p = load_policy(policy_);
    } catch (const policy_error& e) {
      for (const auto& d : e.diagnostics()) std::cerr << to_string(d) << '\n';
      return exit_usage;
    }
    const std::string made = detail::hex16(stamp->policy_hash);
    const std::string now = detail::hex16(p->info.content_hash);
    if (stamp->policy_hash != p->info.content_hash) {
      std::cout << "stale: " << check_ << " was made from policy hash " << made << ", " << policy_
                << " (with its bases) now has hash " << now << '\n';
      return exit_stale;
    }
    if (stamp->generator != AFTERSALE_VERSION_STRING) {
      std::cout << "stale: " << check_ << " was made by aftersale " << stamp->generator
                << ", this is aftersale " << AFTERSALE_VERSION_STRING << '\n';
      return exit_stale;
    }
    std::cout << "fresh: " << check_ << " was made from " << policy_ << " (policy hash " << now
              << ") by aftersale " << AFTERSALE_VERSION_STRING << '\n';
    return 0;
  }

  CLI::App* cmd_ = nullptr;
  std::string policy_, output_, namespace_, flows_source_, depfile_, check_;
};

const command_registration registration{
    45, [](CLI::App& app) { return std::unique_ptr<command>(new compile_command(app)); }};

}  // namespace
}  // namespace aftersale::cli
