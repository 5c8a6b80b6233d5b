// IMAP commands built from typed arguments (RFC 3501 §4, §9; RFC 7888 LITERAL+/LITERAL-;
// RFC 6855 UTF8=ACCEPT). Strings go out as atom, quoted string or literal as their contents
// require, so no argument can end a command line or start another one. Standard library only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/types.hpp"

namespace inet::imap {

/// What the server allows, deciding how strings are sent.
struct encoding_options {
  bool literal_plus = false;   ///< LITERAL+ (RFC 7888): every literal non-synchronising
  bool literal_minus = false;  ///< LITERAL- (RFC 7888): non-synchronising up to 4096 bytes
  bool utf8_accept = false;    ///< UTF8=ACCEPT enabled (RFC 6855): UTF-8 in quoted strings and names
};

/// One command, split where literals go: send lines[0] + CRLF; if literals[0] is synchronising
/// wait for "+", then send its bytes; then lines[1] + CRLF ... lines.size() == literals.size()+1.
/// Each line but the last ends with the literal's announcement "{n}" / "{n+}" / "~{n}".
struct wire_command {
  struct literal {
    std::string data;          ///< the bytes (empty for an external literal)
    std::uint64_t size = 0;    ///< bytes announced
    bool synchronizing = true; ///< wait for the server's "+" before sending
    bool external = false;     ///< bytes come from the caller's byte_source (APPEND)
  };
  std::vector<std::string> lines;
  std::vector<literal> literals;
  std::string trace;           ///< the command for logs, credentials replaced
};

/// Builds one command after its tag. Every method validates its input and throws
/// std::system_error(transport::error::invalid_argument) on bytes that cannot be
/// sent safely: NUL anywhere, CR/LF in an atom or raw piece, an empty or ill-formed atom.
class command_builder {
 public:
  command_builder(std::string_view tag, std::string_view verb, encoding_options enc = {});

  /// An atom (RFC 3501 ATOM-CHAR, plus '\' for flags and "[]<>.*" in FETCH/section syntax).
  command_builder& atom(std::string_view a);
  /// Protocol syntax built by this library ("(FLAGS UID)", "BODY.PEEK[1]<0.100>"): no CR/LF/NUL.
  command_builder& raw(std::string_view s);
  /// A number.
  command_builder& number(std::uint64_t n);
  /// A sequence set ("1:5,7,*").
  command_builder& set(const sequence_set& s);
  /// An astring: atom when every byte is an atom char, else a quoted string, else a literal
  /// (CR/LF, 8-bit without UTF8=ACCEPT, over 1000 bytes). NUL is refused.
  command_builder& astring(std::string_view s);
  /// A string (never an atom): quoted or literal as for astring.
  command_builder& string(std::string_view s);
  /// A mailbox name given as UTF-8: modified UTF-7 on the wire (RFC 3501 §5.1.3), or UTF-8 with
  /// UTF8=ACCEPT; "INBOX" in any case becomes INBOX. Invalid UTF-8 is refused.
  command_builder& mailbox(std::string_view utf8);
  /// A literal whose `size` bytes the caller streams later (APPEND's message). `literal8` is
  /// "~{n}" (RFC 3516 binary).
  command_builder& external_literal(std::uint64_t size, bool literal8 = false);
  /// Opens/closes a parenthesised group: "(" and ")" with the spacing IMAP wants.
  command_builder& open();
  command_builder& close();
  /// From here on the trace shows `shown` instead of the arguments (passwords).
  command_builder& redact(std::string_view shown);

  /// Finishes the command (the builder is spent afterwards).
  wire_command build();

 private:
  void space();
  void literal(std::string_view data);
  encoding_options enc_;
  wire_command out_;
  std::string cur_;
  std::string trace_;
  bool redacted_ = false;
  bool need_space_ = false;
};

/// RFC 3501 date for SEARCH: "1-Feb-2024".
struct date {
  int year = 1970, month = 1, day = 1;
  std::string to_string() const;  ///< throws std::invalid_argument when out of range
};

/// A typed SEARCH criterion (RFC 3501 §6.4.4, RFC 7162 MODSEQ). Combine with && || !:
///   auto q = search_key::unseen() && search_key::from("alice") && !search_key::deleted();
/// Strings are sent quoted or as literals; non-ASCII text makes the command say CHARSET UTF-8.
class search_key {
 public:
  static search_key all();
  static search_key answered();
  static search_key deleted();
  static search_key draft();
  static search_key flagged();
  static search_key seen();
  static search_key unanswered();
  static search_key undeleted();
  static search_key undraft();
  static search_key unflagged();
  static search_key unseen();
  static search_key recent();
  static search_key new_messages();  ///< NEW
  static search_key old();
  static search_key keyword(std::string_view flag);    ///< KEYWORD flag (atom)
  static search_key unkeyword(std::string_view flag);
  static search_key from(std::string_view s);
  static search_key to(std::string_view s);
  static search_key cc(std::string_view s);
  static search_key bcc(std::string_view s);
  static search_key subject(std::string_view s);
  static search_key body(std::string_view s);
  static search_key text(std::string_view s);
  static search_key header(std::string_view field, std::string_view s);
  static search_key before(date d);
  static search_key on(date d);
  static search_key since(date d);
  static search_key sent_before(date d);
  static search_key sent_on(date d);
  static search_key sent_since(date d);
  static search_key larger(std::uint64_t bytes);
  static search_key smaller(std::uint64_t bytes);
  static search_key uid(const sequence_set& s);
  static search_key seq(const sequence_set& s);
  static search_key modseq(std::uint64_t m);           ///< MODSEQ n (RFC 7162 §3.1.5)

  friend search_key operator&&(search_key a, search_key b);
  friend search_key operator||(search_key a, search_key b);
  friend search_key operator!(search_key a);

  /// True if any string is not ASCII (CHARSET UTF-8 needed).
  bool needs_utf8() const noexcept;
  /// Appends the criterion to `b`.
  void append_to(command_builder& b) const;
  /// The criterion as text (strings quoted), for logs and tests.
  std::string to_string() const;

 private:
  struct token {
    bool is_string = false;
    std::string text;
  };
  static search_key word(std::string_view w);
  static search_key with_string(std::string_view w, std::string_view s);
  bool is_single() const noexcept;
  std::vector<token> tokens_;
  std::size_t keys_ = 1;  ///< top-level criteria (an AND list of more needs parentheses)
};

/// True if `c` is an ATOM-CHAR (RFC 3501 §9).
bool is_atom_char(char c) noexcept;

}  // namespace inet::imap
