// Options of one transfer (get or put of one URL), common to every scheme, with curl's meanings.
// The CLI (`inet get`/`inet put`) fills this from curl's command-line options; an application
// fills it directly. Unset optionals mean "not given".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/url/url.hpp"
#include "transport/progress.hpp"

namespace inet::sasl {
class token_provider;  // protocols/sasl/oauth2.hpp
}

namespace inet::http {
class cookie_jar;  // protocols/http/cookie_jar.hpp
}

namespace inet::transfer {

/// How to use TLS on schemes that upgrade with STARTTLS/STLS (smtp, pop3, imap; later ftp).
/// Implicit-TLS schemes (smtps, pop3s, imaps, https, ftps) always use TLS whatever this says.
enum class tls_mode {
  none,           ///< never upgrade (cleartext)
  opportunistic,  ///< upgrade if the server offers it
  required,       ///< fail (curl exit 64) if it cannot upgrade
};

/// A proxy: `-x/--proxy`, or from the environment (see proxy_from_environment()).
struct proxy_spec {
  enum class kind {
    http,     ///< HTTP CONNECT tunnel (curl's default)
    socks5,   ///< SOCKS5 (RFC 1928), names resolved locally
    socks5h,  ///< SOCKS5, names resolved by the proxy
  };
  kind type = kind::http;
  std::string host;           ///< IPv6 without brackets
  std::uint16_t port = 1080;  ///< curl's default proxy port when none is given
  std::optional<std::string> user, password;  ///< percent-decoded
};

/// Called as bytes move (transport/progress.hpp): `done` so far in this transfer, `total` when
/// the protocol announced it (an IMAP literal's size, an upload's size), else nullopt; at most
/// about ten calls a second (transport::progress_interval), then one last call with
/// `finished = true` when the transfer completed. Called on the session's executor; it must not
/// block. Throwing aborts the transfer (error::write_error for a get).
using progress_fn = transport::progress_fn;

struct options {
  // Credentials. Precedence as curl: `user`, then the URL's user info, then netrc.
  std::optional<std::string> user;      ///< -u USER[:PASS]
  std::optional<std::string> password;  ///< absent: none (no prompting)
  bool netrc = false;                   ///< --netrc: netrc replaces URL credentials
  bool netrc_optional = false;          ///< --netrc-optional: netrc only fills what is missing
  std::optional<std::string> netrc_file;  ///< --netrc-file F (implies netrc_optional)
  /// Login options (curl's --login-options / the URL's ";AUTH="): "AUTH=PLAIN", "AUTH=*",
  /// "AUTH=+APOP" (pop3). The URL's ";AUTH=" wins.
  std::optional<std::string> login_options;
  std::optional<std::string> oauth2_bearer;  ///< --oauth2-bearer TOKEN (XOAUTH2/OAUTHBEARER)
  /// OAuth2 token source (refreshed once and retried when the server rejects a token); wins
  /// over oauth2_bearer. Connections are keyed by the provider's address.
  std::shared_ptr<sasl::token_provider> token_provider;

  // TLS.
  std::optional<std::string> cacert;  ///< PEM bundle (--cacert)
  std::optional<std::string> capath;  ///< hashed directory (--capath)
  bool insecure = false;              ///< -k: skip certificate verification (never silently)
  std::optional<std::string> pinned_fingerprint;  ///< "sha256//BASE64" or hex, see transport
  std::optional<std::string> client_cert, client_key;  ///< --cert / --key (PEM files)
  /// STARTTLS policy. Unset: `required` when a password or token would be sent (stricter than
  /// curl, which never upgrades by default), else `opportunistic`.
  std::optional<tls_mode> tls;

  /// Proxy for every connection; none = direct (see proxy_from_environment() for curl's
  /// *_proxy variables, which the CLI consults when -x is not given).
  std::optional<proxy_spec> proxy;

