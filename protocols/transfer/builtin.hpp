// Internal: the built-in scheme handlers (ftp.cc, gopher.cc, http.cc, imap.cc, nntp.cc, pop3.cc,
// smtp.cc, telnet.cc).
#pragma once

#include "protocols/transfer/registry.hpp"

namespace inet::transfer::detail {

boost::asio::awaitable<void> ftp_get(call& c);
boost::asio::awaitable<void> ftp_put(call& c);
boost::asio::awaitable<void> imap_get(call& c);
boost::asio::awaitable<void> imap_put(call& c);
boost::asio::awaitable<void> pop3_get(call& c);
boost::asio::awaitable<void> smtp_put(call& c);
boost::asio::awaitable<void> nntp_get(call& c);
boost::asio::awaitable<void> nntp_put(call& c);
boost::asio::awaitable<void> gopher_get(call& c);
/// curl's selector for a gopher URL (see gopher.cc).
std::string gopher_selector(const url::parsed_url& u);
boost::asio::awaitable<void> telnet_get(call& c);  // telnet.cc
boost::asio::awaitable<void> http_get(call& c);  // http.cc
boost::asio::awaitable<void> http_put(call& c);

}  // namespace inet::transfer::detail
