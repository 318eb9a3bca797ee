// SPDX-License-Identifier: Apache-2.0
// The one reader of files users name (base/bounded_file.hpp): regular files only unless pipes
// are asked for, never blocking on a FIFO or a device, bounded, and beneath a folder without
// following a link.
#include "base/bounded_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

namespace {

using namespace aftersale::detail;
namespace fs = std::filesystem;

class bounded_file_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("aftersale_bounded_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
    fs::create_directories(dir_ / "out");
    std::ofstream(dir_ / "in" / "a.txt", std::ios::binary) << "hello";
    std::ofstream(dir_ / "out" / "secret.txt", std::ios::binary) << "secret";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string at(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

bounded_read_options limit(std::size_t n, bool pipes = false) {
  bounded_read_options o;
  o.max_bytes = n;
  o.pipes = pipes;
  return o;
}

TEST_F(bounded_file_test, reads_a_regular_file_within_its_bound) {
  const bounded_text t = read_bounded_file(at("in/a.txt"), limit(5));
  EXPECT_EQ(t.status, read_status::ok);
  EXPECT_EQ(t.text, "hello");
  const bounded_text big = read_bounded_file(at("in/a.txt"), limit(4));
  EXPECT_EQ(big.status, read_status::too_large);
  EXPECT_EQ(big.why, "it is larger than 4 bytes");
}

TEST_F(bounded_file_test, refuses_what_is_not_a_regular_file_without_blocking) {
  ASSERT_EQ(::mkfifo(at("fifo").c_str(), 0600), 0);
  const std::pair<std::string, std::string> cases[] = {
      {at("fifo"), "it is a fifo, not a regular file"},
      {at("in"), "it is a directory, not a regular file"},
      {"/dev/zero", "it is a device, not a regular file"},
  };
  for (const auto& [path, why] : cases) {
    SCOPED_TRACE(path);
    auto done = std::async(std::launch::async, [p = path] { return read_bounded_file(p, limit(100)); });
    ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the read blocks";
    const bounded_text t = done.get();
    EXPECT_EQ(t.status, read_status::not_regular);
    EXPECT_EQ(t.why, why);
  }
  const bounded_text missing = read_bounded_file(at("nope"), limit(100));
  EXPECT_EQ(missing.status, read_status::missing);
  EXPECT_EQ(missing.why, "it does not exist");
}

TEST_F(bounded_file_test, reads_a_pipe_when_asked) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "piped", 5), 5);
  ::close(fds[1]);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  const bounded_text t = read_bounded_file(path, limit(100, true));
  ::close(fds[0]);
  EXPECT_EQ(t.status, read_status::ok);
  EXPECT_EQ(t.text, "piped");
}

TEST_F(bounded_file_test, beneath_a_folder_no_link_and_no_dot_dot_leads_out) {
  const bounded_text t = read_bounded_file_beneath(at("in"), "a.txt", limit(100));
  EXPECT_EQ(t.status, read_status::ok);
  EXPECT_EQ(t.text, "hello");
  // The last component a link (even one that stays inside), a folder on the way a link, `..`.
  fs::create_symlink(dir_ / "out" / "secret.txt", dir_ / "in" / "link.txt");
  fs::create_directory_symlink(dir_ / "out", dir_ / "in" / "sub");
  fs::create_symlink(dir_ / "in" / "a.txt", dir_ / "in" / "inside.txt");
  for (const char* rel : {"link.txt", "sub/secret.txt", "inside.txt", "../out/secret.txt", "./a.txt", ""}) {
    SCOPED_TRACE(rel);
    const bounded_text refused = read_bounded_file_beneath(at("in"), rel, limit(100));
    EXPECT_NE(refused.status, read_status::ok);
    EXPECT_TRUE(refused.text.empty());
  }
}

}  // namespace
