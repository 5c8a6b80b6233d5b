// The `inet` command. Protocol handlers and extra commands register themselves from static
// initialisers of alwayslink libraries listed in BUILD.bazel (see handlers.hpp, commands.hpp).
#include "tools/inet/cli.hpp"

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return inet::cli::run(std::vector<std::string>(argv, argv + argc));
}
