// FTP client (RFC 959) with FEAT/OPTS (RFC 2389), SIZE/MDTM/REST STREAM (RFC 3659), EPSV
// (RFC 2428), UTF-8 paths (RFC 2640 "OPTS UTF8 ON"), explicit FTPS (RFC 4217: AUTH TLS,
// PBSZ 0, PROT P) and implicit FTPS (port 990). Data connections passive (EPSV first,
// PASV fallback) or active (EPRT, PORT fallback); a passive data connection goes to the control connection's peer address, never
// to the address a PASV reply names (curl's --ftp-skip-pasv-ip), and under TLS resumes the
// control connection's TLS session (vsftpd's require_ssl_reuse).
//
// Every operation is written once as a C++20 coroutine (`client`, throwing typed exceptions).
// The Asio completion-token form `async_xxx(..., CompletionToken&&)` and `blocking_client`
// (throwing and error_code& overloads) are generated from one table, INET_FTP_OPERATIONS
// below; see transport/async.hpp for the error mapping and cancellation rules.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "protocols/line/engine.hpp"
#include "transport/async.hpp"
#include "transport/body.hpp"
#include "transport/client_frame.hpp"
#include "transport/error.hpp"
#include "transport/listener.hpp"
#include "transport/options.hpp"
#include "transport/progress.hpp"
#include "transport/stream.hpp"

namespace inet::ftp {

enum class error {
  transient_failure = 1,  ///< 4xx reply (RFC 959 §4.2: transient negative completion)
  permanent_failure,      ///< 5xx reply not covered below
  service_unavailable,    ///< 421 at any point (the server closes the control connection)
  bad_greeting,           ///< the greeting was not 220 (after any 120 "wait")
  malformed_reply,        ///< a reply outside RFC 959 §4.2 grammar, or a 257 without its quotes
  login_failed,           ///< USER/PASS/ACCT refused (530 and friends)
  tls_required,           ///< AUTH TLS not offered or refused under required security
  not_connected,
  file_unavailable,       ///< 550: no such file, or no access (RFC 959 §4.2)
  passive_failed,         ///< EPSV and PASV both refused, or their reply names no usable port
  type_failed,            ///< TYPE refused
  /// The data connection failed: 425/426/451, closed early, or a download shorter than SIZE.
  /// what() names how many bytes arrived. Never a silent truncation.
  transfer_failed,
  port_failed,  ///< active mode: EPRT and PORT refused, or the server never connected
  pasv_unparseable,  ///< a 227 reply without "h1,h2,h3,h4,p1,p2" (curl's 14)
  resume_beyond_end,  ///< retrieve() at an offset past the SIZE the server announced (curl's 36)
};
const std::error_category& ftp_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), ftp_category()};
}

/// One FTP reply (RFC 959 §4.2): the code and the text of every line (codes removed).
struct reply {
  int code = 0;
  std::vector<std::string> lines;
  std::string text() const;     ///< lines joined by "\n"
  std::string summary() const;  ///< "550 No such file" — code and first line
  int kind() const noexcept { return code / 100; }
};

/// An error from the server: code() says which; server_reply() is the reply.
class ftp_exception : public inet::exception {
 public:
  ftp_exception(std::error_code ec, std::string operation, reply r);
  const ftp::reply& server_reply() const noexcept { return reply_; }

 private:
  ftp::reply reply_;
};

/// The FEAT reply (RFC 2389 §3.2): upper-cased feature name -> its parameters as sent.
struct features {
  bool feat_supported = false;               ///< FEAT answered 211
  std::map<std::string, std::string> items;  ///< "SIZE" -> "", "AUTH" -> "TLS;SSL", "REST" -> "STREAM"
  bool has(std::string_view name) const;
};

enum class security {
  explicit_tls,  ///< connect in plaintext; AUTH TLS according to `policy` (RFC 4217 §4)
  implicit_tls,  ///< TLS from the first byte (ftps, port 990)
};

enum class transfer_type {
  binary,  ///< TYPE I (RFC 959 §3.1.1.3): bytes as they are
  /// TYPE A: the wire carries CRLF line ends (RFC 959 §3.1.1.1); with
  /// client_options::ascii_conversion a download's CRLF (or lone CR) becomes "\n" and an
  /// upload's lone "\n" becomes CRLF.
  ascii,
};

