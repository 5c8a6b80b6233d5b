// Scheme handlers: each protocol registers what get/put of its URLs means. The transfer session
// (session.hpp) finds the handler by scheme and direction and gives it a `call`.
//
// Built in: ftp, ftps, http, https, imap, imaps, nntp, nntps, news, snews (get, put), pop3, pop3s,
// gopher, gophers, telnet (get), smtp, smtps (put). A new protocol adds a handler (a coroutine) and
// registers it once with register_handler(), e.g. at start-up.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocols/transfer/error.hpp"
#include "protocols/transfer/options.hpp"
#include "protocols/url/url.hpp"
#include "transport/body.hpp"
#include "transport/progress.hpp"

namespace inet::transfer {

struct result;

enum class direction { get, put };

/// A protocol connection the session may cache between transfers.
class connection {
 public:
  virtual ~connection() = default;
  /// Ends the session politely (LOGOUT, QUIT) and closes. Must not throw.
  virtual boost::asio::awaitable<void> goodbye() = 0;
};

/// A get announced before it runs (session::plan_gets): the URL and options it will be made with.
struct planned_get {
  url::parsed_url url;
  options opts;
};

/// One transfer as a handler sees it.
struct call {
  const url::parsed_url& url;
  const options& opts;
  const credentials& creds;  ///< resolved (options, URL user info, netrc)
  /// get: the caller's sink, counting bytes into result::bytes and reporting progress; throws
  /// transfer_exception(write_error) when the caller's sink throws.
  byte_sink sink;
  byte_source* source = nullptr;  ///< put: the caller's source
  result& res;
  /// The handler advances this as it goes; it selects the curl exit code of a failure.
  stage where = stage::connect;
  /// A cached connection for this URL's key (reused), or null: the handler opens one.
  std::unique_ptr<connection> cached;
  /// Set by the handler (also when it throws) to a connection fit for the next transfer with
  /// the same key; left null when the connection is broken, closed or must not be reused.
  std::unique_ptr<connection> keep;
  /// The announced size of what is being received (progress `total`), when known.
  std::optional<std::uint64_t> expected_total;
  /// Rate-limits options::progress (created at the first byte, with expected_total or the
  /// upload size); the session makes its final call when the transfer succeeded.
  std::optional<transport::progress_reporter> progress;
  /// Counts `n` more bytes moved in either direction and reports progress.
  void moved(std::uint64_t n, std::optional<std::uint64_t> total);
  /// The handler calls this once for each connection it opens.
  std::function<void()> opened;
  /// get: the gets announced (session::plan_gets) to follow this one on the same connection
  /// key, in order, at most session_options::plan_window of them; empty without a plan. A
  /// handler may opt in and start them ahead on `keep` (POP3 sends their RETRs pipelined);
  /// each still arrives as its own call, and one that never does must not upset the
  /// connection (the handler catches up or drops it). Valid for the duration of the call.
  std::span<const planned_get> ahead;
};

/// The caller's upload source as a handler hands it to a protocol client: counts what is read
/// into result::bytes and reports progress (call::moved, total = options::upload_size); an
/// exception from the caller's source becomes transfer_exception(error::read_error) at `where`.
class counting_source final : public byte_source {
 public:
  counting_source(call& c, stage where) : c_(c), where_(where) {}
  std::size_t read(std::span<char> buf) override;

 private:
  call& c_;
  stage where_;
};

/// A handler: does the transfer, throwing on failure (std::system_error with the protocol's
/// code, or transfer_exception). It must never leave a connection in `keep` that is out of step.
using handler_fn = std::function<boost::asio::awaitable<void>(call&)>;

/// Registers (or replaces) the handler of `s` for `d`. Not synchronised: call it before any
/// transfer runs (at start-up).
void register_handler(url::scheme s, direction d, handler_fn fn);

/// The handler of `s` for `d`, or nullptr. The built-in handlers are registered on first use.
const handler_fn* find_handler(url::scheme s, direction d);

/// Whether the handler of `s` for `d` uses planned gets (call::ahead; session::plan_gets): the
/// built-in pop3 and pop3s get handlers do. Entries for other schemes only separate the plan.
bool plans_ahead(url::scheme s, direction d);
/// Declares (before any transfer runs, like register_handler) whether a handler uses plans.
void set_plans_ahead(url::scheme s, direction d, bool uses);

/// Schemes with a handler for `d`, in enum order.
std::vector<url::scheme> supported_schemes(direction d);

}  // namespace inet::transfer
