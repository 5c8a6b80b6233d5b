// Options of one `inet get` / `inet put` transfer group (the URLs before one `--next`), with
// curl's option names and meanings. Parsing lives in cli.hpp; protocol handlers (handlers.hpp)
// read this struct.
#pragma once

#include "protocols/transfer/options.hpp"
#include "protocols/url/url.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inet::cli {

/// The TLS policy for STARTTLS protocols (`--ssl`, `--ssl-reqd`, `--tls MODE`) and the
/// `-x/--proxy` value are the transfer library's types (protocols/transfer/options.hpp).
using tls_mode = transfer::tls_mode;
using proxy_spec = transfer::proxy_spec;

/// Everything one transfer group was asked for. Unset optionals mean "not given".
struct transfer_options {
  std::vector<std::string> urls;  ///< in command-line order, not yet parsed or glob-expanded
  bool globoff = false;           ///< -g/--globoff: no URL globbing ({a,b}, [1-9]: literal)

  // Credentials.
  std::optional<std::string> user;      ///< -u USER[:PASS] (the part before the first ':')
  std::optional<std::string> password;  ///< -u USER:PASS; absent for -u USER (no prompting)
  bool netrc = false;                   ///< --netrc: take credentials from the netrc file
  bool netrc_optional = false;          ///< --netrc-optional: netrc, but URL/-u win
  std::optional<std::string> netrc_file;  ///< --netrc-file F (implies --netrc-optional)
  std::optional<std::string> login_options;  ///< --login-options "AUTH=PLAIN"
  std::optional<std::string> oauth2_bearer;  ///< --oauth2-bearer TOKEN

  // TLS.
  std::optional<std::string> cacert;  ///< --cacert FILE (PEM bundle)
  std::optional<std::string> capath;  ///< --capath DIR (hashed directory)
  bool insecure = false;              ///< -k/--insecure: skip certificate verification
  std::optional<tls_mode> tls;        ///< --ssl, --ssl-reqd, --tls MODE; see effective_tls()

  // Output and diagnostics.
  std::optional<std::string> output;  ///< -o/--output FILE ("-" = stdout)
  int verbosity = 0;                  ///< number of -v/--verbose
  bool silent = false;                ///< -s/--silent: no progress, no error messages
  bool show_error = false;            ///< -S/--show-error: error messages even with -s
  bool progress_bar = false;          ///< -#/--progress-bar: the bar instead of the meter (global)
  bool no_progress_meter = false;     ///< --no-progress-meter: no meter, errors still shown (global)
  bool include = false;               ///< -i/--include: headers in the output
  bool fail = false;                  ///< -f/--fail: exit 22 on HTTP status >= 400

  // Limits.
  // For all three, a given value of 0 means "no limit" (as in curl) and leaves the field unset.
  std::optional<std::chrono::milliseconds> connect_timeout;  ///< --connect-timeout SECONDS
  std::optional<std::chrono::milliseconds> max_time;         ///< -m/--max-time SECONDS
  std::optional<std::uint64_t> max_filesize;  ///< --max-filesize BYTES[k|M|G], in bytes
  std::optional<std::uint64_t> limit_rate;    ///< --limit-rate BYTES[k|M|G] per second

  // Request shape.
  std::optional<proxy_spec> proxy;         ///< -x/--proxy
  std::optional<std::string> request;      ///< -X/--request CMD (method / FTP list command)
  bool list_only = false;                  ///< -l/--list-only (FTP NLST, POP3/IMAP listing)
  std::optional<std::uint64_t> resume_from;  ///< -C/--continue-at OFFSET (bytes)
  bool resume_auto = false;                ///< -C - : find the offset from the local file
  std::optional<std::string> upload_file;  ///< -T/--upload-file FILE ("-" = stdin)
  bool follow_location = false;            ///< -L/--location
  std::vector<std::string> headers;        ///< -H/--header, repeatable, in order
  std::optional<std::string> mail_from;    ///< --mail-from ADDRESS (SMTP reverse path)
  std::vector<std::string> mail_rcpt;      ///< --mail-rcpt ADDRESS, repeatable, in order
  std::optional<std::string> mail_auth;    ///< --mail-auth ADDRESS (MAIL FROM ... AUTH=)
  bool head = false;                       ///< -I/--head
  bool compressed = false;                 ///< --compressed
  std::optional<std::string> extract_dir;  ///< --extract DIR: attachments of imap/pop3 messages
  bool parts = false;                      ///< --parts: print the message's MIME part tree
  bool force = false;                      ///< --force: --extract may replace existing files
  bool digest = false;                     ///< --digest (HTTP Digest authentication with -u)
  int max_redirs = 50;                     ///< --max-redirs N (with -L; -1 = unlimited)
  std::optional<std::string> data;         ///< -d/--data/--data-binary (HTTP POST body)
  std::optional<std::string> write_out;    ///< -w/--write-out FORMAT (%{http_code} ...)
  /// -b/--cookie: "NAME=VALUE..." (sent as Cookie) or a Netscape cookie FILE to read (no '=')
  std::optional<std::string> cookie;
  std::optional<std::string> cookie_jar;   ///< -c/--cookie-jar FILE: cookies written at the end
  std::vector<std::string> form;           ///< -F/--form NAME=CONTENT, repeatable, in order

