#include "protocols/sasl/command.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <system_error>

#include "protocols/sasl/internal.hpp"

extern char** environ;

namespace inet::sasl {
namespace {

[[noreturn]] void fail_command(const std::string& what) {
  detail::fail(error::command_failed, "password/token command: " + what);
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
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~spawn_setup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

// Reads `fd` to EOF into `out`; returns false once more than max_command_output bytes arrived.
bool read_bounded(int fd, std::string& out) {
  std::array<char, 4096> buf{};
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > max_command_output) break;
  }
  OPENSSL_cleanse(buf.data(), buf.size());
  return out.size() <= max_command_output;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail_command("waitpid failed");
  }
  return status;
}

}  // namespace

std::string run_password_command(const std::string& command) {
  if (detail::has_nul(command)) fail_command("command contains NUL");
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
  const bool within_limit = read_bounded(fds[0], output);
  ::close(fds[0]);  // a still-writing command now gets SIGPIPE
  const int status = wait_for(pid);
  std::string line = output.substr(0, output.find('\n'));
  OPENSSL_cleanse(output.data(), output.size());
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (!within_limit) fail_command("output exceeds 64 KiB");
  if (WIFSIGNALED(status)) fail_command("killed by signal " + std::to_string(WTERMSIG(status)));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail_command("exited with status " + std::to_string(WEXITSTATUS(status)));
  if (line.empty()) fail_command("produced no output");
  if (detail::has_nul(line)) fail_command("output contains NUL");
  return line;
}

}  // namespace inet::sasl
