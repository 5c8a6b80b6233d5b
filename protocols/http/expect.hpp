// Expect: 100-continue (RFC 9110 §10.1.1) for client::send: after the request head, wait a
// bounded time for the server's word before sending the body. Internal to the client.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <functional>

#include "protocols/http/client.hpp"
#include "transport/stream.hpp"

namespace inet::http::detail {

/// Waits up to `timeout` for the first response byte on `s` (bytes read go to `buf`; a
/// cancelled read loses none). Nothing by then: true (send the body anyway, as curl does after
/// --expect100-timeout). Otherwise reads the first head (at most `max_header_bytes`, else
/// error::response_too_large): "100 Continue" is consumed from `buf`, given to `on_interim`
/// and true is returned; another 1xx stays in `buf` and true is returned; a final status stays
/// in `buf` for the response parser and false is returned (the body must not be sent and the
/// connection must not be reused).
boost::asio::awaitable<bool> await_continue(transport::stream& s, boost::beast::flat_buffer& buf,
                                            std::chrono::milliseconds timeout,
                                            std::size_t max_header_bytes,
                                            const std::function<void(const response&)>& on_interim);

/// "HTTP/1.1 100 Continue\r\nA: b\r\n\r\n" -> the response (status, reason, version, fields);
/// throws error::malformed_response when the status line is not HTTP/1.x NNN.
response parse_interim_head(std::string_view head);

}  // namespace inet::http::detail
