// The Telnet protocol engine (RFC 854 NVT, RFC 855 options, RFC 1143 Q method): no I/O. Feed it
// the bytes the server sent (receive()), take the bytes to write back (take_output()), escape
// application data with send(). It answers option negotiation by itself:
//
// - Q method (RFC 1143 §7): per option, our side (`us`: WILL/WONT we send, DO/DONT we get) and
//   the server's side (`him`) are NO, YES, WANTNO or WANTYES with a one-bit opposite queue. A
//   request is answered only when it changes a state, so no sequence of server commands can make
//   the engine loop: every byte of output is the answer to a distinct server command or a local
//   request, at most one 3-byte answer per 3-byte command.
// - Options (policy in engine_options): BINARY (RFC 856, both ways), ECHO (RFC 857, server side
//   only), SUPPRESS-GO-AHEAD (RFC 858, both ways), NAWS (RFC 1073, our side, sent again after
//   set_window_size()), TERMINAL-TYPE (RFC 1091, our side, answers SEND with IS <name>).
//   Everything else: DO x is answered WONT x, WILL x is answered DONT x.
// - IAC escaping (RFC 854): 0xFF in data is doubled on send; IAC IAC becomes one 0xFF on
//   receive. Commands and option requests may be split across receive() calls anywhere.
// - Subnegotiation (RFC 855): IAC SB <option> ... IAC SE, at most
//   engine_options::max_subnegotiation bytes, else std::system_error(error::subnegotiation_too_long)
//   (the session cannot be resynchronised: close it).
// - NVT line ends (RFC 854 p.11): while the server's BINARY is off, NUL is dropped from received
//   data (so CR NUL becomes CR; CR LF stays CR LF). While our BINARY is off, send() turns a CR not
//   followed by LF into CR NUL and a bare LF into CR LF (a CR ending the buffer becomes CR NUL).
//   In binary mode only IAC is escaped.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace inet::telnet {

/// Errors of this module, category "inet.telnet".
enum class error {
  subnegotiation_too_long = 1,  ///< IAC SB longer than engine_options::max_subnegotiation
  not_connected,                ///< an operation before connect() or after close()
  timeout,                      ///< read_until(): the pattern did not arrive in time
  buffer_full,                  ///< read_until(): client_options::max_buffer bytes, no match
  invalid_argument,             ///< an empty read_until() pattern, a bad terminal type
};
const std::error_category& telnet_category() noexcept;
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), telnet_category()};
}

/// Command bytes (RFC 854 p.14).
namespace cmd {
inline constexpr std::uint8_t se = 240, nop = 241, dm = 242, brk = 243, ip = 244, ao = 245,
                              ayt = 246, ec = 247, el = 248, ga = 249, sb = 250, will = 251,
                              wont = 252, do_ = 253, dont = 254, iac = 255;
}  // namespace cmd

/// Option codes of the options the engine supports.
namespace opt {
inline constexpr std::uint8_t binary = 0, echo = 1, sga = 3, ttype = 24, naws = 31;
}  // namespace opt

/// RFC 1143 §7 states of one side of one option.
enum class q : std::uint8_t { no, yes, want_no, want_yes };

/// The state of one option: our side, his side, and their opposite-queue bits.
struct option_state {
  q us = q::no;
  q him = q::no;
  bool us_opposite = false;
  bool him_opposite = false;
};

struct engine_options {
  bool binary = true;        ///< agree to BINARY in either direction when asked
  bool remote_echo = true;   ///< agree to the server's ECHO (it echoes what we type)
  bool sga = true;           ///< agree to SUPPRESS-GO-AHEAD in either direction
  /// TERMINAL-TYPE name sent on SEND (e.g. "XTERM"); empty = refuse the option. Printable
  /// ASCII only, at most 40 bytes (RFC 1091 §4).
  std::string terminal_type;
  bool naws = false;         ///< agree to NAWS (window size from set_window_size())
  std::uint16_t columns = 80, rows = 24;
  std::size_t max_subnegotiation = 1024;  ///< bytes between IAC SB and IAC SE
};

/// Telnet protocol state machine. Not thread-safe; one per connection.
class engine {
 public:
  /// Throws std::system_error(error::invalid_argument) for a bad terminal type.
  explicit engine(engine_options o = {});

  /// Decodes `in` (server bytes, any split), appends the application data to `data` and the
  /// answers to output. Throws std::system_error(error::subnegotiation_too_long).
  void receive(std::string_view in, std::string& data);
  /// Escapes application data `data` (IAC doubled; NVT line ends, see the top of this file)
  /// into the output.
  void send(std::string_view data);
  /// Queues a command (IAC <c>), e.g. cmd::ayt, cmd::ip, cmd::brk, cmd::nop.
  void send_command(std::uint8_t c);
  /// Q method request (RFC 1143 §7) to enable/disable option `o` on our side (WILL/WONT) or on
  /// the server's (DO/DONT). Returns false when the request is a no-op in the current state
  /// (already enabled, already negotiating, already queued) or the option is not supported.
  bool request_local(std::uint8_t o, bool enable);
  bool request_remote(std::uint8_t o, bool enable);
  /// Asks for what engine_options allows: DO SGA, DO ECHO (when remote_echo), WILL NAWS,
  /// WILL TTYPE. An interactive client calls this once after connecting.
  void offer();
  /// Records the window size; when NAWS is on, queues IAC SB NAWS <w16> <h16> IAC SE (RFC 1073,
  /// 0xFF bytes doubled).
  void set_window_size(std::uint16_t columns, std::uint16_t rows);

  /// Moves the pending output (bytes for the server) out; empty when there is none.
  std::string take_output();
  bool has_output() const noexcept { return !out_.empty(); }
  const option_state& state(std::uint8_t o) const noexcept { return opts_[o]; }
  bool local_enabled(std::uint8_t o) const noexcept { return opts_[o].us == q::yes; }
  bool remote_enabled(std::uint8_t o) const noexcept { return opts_[o].him == q::yes; }

 private:
  enum class st : std::uint8_t { data, iac, will, wont, do_, dont, sb, sb_data, sb_iac };
  void on_command(std::uint8_t c);
  void on_will(std::uint8_t o);
  void on_wont(std::uint8_t o);
  void on_do(std::uint8_t o);
  void on_dont(std::uint8_t o);
  void on_subnegotiation();
  void on_enabled_local(std::uint8_t o);
  bool agree_local(std::uint8_t o) const noexcept;
  bool agree_remote(std::uint8_t o) const noexcept;
  void emit(std::uint8_t verb, std::uint8_t o);
  void emit_naws();

  engine_options o_;
  std::array<option_state, 256> opts_{};
  st state_ = st::data;
  std::uint8_t sb_option_ = 0;
  std::string sb_;
  std::string out_;
};

}  // namespace inet::telnet

template <>
struct std::is_error_code_enum<inet::telnet::error> : std::true_type {};
