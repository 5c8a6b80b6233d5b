// What an imap(s):// URL asks for, as curl 7.88 reads it (RFC 5092 as curl implements it):
//
//   imap://host/                     LIST "" *            the untagged "* LIST" lines, verbatim
//   imap://host/BOX                  LIST "BOX" *         (curl's listing of one mailbox)
//   imap://host/BOX;UID=5            SELECT BOX, UID FETCH 5 BODY[]    only the message bytes
//   imap://host/BOX;MAILINDEX=5      SELECT BOX, FETCH 5 BODY[]
//        ;SECTION=1.2                BODY[1.2]; ;PARTIAL=0.100 -> BODY[]<0.100>
//        ;UIDVALIDITY=n              checked against SELECT's [UIDVALIDITY]: mismatch is 78
//   imap://host/BOX?SUBJECT%20x      SELECT BOX, SEARCH SUBJECT x      the "* SEARCH" line
//   custom_request "CMD ARGS"        (SELECT BOX,) CMD ARGS: the untagged responses curl
//                                    prints, literals inline (curl drops them, curl issue 23010)
//   put imap://host/BOX              APPEND BOX (\Seen) {size}
//
// Transfers to one host share a connection; a mailbox already selected on it is not selected
// again. curl's exit codes (error.hpp): 67 login refused and also SELECT refused (curl's choice),
// 78 FETCH found nothing / UIDVALIDITY mismatch, 21 LIST/SEARCH/custom command answered NO/BAD,
// 25 APPEND refused, 64 TLS required but unavailable (also a PREAUTH greeting in clear text),
// 63 a literal over max_filesize (default cap 4 GiB, refused from its announcement).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocols/transfer/exit_codes.hpp"
#include "protocols/transfer/options.hpp"
#include "protocols/url/url.hpp"

namespace inet::transfer::imap_url {

/// What one URL asks the server to do, decided as curl 7.88's imap_perform() decides.
struct request {
  enum class kind {
    list,    ///< LIST "<mailbox>" * (no mailbox, or a mailbox without UID/MAILINDEX/query/-X)
    fetch,   ///< [UID] FETCH n BODY[section]<partial>
    search,  ///< SEARCH <query>
    custom,  ///< the custom request line as given
    append,  ///< APPEND (put)
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

/// Whether a listing request writes an untagged response (by its first line, no CRLF), as curl
/// 7.88 does: LIST shows only "* LIST", SEARCH only "* SEARCH", and a custom command only the
/// responses named after its first word (all of them for SELECT, EXAMINE, SEARCH, EXPUNGE,
/// LSUB, UID, GETQUOTAROOT and NOOP; FETCH too for STORE).
bool curl_prints_untagged(const request& r, std::string_view first_line);

/// A URL that cannot be turned into a request: curl's exit code for it (78 for a non-numeric
/// UID/MAILINDEX/PARTIAL/UIDVALIDITY, as the server's refusal gives in curl; 3 APPEND without
/// a mailbox).
struct plan_error {
  exit_code code;
  std::string why;
};

/// Decides the request for `u` (`upload`: put) from options::custom_request and
/// options::upload_name. Throws plan_error.
request plan_request(const options& o, const url::parsed_url& u, bool upload);

/// The mailbox name as sent in curl's LIST command: modified UTF-7 of the UTF-8 name, with
/// '\' and '"' escaped for the quoted string.
std::string list_line(const std::string& utf8_mailbox);

}  // namespace inet::transfer::imap_url
