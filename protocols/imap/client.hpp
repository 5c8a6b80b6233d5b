// IMAP client (RFC 3501 IMAP4rev1; an RFC 9051 IMAP4rev2 server is used in rev1 mode, since
// ENABLE IMAP4rev2 is not sent) with STARTTLS (RFC 2595/8314), SASL
// AUTHENTICATE (+ SASL-IR, RFC 4959), ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342),
// LIST-EXTENDED/SPECIAL-USE (RFC 5258/6154), UIDPLUS (RFC 4315), MOVE (RFC 6851), LITERAL+/-
// (RFC 7888), UTF8=ACCEPT (RFC 6855), CONDSTORE (RFC 7162), ESEARCH (RFC 4731), IDLE (RFC 2177),
// BINARY (RFC 3516), UNSELECT (RFC 3691).
//
// Every operation is one C++20 coroutine (`client`, throwing typed exceptions). The Asio
// completion-token form `async_xxx(..., CompletionToken&&)` (callbacks, use_awaitable, deferred,
// use_future, as_tuple; per-operation cancellation) and `blocking_client` (throwing and
// error_code& overloads, run on a private io_context) are generated from one table,
// INET_IMAP_OPERATIONS below; see transport/async.hpp for the error mapping and cancellation. Body sections stream to a caller's sink in chunks no larger than the
// line reader's buffer (limits.max_line_bytes + 2 + 16 KiB), so a message of any size uses a
// fixed amount of memory.
// Untagged responses a command does not own (EXISTS, EXPUNGE, FETCH FLAGS, BYE, ALERT ...) go to
// the handler set with set_unsolicited_handler, whenever they arrive.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/imap/command.hpp"
#include "protocols/imap/error.hpp"
#include "protocols/imap/parser.hpp"
#include "protocols/imap/types.hpp"
#include "protocols/line/engine.hpp"
#include "protocols/sasl/mechanism.hpp"
#include "protocols/sasl/oauth2.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"
#include "transport/client_frame.hpp"
#include "transport/error.hpp"
#include "transport/options.hpp"
#include "transport/progress.hpp"
#include "transport/stream.hpp"

namespace inet::imap {

/// A tagged NO/BAD (or a BYE) from the server: code() says command_failed / command_rejected /
/// auth_failed / server_bye ...; response() is the status response with its code and text.
class imap_exception : public inet::exception {
 public:
  imap_exception(std::error_code ec, std::string operation, status_response r);
  const status_response& response() const noexcept { return response_; }