struct client_options {
  std::string host;
  std::uint16_t port = 21;
  ftp::security security = security::explicit_tls;
  /// TLS policy for explicit_tls. Unset: required when a user other than "anonymous" is given
  /// (a password never goes in clear), opportunistic otherwise (AUTH TLS when FEAT offers it).
  std::optional<transport::tls_policy> policy;
  /// TLS for control and data connections; ALPN "ftp" is offered when `tls.alpn` is empty.
  transport::tls_options tls;
  transport::connect_options connect;
  /// Credentials; an empty user logs in as "anonymous" with password "ftp@example.com" (curl).
  std::string user;
  std::string password;
  std::string account;  ///< sent with ACCT when the server asks (332)
  /// Send "OPTS UTF8 ON" when FEAT lists UTF8 (RFC 2640 §3.2).
  bool utf8 = true;
  /// Try EPSV (RFC 2428) before PASV; after one refusal EPSV is not tried again.
  bool epsv = true;
  /// Active mode (curl's -P): listen on the control connection's local address, announce it
  /// with EPRT (RFC 2428 §2; PORT fallback for IPv4) and accept exactly one connection, from
  /// the control connection's peer address only, after the 1xx reply.
  bool active = false;
  transport::port_range active_ports;  ///< local ports for active mode ({0,0}: any)
  /// Active mode: the local IP address to listen on and announce (curl's -P ADDR); empty =
  /// the control connection's local address (curl's -P -).
  std::string active_address;
  /// On TYPE A transfers convert line ends as curl does: CRLF or a lone CR -> "\n"
  /// downloading, a "\n" without CR -> CRLF uploading. Byte counts are those of the wire.
  bool ascii_conversion = true;
  /// Send HOST (RFC 7151) with the host name before logging in when FEAT lists HOST.
  bool send_host = true;
  /// Idle timeout of each data connection (every read/write on it); 0 = the control's idle.
  std::chrono::milliseconds data_idle{0};
  std::size_t buffer_size = 64 * 1024;  ///< data buffer (bytes) of one read/write
  std::size_t max_listing_bytes = 16 << 20;  ///< an MLSD listing held in memory, at most
  line::limits limits;
  /// Progress of every transfer (bytes moved on the data connection), at most ten calls a
  /// second plus a final one (transport/progress.hpp). total = SIZE when known (downloads).
  transport::progress_fn progress;
};

/// What a transfer moved.
struct transfer_result {
  std::uint64_t bytes = 0;  ///< bytes read from / written to the data connection
  ftp::reply final_reply;   ///< the 226/250 on the control connection
  /// STOU (RFC 1123 §4.1.2.9): the name the server chose, from "FILE: name" in the 1xx or
  /// final reply; empty when it did not say.
  std::string unique_name;
};

/// One entry of an MLSD listing (RFC 3659 §7): the name and its facts.
struct entry {
  enum class kind { file, dir, cdir, pdir, link, other };
  std::string name;                        ///< as sent (may contain spaces; never CR/LF)
  kind type = kind::other;                 ///< the "type" fact (os.unix=symlink counts as link)
  std::optional<std::uint64_t> size;       ///< "size" (octets), absent if not sent
  std::string modify;                      ///< "modify" time-val, "YYYYMMDDHHMMSS[.sss]" UTC
  std::string perm;                        ///< "perm" letters (a c d e f l m p r w)
  std::string unique;                      ///< "unique" id
  std::map<std::string, std::string> facts;  ///< every fact, name lower-cased
};

/// Parses one line of LIST output into an entry: the Unix `ls -l` form ("drwxr-xr-x 2 u g 4096
/// Jan 01 12:00 name", "lrwxrwxrwx ... name -> target"; owner/group columns may be missing) and
/// the DOS/IIS form ("01-02-26  03:04PM  <DIR>  name", "... 1234 name"). Names keep their
/// spaces. `modify` is "YYYYMMDDHHMM" only when the line says the year (DOS, or Unix with a
/// year column); the date as sent is in facts["date"]; the Unix mode string in
/// facts["unix.mode"], a link target in facts["link"]. nullopt for anything else ("total 12").
std::optional<entry> parse_list_line(std::string_view line);