  // Limits. Every connection is bounded even when nothing is given (transport defaults).
  std::optional<std::chrono::milliseconds> connect_timeout;  ///< resolve + connect + proxy
  std::optional<std::chrono::milliseconds> idle_timeout;     ///< per read/write progress
  /// The whole transfer, counted from the call (also on a reused connection).
  std::optional<std::chrono::milliseconds> max_time;
  std::optional<std::uint64_t> max_filesize;  ///< bytes; more fails with curl's 63
  /// --limit-rate: at most this many bytes per second on the wire, in each direction (the
  /// connection pauses on a timer, never blocking the executor). Part of the connection key.
  std::optional<std::uint64_t> limit_rate;

  // Request shape (what curl's -X, -l, -I, --compressed, -T, --mail-* say).
  std::optional<std::string> custom_request;  ///< -X: POP3/IMAP command instead of the default
  bool list_only = false;                     ///< -l: POP3 LIST N instead of RETR N
  bool no_body = false;                       ///< -I: POP3 single-line custom command
  bool compressed = false;                    ///< --compressed: IMAP COMPRESS=DEFLATE
  /// -T FILE's name: the IMAP mailbox when the URL has none (curl's rule).
  std::optional<std::string> upload_name;
  /// Upload size in bytes when known: IMAP APPEND announces it first, so without it the
  /// source is spooled to a temporary file; SMTP sends it as SIZE=.
  std::optional<std::uint64_t> upload_size;
  std::optional<std::string> mail_from;  ///< --mail-from: SMTP reverse path ("" = <>)
  std::vector<std::string> mail_rcpt;    ///< --mail-rcpt, repeatable: SMTP recipients
  std::optional<std::string> mail_auth;  ///< --mail-auth: MAIL ... AUTH=<addr> (RFC 4954 §5)
  // FTP (ftp.cc; docs/ftp.md): curl's -C, -P, --disable-epsv, --ftp-method, --ftp-create-dirs, -Q.
  /// -C OFFSET: resume a transfer at byte OFFSET of the remote file (octets from its start;
  /// unset or 0 = from the start). ftp(s) and http(s) only; other schemes ignore it.
  ///   - ftp(s) get: REST OFFSET before RETR (RFC 3659 §5). An OFFSET past the SIZE the server
  ///     announces fails before RETR (ftp::error::resume_beyond_end, curl's 36); equal to it,
  ///     nothing is fetched.
  ///   - ftp(s) put: the source's first OFFSET bytes are read and dropped and the rest is
  ///     appended (APPE); a source shorter than OFFSET fails with error::read_error (curl's 26).
  ///   - http(s), OFFSET > 0: "Range: bytes=OFFSET-" (RFC 9110 §14.2), sent instead of
  ///     http_range; a Range given in http_headers is left alone. A 206 appends from OFFSET; a
  ///     416 (the file is complete) writes nothing and succeeds; a GET answered without
  ///     Content-Range fails with error::range_error (curl's 33) before any body byte is
  ///     written, unless its Content-Length is OFFSET (complete: nothing written, success).
  std::optional<std::uint64_t> resume_from;
  bool resume_auto = false;  ///< -C - on a put: the offset is the remote file's SIZE
  /// -P ADDR: active mode (EPRT/PORT); "-" = the control connection's local address, else an IP
  /// address, optionally ":PORT" or ":LOW-HIGH" (IPv6 in brackets). Unset: passive (--ftp-pasv).
  std::optional<std::string> ftp_port;
  bool ftp_epsv = true;  ///< false: --disable-epsv (PASV only)
  /// --ftp-method: how a URL's directories are reached (curl's default multicwd).
  enum class ftp_method { multicwd, nocwd, singlecwd };
  ftp_method ftp_cwd = ftp_method::multicwd;
  bool ftp_create_dirs = false;  ///< --ftp-create-dirs: MKD a directory that CWD cannot enter
  /// -Q: raw commands, in order: "CMD" before the directory walk, "+CMD" after it, "-CMD" after
  /// the transfer; a leading '*' (after +/-) ignores a failure, else a reply >= 400 is curl's 21.
  std::vector<std::string> quote;
  // HTTP (http.cc): -H, -d/--data-binary, -L, --max-redirs, -f, -i.
  std::vector<std::string> http_headers;  ///< -H "Name: value" in order ("Name:" drops it)
  std::optional<std::string> http_data;   ///< -d: POST body as given (-X wins for the method)
  bool follow_location = false;           ///< -L: follow redirects (http.md for the rules)
  int max_redirs = 50;                    ///< --max-redirs with -L; more: curl's 47
  bool fail_on_http_error = false;        ///< -f: status >= 400 fails with 22, body not written
  bool include_headers = false;           ///< -i: response head(s) written before the body
  bool http_digest = false;               ///< --digest: -u by Digest (RFC 7616), not Basic
  // HTTP ranges and resume (http.cc).
  /// -r/--range: "Range: bytes=<this>" ("0-499", "500-", "-500", "0-9,20-29"); a server that
  /// ignores it sends the whole body (written as it comes, as curl). resume_from > 0 wins.
  std::optional<std::string> http_range;
  /// HTTP put: the response body (and with include_headers its head) goes here, as curl -T
  /// prints it; none = discarded. Not counted in result::bytes (the bytes uploaded).
  std::function<void(std::string_view)> response_sink;
  /// HTTP uploads (put, -d) over 1 MiB or of unknown size send "Expect: 100-continue" and
  /// wait this long for "100 Continue" before sending the body anyway (curl's
  /// --expect100-timeout, 1 s); -H "Expect:" turns it off.
  std::chrono::milliseconds expect100_timeout{1000};
  /// http:// through an HTTP proxy: a CONNECT tunnel (curl's -p) instead of absolute-form
  /// requests to the proxy (the default, as curl). https always tunnels.
  bool http_proxy_tunnel = false;
  /// -b/-c: the cookie jar the http(s) transfers of a command share: each request sends its
  /// matching cookies, each response's Set-Cookie goes in (docs/http.md). The caller loads and
  /// saves it (cookie_jar::load_netscape/netscape). Null: no cookie engine.
  std::shared_ptr<http::cookie_jar> cookies;
  /// -F, in order: curl's form arguments (http::parse_form_arg): a multipart/form-data POST
  /// (RFC 7578) streamed from the named files.
  std::vector<std::string> http_form;

