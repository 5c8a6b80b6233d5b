// `inet get imap(s)://…` and `inet put imap(s)://…`: curl's IMAP URL forms (RFC 5092 as curl
// reads it) with curl's output bytes and exit codes.
//
//   imap://host/                     LIST "" *            the untagged "* LIST" lines, verbatim
//   imap://host/BOX                  LIST "BOX" *         (curl's listing of one mailbox)
//   imap://host/BOX;UID=5            SELECT BOX, UID FETCH 5 BODY[]    only the message bytes
//   imap://host/BOX;MAILINDEX=5      SELECT BOX, FETCH 5 BODY[]
//        ;SECTION=1.2                BODY[1.2]; ;PARTIAL=0.100 -> BODY[]<0.100>
//        ;UIDVALIDITY=n              checked against SELECT's [UIDVALIDITY]: mismatch is exit 78
//   imap://host/BOX?SUBJECT%20x      SELECT BOX, SEARCH SUBJECT x      the "* SEARCH" line
//   -X "CMD ARGS" [imap://host/BOX]  (SELECT BOX,) CMD ARGS: every untagged response verbatim,
//                                    literals inline (curl drops them, curl issue 23010)
//   put imap://host/BOX              APPEND BOX (\Seen) {size}: -T FILE, or stdin spooled
//
// Several URLs of one group (the URLs before one --next) share a connection when origin and
// credentials match, and the same mailbox is not selected twice. Exit codes as curl 7.88:
// 67 login refused and also SELECT refused (curl's choice), 78 FETCH found nothing / UIDVALIDITY
// mismatch, 21 LIST/SEARCH/custom command answered NO/BAD, 25 APPEND refused, 64 TLS required
// but unavailable (also a PREAUTH greeting in clear text), 63 a literal over --max-filesize
// (default cap 4 GiB, refused from its announcement before any byte is read).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "protocols/url/url.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"

namespace inet::imap_cli {

/// What one URL asks the server to do, decided as curl 7.88's imap_perform() decides.
struct request {
  enum class kind {
    list,    ///< LIST "<mailbox>" * (no mailbox, or a mailbox without UID/MAILINDEX/query/-X)
    fetch,   ///< [UID] FETCH n BODY[section]<partial>
    search,  ///< SEARCH <query>
    custom,  ///< the -X line as given
    append,  ///< APPEND (inet put)
  };
  kind what = kind::list;
  /// The mailbox as UTF-8 (RFC 5092 §3.2: URLs carry UTF-8). An ASCII path that is valid
  /// modified UTF-7 with shifted runs ("Entw&APw-rfe", as curl users write it) is decoded.
  std::string mailbox;
  std::string line;  ///< the command line after the tag for list / search / custom
  bool by_uid = false;
  std::uint32_t number = 0;  ///< UID or sequence number (fetch)
  std::string section;       ///< ";SECTION=" value ("" = whole message)
  /// ";PARTIAL=o.l" or ";PARTIAL=o" (length then 4294967295: "to the end").
  std::optional<std::pair<std::uint64_t, std::uint64_t>> partial;
  std::optional<std::uint32_t> uidvalidity;  ///< ";UIDVALIDITY=" to check after SELECT
};

/// Whether `inet get` prints an untagged response (by its first line, no CRLF) of a listing
/// request, as curl 7.88 does: LIST shows only "* LIST", SEARCH only "* SEARCH", and -X only
/// the responses named after its first word (all of them for SELECT, EXAMINE, SEARCH, EXPUNGE,
/// LSUB, UID, GETQUOTAROOT and NOOP; FETCH too for STORE). An unsolicited "* 3 EXISTS" or
/// "* OK [ALERT] ..." during a LIST is thus not printed.
bool curl_prints_untagged(const request& r, std::string_view first_line);

/// A URL that cannot be turned into a request: the exit code curl reports for it (78 for a
/// non-numeric UID/MAILINDEX/PARTIAL/UIDVALIDITY, as the server's refusal gives in curl).
struct plan_error {
  cli::exit_code code;
  std::string why;
};

/// Decides the request for `u` (`upload`: inet put). Throws plan_error.
request plan_request(const cli::transfer_options& o, const url::parsed_url& u, bool upload);

/// The mailbox name as sent in curl's LIST command: modified UTF-7 of the UTF-8 name, with
/// '\' and '"' escaped for the quoted string.
std::string list_line(const std::string& utf8_mailbox);

/// The transfer handlers registered for imap and imaps (see handlers.hpp). Return the exit
/// status and print "inet: (N) reason" to ctx.err on failure unless silenced.
int imap_get(const cli::transfer_options& options, const url::parsed_url& url,
             cli::transfer_context& ctx);
int imap_put(const cli::transfer_options& options, const url::parsed_url& url,
             cli::transfer_context& ctx);

}  // namespace inet::imap_cli
