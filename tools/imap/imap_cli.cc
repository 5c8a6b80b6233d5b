// `inet get/put imap(s)://`: the CLI's view of the library's imap handler.
#include "tools/imap/imap_cli.hpp"

#include "tools/inet/library_handlers.hpp"

namespace inet::imap_cli {

request plan_request(const cli::transfer_options& o, const url::parsed_url& u, bool upload) {
  transfer::options t;
  t.custom_request = o.request;
  if (o.upload_file && *o.upload_file != "-") t.upload_name = *o.upload_file;
  return transfer::imap_url::plan_request(t, u, upload);
}

int imap_get(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  return cli::library_transfer(cli::direction::get, o, u, ctx);
}

int imap_put(const cli::transfer_options& o, const url::parsed_url& u,
             cli::transfer_context& ctx) {
  return cli::library_transfer(cli::direction::put, o, u, ctx);
}

}  // namespace inet::imap_cli