/// Every operation of `client`, one row per overload (see transport/async.hpp).
/// async_retrieve / async_list...: `sink` / `source` must stay alive until completion.
#define INET_FTP_OPERATIONS(X)                                                                  \
  X(void, connect, (client_options opts), (std::move(opts)))                                    \
  X(ftp::reply, noop, (), ())                                                                   \
  X(std::string, system_type, (), ())                                                           \
  X(std::string, pwd, (), ())                                                                   \
  X(ftp::reply, cwd, (std::string path), (std::move(path)))                                     \
  X(ftp::reply, cdup, (), ())                                                                   \
  X(std::string, mkd, (std::string path), (std::move(path)))                                    \
  X(ftp::reply, rmd, (std::string path), (std::move(path)))                                     \
  X(ftp::reply, dele, (std::string path), (std::move(path)))                                    \
  X(ftp::reply, rename, (std::string from, std::string to), (std::move(from), std::move(to)))   \
  X(std::uint64_t, size, (std::string path), (std::move(path)))                                 \
  X(std::string, mdtm, (std::string path), (std::move(path)))                                   \
  X(ftp::reply, site, (std::string args), (std::move(args)))                                    \
  X(ftp::reply, set_type, (transfer_type t), (t))                                               \
  X(transfer_result, retrieve, (std::string path, byte_sink sink, std::uint64_t offset),        \
    (std::move(path), std::move(sink), offset))                                                 \
  X(transfer_result, store, (std::string path, byte_source& source, bool append),              \
    (std::move(path), source, append))                                                          \
  X(transfer_result, store_unique, (byte_source & source), (source))                           \
  X(transfer_result, list, (std::string path, byte_sink sink), (std::move(path), std::move(sink))) \
  X(transfer_result, name_list, (std::string path, byte_sink sink),                             \
    (std::move(path), std::move(sink)))                                                         \
  X(std::vector<ftp::entry>, mlsd, (std::string path), (std::move(path)))                       \
  X(void, quit, (), ())                                                                         \
  X(ftp::reply, command, (std::string line), (std::move(line)))

#define INET_FTP_ACCESSORS(X) X(server_features) X(greeting) X(is_tls) X(tls_details) X(last_failure)

/// Asynchronous FTP client. One instance = one control connection; operations run one at a
/// time. Paths and arguments holding CR, LF or NUL throw
/// std::system_error(transport::error::invalid_argument) before anything is sent.
class client {
 public:
  explicit client(boost::asio::any_io_executor ex);
  ~client();

  /// Connects, reads the greeting (a 120 "ready in n minutes" is followed by the 220), sends
  /// FEAT, upgrades with AUTH TLS per the policy (then PBSZ 0, PROT P and FEAT again), logs in
  /// with USER / PASS / ACCT (RFC 959 §4.1.1), sends OPTS UTF8 ON when offered, and TYPE I.
  /// Throws ftp_exception / std::system_error: error::bad_greeting,
  /// error::service_unavailable, error::tls_required (nothing but FEAT and AUTH TLS sent in
  /// clear), error::login_failed, transport errors.
  boost::asio::awaitable<void> connect(client_options opts);

  boost::asio::awaitable<ftp::reply> noop();          ///< NOOP (RFC 959 §4.1.3)
  boost::asio::awaitable<std::string> system_type();  ///< SYST: the 215 text ("UNIX Type: L8")
  /// PWD: the path of the 257 reply, `""` undoubled (RFC 959 Appendix II). A 257 without a
  /// closing quote throws error::malformed_reply.
  boost::asio::awaitable<std::string> pwd();
  boost::asio::awaitable<ftp::reply> cwd(std::string path);  ///< CWD; 550 -> file_unavailable
  boost::asio::awaitable<ftp::reply> cdup();                 ///< CDUP
  boost::asio::awaitable<std::string> mkd(std::string path); ///< MKD: the created path (257)
  boost::asio::awaitable<ftp::reply> rmd(std::string path);  ///< RMD
  boost::asio::awaitable<ftp::reply> dele(std::string path); ///< DELE
  /// RNFR `from` (350 expected) then RNTO `to`.
  boost::asio::awaitable<ftp::reply> rename(std::string from, std::string to);
  /// SIZE (RFC 3659 §4): bytes in the current TYPE. 550 -> file_unavailable.
  boost::asio::awaitable<std::uint64_t> size(std::string path);
  /// MDTM (RFC 3659 §3): the time-val as sent, "YYYYMMDDHHMMSS[.sss]" (UTC).
  boost::asio::awaitable<std::string> mdtm(std::string path);
  boost::asio::awaitable<ftp::reply> site(std::string args);  ///< SITE args
  boost::asio::awaitable<ftp::reply> set_type(transfer_type t);  ///< TYPE I / TYPE A

