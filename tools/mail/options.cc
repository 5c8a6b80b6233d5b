#include "tools/mail/options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <functional>

#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

const char* const help = R"(Usage: inet mail [OPTIONS] [--] RECIPIENT...       send the message on stdin (sendmail mode)
       inet mail [OPTIONS] -t [--] [RECIPIENT...]  also send to the To/Cc/Bcc header addresses
       inet mail [OPTIONS] --to ADDR [--subject TEXT] [--body TEXT | --body-file FILE]
                 [--html FILE] [--attach FILE]...  compose and send a MIME message
       inet mail [OPTIONS] --serverinfo            show the server's TLS details and features
       inet mail [OPTIONS] --flush --queue DIR     send the queued messages
       inet mail [OPTIONS] --flush --queue DIR --release ID   un-hold ID, then send

Sends mail through an SMTP server. Options and exit codes are compatible with sendmail and
msmtp, and an existing ~/.msmtprc works as is.

Sendmail options:
  -t, --read-recipients   add the To, Cc and Bcc header addresses to the recipients
  -i, -oi                 accepted: the input is always read to its end, a line "." does
                          not end it
  -f, -r, --from ADDR     envelope sender (MAIL FROM); -f '<>' sends with the null sender.
                          Without -a it also chooses the account: the first whose 'from'
                          is ADDR or a pattern matching it ("*@example.org"), as msmtp
  --read-envelope-from    take the envelope sender from the message's From header (as -f)
  -F NAME                 display name of the From header inet mail adds (--from-full-name)
  -a, --account NAME      use account NAME of the configuration file (default: "default")
  -N, --dsn-notify LIST   delivery status notifications: off, never, or a comma list of
                          success, failure, delay (RFC 3461)
  -R, --dsn-return WHAT   what a DSN returns: off, headers or full
  -v, -d, --verbose, --debug
                          print the SMTP conversation on stderr (credentials redacted)
  -X FILE                 same as --logfile FILE
  -oem -odi -oX -bm -em -U -B TYPE -h HOPS   accepted and ignored

Composing (a message is built instead of reading one from stdin):
  --to ADDR               recipient (repeatable; RECIPIENT arguments are added here)
  --cc ADDR, --bcc ADDR   copy and blind-copy recipients (repeatable; Bcc is not a header)
  --subject TEXT          subject (UTF-8 is encoded as needed)
  --body TEXT             text/plain body
  --body-file FILE        text/plain body read from FILE ("-" = stdin)
  --html FILE             text/html alternative of the body
  --attach FILE           attach FILE (repeatable)
  --reply-to ADDR         Reply-To header