 private:
  status_response response_;
};

enum class security {
  starttls,      ///< plaintext on 143, upgraded with STARTTLS according to the policy
  implicit_tls,  ///< TLS from the first byte (imaps, port 993, RFC 8314)
};

/// Bounds on everything the server sends in answer to ONE command: from the command to its
/// tagged response (for IDLE: from IDLE to the response to DONE; connect() counts each of its
/// steps separately). parser_limits bound a single response; these bound how much a command
/// reads in total, so a hostile server cannot grow memory (or a sink's output) without end by
/// answering one command with an endless series of valid responses, each of which also resets
/// the idle timer. Exceeding a bound closes the connection (every later call throws
/// error::connection_untrusted) and throws std::system_error(error::response_too_large).
struct command_limits {
  /// Bytes that pass through memory for one command, in bytes: every response line with its
  /// CRLF (claimed by the command or handed to the unsolicited handler) plus every literal that
  /// is kept — including FETCH body sections kept because fetch_options::sink is empty.
  std::uint64_t max_bytes = 64ull << 20;
  /// Responses read for one command: untagged ones, continuation requests and the tagged one.
  std::size_t max_responses = 1'000'000;
  /// Body-section literal bytes streamed for one command (to fetch_options::sink, to
  /// command()'s `out`, or skipped when nobody wants them), in bytes. Each section is also
  /// bounded by fetch_options::max_section_bytes; this bounds how many a server may send.
  /// Raise it to fetch more than 64 GiB with one FETCH.
  std::uint64_t max_streamed_bytes = 64ull << 30;
};

struct client_options {
  std::string host;
  std::uint16_t port = 143;
  imap::security security = security::starttls;
  /// TLS policy for security::starttls. Unset: required when credentials or a token are given
  /// (nothing secret is ever sent in clear), opportunistic otherwise.
  std::optional<transport::tls_policy> policy;
  transport::tls_options tls;
  transport::connect_options connect;
  /// Credentials; username empty = no authentication (PREAUTH or anonymous use).
  sasl::credentials credentials;
  /// OAuth2 tokens for XOAUTH2/OAUTHBEARER (fetched with async_token: a slow provider never
  /// blocks the executor); refreshed and retried once when rejected.
  std::shared_ptr<sasl::token_provider> token_provider;
  /// Force one SASL mechanism ("PLAIN"); empty = the strongest both sides support, falling back
  /// to the LOGIN command when the server offers no usable AUTH= mechanism.
  std::string auth_mechanism;
  /// Use the LOGIN command (RFC 3501 §6.2.3) even when SASL mechanisms are offered.
  bool use_login_command = false;
  /// Sent with ID (RFC 2971) after login when the server offers ID; empty = no ID command.
  std::vector<std::pair<std::string, std::string>> client_id;
  bool enable_utf8 = true;        ///< ENABLE UTF8=ACCEPT when offered (RFC 6855)
  bool enable_condstore = false;  ///< ENABLE CONDSTORE when offered (RFC 7162)
  /// ENABLE QRESYNC (and CONDSTORE) when offered (RFC 7162 §3.2.3). Once enabled the server
  /// reports expunges as "* VANISHED uid-set" instead of "* n EXPUNGE" (§3.2.10).
  bool enable_qresync = false;
  /// COMPRESS=DEFLATE (RFC 4978) after login when the server offers it: both directions are
  /// compressed from then on (the trace shows uncompressed data).
  bool compress = false;
  line::limits limits;            ///< max_line_bytes bounds every response line
  parser_limits parser;           ///< nesting depth, kept-literal and response limits
  command_limits per_command;     ///< totals one command may read (see command_limits)
};

/// The result of SELECT / EXAMINE (RFC 3501 §6.3.1).
struct mailbox_info {
  std::string name;                          ///< UTF-8, as selected
  std::vector<std::string> flags;            ///< FLAGS
  std::vector<std::string> permanent_flags;  ///< [PERMANENTFLAGS (...)]
  std::uint32_t exists = 0, recent = 0;      ///< kept current by later EXISTS/RECENT/EXPUNGE
  std::optional<std::uint32_t> unseen;       ///< [UNSEEN n] (IMAP4rev1)
  std::optional<std::uint32_t> uidvalidity, uidnext;
  std::optional<std::uint64_t> highest_modseq;  ///< [HIGHESTMODSEQ n]; nullopt with [NOMODSEQ]
  bool read_only = false;                    ///< [READ-ONLY] (EXAMINE, or no write access)
  /// QRESYNC SELECT (RFC 7162 §3.2.5.1): UIDs expunged since the remembered mod-sequence, merged
  /// from the "* VANISHED (EARLIER)" responses; nullopt when the server sent none.
  std::optional<sequence_set> vanished;
  /// QRESYNC SELECT: the FETCH responses (UID, FLAGS, MODSEQ) of messages changed since the
  /// remembered mod-sequence, in arrival order.
  std::vector<fetch_data> changed;
};

/// What the client remembers of a mailbox for a quick resynchronisation (RFC 7162 §3.2.5).
/// When `uidvalidity` no longer matches, the server ignores the parameters: compare
/// mailbox_info::uidvalidity and resynchronise fully.
struct qresync_params {
  std::uint32_t uidvalidity = 0;          ///< the UIDVALIDITY last seen (non-zero)
  std::uint64_t modseq = 0;               ///< the HIGHESTMODSEQ last seen (non-zero)
  std::optional<sequence_set> known_uids;  ///< UIDs the client holds (bounds VANISHED)
  /// Message sequence match data (§3.2.5.2): known sequence numbers and their UIDs, pairwise.
  std::optional<std::pair<sequence_set, sequence_set>> seq_match;
};

/// SELECT / EXAMINE parameters (RFC 7162 §3.1.8, §3.2.5).
struct select_options {
  bool condstore = false;                 ///< (CONDSTORE): per-message MODSEQ from now on
  /// (QRESYNC (...)): needs client_options::enable_qresync and a server that enabled it
  /// (error::capability_missing otherwise, before anything is sent).
  std::optional<qresync_params> qresync;
};

/// LIST options (RFC 5258 / RFC 6154).
struct list_options {
  bool special_use = true;  ///< RETURN (SPECIAL-USE) when the server offers SPECIAL-USE
  bool subscribed_only = false;  ///< (SUBSCRIBED) selection, needs LIST-EXTENDED
};

/// A mailbox from list_status(): its LIST entry and, unless it cannot be selected, its STATUS.
struct mailbox_listing {
  list_data list;
  std::optional<status_data> status;
};

/// One body section to fetch (RFC 3501 §6.4.5 / RFC 3516).
struct section_spec {
  std::string section;   ///< "" (whole message), "1.2", "HEADER", "TEXT", "1.MIME",
                         ///< "HEADER.FIELDS (FROM TO)" — letters, digits, ".", "-", " ", "()"
  bool peek = true;      ///< BODY.PEEK: do not set \Seen
  bool binary = false;   ///< BINARY[...]: content-transfer-decoded (needs the BINARY capability)
  std::optional<std::pair<std::uint64_t, std::uint64_t>> partial;  ///< <offset.length> in bytes
  /// "BODY.PEEK[1.2]<0.100>". Throws std::system_error(transport::error::invalid_argument) for
  /// a section with other characters.
  std::string to_string() const;
};

/// What FETCH asks for (RFC 3501 §6.4.5).
struct fetch_items {
  bool uid = true;
  bool flags = false;
  bool internal_date = false;
  bool rfc822_size = false;
  bool envelope = false;
  bool body_structure = false;
  bool modseq = false;                 ///< MODSEQ (RFC 7162)
  std::vector<section_spec> sections;
  std::vector<std::string> extra;      ///< other atoms ("X-GM-LABELS"), validated as atoms
};

/// Where a streamed body chunk belongs.
struct section_ref {
  std::uint32_t seq = 0;   ///< message sequence number
  std::string item;        ///< "BODY[1.2]<0>" as the server named it
  std::uint64_t size = 0;  ///< total bytes of this section
};
/// Receives body section bytes in order, in chunks; throwing aborts (and closes) the connection.
using section_sink = std::function<void(const section_ref& where, std::string_view chunk)>;

struct fetch_options {
  bool by_uid = false;                         ///< UID FETCH: the set holds UIDs
  std::optional<std::uint64_t> changed_since;  ///< (CHANGEDSINCE n), RFC 7162 §3.1.4
  /// (CHANGEDSINCE n VANISHED), RFC 7162 §3.2.6: also report UIDs expunged since n. Needs
  /// by_uid, changed_since and QRESYNC enabled (transport::error::invalid_argument /
  /// error::capability_missing). The "* VANISHED (EARLIER)" responses go to `on_vanished`.
  bool vanished = false;
  std::function<void(const sequence_set& uids)> on_vanished;
  /// Body sections stream here. Empty: they are kept in section_data::data.
  section_sink sink;
  /// If set, each FETCH response of the requested set is handed here once complete, in arrival
  /// order, instead of being returned (fetch() then returns an empty vector): with `sink`,
  /// memory stays flat however many messages the set names.
  std::function<void(fetch_data& message)> on_message;
  /// Largest section accepted, in bytes; a larger literal fails with error::literal_too_large
  /// before any of it is read. 0 = 1 MiB when kept, 4 GiB when streamed to `sink`.
  std::uint64_t max_section_bytes = 0;
  /// Progress of each body section (streamed or kept), one transfer per literal: done = bytes
  /// of the literal read so far, total = the literal's size, at most ten calls a second and a
  /// final call when the literal is complete (transport/progress.hpp). Empty sections report
  /// nothing.
  transport::progress_fn progress;
};

/// STORE (RFC 3501 §6.4.6, RFC 7162 §3.1.3).
struct store_action {
  enum class op { add, remove, replace };
  op what = op::add;                  ///< +FLAGS / -FLAGS / FLAGS
  std::vector<std::string> flags;     ///< "\Seen", "$Label" (atoms)
  bool silent = false;                ///< .SILENT: no FETCH responses
  std::optional<std::uint64_t> unchanged_since;  ///< (UNCHANGEDSINCE n)
};

struct store_result {
  std::vector<fetch_data> updated;      ///< the FETCH responses (FLAGS, MODSEQ)
  std::optional<sequence_set> modified; ///< [MODIFIED set]: not stored (UNCHANGEDSINCE failed)
};

/// COPY / MOVE results (UIDPLUS, RFC 4315 §3).
struct copy_result {
  std::optional<std::uint32_t> uidvalidity;  ///< of the destination
  std::optional<sequence_set> source_uids, dest_uids;
  std::vector<std::uint32_t> expunged;       ///< MOVE: sequence numbers EXPUNGEd in the source
  std::optional<sequence_set> vanished;      ///< MOVE with QRESYNC: source UIDs, from VANISHED
};

struct append_options {
  std::vector<std::string> flags;  ///< e.g. {"\\Seen"}
  std::string internal_date;       ///< "" or RFC 3501 date-time "17-Jul-1996 02:44:25 -0700"
  /// Upload progress: bytes of the message read from the source, total = the announced size,
  /// at most ten calls a second and a final call after the tagged OK (transport/progress.hpp).
  transport::progress_fn progress;
};

struct append_result {
  std::optional<std::uint32_t> uidvalidity;  ///< [APPENDUID v uid] (RFC 4315 §3)
  std::optional<sequence_set> uids;
};

struct search_result {
  std::vector<std::uint32_t> ids;  ///< sequence numbers, or UIDs for a UID SEARCH
  std::optional<std::uint64_t> count, modseq;
  std::optional<std::uint32_t> min, max;
};

/// A raw command's outcome: the tagged status and every untagged response.
struct command_result {
  status_response status;
  std::vector<response> untagged;
};

/// Every operation of `client`, one row per overload (a default argument gives one row per
/// arity): X(result, name, (parameters), (arguments)). Each row gives
/// client::async_name(parameters..., token) completing with void(error_code[, result]), and
/// blocking_client::name(parameters...) (throwing) plus name(parameters..., error_code&).
/// A new operation needs a row here. Sinks and handlers are called on the client's executor;
/// async_append's `message` must stay alive until the operation completes.
#define INET_IMAP_OPERATIONS(X)                                                                   \
  X(void, connect, (client_options opts), (std::move(opts)))                                      \
  X(std::vector<std::string>, capability, (), ())                                                 \
  X(std::vector<response>, noop, (), ())                                                          \
  X(id_data, id, (std::vector<std::pair<std::string, std::string>> fields), (std::move(fields)))  \
  X(std::vector<std::string>, enable, (std::vector<std::string> caps), (std::move(caps)))         \
  X(namespace_data, get_namespace, (), ())                                                        \
  X(void, compress, (), ())                                                                       \
  X(void, logout, (), ())                                                                         \
  X(std::vector<list_data>, list, (std::string reference, std::string pattern),                   \
    (std::move(reference), std::move(pattern)))                                                   \
  X(std::vector<list_data>, list, (std::string reference, std::string pattern, list_options opts),\
    (std::move(reference), std::move(pattern), opts))                                             \
  X(std::vector<list_data>, lsub, (std::string reference, std::string pattern),                   \
    (std::move(reference), std::move(pattern)))                                                   \
  X(std::vector<mailbox_listing>, list_status,                                                    \
    (std::string reference, std::string pattern, std::vector<std::string> items),                 \
    (std::move(reference), std::move(pattern), std::move(items)))                                 \
  X(std::vector<mailbox_listing>, list_status,                                                    \
    (std::string reference, std::string pattern, std::vector<std::string> items,                  \
     list_options opts),                                                                          \
    (std::move(reference), std::move(pattern), std::move(items), opts))                           \
  X(status_data, status, (std::string mailbox, std::vector<std::string> items),                   \
    (std::move(mailbox), std::move(items)))                                                       \
  X(mailbox_info, select, (std::string mailbox), (std::move(mailbox)))                            \
  X(mailbox_info, select, (std::string mailbox, bool condstore), (std::move(mailbox), condstore)) \
  X(mailbox_info, select, (std::string mailbox, select_options opts),                             \
    (std::move(mailbox), std::move(opts)))                                                        \
  X(mailbox_info, examine, (std::string mailbox), (std::move(mailbox)))                           \
  X(mailbox_info, examine, (std::string mailbox, bool condstore), (std::move(mailbox), condstore))\
  X(mailbox_info, examine, (std::string mailbox, select_options opts),                            \
    (std::move(mailbox), std::move(opts)))                                                        \
  X(void, create, (std::string mailbox), (std::move(mailbox)))                                    \
  X(void, delete_mailbox, (std::string mailbox), (std::move(mailbox)))                            \
  X(void, rename, (std::string from, std::string to), (std::move(from), std::move(to)))           \
  X(void, subscribe, (std::string mailbox), (std::move(mailbox)))                                 \
  X(void, unsubscribe, (std::string mailbox), (std::move(mailbox)))                               \
  X(void, close_mailbox, (), ())                                                                  \
  X(void, unselect, (), ())                                                                       \
  X(std::vector<fetch_data>, fetch, (sequence_set set, fetch_items items),                        \
    (std::move(set), std::move(items)))                                                           \
  X(std::vector<fetch_data>, fetch, (sequence_set set, fetch_items items, fetch_options opts),    \
    (std::move(set), std::move(items), std::move(opts)))                                          \
  X(search_result, search, (search_key key), (std::move(key)))                                    \
  X(search_result, search, (search_key key, bool by_uid), (std::move(key), by_uid))               \
  X(store_result, store, (sequence_set set, store_action action),                                 \
    (std::move(set), std::move(action)))                                                          \
  X(store_result, store, (sequence_set set, store_action action, bool by_uid),                    \
    (std::move(set), std::move(action), by_uid))                                                  \
  X(copy_result, copy, (sequence_set set, std::string mailbox),                                   \
    (std::move(set), std::move(mailbox)))                                                         \
  X(copy_result, copy, (sequence_set set, std::string mailbox, bool by_uid),                      \
    (std::move(set), std::move(mailbox), by_uid))                                                 \
  X(copy_result, move, (sequence_set set, std::string mailbox),                                   \
    (std::move(set), std::move(mailbox)))                                                         \
  X(copy_result, move, (sequence_set set, std::string mailbox, bool by_uid),                      \
    (std::move(set), std::move(mailbox), by_uid))                                                 \
  X(std::vector<std::uint32_t>, expunge, (), ())                                                  \
  X(std::vector<std::uint32_t>, uid_expunge, (sequence_set uids), (std::move(uids)))              \
  X(sequence_set, expunge_uids, (), ())                                                           \
  X(append_result, append, (std::string mailbox, byte_source& message, std::uint64_t size),       \
    (std::move(mailbox), message, size))                                                          \
  X(append_result, append,                                                                        \
    (std::string mailbox, byte_source& message, std::uint64_t size, append_options opts),         \
    (std::move(mailbox), message, size, std::move(opts)))                                         \
  X(std::vector<response>, idle, (std::chrono::milliseconds timeout), (timeout))                  \
  X(std::vector<response>, idle, (std::chrono::milliseconds timeout, bool return_on_first),       \
    (timeout, return_on_first))                                                                   \
  X(command_result, command, (std::string line), (std::move(line)))                               \
  X(command_result, command, (std::string line, byte_sink out), (std::move(line), std::move(out)))\
  X(command_result, command,                                                                      \
    (std::string line, byte_sink out, std::function<bool(std::string_view first_line)> mirror),   \
    (std::move(line), std::move(out), std::move(mirror)))                                         \
  X(command_result, command,                                                                      \
    (std::string line, byte_sink out, std::function<bool(std::string_view first_line)> mirror,    \
     std::function<bool(const response&)> keep),                                                  \
    (std::move(line), std::move(out), std::move(mirror), std::move(keep)))

/// The accessors blocking_client forwards to `client` unchanged (no arguments, const).
#define INET_IMAP_ACCESSORS(X)                                                                    \
  X(capabilities) X(greeting) X(selected) X(is_tls) X(tls_details) X(authenticated_with)          \
  X(utf8_enabled) X(qresync_enabled) X(compression_active) X(timeouts) X(last_failure)

/// Asynchronous IMAP client. One instance = one connection at a time (connect() again starts
/// afresh). Not thread-safe; one operation at a time. After a protocol violation (malformed
/// response, unexpected tag, injection, a command's responses over client_options::per_command:
/// error::response_too_large) the connection is closed and every later call throws
/// error::connection_untrusted.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects (closing any previous connection and forgetting all of its state: capabilities,
  /// UTF8=ACCEPT, the selected mailbox, BYE, a protocol violation, the tag counter, which
  /// restarts at A1), reads the greeting, learns CAPABILITY, upgrades with STARTTLS per the policy
  /// (capabilities learned before TLS are forgotten, RFC 2595 §3.1), authenticates when
  /// credentials are given, then sends ID and ENABLE as configured. Throws imap_exception /
  /// std::system_error: error::tls_required, error::preauth_in_clear (PREAUTH on plaintext with
  /// TLS required: refused), error::bad_greeting, error::server_bye, error::auth_failed,
  /// error::auth_unavailable (incl. LOGINDISABLED, or a password mechanism without TLS),
  /// transport::error::starttls_injection, transport and parse errors.
  boost::asio::awaitable<void> connect(client_options opts);

