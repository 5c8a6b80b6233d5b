// IMAP data types (RFC 3501 / RFC 9051): sequence sets, the generic value tree, and the typed
// responses the parser produces. Standard library only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace inet::imap {

/// A message sequence-number or UID set (RFC 3501 §9 "sequence-set"): ranges, where the number
/// 0 stands for "*" (the largest number in use; 0 is never a valid message number).
class sequence_set {
 public:
  static constexpr std::uint32_t star = 0;
  struct range {
    std::uint32_t first = 0, last = 0;  ///< inclusive; either may be `star`
    friend bool operator==(const range&, const range&) = default;
  };

  sequence_set() = default;
  /// One number (`star` for "*").
  sequence_set(std::uint32_t n) { add(n); }  // NOLINT: implicit by design
  /// first:last (either may be `star`).
  static sequence_set span(std::uint32_t first, std::uint32_t last);
  /// "1:*": every message.
  static sequence_set all() { return span(1, star); }
  /// Parses "1:5,7,9:*". nullopt for anything else (empty, 0, overflow, stray bytes).
  static std::optional<sequence_set> parse(std::string_view text);

  sequence_set& add(std::uint32_t n) { return add(n, n); }
  sequence_set& add(std::uint32_t first, std::uint32_t last);

  bool empty() const noexcept { return ranges_.empty(); }
  const std::vector<range>& ranges() const noexcept { return ranges_; }
  /// Whether `n` is in the set; "*" counts as "any number >= the other end".
  bool contains(std::uint32_t n) const noexcept;
  /// The numbers in order (ranges with "*" are skipped); nullopt if more than `max_count`.
  std::optional<std::vector<std::uint32_t>> expand(std::size_t max_count = 1'000'000) const;
  /// Wire form, "1:5,7,9:*". Throws std::invalid_argument when empty (IMAP has no empty set).
  std::string to_string() const;
  friend bool operator==(const sequence_set&, const sequence_set&) = default;

 private:
  std::vector<range> ranges_;
};

/// One node of a response as the lexer saw it (RFC 3501 §4): atoms (numbers included, and
/// section atoms like `BODY[HEADER.FIELDS (TO)]<0>`), quoted strings and literals, NIL,
/// parenthesised lists, and placeholders for literals streamed to a sink instead of kept.
struct value {
  enum class kind : std::uint8_t { atom, string, nil, list, streamed };
  kind type = kind::nil;
  std::string text;           ///< atom text or string contents
  std::vector<value> items;   ///< list members
  std::uint64_t size = 0;     ///< streamed: the literal's size in bytes
  bool literal = false;       ///< string/streamed: it came as a literal ({n} or ~{n})

  bool is_atom() const noexcept { return type == kind::atom; }
  bool is_list() const noexcept { return type == kind::list; }
  bool is_nil() const noexcept { return type == kind::nil; }
  bool is_string() const noexcept { return type == kind::string; }
  /// Atom or string text ("" for NIL and lists).
  std::string_view str() const noexcept { return type == kind::list ? std::string_view() : text; }
  /// The atom as an unsigned number (only digits, fits in 64 bits), else nullopt.
  std::optional<std::uint64_t> number() const noexcept;
  /// The value in IMAP syntax again (strings quoted, streamed literals as "{n}"), for logs.
  std::string to_string() const;
};

/// A response code (RFC 3501 §7.1, RFC 9051 §7.1): "[UIDVALIDITY 3857529045]".
struct response_code {
  std::string name;                 ///< upper-cased: "UIDVALIDITY", "CAPABILITY", "ALERT" ...
  std::string args;                 ///< the raw text after the name, trimmed ("" if none)
  std::vector<std::string> tokens;  ///< args split on spaces, parentheses removed
  /// The first token as a number (UIDVALIDITY, UIDNEXT, UNSEEN, HIGHESTMODSEQ ...).
  std::optional<std::uint64_t> number() const noexcept;
};

