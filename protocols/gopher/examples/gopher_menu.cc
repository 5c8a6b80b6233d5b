// Example: print a Gopher menu as a list of typed items.
//
//   gopher_menu HOST [PORT] [SELECTOR]
#include <cstdlib>
#include <iostream>
#include <string>

#include "protocols/gopher/client.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gopher_menu HOST [PORT] [SELECTOR]\n";
    return 2;
  }
  inet::gopher::client_options opts;
  opts.host = argv[1];
  if (argc > 2) opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const std::string selector = argc > 3 ? argv[3] : "";
  inet::gopher::blocking_client gopher;
  try {
    for (const auto& it : gopher.menu(opts, selector)) {
      if (it.is_info()) {
        std::cout << "      " << it.display << "\n";
        continue;
      }
      std::cout << "[" << it.type << "]   " << it.display << "  -> " << it.host << ":" << it.port
                << " " << it.selector << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "gopher_menu: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