  boost::asio::awaitable<std::vector<std::string>> capability();  ///< CAPABILITY (§6.1.1)
  boost::asio::awaitable<std::vector<response>> noop();           ///< NOOP: untagged seen
  /// ID (RFC 2971): sends `fields` (empty = NIL), returns the server's. capability_missing.
  boost::asio::awaitable<id_data> id(std::vector<std::pair<std::string, std::string>> fields);
  /// ENABLE (RFC 5161): returns what the server enabled. capability_missing without ENABLE.
  boost::asio::awaitable<std::vector<std::string>> enable(std::vector<std::string> caps);
  boost::asio::awaitable<namespace_data> get_namespace();  ///< NAMESPACE (RFC 2342)
  /// COMPRESS DEFLATE (RFC 4978): after the OK both directions are raw DEFLATE (RFC 1951).
  /// Errors: capability_missing without COMPRESS=DEFLATE, command_failed for NO (e.g.
  /// [COMPRESSIONACTIVE]); corrupt compressed data later fails reads with
  /// transport::error::compression_failed and the connection is closed.
  boost::asio::awaitable<void> compress();
  /// LOGOUT; reads BYE and the tagged OK (bounded by 5 s), then closes. Never throws.
  boost::asio::awaitable<void> logout();

  /// LIST reference pattern (§6.3.8); names are UTF-8. With SPECIAL-USE offered and
  /// opts.special_use, adds RETURN (SPECIAL-USE) so \Sent, \Drafts ... appear.
  boost::asio::awaitable<std::vector<list_data>> list(std::string reference, std::string pattern,
                                                      list_options opts = {});
  boost::asio::awaitable<std::vector<list_data>> lsub(std::string reference, std::string pattern);
  /// LIST with the STATUS `items` of every listed mailbox ({"MESSAGES", "UNSEEN"} ...): one
  /// LIST ... RETURN (STATUS (...)) with LIST-STATUS (RFC 5819), else LIST then one STATUS per
  /// selectable mailbox. \Noselect / \NonExistent mailboxes get no status. Errors as list()
  /// and status().
  boost::asio::awaitable<std::vector<mailbox_listing>> list_status(std::string reference, std::string pattern,
                                                                   std::vector<std::string> items,
                                                                   list_options opts = {});
  /// STATUS (§6.3.10): items e.g. {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN"}.
  boost::asio::awaitable<status_data> status(std::string mailbox, std::vector<std::string> items);
  /// SELECT (§6.3.1); `condstore` adds (CONDSTORE). NO -> imap_exception(command_failed).
  boost::asio::awaitable<mailbox_info> select(std::string mailbox, bool condstore = false);
  boost::asio::awaitable<mailbox_info> examine(std::string mailbox, bool condstore = false);
  /// SELECT / EXAMINE with CONDSTORE or QRESYNC parameters (RFC 7162 §3.2.5): with
  /// opts.qresync, mailbox_info::vanished and ::changed tell what happened since. Errors as
  /// above, plus error::capability_missing when QRESYNC is not enabled.
  boost::asio::awaitable<mailbox_info> select(std::string mailbox, select_options opts);
  boost::asio::awaitable<mailbox_info> examine(std::string mailbox, select_options opts);
  boost::asio::awaitable<void> create(std::string mailbox);
  boost::asio::awaitable<void> delete_mailbox(std::string mailbox);
  boost::asio::awaitable<void> rename(std::string from, std::string to);
  boost::asio::awaitable<void> subscribe(std::string mailbox);
  boost::asio::awaitable<void> unsubscribe(std::string mailbox);
  /// CLOSE (§6.4.2): expunges \Deleted silently and deselects.
  boost::asio::awaitable<void> close_mailbox();
  /// UNSELECT (RFC 3691): deselects without expunging. capability_missing without UNSELECT.
  boost::asio::awaitable<void> unselect();

