#include "tools/common/password_command.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <system_error>
#include <thread>

#include "protocols/sasl/mechanism.hpp"

extern char** environ;

namespace inet::tools {
namespace {

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

[[noreturn]] void fail_command(const std::string& what) {
  throw std::system_error(make_error_code(sasl::error::command_failed),
                          "password/token command: " + what);
}

// RAII for the spawn attribute objects.
struct spawn_setup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  spawn_setup(int stdout_fd, int unused_fd) {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, unused_fd);
    sigset_t defaults, mask;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&mask);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &mask);
    // Its own process group, so a timeout can kill everything the command started.
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETPGROUP);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

using clock = std::chrono::steady_clock;

enum class read_outcome { complete, too_large, timed_out };

// Milliseconds left until `deadline` for poll(), at least 0.
int remaining_ms(clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000 ? 1'000'000 : static_cast<int>(left.count());
}

// Reads `fd` to EOF into `out`, stopping once more than max_command_output bytes arrived or at
// `deadline`.
read_outcome read_bounded(int fd, std::string& out, clock::time_point deadline) {
  std::array<char, 4096> buf{};
  read_outcome result = read_outcome::complete;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      result = read_outcome::timed_out;
      break;
    }
    if (ready < 0) break;  // treated as EOF; the exit status decides
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > max_command_output) {
      result = read_outcome::too_large;
      break;
    }
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return result;
}

int wait_blocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail_command("waitpid failed");
  }
  return status;
}

// Waits for `pid` until `deadline`; false if it is still running then.
bool wait_until(pid_t pid, clock::time_point deadline, int& status) {
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) fail_command("waitpid failed");
    if (clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(50)) pause *= 2;
  }
}

std::string describe(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return std::to_string(timeout.count() / 1000) + " s";
  return std::to_string(timeout.count()) + " ms";
}

}  // namespace

std::string run_password_command(const std::string& command, std::chrono::milliseconds timeout) {
  if (has_nul(command)) fail_command("command contains NUL");
  if (timeout.count() <= 0) fail_command("timeout must be positive");
  const clock::time_point deadline = clock::now() + timeout;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail_command("pipe failed");
  pid_t pid = 0;
  int spawn_rc = 0;
  {
    spawn_setup setup(fds[1], fds[0]);
    char sh[] = "sh", dash_c[] = "-c";
    char* argv[] = {sh, dash_c, const_cast<char*>(command.c_str()), nullptr};
    spawn_rc = ::posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attr, argv, environ);
  }
  ::close(fds[1]);
  if (spawn_rc != 0) {
    ::close(fds[0]);
    fail_command("cannot run /bin/sh: " + std::generic_category().message(spawn_rc));
  }
  std::string output;
  const read_outcome outcome = read_bounded(fds[0], output, deadline);
  ::close(fds[0]);  // a still-writing command now gets SIGPIPE
  int status = 0;
  const bool exited = outcome != read_outcome::timed_out && wait_until(pid, deadline, status);
  if (!exited) {
    ::kill(-pid, SIGKILL);  // the whole group: sh and whatever it started
    wait_blocking(pid);
    OPENSSL_cleanse(output.data(), output.size());
    fail_command("timed out after " + describe(timeout));
  }
  std::string line = output.substr(0, output.find('\n'));
  OPENSSL_cleanse(output.data(), output.size());
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (outcome == read_outcome::too_large) fail_command("output exceeds 64 KiB");
  if (WIFSIGNALED(status)) fail_command("killed by signal " + std::to_string(WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail_command("exited with status " + std::to_string(WEXITSTATUS(status)));
  if (line.empty()) fail_command("produced no output");
  if (has_nul(line)) fail_command("output contains NUL");
  return line;
}

std::unique_ptr<sasl::token_provider> make_command_token_provider(std::string command,
                                                                  std::chrono::seconds ttl,
                                                                  sasl::clock_fn now) {
  return sasl::make_caching_token_provider(
      [command = std::move(command)] { return run_password_command(command); }, ttl,
      std::move(now));
}

}  // namespace inet::tools
