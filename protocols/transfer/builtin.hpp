// Internal: the built-in scheme handlers (ftp.cc, imap.cc, pop3.cc, smtp.cc).
#pragma once

#include "protocols/transfer/registry.hpp"

namespace inet::transfer::detail {

boost::asio::awaitable<void> ftp_get(call& c);
boost::asio::awaitable<void> ftp_put(call& c);
boost::asio::awaitable<void> imap_get(call& c);
boost::asio::awaitable<void> imap_put(call& c);
boost::asio::awaitable<void> pop3_get(call& c);
boost::asio::awaitable<void> smtp_put(call& c);

}  // namespace inet::transfer::detail
