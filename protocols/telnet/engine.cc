// The Telnet engine: NVT decoding, IAC escaping and RFC 1143 Q method negotiation.
#include "protocols/telnet/engine.hpp"

namespace inet::telnet {

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.telnet"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::subnegotiation_too_long: return "Telnet subnegotiation too long";
      case error::not_connected: return "not connected";
      case error::timeout: return "Telnet read_until timed out";
      case error::buffer_full: return "Telnet read_until buffer full without a match";
      case error::invalid_argument: return "invalid Telnet argument";
    }
    return "unknown Telnet error";
  }
};

constexpr std::uint8_t ttype_is = 0, ttype_send = 1;

[[noreturn]] void fail(error e, const char* what) {
  throw std::system_error(make_error_code(e), what);
}

}  // namespace

const std::error_category& telnet_category() noexcept {
  static const category c;
  return c;
}

engine::engine(engine_options o) : o_(std::move(o)) {
  if (o_.terminal_type.size() > 40) fail(error::invalid_argument, "terminal type over 40 bytes");
  for (char c : o_.terminal_type)
    if (c <= ' ' || c > '~') fail(error::invalid_argument, "terminal type not printable ASCII");
}

bool engine::agree_local(std::uint8_t o) const noexcept {
  switch (o) {
    case opt::binary: return o_.binary;
    case opt::sga: return o_.sga;
    case opt::naws: return o_.naws;
    case opt::ttype: return !o_.terminal_type.empty();
    default: return false;
  }
}

bool engine::agree_remote(std::uint8_t o) const noexcept {
  switch (o) {
    case opt::binary: return o_.binary;
    case opt::echo: return o_.remote_echo;
    case opt::sga: return o_.sga;
    default: return false;
  }
}

void engine::emit(std::uint8_t verb, std::uint8_t o) {
  out_ += static_cast<char>(cmd::iac);
  out_ += static_cast<char>(verb);
  out_ += static_cast<char>(o);
}

void engine::emit_naws() {
  out_ += static_cast<char>(cmd::iac);
  out_ += static_cast<char>(cmd::sb);
  out_ += static_cast<char>(opt::naws);
  for (std::uint16_t v : {o_.columns, o_.rows}) {
    for (auto b : {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v & 0xff)}) {
      out_ += static_cast<char>(b);
      if (b == cmd::iac) out_ += static_cast<char>(cmd::iac);
    }
  }
  out_ += static_cast<char>(cmd::iac);
  out_ += static_cast<char>(cmd::se);
}

void engine::on_enabled_local(std::uint8_t o) {
  if (o == opt::naws) emit_naws();
}

// RFC 1143 §7, "Upon receipt of WILL" (the server's side, him).
void engine::on_will(std::uint8_t o) {
  option_state& s = opts_[o];
  switch (s.him) {
    case q::no:
      if (agree_remote(o)) {
        s.him = q::yes;
        emit(cmd::do_, o);
      } else {
        emit(cmd::dont, o);
      }
      break;
    case q::yes: break;
    case q::want_no:  // DONT answered by WILL: an error of the server's, accepted as RFC 1143 says
      s.him = s.him_opposite ? q::yes : q::no;
      s.him_opposite = false;
      break;
    case q::want_yes:
      if (s.him_opposite) {
        s.him = q::want_no;
        s.him_opposite = false;
        emit(cmd::dont, o);
      } else {
        s.him = q::yes;
      }
      break;
  }
}

// RFC 1143 §7, "Upon receipt of WONT".
void engine::on_wont(std::uint8_t o) {
  option_state& s = opts_[o];
  switch (s.him) {
    case q::no: break;
    case q::yes:
      s.him = q::no;
      emit(cmd::dont, o);
      break;
    case q::want_no:
      if (s.him_opposite) {
        s.him = q::want_yes;
        s.him_opposite = false;
        emit(cmd::do_, o);
      } else {
        s.him = q::no;
      }
      break;
    case q::want_yes:
      s.him = q::no;
      s.him_opposite = false;
      break;
  }
}

// The same for our side: DO is to us what WILL is to him.
void engine::on_do(std::uint8_t o) {
  option_state& s = opts_[o];
  switch (s.us) {
    case q::no:
      if (agree_local(o)) {
        s.us = q::yes;
        emit(cmd::will, o);
        on_enabled_local(o);
      } else {
        emit(cmd::wont, o);
      }
      break;
    case q::yes: break;
    case q::want_no:
      s.us = s.us_opposite ? q::yes : q::no;
      s.us_opposite = false;
      if (s.us == q::yes) on_enabled_local(o);
      break;
    case q::want_yes:
      if (s.us_opposite) {
        s.us = q::want_no;
        s.us_opposite = false;
        emit(cmd::wont, o);
      } else {
        s.us = q::yes;
        on_enabled_local(o);
      }
      break;
  }
}

void engine::on_dont(std::uint8_t o) {
  option_state& s = opts_[o];
  switch (s.us) {
    case q::no: break;
    case q::yes:
      s.us = q::no;
      emit(cmd::wont, o);
      break;
    case q::want_no:
      if (s.us_opposite) {
        s.us = q::want_yes;
        s.us_opposite = false;
        emit(cmd::will, o);
      } else {
        s.us = q::no;
      }
      break;
    case q::want_yes:
      s.us = q::no;
      s.us_opposite = false;
      break;
  }
}

