#include "protocols/line/engine.hpp"

#include <boost/asio/buffer.hpp>

#include "protocols/line/dot_body.hpp"
#include "transport/error.hpp"

namespace inet::line {

namespace asio = boost::asio;
using terr = transport::error;

namespace {

void check_safe(std::string_view s) {
  if (!is_safe_argument(s))
    throw std::system_error(transport::make_error_code(terr::invalid_argument),
                            "command argument contains CR, LF or NUL");
}

}  // namespace

bool is_safe_argument(std::string_view s) noexcept {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

command::command(std::string_view verb) {
  check_safe(verb);
  text_.assign(verb);
}

command& command::arg(std::string_view a) {
  check_safe(a);
  text_.push_back(' ');
  text_.append(a);
  return *this;
}

command& command::append(std::string_view a) {
  check_safe(a);
  text_.append(a);
  return *this;
}

command& command::redact_as(std::string shown) {
  shown_ = std::move(shown);
  return *this;
}

std::string code_reply::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out.push_back('\n');
    out += lines[i];
  }
  return out;
}

engine::engine(transport::stream& s, std::string tag, limits l)
    : stream_(s),
      trace_(std::move(tag)),
      limits_(l),
      reader_(std::make_unique<transport::line_reader>(s, l.max_line_bytes)) {}

engine::engine(transport::stream& s, std::string tag, transport::redactor redact, limits l)
    : engine(s, std::move(tag), l) {
  trace_.set_redactor(std::move(redact));
}

void engine::set_limits(limits l) {
  limits_ = l;
  reader_ = std::make_unique<transport::line_reader>(stream_, l.max_line_bytes);
}

asio::awaitable<void> engine::send(const command& c) {
  std::string wire = c.text();
  wire += "\r\n";
  trace_.sent(c.text(), c.trace_text() == c.text() ? std::string_view() : c.trace_text());
  co_await stream_.write(asio::buffer(wire));
}

asio::awaitable<void> engine::send_pipelined(std::span<const command> cmds) {
  std::string wire;
  for (const auto& c : cmds) {
    trace_.sent(c.text(), c.trace_text() == c.text() ? std::string_view() : c.trace_text());
    wire += c.text();
    wire += "\r\n";
  }
  co_await stream_.write(asio::buffer(wire));
}

asio::awaitable<void> engine::send_bytes(std::string_view bytes, std::string_view note) {
  if (!note.empty()) trace_.info(note);
  co_await stream_.write(asio::buffer(bytes.data(), bytes.size()));
}

asio::awaitable<std::string_view> engine::read_line() {
  const std::string_view l = co_await reader_->read_line();
  trace_.received(l);
  check_reply_line(l);
  co_return l;
}

asio::awaitable<code_reply> engine::read_code_reply() {
  code_reply_parser p(limits_);
  for (;;) {
    const std::string_view l = co_await read_line();
    if (p.feed(l)) co_return p.take();
  }
}

asio::awaitable<status_reply> engine::read_status_reply() {
  const std::string_view l = co_await read_line();
  co_return parse_status_reply(l);
}

namespace {

// Hands the complete lines at the front of `pending` to `sink` (the sink gets whole lines with
// their CRLFs, never a line in pieces), keeping at most `room` bytes; returns the count given.
std::size_t deliver_lines(std::string& pending, std::uint64_t room, const byte_sink& sink) {
  std::size_t n = pending.rfind("\r\n");
  n = n == std::string::npos ? 0 : n + 2;
  if (n > room) {  // only the complete lines that fit
    const std::size_t fit =
        room < 2 ? std::string::npos : pending.rfind("\r\n", static_cast<std::size_t>(room) - 2);
    n = fit == std::string::npos ? 0 : fit + 2;
  }
  if (n == 0) return 0;
  sink(std::string_view(pending.data(), n));
  pending.erase(0, n);
  return n;
}

}  // namespace

asio::awaitable<std::uint64_t> engine::read_dot_body(const byte_sink& sink,
                                                     std::uint64_t max_bytes) {
  dot_decoder dec;
  std::uint64_t total = 0;
  std::string pending;  // decoded bytes of the line still open
  while (!dec.done()) {
    std::string_view in;
    try {
      in = co_await reader_->read_some();
    } catch (const std::system_error& e) {
      if (e.code() == transport::make_error_code(terr::unexpected_eof))
        throw std::system_error(e.code(), "connection closed before the terminating \".\" line "
                                          "(partial transfer after " + std::to_string(total) + " bytes)");
      throw;
    }
    reader_->consume(dec.feed(in, pending));
    const std::size_t complete = pending.rfind("\r\n");
    const bool over = complete != std::string::npos && complete + 2 > max_bytes - total;
    total += deliver_lines(pending, max_bytes - total, sink);
    if (over)
      throw std::system_error(transport::make_error_code(terr::body_too_large),
                              "multi-line body exceeds " + std::to_string(max_bytes) + " bytes");
    if (pending.size() > limits_.max_line_bytes)
      throw std::system_error(transport::make_error_code(terr::line_too_long),
                              "body line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
  }
  trace_.info("[" + std::to_string(total) + " bytes of multi-line body]");
  co_return total;
}

asio::awaitable<void> engine::start_tls(const transport::tls_options& tls, std::string_view host) {
  if (reader_->buffered() != 0) {
    const std::size_t n = reader_->buffered();
    reader_->clear();
    stream_.close();
    throw std::system_error(transport::make_error_code(terr::starttls_injection),
                            std::to_string(n) + " byte(s) followed the STARTTLS go-ahead");
  }
  co_await stream_.handshake(tls, host);
  reader_->clear();
}

void engine::start_compression() {
  stream_.start_compression(reader_->take_buffered());
  trace_.info("COMPRESS=DEFLATE active: the trace shows uncompressed data");
}

}  // namespace inet::line
