// curl's two progress displays for `inet get` / `inet put` / `inet mail`, drawn on stderr:
//
// * the meter (curl's default): two header lines, then one line redrawn with '\r' at most once
//   a second and once more at the end, followed by a newline —
//     "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current"
//     "                                 Dload  Upload   Total   Spent    Left  Speed"
//     "100 4096k  100 4096k    0     0  40.0M      0 --:--:-- --:--:-- --:--:-- 40.0M"
// * the bar (-#, --progress-bar): "\r###...###  42.0%" redrawn at most ten times a second, or,
//   while the total is unknown, curl's bouncing "-=O=-" with '#' waves; a newline at the end.
//
// The numbers are formatted as curl 7.88 formats them (lib/progress.c, src/tool_cb_prg.c):
// sizes and speeds in at most 5 columns with k/M/G/T/P suffixes (powers of 1024), times as
// "HH:MM:SS" / "DDDd HHh" in 8 columns, "--:--:--" when unknown or zero.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "tools/inet/transfer_options.hpp"
#include "transport/progress.hpp"

namespace inet::cli {

/// curl's max5data(): `bytes` in 5 columns, right-aligned, units of 1024: below 100000 plain
/// ("99999"), then k below 10000 KiB ("9999k"), XX.XM below 100 MiB (" 9.7M", one decimal,
/// truncated), XXXXM below 10000 MiB, XX.XG below 100 GiB, XXXXG, XXXXT, XXXXP.
std::string format_max5(std::uint64_t bytes);

/// curl's time2str(): 8 columns, " 0:00:05" ... "99:59:59", then "  4d 03h", "   1234d";
/// "--:--:--" for 0 or less.
std::string format_time8(std::int64_t seconds);

/// What the meter line shows.
struct meter_numbers {
  std::uint64_t downloaded = 0, uploaded = 0;
  std::optional<std::uint64_t> download_size, upload_size;  ///< expected, when known
  std::chrono::microseconds elapsed{0};                     ///< since the transfer started
  std::uint64_t current_speed = 0;                          ///< bytes/s over the last 5 s
};

/// The two header lines of the meter, each ending with "\n".
std::string meter_header();
/// One meter line, starting with "\r" and without a newline (curl's progress_meter()).
std::string meter_line(const meter_numbers& n);
/// One bar line for `point` of `total` bytes (total > 0) on a terminal `width` columns wide:
/// "\r" + '#' x floor((width-7) * point/total), padded to width-7, " " and "%5.1f%%".
std::string bar_line(std::uint64_t point, std::uint64_t total, int width);

/// The terminal width curl's bar uses: $COLUMNS if 21..9999, else the terminal's width (of
/// stderr here; curl asks stdin) if above 20, else 79; at most 256.
int terminal_width();

/// Draws one transfer's progress on `err`. Feed it the transfer's progress reports (from the
/// transport::progress_fn it hands out) and call finish() once when the transfer ends, on
/// success or failure, before an error line is printed.
class progress_meter {
 public:
  enum class style {
    meter,  ///< curl's default statistics meter
    bar,    ///< -# / --progress-bar
  };
  /// `clock` defaults to steady_clock; injectable for tests.
  progress_meter(std::ostream& err, style s, int width = 79, transport::progress_clock clock = {});

  /// Reports for a download (received bytes) / an upload (sent bytes).
  void on_download(const transport::progress& p);
  void on_upload(const transport::progress& p);
  transport::progress_fn download_fn();
  transport::progress_fn upload_fn();

  /// The final display and the newline. Idempotent.
  void finish();

 private:
  void update(bool final);
  void draw_meter(bool force);
  void draw_bar();
  void fly(bool moved);
  std::chrono::steady_clock::time_point now() const;

  std::ostream& err_;
  style style_;
  int width_;
  transport::progress_clock clock_;
  std::chrono::steady_clock::time_point start_;
  meter_numbers numbers_;
  bool finished_ = false;
  // meter
  bool header_shown_ = false;
  std::optional<std::int64_t> last_second_;
  std::array<std::uint64_t, 6> speeder_{};
  std::array<std::chrono::steady_clock::time_point, 6> speeder_time_{};
  std::uint64_t speeder_count_ = 0;
  // bar
  int calls_ = 0;
  std::uint64_t prev_ = 0;
  std::chrono::steady_clock::time_point prev_time_{};
  unsigned tick_ = 150;
  int bar_pos_ = 0, bar_move_ = 1;
};

/// `inet mail`'s display: curl's meter for one message upload at a time, shown only once the
/// message proves large (its size or the bytes sent reach `min_bytes`, 1 MiB) or slow (still
/// sending `min_time`, 1 s, after its first byte); small quick messages print nothing. Feed it
/// smtp::client_options::progress reports (fn()); a report with finished = true ends the
/// transfer (the meter line gets its newline) and the next report starts a new one.
class large_upload_meter {
 public:
  explicit large_upload_meter(std::ostream& err, std::uint64_t min_bytes = 1u << 20,
                              std::chrono::milliseconds min_time = std::chrono::seconds(1),
                              transport::progress_clock clock = {});
  void on_upload(const transport::progress& p);
  transport::progress_fn fn();
  /// Ends the current transfer: a meter on screen gets its final line and newline (call it
  /// before printing an error about a failed send). Nothing happens if nothing was shown.
  void end();

 private:
  std::chrono::steady_clock::time_point now() const;

  std::ostream& err_;
  std::uint64_t min_bytes_;
  std::chrono::milliseconds min_time_;
  transport::progress_clock clock_;
  std::unique_ptr<progress_meter> meter_;
  std::chrono::steady_clock::time_point first_{};
  bool shown_ = false;
};

/// Whether `inet get/put` draws a meter for this run: stderr is a terminal and -s was not
/// given (and not --no-progress-meter), and the data does not go to a terminal (curl switches
/// the meter off when the output is the terminal, so it never overwrites the data; an upload
/// writes no data, so `inet put` shows it whatever stdout is).
bool progress_wanted(const transfer_options& o, bool stderr_is_terminal,
                     bool output_is_terminal);

/// The meter for one transfer of `inet get/put` on the process's stderr, or nullptr when
/// progress_wanted() says no. `err` must be std::cerr for a meter to appear (tests injecting
/// their own streams never get one).
std::unique_ptr<progress_meter> make_progress_meter(const transfer_options& o,
                                                    const std::ostream& out,
                                                    std::ostream& err);

}  // namespace inet::cli
