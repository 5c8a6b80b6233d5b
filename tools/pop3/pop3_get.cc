// `inet get pop3(s)://`: the CLI's view of the library's pop3 handler.
#include "tools/pop3/pop3_get.hpp"

#include "tools/inet/library_handlers.hpp"

namespace inet::pop3_cli {

cli::exit_code exit_code_for(const std::error_code& ec, phase p) {
  return transfer::curl_exit_code(ec, p);
}

int pop3_get(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  return cli::library_transfer(cli::direction::get, o, u, ctx);
}

}  // namespace inet::pop3_cli
