// curl-compatible progress displays (see progress_meter.hpp). Formats follow curl 7.88's
// lib/progress.c (meter) and src/tool_cb_prg.c (bar), rewritten here.
#include "tools/inet/progress_meter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string_view>

namespace inet::cli {
namespace {

using std::chrono::steady_clock;
constexpr std::uint64_t kib = 1024, mib = kib * 1024, gib = mib * 1024, tib = gib * 1024,
                        pib = tib * 1024;
constexpr std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();

template <typename... Args>
std::string printf_string(const char* fmt, Args... args) {
  char buf[320];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  return std::string(buf, n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

/// Average speed in bytes per second (curl's trspeed()).
std::uint64_t average_speed(std::uint64_t bytes, std::int64_t us) {
  if (us < 1) return bytes > u64_max / 1'000'000 ? u64_max : bytes * 1'000'000;
  if (bytes < u64_max / 1'000'000) return bytes * 1'000'000 / static_cast<std::uint64_t>(us);
  if (us >= 1'000'000) return bytes / static_cast<std::uint64_t>(us / 1'000'000);
  return u64_max;
}

/// Percentage of `done` in `size` as curl computes it (integer; may pass 100).
std::uint64_t percent(std::uint64_t done, std::uint64_t size) {
  if (size > 10000) return done / (size / 100);
  if (size > 0) return done * 100 / size;
  return 0;
}

/// The 200-sample sine curl's "fly" animation bounces on: sin(i/200 * 2 * 3.1415) * 500000 +
/// 500000 for i = 1..200, truncated.
const std::array<unsigned, 200>& sine_table() {
  static const std::array<unsigned, 200> table = [] {
    std::array<unsigned, 200> t{};
    for (int i = 1; i <= 200; ++i)
      t[static_cast<std::size_t>(i - 1)] =
          static_cast<unsigned>(std::sin(i / 200.0 * 2 * 3.1415) * 500000 + 500000);
    return t;
  }();
  return table;
}

}  // namespace

std::string format_max5(std::uint64_t b) {
  if (b < 100000) return printf_string("%5llu", ull(b));
  if (b < 10000 * kib) return printf_string("%4lluk", ull(b / kib));
  if (b < 100 * mib) return printf_string("%2llu.%0lluM", ull(b / mib), ull((b % mib) / (mib / 10)));
  if (b < 10000 * mib) return printf_string("%4lluM", ull(b / mib));
  if (b < 100 * gib) return printf_string("%2llu.%0lluG", ull(b / gib), ull((b % gib) / (gib / 10)));
  if (b < 10000 * gib) return printf_string("%4lluG", ull(b / gib));
  if (b < 10000 * tib) return printf_string("%4lluT", ull(b / tib));
  return printf_string("%4lluP", ull(b / pib));
}

std::string format_time8(std::int64_t seconds) {
  if (seconds <= 0) return "--:--:--";
  const long long h = seconds / 3600;
  if (h <= 99) {
    const long long m = (seconds - h * 3600) / 60, s = seconds - h * 3600 - m * 60;
    return printf_string("%2lld:%02lld:%02lld", h, m, s).substr(0, 8);
  }
  const long long d = seconds / 86400, dh = (seconds - d * 86400) / 3600;
  if (d <= 999) return printf_string("%3lldd %02lldh", d, dh).substr(0, 8);
  return printf_string("%7lldd", d).substr(0, 8);
}

std::string meter_header() {
  return "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
         "                                 Dload  Upload   Total   Spent    Left  Speed\n";
}

std::string meter_line(const meter_numbers& n) {
  const std::int64_t us = n.elapsed.count();
  const std::int64_t spent = us / 1'000'000;
  const std::uint64_t dlspeed = average_speed(n.downloaded, us);
  const std::uint64_t ulspeed = average_speed(n.uploaded, us);
  std::uint64_t ul_estimate = 0, dl_estimate = 0, ul_percent = 0, dl_percent = 0;
  if (n.upload_size && ulspeed > 0) {
    ul_estimate = *n.upload_size / ulspeed;
    ul_percent = percent(n.uploaded, *n.upload_size);
  }
  if (n.download_size && dlspeed > 0) {
    dl_estimate = *n.download_size / dlspeed;
    dl_percent = percent(n.downloaded, *n.download_size);
  }
  const auto estimate = static_cast<std::int64_t>(std::max(ul_estimate, dl_estimate));
  const std::uint64_t expected =
      n.upload_size.value_or(n.uploaded) + n.download_size.value_or(n.downloaded);
  const std::uint64_t moved = n.downloaded + n.uploaded;
  return printf_string("\r%3llu %s  %3llu %s  %3llu %s  %s  %s %s %s %s %s",
                       ull(percent(moved, expected)), format_max5(expected).c_str(),
                       ull(dl_percent), format_max5(n.downloaded).c_str(), ull(ul_percent),
                       format_max5(n.uploaded).c_str(), format_max5(dlspeed).c_str(),
                       format_max5(ulspeed).c_str(), format_time8(estimate).c_str(),
                       format_time8(spent).c_str(),
                       format_time8(estimate > 0 ? estimate - spent : 0).c_str(),
                       format_max5(n.current_speed).c_str());
}

std::string bar_line(std::uint64_t point, std::uint64_t total, int width) {
  if (point > total) total = point;
  const double frac = total ? static_cast<double>(point) / static_cast<double>(total) : 0.0;
  const int bar_width = std::max(width - 7, 1);
  const int hashes = std::min(static_cast<int>(bar_width * frac), 256);
  std::string line = "\r" + std::string(static_cast<std::size_t>(hashes), '#');
  if (hashes < bar_width) line.append(static_cast<std::size_t>(bar_width - hashes), ' ');
  return line + printf_string(" %5.1f%%", frac * 100.0);
}

int terminal_width() {
  int width = 0;
  if (const char* cols = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long n = std::strtol(cols, &end, 10);
    if (end != cols && *end == '\0' && n > 20 && n < 10000) width = static_cast<int>(n);
  }
  if (width == 0) {
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) width = ws.ws_col;
  }
  if (width == 0) return 79;
  return std::min(width, 256);
}

progress_meter::progress_meter(std::ostream& err, style s, int width,
                               transport::progress_clock clock)
    : err_(err), style_(s), width_(std::clamp(width, 21, 256)), clock_(std::move(clock)),
      start_(now()) {}

steady_clock::time_point progress_meter::now() const {
  return clock_ ? clock_() : steady_clock::now();
}

void progress_meter::on_download(const transport::progress& p) {
  numbers_.downloaded = p.done;
  numbers_.download_size = p.total;
  update(false);
}

void progress_meter::on_upload(const transport::progress& p) {
  numbers_.uploaded = p.done;
  numbers_.upload_size = p.total;
  update(false);
}

transport::progress_fn progress_meter::download_fn() {
  return [this](const transport::progress& p) { on_download(p); };
}

transport::progress_fn progress_meter::upload_fn() {
  return [this](const transport::progress& p) { on_upload(p); };
}

void progress_meter::finish() {
  if (finished_) return;
  update(true);
  finished_ = true;
  if (style_ == style::meter || calls_ > 0) err_ << '\n';
  err_.flush();
}

void progress_meter::update(bool final) {
  if (finished_) return;
  if (style_ == style::meter) draw_meter(final);
  else draw_bar();
  err_.flush();
}

// curl recomputes the current speed and redraws when the clock's second changes (here: the
// whole seconds since the start), and always for the final display.
void progress_meter::draw_meter(bool force) {
  const auto t = now();
  numbers_.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(t - start_);
  const std::int64_t second = numbers_.elapsed.count() / 1'000'000;
  if (!force && last_second_ == second) return;
  last_second_ = second;
  const std::size_t slot = speeder_count_ % speeder_.size();
  speeder_[slot] = numbers_.downloaded + numbers_.uploaded;
  speeder_time_[slot] = t;
  ++speeder_count_;
  const std::size_t samples = std::min<std::uint64_t>(speeder_count_, speeder_.size());
  if (samples > 1) {
    const std::size_t oldest = speeder_count_ >= speeder_.size() ? speeder_count_ % speeder_.size() : 0;
    auto span_ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - speeder_time_[oldest]).count();
    if (span_ms <= 0) span_ms = 1;
    const std::uint64_t amount = speeder_[slot] - speeder_[oldest];
    numbers_.current_speed =
        amount > 4294967 ? static_cast<std::uint64_t>(static_cast<double>(amount) /
                                                      (static_cast<double>(span_ms) / 1000.0))
                         : amount * 1000 / static_cast<std::uint64_t>(span_ms);
  } else {
    const std::int64_t us = numbers_.elapsed.count();
    numbers_.current_speed =
        average_speed(numbers_.downloaded, us) + average_speed(numbers_.uploaded, us);
  }
  if (!header_shown_) {
    err_ << meter_header();
    header_shown_ = true;
  }
  err_ << meter_line(numbers_);
}

// curl's tool_progress_cb(): at most every 100 ms (a known total reaching 100% is drawn at
// once), nothing when the count did not move; the fly animation while the total is unknown.
// The final display goes through the same rules, as in curl.
void progress_meter::draw_bar() {
  const auto t = now();
  const std::uint64_t total =
      numbers_.download_size.value_or(0) + numbers_.upload_size.value_or(0);
  const std::uint64_t point = numbers_.downloaded + numbers_.uploaded;
  const auto since = t - prev_time_;
  if (calls_ > 0) {
    if (total > 0) {
      if (prev_ == point) return;
      if (since < std::chrono::milliseconds(100) && point < total) return;
    } else {
      if (since < std::chrono::milliseconds(100)) return;
      fly(point != prev_);
    }
  }
  ++calls_;
  if (total > 0 && point != prev_) err_ << bar_line(point, total, width_);
  prev_ = point;
  prev_time_ = t;
}

void progress_meter::fly(bool moved) {
  const int check = width_ - 2;
  std::string buf(static_cast<std::size_t>(width_ - 1), ' ');
  buf.replace(static_cast<std::size_t>(bar_pos_), 5, "-=O=-");
  const auto& sine = sine_table();
  for (unsigned k = 0; k < 20; k += 5) {
    const auto pos = sine[(tick_ + k) % 200] / (1000000u / static_cast<unsigned>(check));
    if (pos < buf.size()) buf[pos] = '#';
  }
  err_ << buf << '\r';
  tick_ += 2;
  if (tick_ >= 200) tick_ -= 200;
  bar_pos_ += moved ? bar_move_ : 0;
  if (bar_pos_ >= width_ - 6) {
    bar_move_ = -1;
    bar_pos_ = width_ - 6;
  } else if (bar_pos_ < 0) {
    bar_move_ = 1;
    bar_pos_ = 0;
  }
}

large_upload_meter::large_upload_meter(std::ostream& err, std::uint64_t min_bytes,
                                       std::chrono::milliseconds min_time,
                                       transport::progress_clock clock)
    : err_(err), min_bytes_(min_bytes), min_time_(min_time), clock_(std::move(clock)) {}

steady_clock::time_point large_upload_meter::now() const {
  return clock_ ? clock_() : steady_clock::now();
}

void large_upload_meter::on_upload(const transport::progress& p) {
  if (!meter_) {
    meter_ = std::make_unique<progress_meter>(err_, progress_meter::style::meter, 79, clock_);
    first_ = now();
    shown_ = false;
  }
  if (!shown_)
    shown_ = p.total.value_or(0) >= min_bytes_ || p.done >= min_bytes_ || now() - first_ >= min_time_;
  if (shown_) meter_->on_upload(p);
  if (p.finished) end();
}

transport::progress_fn large_upload_meter::fn() {
  return [this](const transport::progress& p) { on_upload(p); };
}

void large_upload_meter::end() {
  if (meter_ && shown_) meter_->finish();
  meter_.reset();
  shown_ = false;
}

bool progress_wanted(const transfer_options& o, bool stderr_is_terminal,
                     bool output_is_terminal) {
  return stderr_is_terminal && !o.silent && !o.no_progress_meter && !output_is_terminal;
}

std::unique_ptr<progress_meter> make_progress_meter(const transfer_options& o,
                                                    const std::ostream& out,
                                                    std::ostream& err) {
  if (&err != &std::cerr) return nullptr;
  // Uploads write no data to stdout (curl's output_expected()), so a terminal there is fine.
  const bool to_stdout = !o.upload_file && (!o.output || *o.output == "-");
  const bool out_tty = to_stdout && &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
  if (!progress_wanted(o, ::isatty(STDERR_FILENO) == 1, out_tty)) return nullptr;
  return std::make_unique<progress_meter>(
      err, o.progress_bar ? progress_meter::style::bar : progress_meter::style::meter,
      terminal_width());
}

}  // namespace inet::cli
