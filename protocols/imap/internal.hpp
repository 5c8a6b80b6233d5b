// The IMAP client's shared state and I/O core (not public API; used by client.cc/client_ops.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocols/imap/client.hpp"
#include "protocols/session/tls_upgrade.hpp"

namespace inet::imap::detail {

/// Per-command routing of untagged responses: return true to claim the response.
using untagged_fn = std::function<bool(response&)>;

struct client_state {
  explicit client_state(boost::asio::any_io_executor ex);

  transport::stream stream;
  line::engine eng;
  parser prs;
  client_options opts;
  std::vector<std::string> caps;
  status_response greet;
  std::optional<mailbox_info> mailbox;
  std::string auth_mech;
  std::function<void(const response&)> handler;
  std::optional<status_response> bye;
  unsigned next_tag = 0;
  bool connected = false;
  bool untrusted = false;
  bool utf8 = false;
  bool qresync = false;  // ENABLE QRESYNC succeeded
  bool authenticated = false;

  // Where streamed literals go while a command runs, and the raw-command mirror.
  std::function<void(const parser::literal_request&, std::string_view)> literal_sink;
  byte_sink raw_out;
  std::function<bool(std::string_view)> raw_filter;  // per untagged response; none = all
  bool mirroring = false;  // the decision for the response being read
  // The running command keeps streamed literals in memory (fetch() without a sink): they count
  // as kept bytes, not streamed ones.
  bool keep_streamed = false;

  /// What the running command has read so far (client_options::per_command).
  struct budget {
    std::uint64_t kept = 0, streamed = 0;
    std::size_t responses = 0;
  };
  budget spent;

  /// Forgets everything about a previous connection (all but the handler and the options).
  void reset_session();
  /// Starts a new command's budget.
  void begin_command() noexcept { spent = {}; }
  /// Counts `bytes` read for the running command (streamed or kept); over the limit: violation.
  void charge(std::uint64_t bytes, bool streamed);

  bool has(std::string_view cap) const noexcept;
  encoding_options encoding() const noexcept;
  std::string tag();
  /// Throws connection_untrusted / not_connected when the connection cannot be used.
  void check_usable() const;
  [[noreturn]] void violation(std::error_code ec, const std::string& what);

  /// Reads one complete response, streaming literals per `literal_sink`, and charges it to the
  /// running command's budget (lines, literals, one response).
  boost::asio::awaitable<response> read_response();
  /// read_response() into `out`: the response read stays in this call's short-lived frame, not
  /// in the caller's (a long-lived coroutine such as idle() keeps only `out`).
  boost::asio::awaitable<void> read_response_into(response& out);
  /// Updates capabilities / mailbox state from any response, then routes it: `fn` first, then
  /// the unsolicited handler.
  void dispatch(response& r, const untagged_fn& fn);
  /// Sends `w` (synchronising literals wait for "+"), then reads until the tagged response.
  /// `source` supplies external literals. Returns the tagged response (any status).
  boost::asio::awaitable<status_response> run(wire_command w, const untagged_fn& fn,
                                              byte_source* source = nullptr);
  /// run() and throw imap_exception unless the status is OK.
  boost::asio::awaitable<status_response> run_ok(wire_command w, const untagged_fn& fn,
                                                 const std::string& what,
                                                 byte_source* source = nullptr);
  boost::asio::awaitable<void> write_literal(const wire_command::literal& l, byte_source* source);
  boost::asio::awaitable<void> refresh_capabilities();
};

/// NO -> command_failed, BAD -> command_rejected, BYE -> server_bye.
std::error_code code_for(const status_response& r);
void check_atom(std::string_view a, const char* what);

/// The trace's credential redactor for IMAP (registered with the line engine; see
/// transport::redactor): after the tag, LOGIN keeps the user name and AUTHENTICATE
/// the mechanism name (RFC 3501 §6.2.2-3); the rest becomes "<redacted>".
std::optional<std::string> redact_trace(std::string_view line);

}  // namespace inet::imap::detail

namespace inet::imap {

struct client::impl : detail::client_state {
  using client_state::client_state;
  boost::asio::awaitable<void> greeting();
  /// The session layer's security for these options (protocols/session/tls_upgrade.hpp).
  session::security sec() const;
  class starttls_adapter;  // STARTTLS for session::upgrade
  class auth_adapter;      // AUTHENTICATE for the session SASL driver
  boost::asio::awaitable<void> authenticate();
  boost::asio::awaitable<void> login(const sasl::credentials& creds);
  boost::asio::awaitable<mailbox_info> open_mailbox(const char* verb, std::string name, select_options opts);
  boost::asio::awaitable<copy_result> copy_or_move(const char* verb, sequence_set set,
                                                   std::string mailbox, bool by_uid);
  boost::asio::awaitable<void> simple(const char* verb, std::string mailbox);
  void require_selected(const char* what) const;
};

}  // namespace inet::imap