Server options (each overrides the configuration key of the same name):
  --host HOST             SMTP server
  --port PORT             default 25, or 465 with --tls=on --tls-starttls=off, 2003 for LMTP
  --protocol smtp|lmtp    LMTP (RFC 2033) for delivery into a local store (LHLO, a reply
                          per recipient: the exit status is 0 only if every one got it)
  --tls=on|off            on: TLS is required (STARTTLS, or implicit TLS with
                          --tls-starttls=off); off: never TLS. Unset: STARTTLS when the
                          server offers it, required whenever credentials are sent
  --tls-starttls=on|off   on (default): STARTTLS; off: TLS from the first byte (smtps)
  --tls-trust-file FILE   trusted CA certificates (PEM); "system" = the system store
  --tls-certcheck=on|off  off skips certificate verification: DANGEROUS
  --tls-cert-file FILE, --tls-key-file FILE   client certificate and key (PEM)
  --tls-host-override NAME   host name expected in the server certificate
  --tls-fingerprint FP    accept only the server certificate with this SHA-256 fingerprint
                          (64 hex digits, colons optional; SHA-1's 40 also accepted, MD5
                          refused), whatever --tls-certcheck and --tls-trust-file say; makes
                          TLS required unless --tls is given. Get it with
                          `openssl x509 -noout -fingerprint -sha256 -in CERT` or --serverinfo
  --auth=on|off|METHOD    METHOD: plain, login, cram-md5, scram-sha-1, scram-sha-256,
                          xoauth2, oauthbearer. Default: on when a user is set
  --user NAME             user name for authentication
  --passwordeval CMD      run CMD with /bin/sh; the first line of its output is the
                          password, or the OAuth2 access token for xoauth2/oauthbearer
                          (also --password-eval). CMD must finish within 60 s (then it and
                          everything it started are killed) and cannot read the terminal:
                          prompt through gpg-agent/pinentry
  --domain NAME           name sent with EHLO
  --oauth2-token-endpoint URL   with --auth=xoauth2|oauthbearer: get the access token from
                          this OAuth2 token endpoint (https://) with a refresh token
                          (RFC 6749 section 6) instead of --passwordeval; e.g.
                          https://oauth2.googleapis.com/token (Gmail),
                          https://login.microsoftonline.com/common/oauth2/v2.0/token (M365)
  --oauth2-client-id ID   the OAuth2 client (application) id
  --oauth2-client-secret-eval CMD   run CMD; its first output line is the client secret
                          (optional: public clients have none)
  --oauth2-refresh-token-eval CMD   run CMD; its first output line is the refresh token
  --oauth2-scope SCOPE    scope to ask for (optional), e.g. https://mail.google.com/ or
                          "https://outlook.office.com/SMTP.Send offline_access"
  --oauth2-tls-trust-file FILE   CA certificates (PEM) for the token endpoint; default and
                          "system": the system store (tls_trust_file is for the SMTP server)
  --timeout SECONDS|off   bound on the whole send, and on connecting and each read/write
  --proxy-host HOST, --proxy-port PORT   connect through a SOCKS5 proxy

Message and log options (msmtp keys of the same name; headers are changed in sendmail mode,
composing mode always writes From, Date and Message-ID itself):
  --set-from-header=auto|on|off   auto (default): add From (--from-full-name/-F and the
                          sender) when the message has none; on: replace any From; off: never
  --set-date-header=auto|off, --set-msgid-header=auto|off   add Date / Message-ID when
                          missing (default auto) or never
  --remove-bcc-headers=on|off   on (default): Bcc headers are not sent; off keeps them
  --undisclosed-recipients[=on|off]   replace To, Cc and Bcc by "To: undisclosed-recipients:;"
                          (also when composing)
  --allow-from-override=on|off   off: -f/-r/--from do not replace the account's "from"
  --from-full-name NAME   display name of an added From header
  --aliases FILE          replace recipients without '@' (also those -t reads) by the
                          addresses FILE lists for them ("name: a@x, b@y", "default: c@z");
                          one level, as msmtp
  --logfile FILE          append one line per message sent or failed (host, tls, auth, user,
                          from, recipients, mailsize, smtpstatus, smtpmsg, errormsg, exitcode;
                          never a password) to FILE, created mode 600; "-" = standard output.
                          --flush does not log
  --logfile-time-format FORMAT   strftime format of its time stamp (default "%b %d %H:%M:%S")
  --syslog[=on|off|FACILITY]   the same line to syslog (on = LOG_USER; LOG_MAIL,
                          LOG_LOCAL0..LOG_LOCAL7)

Modes and files:
  -S, --serverinfo        print the greeting, TLS session and certificate, and every EHLO
                          capability, then quit
  --queue DIR             if the server cannot be reached or answers 4xx, keep the message
                          in DIR and exit 0 (also the account key "queue")
                          The message is written to DIR (fsync'ed) before connecting.
  --flush                 send every message queued in DIR over one connection; each is
                          removed only after the server accepted it. Held messages are
                          listed, never sent (see "Held messages" below)
  --release ID            with --flush: un-hold message ID first, so it is sent (again)
  -C, --config FILE       configuration file (also --file). Default: the first existing of
                          $XDG_CONFIG_HOME/inet/mailrc (~/.config/inet/mailrc), ~/.msmtprc,
                          $XDG_CONFIG_HOME/msmtp/config (~/.config/msmtp/config),
                          /etc/msmtprc
  --help                  print this help

Configuration: msmtp's format ("defaults", "account NAME [: PARENT,...]", "account default :
NAME", "key value" lines, "#" comments, "double quotes"). A file that contains a password
(or oauth2_client_secret / oauth2_refresh_token) must be readable by you only (chmod 600).
The file also takes oauth2_client_secret SECRET and oauth2_refresh_token TOKEN, which are not
command-line options because other users can see a command line. With auth xoauth2 or
oauthbearer and oauth2_token_endpoint set, password and passwordeval are not used: the
access token is fetched when needed, kept until it expires, and refreshed once more if the
server rejects it. Other auth methods ignore the oauth2_* keys.

Security: credentials are never sent without TLS. With "tls off" in the configuration and a
user set, inet mail refuses to authenticate; pass --tls=off on the command line to allow it
for that run (msmtp would send the password anyway).

Recipients: if the server refuses some recipients and accepts others, the message goes to
the accepted ones and each refused recipient is reported with the server's reply. The exit
status is then 67 (EX_NOUSER) if one was refused permanently (5xx); recipients refused with
4xx are queued for a retry when a queue is set (exit 0), else the status is 75.

Held messages: if the connection breaks after the whole message was sent but before the
server confirmed it, the server may or may not have accepted it. inet mail never resends it
by itself: it exits 75 saying so and, with a queue, keeps it in DIR marked held ("held ..."
line in DIR/ID.env) with the reason. A message that was being sent when inet mail was
killed is held the same way. --flush lists held messages and does not send them: check
whether the message arrived, then `inet mail --flush --release ID` to send it again, or
delete DIR/ID.eml and DIR/ID.env. --flush also reports orphaned DIR/.tmp-* files older than
an hour (left by a crash while the message was being read); they are never deleted
automatically.

Exit status (sysexits.h): 0 sent or queued; 64 usage error; 65 malformed address or message;
66 input file cannot be read; 67 recipient refused; 68 host not found; 69 rejected by the
server (5xx) or a required feature is missing; 70 internal error; 71 system error; 74 I/O
error; 75 temporary failure (4xx, timeout, cannot connect) and not queued, delivery
unconfirmed (held), or --flush kept/held messages; 76 protocol error;
77 authentication failed or certificate rejected; 78 configuration error.
)";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

struct pre_result {
  std::vector<std::string> args;
  bool help = false;
};

// Rewrites sendmail-only spellings into what the CLI11 grammar below understands.
pre_result preprocess(const std::vector<std::string>& in) {
  pre_result out;
  bool positional = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (positional || a.size() < 2 || a[0] != '-') {
      out.args.push_back(a);
      continue;
    }
    if (a == "--") {
      positional = true;
      out.args.push_back(a);
    } else if (a == "-oi") {
      out.args.push_back("-i");
    } else if (a.starts_with("-o") || a == "-bm" || a.starts_with("-e") || a == "-U" ||
               (a.starts_with("-B") && a.size() > 2)) {
      // sendmail options without an effect here
    } else if (a == "-X" && i + 1 < in.size()) {
      out.args.push_back("--logfile=" + in[++i]);  // msmtp: -X FILE is --logfile
    } else if (a == "-B" || a == "-X" || (a == "-h" && i + 1 < in.size() && all_digits(in[i + 1]))) {
      ++i;  // ignored option with a separate argument
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a.starts_with("-b")) {
      throw CLI::ValidationError("sendmail mode '" + a + "' is not supported");
    } else if (a == "--tls" || a == "--tls-starttls" || a == "--tls-certcheck" || a == "--auth" ||
               a == "--syslog" || a == "--undisclosed-recipients" ||
               a == "--remove-bcc-headers" || a == "--allow-from-override") {
      out.args.push_back(a + "=on");
    } else if (a.starts_with("-r") && !a.starts_with("--")) {
      out.args.push_back("-f" + a.substr(2));
    } else {
      out.args.push_back(a);
    }
  }
  return out;
}