  /// RETR `path` into `sink` in chunks of at most client_options::buffer_size, starting at byte
  /// `offset` (REST offset first when > 0, RFC 3659 §5). Checks the 1xx, the data connection
  /// and the final 226/250; a 425/426/451, a data connection closed without the final 2xx, or
  /// fewer bytes than SIZE announced throw error::transfer_failed naming the bytes received.
  /// With an `offset` past the SIZE announced: error::resume_beyond_end before RETR; equal to
  /// it: nothing to fetch, no RETR (0 bytes; final_reply is SIZE's 213). When `sink` throws,
  /// ABOR stops the transfer (RFC 959 §4.1.3) so the connection stays usable; the sink's
  /// exception propagates.
  boost::asio::awaitable<transfer_result> retrieve(std::string path, byte_sink sink,
                                                   std::uint64_t offset);
  /// STOR (or APPE when `append`) from `source`; the data connection is closed (TLS
  /// close_notify, FIN) to end the file, then the final 226/250 is required.
  boost::asio::awaitable<transfer_result> store(std::string path, byte_source& source, bool append);
  /// STOU (RFC 959 §4.1.3): stores `source` under a name the server picks, returned in
  /// transfer_result::unique_name when the server says it ("150 FILE: name", RFC 1123).
  boost::asio::awaitable<transfer_result> store_unique(byte_source& source);
  /// LIST `path` (empty = current directory): the listing bytes as the server sends them.
  boost::asio::awaitable<transfer_result> list(std::string path, byte_sink sink);
  /// NLST `path`: one name per line, as sent.
  boost::asio::awaitable<transfer_result> name_list(std::string path, byte_sink sink);

  /// MLSD `path` (RFC 3659 §7; empty = current directory) parsed into entries. The listing is
  /// held in memory, at most client_options::max_listing_bytes (more throws
  /// transport::error::body_too_large); a line that is not "facts SP name" throws
  /// error::malformed_reply.
  boost::asio::awaitable<std::vector<entry>> mlsd(std::string path);

  /// Data connections of the next transfers: passive (EPSV first unless `epsv` is false, then
  /// PASV) or active (EPRT/PORT on `active_address`, empty = the control's local address).
  /// Overrides the matching client_options fields; a cached connection reused by a transfer
  /// with other data options calls this instead of reconnecting.
  void set_data_mode(bool active, bool epsv, std::string active_address = {},
                     transport::port_range ports = {});

  /// Sends QUIT, reads the reply (bounded), and closes. Never throws on a dead connection.
  boost::asio::awaitable<void> quit();
  /// Escape hatch: one raw command line (no CR/LF/NUL) and its reply, whatever its code.
  boost::asio::awaitable<ftp::reply> command(std::string line);

  const features& server_features() const noexcept;
  const ftp::reply& greeting() const noexcept;
  bool is_tls() const noexcept;
  /// Logged in and the control connection open (false after close(), QUIT, 421 or a failure
  /// that left it out of step).
  bool is_connected() const noexcept;
  transport::tls_info tls_details() const;
  void close() noexcept;

  // ---- Asio completion-token form (transport/async.hpp) ----
  INET_CLIENT_FRAME(INET_FTP_OPERATIONS)
};

/// Blocking facade over `client`, generated from INET_FTP_OPERATIONS.
class blocking_client : public transport::blocking_frame<client> {
 public:
  INET_FTP_OPERATIONS(INET_BLOCKING_DECLARE)
  INET_FTP_ACCESSORS(INET_BLOCKING_ACCESSOR)
};

}  // namespace inet::ftp

template <>
struct std::is_error_code_enum<inet::ftp::error> : std::true_type {};
