// The skeleton every protocol client shares, written once: the Asio completion-token members of
// `client` and the blocking facade `blocking_client`, both generated from the client's operation
// table (see "Operation tables" in transport/async.hpp). A protocol header reads:
//
//   class client {
//    public:
//     explicit client(boost::asio::any_io_executor ex);
//     ...the coroutines, accessors and `void close() noexcept`...
//     INET_CLIENT_FRAME(INET_FTP_OPERATIONS)
//   };
//
//   class blocking_client : public transport::blocking_frame<client> {
//    public:
//     INET_FTP_OPERATIONS(INET_BLOCKING_DECLARE)
//     INET_FTP_ACCESSORS(INET_BLOCKING_ACCESSOR)
//   };
//
// and its .cc defines `client::impl`, `client::get_executor()` and, with transport/blocking.hpp,
// `INET_FTP_OPERATIONS(INET_BLOCKING_DEFINE)`.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>

#include "transport/async.hpp"

/// The last members of a protocol's `client` (which declares `void close() noexcept`), leaving
/// the class in a private section:
///   - `executor_type` and `get_executor()` (defined in the protocol's .cc: the connection's);
///   - `async_xxx(args..., CompletionToken&&)` for every row of `OPERATIONS`;
///   - `last_failure()`: the exception behind the error_code of the last failed async_
///     operation or error_code& blocking call (a protocol exception keeps the server's reply);
///     null after a success;
///   - the private pimpl (`struct impl`, defined in the .cc) and what the async front needs: a
///     cancelled operation closes the client (transport::async_target::close).
#define INET_CLIENT_FRAME(OPERATIONS)                                                      \
 public:                                                                                   \
  using executor_type = ::boost::asio::any_io_executor;                                    \
  executor_type get_executor() const noexcept;                                             \
  OPERATIONS(INET_ASYNC_FRONT)                                                             \
  const std::exception_ptr& last_failure() const noexcept { return last_failure_; }       \
                                                                                           \
 private:                                                                                  \
  friend class blocking_client;                                                            \
  ::inet::transport::async_target async_target_() {                                        \
    return {get_executor(), &last_failure_, [this] { close(); }};                          \
  }                                                                                        \
  struct impl;                                                                             \
  std::unique_ptr<impl> impl_;                                                             \
  std::exception_ptr last_failure_;

namespace inet::transport {

/// The base of a protocol's `blocking_client`: a private io_context and the `Client` running on
/// it. The derived class adds the operations (INET_BLOCKING_DECLARE: each runs its coroutine to
/// completion on the io_context; the throwing overloads throw exactly what the coroutine
/// throws, the error_code& overloads set `ec` instead, return a value-initialised result on
/// failure and keep the exception in `async().last_failure()`) and the accessors
/// (INET_BLOCKING_ACCESSOR). Not copyable or movable.
template <typename Client>
class blocking_frame {
 public:
  blocking_frame() : client_(std::make_unique<Client>(io_.get_executor())) {}
  /// Closes the connection without a goodbye (Client::close()).
  void close() noexcept { client_->close(); }
  /// The coroutine client underneath.
  Client& async() noexcept { return *client_; }

 protected:
  boost::asio::io_context io_;
  std::unique_ptr<Client> client_;
};

}  // namespace inet::transport