  /// FETCH / UID FETCH (§6.4.5). Returns the FETCH responses for the requested messages in
  /// arrival order (others go to the unsolicited handler). Sections stream to opts.sink or are
  /// kept (see fetch_options). Errors: no_mailbox_selected, literal_too_large, command_failed,
  /// response_too_large (over client_options::per_command: kept sections count in max_bytes,
  /// sections streamed to opts.sink in max_streamed_bytes).
  boost::asio::awaitable<std::vector<fetch_data>> fetch(sequence_set set, fetch_items items,
                                                        fetch_options opts = {});
  /// SEARCH / UID SEARCH (§6.4.4) with CHARSET UTF-8 when the key has non-ASCII text (not with
  /// UTF8=ACCEPT enabled). With ESEARCH offered, RETURN (MIN MAX COUNT ALL) is used.
  boost::asio::awaitable<search_result> search(search_key key, bool by_uid = false);
  /// STORE / UID STORE (§6.4.6).
  boost::asio::awaitable<store_result> store(sequence_set set, store_action action,
                                             bool by_uid = false);
  /// COPY / UID COPY (§6.4.7). [TRYCREATE] arrives in the exception's response code.
  boost::asio::awaitable<copy_result> copy(sequence_set set, std::string mailbox, bool by_uid = false);
  /// MOVE / UID MOVE (RFC 6851). capability_missing without MOVE.
  boost::asio::awaitable<copy_result> move(sequence_set set, std::string mailbox, bool by_uid = false);
  /// EXPUNGE (§6.4.3): returns the sequence numbers expunged, in order. With QRESYNC enabled
  /// the server names UIDs instead ("* VANISHED", RFC 7162 §3.2.10): use expunge_uids().
  boost::asio::awaitable<std::vector<std::uint32_t>> expunge();
  /// UID EXPUNGE (RFC 4315 §2.1). capability_missing without UIDPLUS.
  boost::asio::awaitable<std::vector<std::uint32_t>> uid_expunge(sequence_set uids);
  /// EXPUNGE with QRESYNC enabled: the UIDs the server reported in "* VANISHED" (empty set =
  /// nothing expunged). capability_missing when QRESYNC is not enabled.
  boost::asio::awaitable<sequence_set> expunge_uids();
  /// APPEND (§6.3.11): exactly `size` bytes of `message` (CRLF lines) as a literal; LITERAL+ /
  /// LITERAL- when offered, else waits for "+". A source that ends early or runs long fails with
  /// transport::error::invalid_argument and closes the connection (the stream is out of step).
  boost::asio::awaitable<append_result> append(std::string mailbox, byte_source& message,
                                               std::uint64_t size, append_options opts = {});
  /// IDLE (RFC 2177) for at most `timeout`, returning the untagged responses seen. With
  /// `return_on_first`, DONE is sent as soon as one arrives. capability_missing without IDLE;
  /// the whole IDLE is one command for client_options::per_command (response_too_large). The
  /// stream's idle timeout is raised to `timeout` + 30 s while idling and restored on every
  /// path out.
  boost::asio::awaitable<std::vector<response>> idle(std::chrono::milliseconds timeout,
                                                     bool return_on_first = true);
  /// Escape hatch: sends `line` (no CR/LF/NUL: transport::error::invalid_argument) after a tag.
  /// Every untagged response's bytes go verbatim to `out` (lines with CRLF, and every literal's
  /// bytes streamed), and are returned parsed (literals as placeholders). The tagged response is
  /// returned whatever its status (no exception for NO/BAD). `mirror`, if set, is asked once
  /// per untagged response with its first line (no CRLF) and decides whether that whole
  /// response (lines and literals) goes to `out`; every response is still returned parsed.
  /// `keep`, if set, is called with each parsed untagged response once it is complete; false:
  /// the response is not kept in command_result::untagged (e.g. FETCH responses whose bodies
  /// were streamed to `out`: memory stays flat over "FETCH 1:* BODY[]" of any mailbox size).
  boost::asio::awaitable<command_result> command(
      std::string line, byte_sink out = {},
      std::function<bool(std::string_view first_line)> mirror = {},
      std::function<bool(const response&)> keep = {});