// Converts one string-valued override with `parse` (std::invalid_argument -> usage error).
template <class T, class F>
void convert(const CLI::Option* opt, const std::string& raw, std::optional<T>& field, F parse) {
  if (opt->count() == 0) return;
  try {
    field = parse(raw);
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError(opt->get_name(), e.what());
  }
}

struct raw_overrides {
  std::string port, tls, starttls, certcheck, auth, timeout, proxy_port, notify, ret, trust,
      oauth2_trust, protocol;
  CLI::Option *o_port, *o_tls, *o_starttls, *o_certcheck, *o_auth, *o_timeout, *o_proxy_port,
      *o_notify, *o_ret, *o_trust, *o_oauth2_trust, *o_protocol;
};

CLI::Option* last_wins(CLI::Option* o) {
  return o->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void add_string_overrides(CLI::App& app, account_settings& s) {
  const auto str = [&](const std::string& names, std::optional<std::string>& field,
                       const std::string& desc) {
    last_wins(app.add_option_function<std::string>(
        names, [&field](const std::string& v) { field = v; }, desc));
  };
  str("--host", s.host, "SMTP server");
  str("-f,--from", s.from, "envelope sender");
  str("--user", s.user, "user name");
  str("--passwordeval,--password-eval", s.passwordeval, "password command");
  str("--tls-cert-file", s.tls_cert_file, "client certificate");
  str("--tls-key-file", s.tls_key_file, "client key");
  str("--tls-host-override", s.tls_host_override, "certificate host name");
  str("--tls-fingerprint", s.tls_fingerprint, "pinned server certificate fingerprint");
  str("--domain", s.domain, "EHLO name");
  str("--queue", s.queue, "queue directory");
  str("--proxy-host", s.proxy_host, "SOCKS5 proxy");
  // No --oauth2-client-secret / --oauth2-refresh-token: secrets in argv are visible to every
  // local user (ps), as msmtp has no --password either. Use the _eval forms or the file.
  str("--oauth2-token-endpoint", s.oauth2_token_endpoint, "OAuth2 token endpoint URL");
  str("--oauth2-client-id", s.oauth2_client_id, "OAuth2 client id");
  str("--oauth2-client-secret-eval", s.oauth2_client_secret_eval, "client secret command");
  str("--oauth2-refresh-token-eval", s.oauth2_refresh_token_eval, "refresh token command");
  str("--oauth2-scope", s.oauth2_scope, "OAuth2 scope");
}

void add_typed_overrides(CLI::App& app, raw_overrides& r) {
  r.o_port = last_wins(app.add_option("--port", r.port));
  r.o_protocol = last_wins(app.add_option("--protocol", r.protocol));
  r.o_tls = last_wins(app.add_option("--tls", r.tls));
  r.o_starttls = last_wins(app.add_option("--tls-starttls", r.starttls));
  r.o_certcheck = last_wins(app.add_option("--tls-certcheck", r.certcheck));
  r.o_trust = last_wins(app.add_option("--tls-trust-file", r.trust));
  r.o_oauth2_trust = last_wins(app.add_option("--oauth2-tls-trust-file", r.oauth2_trust));
  r.o_auth = last_wins(app.add_option("--auth", r.auth));
  r.o_timeout = last_wins(app.add_option("--timeout", r.timeout));
  r.o_proxy_port = last_wins(app.add_option("--proxy-port", r.proxy_port));
  r.o_notify = last_wins(app.add_option("-N,--dsn-notify", r.notify));
  r.o_ret = last_wins(app.add_option("-R,--dsn-return", r.ret));
}

void apply_typed_overrides(const raw_overrides& r, account_settings& s) {
  convert(r.o_port, r.port, s.port, parse_port);
  convert(r.o_protocol, r.protocol, s.protocol, [](const std::string& v) { return parse_protocol(v); });
  convert(r.o_tls, r.tls, s.tls, parse_on_off);
  convert(r.o_starttls, r.starttls, s.tls_starttls, parse_on_off);
  convert(r.o_certcheck, r.certcheck, s.tls_certcheck, parse_on_off);
  convert(r.o_trust, r.trust, s.tls_trust_file,
          [](const std::string& v) { return v == "system" ? std::string() : v; });
  convert(r.o_oauth2_trust, r.oauth2_trust, s.oauth2_tls_trust_file,
          [](const std::string& v) { return v == "system" ? std::string() : v; });
  convert(r.o_auth, r.auth, s.auth, parse_auth);
  convert(r.o_timeout, r.timeout, s.timeout, parse_timeout);
  convert(r.o_proxy_port, r.proxy_port, s.proxy_port, parse_port);
  convert(r.o_notify, r.notify, s.dsn_notify, [](const std::string& v) {
    const std::string l = lower(v);
    if (l != "off" && l != "never" &&
        l.find_first_not_of("successfailuredelay,") != std::string::npos)
      throw std::invalid_argument("expected off, never or success,failure,delay");
    return l;
  });
  convert(r.o_ret, r.ret, s.dsn_return, [](const std::string& v) {
    const std::string l = lower(v);
    if (l == "hdrs") return std::string("headers");
    if (l != "off" && l != "headers" && l != "full")
      throw std::invalid_argument("expected off, headers or full");
    return l;
  });
}

// The msmtp logging/aliases/header keys as long options; values are checked as in the file.
void add_msmtp_overrides(CLI::App& app, account_settings& s) {
  const auto opt = [&](const std::string& names, auto set) {
    last_wins(app.add_option_function<std::string>(names, [names, set](const std::string& v) {
      try {
        set(v);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(names, e.what());
      }
    }));
  };
  const auto on_off = [](std::optional<bool>& f) {
    return [&f](const std::string& v) { f = parse_on_off(v); };
  };
  opt("--logfile", [&s](const std::string& v) { s.logfile = v; });
  opt("--logfile-time-format", [&s](const std::string& v) { s.logfile_time_format = v; });
  opt("--syslog", [&s](const std::string& v) { s.syslog = parse_syslog(v); });
  opt("--aliases", [&s](const std::string& v) { s.aliases = v; });
  opt("--undisclosed-recipients", on_off(s.undisclosed_recipients));
  opt("--remove-bcc-headers", on_off(s.remove_bcc_headers));
  opt("--allow-from-override", on_off(s.allow_from_override));
  opt("--from-full-name", [&s](const std::string& v) { s.from_full_name = v; });
  opt("--set-from-header",
      [&s](const std::string& v) { s.set_from_header = parse_header_mode(v, true); });
  opt("--set-date-header",
      [&s](const std::string& v) { s.set_date_header = parse_header_mode(v, false); });
  opt("--set-msgid-header",
      [&s](const std::string& v) { s.set_msgid_header = parse_header_mode(v, false); });
}

void add_compose_options(CLI::App& app, mail_options& o) {
  const auto opt = [&](const std::string& names, std::optional<std::string>& field) {
    last_wins(app.add_option_function<std::string>(
        names, [&field](const std::string& v) { field = v; }));
  };
  app.add_option("--to", o.to);
  app.add_option("--cc", o.cc);
  app.add_option("--bcc", o.bcc);
  app.add_option("--attach", o.attachments);
  opt("--subject", o.subject);
  opt("--body", o.body);
  opt("--body-file", o.body_file);
  opt("--html", o.html_file);
  opt("--reply-to", o.reply_to);
}

void check_modes(mail_options& o, bool serverinfo, bool flush) {
  if (!o.release.empty()) flush = true;
  if (serverinfo && flush) throw CLI::ValidationError("--serverinfo and --flush exclude each other");
  if (serverinfo) o.mode = mode::serverinfo;
  if (flush) o.mode = mode::flush;
  if (o.mode != mode::send) return;
  if (o.body && o.body_file) throw CLI::ValidationError("--body and --body-file exclude each other");
  if (o.compose_mode()) {
    if (o.read_recipients) throw CLI::ValidationError("-t cannot be used when composing");
    if (o.read_envelope_from)
      throw CLI::ValidationError("--read-envelope-from cannot be used when composing");
    o.to.insert(o.to.end(), o.recipients.begin(), o.recipients.end());
    o.recipients.clear();
    if (o.to.empty() && o.cc.empty() && o.bcc.empty())
      throw CLI::ValidationError("no recipient: give --to, --cc or --bcc");
    return;
  }
  if (!o.read_recipients && o.recipients.empty())
    throw CLI::ValidationError("no recipients given (use -t to read them from the message)");
}

}  // namespace