  // HTTP transfer options (http_options.cc).
  std::optional<std::string> range;        ///< -r/--range "0-499", "500-", "-500", "0-9,20-29"
  int retry = 0;                           ///< --retry N: retry transient failures N times
  /// --retry-delay SECONDS between retries; unset or 0: curl's backoff (1 s, doubling, 10 min).
  std::optional<std::chrono::milliseconds> retry_delay;
  /// --retry-max-time SECONDS: no retry starts later than this after the first attempt.
  std::optional<std::chrono::milliseconds> retry_max_time;
  std::optional<std::string> proxy_user;      ///< --proxy-user USER[:PASS] (Basic, CONNECT)
  std::optional<std::string> proxy_password;  ///< its PASS part
  /// --expect100-timeout SECONDS: wait for "100 Continue" before an upload body (1 s).
  std::optional<std::chrono::milliseconds> expect100_timeout;
  bool proxytunnel = false;                ///< -p/--proxytunnel: CONNECT also for http://
  bool parallel = false;                   ///< -Z/--parallel: the group's URLs at once (get)
  int parallel_max = 50;                   ///< --parallel-max N: at most N at once (1..300)

  // FTP (docs/ftp.md).
  std::optional<std::string> ftp_port;  ///< -P/--ftp-port ADDR: active mode; --ftp-pasv resets
  bool disable_epsv = false;            ///< --disable-epsv: PASV only
  transfer::options::ftp_method ftp_method = transfer::options::ftp_method::multicwd;
  bool ftp_create_dirs = false;         ///< --ftp-create-dirs
  std::vector<std::string> quote;       ///< -Q/--quote CMD, repeatable, in order

  /// The TLS policy for a STARTTLS-capable protocol. An explicit --ssl/--ssl-reqd/--tls wins.
  /// Otherwise inet is stricter than curl (which defaults to no STARTTLS at all): `required`
  /// when `password_will_be_sent` (so a password never crosses the network in clear text
  /// unless the user said --tls none), else `opportunistic`.
  tls_mode effective_tls(bool password_will_be_sent) const;

  /// True when error messages are printed: !silent || show_error (curl's -s/-S rule).
  bool show_errors() const { return !silent || show_error; }
};

/// The user name and password a transfer will present, after applying precedence.
using credentials = transfer::credentials;

/// Resolves credentials as curl does: -u first, then the URL's user info, then (with --netrc,
/// --netrc-optional or --netrc-file) the netrc entry for the URL's host — matching the user name
/// when one is known. With plain --netrc, the netrc entry replaces URL credentials (curl's
/// CURL_NETRC_REQUIRED). Throws std::system_error (netrc_error, see netrc.hpp) if the netrc file
/// is requested but unreadable or malformed; a missing default ~/.netrc is not an error.
/// (transfer::resolve_credentials does the work.)
credentials resolve_credentials(const transfer_options& options, const url::parsed_url& url);

/// The transfer library's options for one URL of this group: every credential, TLS, limit and
/// request option; the proxy is -x, else curl's *_proxy environment variables for `url`
/// (parsed like -x: throws option_error when malformed).
transfer::options library_options(const transfer_options& options, const url::parsed_url& url);

}  // namespace inet::cli
