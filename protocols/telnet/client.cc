// The Telnet client: the engine (engine.hpp) over transport::stream.
#include "protocols/telnet/client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "transport/async_launch.hpp"
#include "transport/blocking.hpp"
#include "transport/stream.hpp"

namespace inet::telnet {

namespace asio = boost::asio;
using asio::awaitable;
using clock = std::chrono::steady_clock;

namespace {
[[noreturn]] void fail(std::error_code ec, const char* what) { throw std::system_error(ec, what); }
}  // namespace

struct client::impl {
  explicit impl(asio::any_io_executor ex) : stream(ex), timer(ex) {}
  transport::stream stream;
  asio::steady_timer timer;
  client_options opts;
  std::optional<engine> eng;
  std::string pending;  // decoded data not yet returned
  std::string chunk;
  bool eof = false;
  bool writing = false;
  bool timed_out = false;
  asio::cancellation_signal cancel_read;

  void require() const {
    if (!eng || !stream.is_open()) fail(error::not_connected, "Telnet");
  }

  // Writes the engine's output; if a write is already running, it picks the bytes up.
  awaitable<void> flush() {
    if (writing) co_return;
    writing = true;
    try {
      while (eng && eng->has_output()) {
        const std::string out = eng->take_output();
        co_await stream.write(asio::buffer(out));
      }
    } catch (...) {
      writing = false;
      throw;
    }
    writing = false;
  }

  // Decodes `n` bytes of chunk into pending and answers the negotiation.
  awaitable<void> absorb(std::size_t n) {
    if (n == 0) {
      eof = true;
      co_return;
    }
    eng->receive(std::string_view(chunk.data(), n), pending);
    co_await flush();
  }

  // One socket read into pending (may add nothing: negotiation only). Sets eof.
  awaitable<void> fill() {
    chunk.resize(opts.read_chunk);
    co_await absorb(co_await stream.read_some(asio::buffer(chunk)));
  }

  // As fill(), but gives up at `deadline` (returns false; a cancelled read loses no data).
  awaitable<bool> fill_until(clock::time_point deadline) {
    chunk.resize(opts.read_chunk);
    timer.expires_at(deadline);
    timed_out = false;
    timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the read finished first (or the client is going away)
      timed_out = true;
      cancel_read.emit(asio::cancellation_type::total);
    });
    boost::system::error_code rec;
    std::size_t n = co_await stream.async_read_some(
        asio::buffer(chunk),
        asio::bind_cancellation_slot(cancel_read.slot(),
                                     asio::redirect_error(asio::use_awaitable, rec)));
    timer.cancel();
    if (timed_out && rec == asio::error::operation_aborted) co_return false;
    if (rec == asio::error::eof) n = 0;
    else if (rec) throw boost::system::system_error(rec, "Telnet read");
    co_await absorb(n);
    co_return true;
  }

  // Waits for the earliest of `patterns` in pending.
  awaitable<expect_result> wait_for(const std::vector<std::string>& patterns,
                                    std::chrono::milliseconds timeout) {
    require();
    if (patterns.empty()) fail(error::invalid_argument, "Telnet expect: no pattern");
    std::size_t longest = 0;
    for (const auto& p : patterns) {
      if (p.empty()) fail(error::invalid_argument, "Telnet expect: empty pattern");
      longest = std::max(longest, p.size());
    }
    const auto deadline = clock::now() + timeout;
    std::size_t scanned = 0;  // pending[0, scanned) cannot start a match ending later
    for (;;) {
      std::size_t best = std::string::npos, index = 0;
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        const std::size_t at = pending.find(patterns[i], scanned);
        if (at != std::string::npos && (best == std::string::npos || at + patterns[i].size() <
                                                                         best + patterns[index].size())) {
          best = at;
          index = i;
        }
      }
      if (best != std::string::npos) {
        const std::size_t end = best + patterns[index].size();
        expect_result r{index, pending.substr(0, end)};
        pending.erase(0, end);
        co_return r;
      }
      if (pending.size() > opts.max_buffer)
        fail(error::buffer_full, "Telnet read_until: no match in max_buffer bytes");
      if (eof) fail(transport::error::unexpected_eof, "Telnet read_until: EOF before the pattern");
      scanned = pending.size() >= longest ? pending.size() - longest + 1 : 0;
      if (!co_await fill_until(deadline)) fail(error::timeout, "Telnet read_until");
    }
  }
};

client::client(asio::any_io_executor ex) : impl_(std::make_unique<impl>(std::move(ex))) {}
client::~client() = default;

awaitable<void> client::connect(client_options opts) {
  close();
  impl_->opts = std::move(opts);
  impl_->eng.emplace(impl_->opts.telnet);
  co_await impl_->stream.connect(impl_->opts.host, impl_->opts.port, impl_->opts.connect);
  if (impl_->opts.offer) {
    impl_->eng->offer();
    co_await impl_->flush();
  }
}

awaitable<std::string> client::read_some() {
  impl_->require();
  while (impl_->pending.empty() && !impl_->eof) co_await impl_->fill();
  std::string out;
  out.swap(impl_->pending);
  co_return out;
}

awaitable<std::string> client::read_until(std::string pattern, std::chrono::milliseconds timeout) {
  std::vector<std::string> one(1);  // no braced list: GCC 12 coroutine frames reject it
  one[0] = std::move(pattern);
  auto r = co_await impl_->wait_for(one, timeout);
  co_return std::move(r.text);
}

awaitable<expect_result> client::expect(std::vector<std::string> patterns,
                                        std::chrono::milliseconds timeout) {
  co_return co_await impl_->wait_for(patterns, timeout);
}

awaitable<std::string> client::read_all() {
  impl_->require();
  while (!impl_->eof) {
    if (impl_->pending.size() > impl_->opts.max_buffer)
      fail(error::buffer_full, "Telnet read_all: more than max_buffer bytes");
    co_await impl_->fill();
  }
  std::string out;
  out.swap(impl_->pending);
  co_return out;
}

awaitable<void> client::write(std::string data) {
  impl_->require();
  impl_->eng->send(data);
  co_await impl_->flush();
}

awaitable<void> client::set_window_size(std::uint16_t columns, std::uint16_t rows) {
  impl_->require();
  impl_->eng->set_window_size(columns, rows);
  co_await impl_->flush();
}

awaitable<void> client::send_command(std::uint8_t command) {
  impl_->require();
  impl_->eng->send_command(command);
  co_await impl_->flush();
}

void client::close() noexcept {
  impl_->stream.close();
  impl_->timer.cancel();
  impl_->pending.clear();
  impl_->eof = false;
  impl_->writing = false;
}

bool client::is_open() const noexcept { return impl_->stream.is_open(); }

const engine& client::protocol() const noexcept {
  static const engine none;
  return impl_->eng ? *impl_->eng : none;
}

asio::any_io_executor client::get_executor() const noexcept { return impl_->stream.get_executor(); }
INET_TELNET_OPERATIONS(INET_BLOCKING_DEFINE)

}  // namespace inet::telnet

namespace inet::transport {
template void launch<std::string>(async_target, boost::asio::awaitable<std::string>,
                                  boost::asio::any_completion_handler<async_signature_t<std::string>>);
template void launch<telnet::expect_result>(
    async_target, boost::asio::awaitable<telnet::expect_result>,
    boost::asio::any_completion_handler<async_signature_t<telnet::expect_result>>);
}  // namespace inet::transport