  /// Called with each untagged response no running command claims, in arrival order.
  void set_unsolicited_handler(std::function<void(const response&)> handler);
  const std::vector<std::string>& capabilities() const noexcept;
  bool has_capability(std::string_view name) const noexcept;  ///< case-insensitive
  const status_response& greeting() const noexcept;
  const std::optional<mailbox_info>& selected() const noexcept;
  bool is_tls() const noexcept;
  transport::tls_info tls_details() const;
  const std::string& authenticated_with() const noexcept;  ///< "LOGIN" command or SASL name
  bool utf8_enabled() const noexcept;
  bool qresync_enabled() const noexcept;  ///< ENABLE QRESYNC succeeded on this connection
  bool compression_active() const noexcept;  ///< COMPRESS DEFLATE succeeded (RFC 4978)
  /// The connection's timeouts (connect, idle per read/write in milliseconds, overall
  /// deadline), as set by connect() from client_options::connect.time.
  const transport::timeouts& timeouts() const noexcept;
  /// Replaces the timeouts for the following operations on this connection. An expired
  /// deadline fails the next read/write with transport::error::deadline_exceeded.
  void set_timeouts(const transport::timeouts& t) noexcept;
  void close() noexcept;

  // ---- Asio completion-token form (transport/async.hpp) ----
  /// async_connect, async_capability, async_noop, async_id, async_enable, async_get_namespace,
  /// async_compress, async_logout, async_list, async_lsub, async_list_status, async_status,
  /// async_select, async_examine, async_create, async_delete_mailbox, async_rename,
  /// async_subscribe, async_unsubscribe, async_close_mailbox, async_unselect, async_fetch,
  /// async_search, async_store, async_copy, async_move, async_expunge, async_uid_expunge,
  /// async_expunge_uids, async_append, async_idle, async_command: the coroutines above with a
  /// token as last argument, completing with void(error_code) / void(error_code, T). A
  /// cancelled operation (e.g. an IDLE) completes with boost::asio::error::operation_aborted
  /// and leaves the client closed: the next operation fails with error::not_connected.
  /// last_failure(): an imap_exception keeps the tagged response.
  INET_CLIENT_FRAME(INET_IMAP_OPERATIONS)
};

/// Blocking facade over `client`, generated from INET_IMAP_OPERATIONS: each operation run to
/// completion on a private io_context. The throwing overloads throw exactly what the coroutines
/// throw (imap_exception with the tagged response ...); the error_code& overloads (Asio's
/// convention) set `ec` instead, return a value-initialised result on failure and keep the
/// exception in last_failure(). Accessors are those of `client` (INET_IMAP_ACCESSORS).
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_IMAP_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_IMAP_ACCESSORS(INET_BLOCKING_ACCESSOR)
  bool has_capability(std::string_view name) const noexcept { return client_->has_capability(name); }
  void set_unsolicited_handler(std::function<void(const response&)> handler);
  void set_timeouts(const transport::timeouts& t) noexcept;  ///< see client::set_timeouts()
};

}  // namespace inet::imap
