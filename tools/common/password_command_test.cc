// run_password_command (msmtp passwordeval semantics) and the command token provider.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "tools/common/password_command.hpp"

namespace inet::tools {
using sasl::error;
using sasl::make_error_code;
namespace {

using namespace std::chrono_literals;

void expect_command_failed(const std::string& command) {
  try {
    run_password_command(command);
    ADD_FAILURE() << "accepted: " << command;
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::command_failed)) << command << ": " << e.what();
  }
}

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::size_t line_count(const std::string& path) {
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(RunPasswordCommand, FirstLineWithoutCrLf) {
  EXPECT_EQ(run_password_command("printf 'tok\\n'"), "tok");
  EXPECT_EQ(run_password_command("printf 'secret\\r\\nsecond line\\n'"), "secret");
  EXPECT_EQ(run_password_command("printf 'no newline'"), "no newline");
  EXPECT_EQ(run_password_command("printf ' spaced pass \\n'"), " spaced pass ");
}

TEST(RunPasswordCommand, Failures) {
  expect_command_failed("printf 'tok\\n'; exit 3");
  expect_command_failed("false");
  expect_command_failed("true");                     // empty output
  expect_command_failed("printf '\\nsecond\\n'");    // empty first line
  expect_command_failed("printf 'a\\000b\\n'");      // NUL
  expect_command_failed("kill -9 $$");               // signal
  expect_command_failed("/nonexistent/binary");      // sh exits 127
  expect_command_failed(std::string("printf x\0y", 10));
}

TEST(RunPasswordCommand, OutputLimit) {
  EXPECT_EQ(run_password_command("head -c 65535 /dev/zero | tr '\\0' a; echo").size(), 65535u);
  expect_command_failed("head -c 65537 /dev/zero | tr '\\0' a");
  expect_command_failed("yes");  // endless output: bounded read, child dies of SIGPIPE
}

std::string failure_of(const std::string& command, std::chrono::milliseconds timeout) {
  try {
    run_password_command(command, timeout);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::command_failed)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << command;
  return {};
}

// 'R', 'S', 'Z', ... from /proc/PID/stat, or 0 when the process no longer exists.
char process_state(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() ? 0 : text[paren + 2];
}

TEST(RunPasswordCommand, HungCommandTimesOut) {
  const std::string what = failure_of("sleep 30", 300ms);
  EXPECT_NE(what.find("timed out after 300 ms"), std::string::npos) << what;
  // Stdout closed but still running: the wait is bounded too.
  const std::string closed = failure_of("exec >&-; sleep 30", 300ms);
  EXPECT_NE(closed.find("timed out"), std::string::npos) << closed;
  // Output written, then hanging: still a failure, and the output is not in the message.
  const std::string late = failure_of("echo secret-token; sleep 30", 300ms);
  EXPECT_NE(late.find("timed out"), std::string::npos) << late;
  EXPECT_EQ(late.find("secret-token"), std::string::npos) << late;
}

TEST(RunPasswordCommand, TimeoutKillsTheWholeProcessGroup) {
  const std::string pidfile = temp_path("grandchild_pid");
  std::remove(pidfile.c_str());
  failure_of("sleep 30 & echo $! > '" + pidfile + "'; wait", 500ms);
  std::ifstream in(pidfile);
  long pid = 0;
  ASSERT_TRUE(in >> pid) << "the command did not start its child";
  ASSERT_GT(pid, 1);
  // SIGKILL went to the group: the orphaned `sleep` dies (is a zombie or gone) instead of
  // running on for 30 s. Reaping by init is asynchronous, so allow it time.
  char state = process_state(pid);
  for (int i = 0; i < 200 && state != 0 && state != 'Z' && state != 'X'; ++i) {
    std::this_thread::sleep_for(50ms);
    state = process_state(pid);
  }
  EXPECT_TRUE(state == 0 || state == 'Z' || state == 'X') << "state " << state;
}

TEST(RunPasswordCommand, DefaultTimeoutIsSixtySeconds) {
  EXPECT_EQ(default_command_timeout, 60s);
  EXPECT_EQ(run_password_command("echo quick", 5s), "quick");
  const std::string what = failure_of("echo x", 0ms);
  EXPECT_NE(what.find("timeout must be positive"), std::string::npos) << what;
}

TEST(CommandTokenProvider, CachesUntilForceRefresh) {
  const std::string counter = temp_path("token_counter");
  std::remove(counter.c_str());
  auto provider = make_command_token_provider("echo x >> '" + counter + "'; printf 'tok\\n'");
  EXPECT_EQ(provider->token(), "tok");
  EXPECT_EQ(provider->token(), "tok");
  EXPECT_EQ(line_count(counter), 1u);
  EXPECT_EQ(provider->token(true), "tok");
  EXPECT_EQ(line_count(counter), 2u);
}

TEST(CommandTokenProvider, RefetchesAfterTtlMinusMargin) {
  const std::string counter = temp_path("token_counter_ttl");
  std::remove(counter.c_str());
  auto now = std::chrono::system_clock::time_point{} + 1000h;
  auto provider = make_command_token_provider("echo x >> '" + counter + "'; echo tok", 600s,
                                              [&] { return now; });
  provider->token();
  now += 539s;  // 61 s left: still cached
  provider->token();
  EXPECT_EQ(line_count(counter), 1u);
  now += 1s;  // 60 s left: inside the safety margin
  provider->token();
  EXPECT_EQ(line_count(counter), 2u);
}

TEST(CommandTokenProvider, FailingCommandThrows) {
  auto provider = make_command_token_provider("exit 1");
  EXPECT_THROW(provider->token(), std::system_error);
}

TEST(StaticTokenProvider, ReturnsToken) {
  auto provider = sasl::make_static_token_provider("abc");
  EXPECT_EQ(provider->token(), "abc");
  EXPECT_EQ(provider->token(true), "abc");
}

}  // namespace
}  // namespace inet::tools