/// OK / NO / BAD / BYE / PREAUTH, tagged (tag non-empty) or untagged (RFC 3501 §7.1).
struct status_response {
  enum class kind { ok, no, bad, bye, preauth };
  std::string tag;                    ///< "" for an untagged ("*") response
  kind status = kind::ok;
  std::optional<response_code> code;
  std::string text;                   ///< human-readable text after the code
  bool has_code(std::string_view name) const noexcept;  ///< case-insensitive
  /// "NO [TRYCREATE] Mailbox doesn't exist", for messages.
  std::string summary() const;
};

/// "+ text": a continuation request (RFC 3501 §7.5); text is a base64 challenge for SASL.
struct continuation {
  std::string text;
};

struct capability_data {
  std::vector<std::string> capabilities;  ///< as sent ("IMAP4rev1", "AUTH=PLAIN" ...)
};

struct flags_data {
  std::vector<std::string> flags;  ///< "\Seen", "$Forwarded" ...
};

/// LIST / LSUB (RFC 3501 §7.2.2, RFC 5258, RFC 6154).
struct list_data {
  bool lsub = false;
  std::vector<std::string> attributes;  ///< "\HasNoChildren", "\Sent" ... as sent
  std::optional<char> delimiter;        ///< hierarchy delimiter; nullopt for NIL (flat)
  std::string mailbox;                  ///< UTF-8 (modified UTF-7 decoded; raw if invalid)
  std::string raw_mailbox;              ///< the name exactly as on the wire
  std::optional<std::string> old_name;  ///< RFC 5465 OLDNAME extended item, UTF-8
  bool has_attribute(std::string_view a) const noexcept;  ///< case-insensitive
};

/// STATUS (RFC 3501 §7.2.4): item name (upper-cased) -> number.
struct status_data {
  std::string mailbox;  ///< UTF-8
  std::map<std::string, std::uint64_t> items;
  std::optional<std::uint64_t> get(std::string_view item) const;
};

/// SEARCH (RFC 3501 §7.2.5), with the CONDSTORE (MODSEQ n) suffix (RFC 7162 §3.1.5).
struct search_data {
  std::vector<std::uint32_t> numbers;
  std::optional<std::uint64_t> modseq;
};

/// ESEARCH (RFC 4731 §3.1).
struct esearch_data {
  std::string tag;  ///< the command's tag from "(TAG "a1")", "" if absent
  bool uid = false;
  std::optional<std::uint32_t> min, max;
  std::optional<std::uint64_t> count, modseq;
  std::optional<sequence_set> all;
};

/// "* n EXISTS" / "* n RECENT" (RFC 3501 §7.3).
struct count_data {
  enum class kind { exists, recent };
  kind what = kind::exists;
  std::uint32_t count = 0;
};

/// "* n EXPUNGE" (RFC 3501 §7.4.1).
struct expunge_data {
  std::uint32_t seq = 0;
};

/// "* VANISHED [(EARLIER)] uid-set" (RFC 7162 §3.2.10).
struct vanished_data {
  bool earlier = false;
  sequence_set uids;
};

/// An address of an ENVELOPE (RFC 3501 §7.4.2). A group start has host empty and mailbox = the
/// group name; a group end has both empty.
struct address {
  std::string name, adl, mailbox, host;
  std::string email() const { return host.empty() ? mailbox : mailbox + "@" + host; }
};

/// ENVELOPE (RFC 3501 §7.4.2). Header values as the server sent them (RFC 2047 words intact:
/// inet::mime::decode_words(subject) gives UTF-8, protocols/mime/codecs.hpp).
struct envelope {
  std::string date, subject;
  std::vector<address> from, sender, reply_to, to, cc, bcc;
  std::string in_reply_to, message_id;
};