bool mail_options::compose_mode() const noexcept {
  return !to.empty() || !cc.empty() || !bcc.empty() || !attachments.empty() || subject ||
         body || body_file || html_file || reply_to;
}

parse_result parse_options(const std::vector<std::string>& args) {
  parse_result result;
  mail_options& o = result.options;
  try {
    pre_result pre = preprocess(args);
    if (pre.help) {
      o.mode = mode::help;
      return result;
    }
    CLI::App app{"inet mail", "mail"};
    app.set_help_flag();
    bool serverinfo = false, flush = false;
    app.add_flag("-t,--read-recipients", o.read_recipients);
    app.add_flag("--read-envelope-from", o.read_envelope_from);
    app.add_flag("-i", o.ignore_dots);
    app.add_flag("-v,-d,--verbose,--debug", o.verbose);
    app.add_flag("-S,--serverinfo", serverinfo);
    app.add_flag("--flush", flush);
    app.add_option("--release", o.release);
    last_wins(app.add_option("-F", o.full_name));
    last_wins(app.add_option("-a,--account", o.account));
    last_wins(app.add_option("-C,--config,--file", o.config_file));
    add_string_overrides(app, o.overrides);
    raw_overrides raw;
    add_typed_overrides(app, raw);
    add_msmtp_overrides(app, o.overrides);
    add_compose_options(app, o);
    app.add_option("recipients", o.recipients);
    std::vector<std::string> reversed(pre.args.rbegin(), pre.args.rend());
    app.parse(reversed);
    apply_typed_overrides(raw, o.overrides);
    if (o.overrides.from && (*o.overrides.from == "<>")) o.overrides.from = "";
    check_modes(o, serverinfo, flush);
  } catch (const CLI::Error& e) {
    result.exit_code = ex_usage;
    result.message = std::string("inet mail: ") + e.what() + " (see inet mail --help)";
  }
  return result;
}

const std::string& help_text() {
  static const std::string text = help;
  return text;
}

}  // namespace inet::mail