namespace {
// RFC 1143 §7, "If we decide to ask him to enable/disable", for either side.
bool q_request(q& state, bool& opposite, bool enable) {
  const q target = enable ? q::yes : q::no;
  const q going = enable ? q::want_no : q::want_yes;  // negotiating the other way
  if (state == target) return false;
  if (state == (enable ? q::no : q::yes)) {
    state = enable ? q::want_yes : q::want_no;
    return true;  // caller sends DO/WILL or DONT/WONT
  }
  if (state == going) {  // negotiating the other way: queue (or unqueue) the opposite
    if (opposite) return false;
    opposite = true;
    return false;
  }
  // negotiating towards `target` already: drop a queued opposite
  if (!opposite) return false;
  opposite = false;
  return false;
}
}  // namespace

bool engine::request_local(std::uint8_t o, bool enable) {
  if (enable && !agree_local(o)) return false;
  option_state& s = opts_[o];
  const option_state before = s;
  if (q_request(s.us, s.us_opposite, enable)) emit(enable ? cmd::will : cmd::wont, o);
  return s.us != before.us || s.us_opposite != before.us_opposite;
}

bool engine::request_remote(std::uint8_t o, bool enable) {
  if (enable && !agree_remote(o)) return false;
  option_state& s = opts_[o];
  const option_state before = s;
  if (q_request(s.him, s.him_opposite, enable)) emit(enable ? cmd::do_ : cmd::dont, o);
  return s.him != before.him || s.him_opposite != before.him_opposite;
}

void engine::offer() {
  request_remote(opt::sga, true);
  request_remote(opt::echo, true);
  request_local(opt::naws, true);
  request_local(opt::ttype, true);
}

void engine::set_window_size(std::uint16_t columns, std::uint16_t rows) {
  o_.columns = columns;
  o_.rows = rows;
  if (local_enabled(opt::naws)) emit_naws();
}

void engine::send_command(std::uint8_t c) {
  out_ += static_cast<char>(cmd::iac);
  out_ += static_cast<char>(c);
}

void engine::send(std::string_view data) {
  const bool binary = local_enabled(opt::binary);
  out_.reserve(out_.size() + data.size() + 8);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (static_cast<std::uint8_t>(c) == cmd::iac) {
      out_ += "\xff\xff";
    } else if (binary) {
      out_ += c;
    } else if (c == '\r') {
      const bool lf = i + 1 < data.size() && data[i + 1] == '\n';
      out_ += lf ? "\r\n" : std::string_view("\r\0", 2);
      if (lf) ++i;
    } else if (c == '\n') {
      out_ += "\r\n";
    } else {
      out_ += c;
    }
  }
}

void engine::on_subnegotiation() {
  if (sb_option_ == opt::ttype && local_enabled(opt::ttype) && sb_.size() == 1 &&
      static_cast<std::uint8_t>(sb_[0]) == ttype_send) {
    out_ += "\xff\xfa";
    out_ += static_cast<char>(opt::ttype);
    out_ += static_cast<char>(ttype_is);
    out_ += o_.terminal_type;  // printable ASCII: no IAC to escape
    out_ += "\xff\xf0";
  }
  // Anything else (a stray NAWS, an option we refused) is ignored (RFC 855).
  sb_.clear();
}

void engine::on_command(std::uint8_t c) {
  switch (c) {
    case cmd::will: state_ = st::will; return;
    case cmd::wont: state_ = st::wont; return;
    case cmd::do_: state_ = st::do_; return;
    case cmd::dont: state_ = st::dont; return;
    case cmd::sb:
      state_ = st::sb;
      sb_.clear();
      return;
    default: state_ = st::data; return;  // NOP, DM, GA, AYT ..., a stray SE: nothing to do
  }
}

void engine::receive(std::string_view in, std::string& data) {
  for (char ch : in) {
    const auto b = static_cast<std::uint8_t>(ch);
    switch (state_) {
      case st::data:
        if (b == cmd::iac) state_ = st::iac;
        else if (b != 0 || remote_enabled(opt::binary)) data += ch;  // NVT: NUL is a no-op
        break;
      case st::iac:
        if (b == cmd::iac) {
          data += ch;
          state_ = st::data;
        } else {
          on_command(b);
        }
        break;
      case st::will: on_will(b); state_ = st::data; break;
      case st::wont: on_wont(b); state_ = st::data; break;
      case st::do_: on_do(b); state_ = st::data; break;
      case st::dont: on_dont(b); state_ = st::data; break;
      case st::sb:
        sb_option_ = b;
        state_ = st::sb_data;
        break;
      case st::sb_data:
        if (b == cmd::iac) {
          state_ = st::sb_iac;
          break;
        }
        if (sb_.size() >= o_.max_subnegotiation)
          fail(error::subnegotiation_too_long, "Telnet IAC SB without IAC SE in bound");
        sb_ += ch;
        break;
      case st::sb_iac:
        if (b == cmd::iac) {
          if (sb_.size() >= o_.max_subnegotiation)
            fail(error::subnegotiation_too_long, "Telnet IAC SB without IAC SE in bound");
          sb_ += ch;
          state_ = st::sb_data;
        } else {
          on_subnegotiation();  // IAC SE, or (lenient, as BSD telnet) IAC <command> ends it
          if (b == cmd::se) state_ = st::data;
          else on_command(b);
        }
        break;
    }
  }
}

std::string engine::take_output() {
  std::string o;
  o.swap(out_);
  return o;
}

}  // namespace inet::telnet