  // Observation.
  progress_fn progress;
  /// Wire trace on stderr, redacted (passwords, AUTH payloads): transport::enable_stderr_trace.
  bool trace = false;
  /// Wire trace to the caller instead (wins over `trace`): each line redacted and escaped,
  /// without CRLF ("> USER alice", "> PASS <redacted>", "< +OK", "* Connected to ...").
  /// Installed with transport::set_trace_sink when a transfer starts: process-wide (the trace
  /// logger is), so the last transfer's sink receives the lines of every connection traced
  /// from then on; called on the executor that runs the connection. Must not throw.
  std::function<void(std::string_view line)> trace_sink;
};

/// The user name and password a transfer will present, after applying precedence.
struct credentials {
  std::optional<std::string> user, password;
};

/// Resolves credentials as curl does: options.user first, then the URL's user info, then (with
/// netrc, netrc_optional or netrc_file) the netrc entry for the URL's host — matching the user
/// name when one is known. With plain `netrc`, the entry replaces URL credentials (curl's
/// CURL_NETRC_REQUIRED). Throws std::system_error (netrc_error, netrc.hpp) if the netrc file is
/// requested but unreadable or malformed; a missing default ~/.netrc is not an error.
credentials resolve_credentials(const options& o, const url::parsed_url& u);

/// The proxy text curl would use for `u` from the environment (curl's rules): `<scheme>_proxy`
/// (lower case, then upper case except for http), then `all_proxy`/`ALL_PROXY`, unless
/// `no_proxy`/`NO_PROXY` matches the host (comma-separated host names or domain suffixes,
/// a leading '.' allowed; "*" matches every host). nullopt when no proxy applies. The text is
/// "[scheme://][user:password@]host[:port]" as for -x.
std::optional<std::string> proxy_from_environment(const url::parsed_url& u);

/// The TLS policy for a STARTTLS-capable scheme (see options::tls).
tls_mode effective_tls(const options& o, bool password_will_be_sent);

}  // namespace inet::transfer