/// BODYSTRUCTURE / BODY as a tree (RFC 3501 §7.4.2, RFC 9051 §7.5.2).
struct body_structure {
  std::string type, subtype;  ///< lower-cased: "multipart"/"mixed", "text"/"plain"
  std::vector<std::pair<std::string, std::string>> params;  ///< names lower-cased
  std::string id, description, encoding;  ///< encoding upper-cased ("BASE64")
  std::uint64_t size = 0;     ///< body size in octets (after transfer encoding)
  std::uint64_t lines = 0;    ///< text/* and message/rfc822: size in lines
  std::optional<imap::envelope> message_envelope;  ///< message/rfc822: its envelope
  /// multipart: the parts; message/rfc822: one element, the encapsulated message's body.
  std::vector<body_structure> parts;
  std::string md5;
  std::string disposition;    ///< lower-cased "attachment"/"inline", "" if none
  std::vector<std::pair<std::string, std::string>> disposition_params;
  std::vector<std::string> language;
  std::string location;
  /// The part specifier to fetch this part with BODY[section] (RFC 3501 §6.4.5): "1", "2.1"
  /// ...; "" for the multipart root. The body of a non-multipart message is "1".
  std::string section;

  bool is_multipart() const noexcept { return type == "multipart"; }
  std::optional<std::string> param(std::string_view name) const;  ///< case-insensitive
};

/// A BODY[section]<origin> / BINARY[section] / RFC822* item of a FETCH response.
struct section_data {
  std::string item;                  ///< the item as sent, upper-cased: "BODY[1.2]<0>"
  std::string kind;                  ///< "BODY", "BINARY", "RFC822", "RFC822.TEXT", "RFC822.HEADER"
  std::string section;               ///< "1.2", "HEADER", "" ...
  std::optional<std::uint64_t> origin;  ///< <origin> of a partial fetch
  std::uint64_t size = 0;            ///< literal/string size in bytes (0 for NIL)
  bool nil = false;                  ///< the server sent NIL
  bool streamed = false;             ///< delivered to a sink; `data` is empty
  std::string data;                  ///< the contents when not streamed
};

/// One FETCH response (RFC 3501 §7.4.2).
struct fetch_data {
  std::uint32_t seq = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::vector<std::string>> flags;
  std::optional<std::string> internal_date;  ///< "17-Jul-1996 02:44:25 -0700"
  std::optional<std::uint64_t> rfc822_size;
  std::optional<std::uint64_t> modseq;       ///< RFC 7162
  std::optional<imap::envelope> envelope;
  std::optional<body_structure> body;        ///< BODYSTRUCTURE or BODY (non-extensible)
  std::vector<section_data> sections;
  std::map<std::string, std::uint64_t> binary_sizes;  ///< BINARY.SIZE[section] (RFC 3516)
  /// Items this parser does not model (X-GM-LABELS, X-GM-MSGID, PREVIEW ...), name upper-cased.
  std::vector<std::pair<std::string, value>> other;
  const value* find_other(std::string_view name) const noexcept;
};

/// NAMESPACE (RFC 2342): personal, other users', shared.
struct namespace_data {
  struct entry {
    std::string prefix;
    std::optional<char> delimiter;
  };
  std::vector<entry> personal, other_users, shared;
};

struct enabled_data {
  std::vector<std::string> capabilities;
};

/// ID (RFC 2971): field -> value (nullopt for NIL); empty for "* ID NIL".
struct id_data {
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;
};

/// Any other untagged response, kept as values: "* XYZ a (b c)" or "* 3 XFOO ..."
struct unknown_data {
  std::string name;                     ///< upper-cased
  std::optional<std::uint32_t> number;  ///< leading number, if any
  std::vector<value> args;
};

/// One complete server response.
using response = std::variant<status_response, continuation, capability_data, flags_data,
                              list_data, status_data, search_data, esearch_data, count_data,
                              expunge_data, vanished_data, fetch_data, namespace_data,
                              enabled_data, id_data, unknown_data>;

/// Upper-cases ASCII letters.
std::string to_upper(std::string_view s);
/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace inet::imap
