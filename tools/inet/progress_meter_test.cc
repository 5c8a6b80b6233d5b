// curl's meter and bar formats (exact strings; the reference lines were printed by curl 7.88.1
// for the same numbers) and the display logic, with an injected clock.
#include "tools/inet/progress_meter.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tools/inet/cli.hpp"

namespace inet::cli {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

TEST(ProgressFormat, Max5LikeCurl) {
  EXPECT_EQ(format_max5(0), "    0");
  EXPECT_EQ(format_max5(99999), "99999");
  EXPECT_EQ(format_max5(100000), "  97k");  // 100000/1024 = 97 ("%4" "k": 5 columns)
  EXPECT_EQ(format_max5(4194304), "4096k");
  EXPECT_EQ(format_max5(10000 * 1024 - 1), "9999k");
  EXPECT_EQ(format_max5(10000 * 1024), " 9.7M");
  EXPECT_EQ(format_max5(100ull << 20), " 100M");
  EXPECT_EQ(format_max5((99ull << 20) + (999ull << 10)), "99.9M");
  EXPECT_EQ(format_max5(4683ull << 20), "4683M");
  EXPECT_EQ(format_max5(10000ull << 20), " 9.7G");
  EXPECT_EQ(format_max5(100ull << 30), " 100G");
  EXPECT_EQ(format_max5(10000ull << 30), "   9T");  // no decimals from 10000 GiB on
  EXPECT_EQ(format_max5(10000ull << 40), "   9P");
}

TEST(ProgressFormat, Time8LikeCurl) {
  EXPECT_EQ(format_time8(0), "--:--:--");
  EXPECT_EQ(format_time8(-5), "--:--:--");
  EXPECT_EQ(format_time8(1), " 0:00:01");
  EXPECT_EQ(format_time8(3661), " 1:01:01");
  EXPECT_EQ(format_time8(99 * 3600 + 59 * 60 + 59), "99:59:59");
  EXPECT_EQ(format_time8(100 * 3600), "  4d 04h");
  EXPECT_EQ(format_time8(1000ll * 86400), "   1000d");
}

TEST(ProgressFormat, HeaderAndFirstLineAsCurlPrintsThem) {
  EXPECT_EQ(meter_header(),
            "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed\n");
  // curl 7.88.1, before any byte: "\r  0     0    0     0    0     0      0      0 --:--:--
  // --:--:-- --:--:--     0".
  EXPECT_EQ(meter_line({}),
            "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0");
}

TEST(ProgressFormat, FinalLineOfA4MiBDownloadAsCurlPrintsIt) {
  // `curl -o /dev/null file:///tmp/4m` printed: "\r100 4096k  100 4096k    0     0  4683M
  //      0 --:--:-- --:--:-- --:--:-- 4683M" after 854 microseconds.
  meter_numbers n;
  n.downloaded = 4194304;
  n.download_size = 4194304;
  n.elapsed = 854us;
  n.current_speed = 4194304ull * 1000000 / 854;
  EXPECT_EQ(meter_line(n),
            "\r100 4096k  100 4096k    0     0  4683M      0 --:--:-- --:--:-- --:--:-- 4683M");
}

TEST(ProgressFormat, MidTransferLineWithTimes) {
  // 30 MiB of 100 MiB after 10 s: 3 MiB/s, 33 s total, 23 s left.
  meter_numbers n;
  n.downloaded = 30ull << 20;
  n.download_size = 100ull << 20;
  n.elapsed = 10s;
  n.current_speed = 3ull << 20;
  EXPECT_EQ(meter_line(n),
            "\r 30  100M   30 30.0M    0     0  3072k      0  0:00:33  0:00:10  0:00:23 3072k");
}

TEST(ProgressFormat, UploadColumns) {
  meter_numbers n;
  n.uploaded = 512;
  n.upload_size = 2048;
  n.elapsed = 2s;
  n.current_speed = 256;
  EXPECT_EQ(meter_line(n),
            "\r 25  2048    0     0   25   512      0    256  0:00:08  0:00:02  0:00:06   256");
}

TEST(ProgressFormat, BarLikeCurl) {
  // width 79: 72 columns of bar, then " %5.1f%%".
  EXPECT_EQ(bar_line(4194304, 4194304, 79), "\r" + std::string(72, '#') + " 100.0%");
  EXPECT_EQ(bar_line(0, 100, 79), "\r" + std::string(72, ' ') + "   0.0%");
  EXPECT_EQ(bar_line(42, 100, 79),
            "\r" + std::string(30, '#') + std::string(42, ' ') + "  42.0%");  // 72 * 0.42 = 30.24
  EXPECT_EQ(bar_line(150, 100, 27), "\r" + std::string(20, '#') + " 100.0%");  // more than total
}

struct fake_clock {
  time_point now{};
  transport::progress_clock fn() {
    return [this] { return now; };
  }
};

TEST(ProgressMeter, MeterRedrawsOncePerSecondAndEndsWithANewline) {
  fake_clock clock;
  std::ostringstream err;
  progress_meter m(err, progress_meter::style::meter, 79, clock.fn());
  const std::optional<std::uint64_t> total = 1000;
  m.on_download({100, total, false});  // t = 0: header and a line
  clock.now += 400ms;
  m.on_download({200, total, false});  // same second: not drawn
  clock.now += 700ms;
  m.on_download({300, total, false});  // t = 1.1 s: drawn
  clock.now += 100ms;
  m.on_download({1000, total, true});  // not forced
  m.finish();
  m.finish();
  const std::string s = err.str();
  EXPECT_EQ(s.rfind(meter_header(), 0), 0u);
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 3);  // t=0, t=1.1, finish
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 3);  // two header lines, the final newline
  EXPECT_NE(s.find("\r100  1000  100  1000    0     0    833      0  0:00:01  0:00:01 --:--:--"),
            std::string::npos)
      << s;
}

TEST(ProgressMeter, MeterShownOnFinishEvenWithoutData) {
  std::ostringstream err;
  progress_meter m(err, progress_meter::style::meter);
  m.finish();
  EXPECT_EQ(err.str(), meter_header() +
                           "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- "
                           "--:--:--     0\n");
}

TEST(ProgressMeter, BarAtMostTenTimesASecondAndTheFullBarAtTheEnd) {
  fake_clock clock;
  std::ostringstream err;
  progress_meter m(err, progress_meter::style::bar, 27, clock.fn());
  const std::optional<std::uint64_t> total = 100;
  for (std::uint64_t d = 1; d <= 100; ++d) {
    m.on_download({d, total, d == 100});
    clock.now += 10ms;  // 100 reports in one second
  }
  m.finish();
  const std::string s = err.str();
  // Reports every 10 ms, drawn only 100 ms apart (11 draws over 1 s), the 100% one at once.
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 11);
  EXPECT_NE(s.find("\r" + std::string(20, '#') + " 100.0%\n"), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\n');
}

TEST(ProgressMeter, BarWithoutTotalFlies) {
  fake_clock clock;
  std::ostringstream err;
  progress_meter m(err, progress_meter::style::bar, 40, clock.fn());
  m.on_download({10, std::nullopt, false});  // first call: counted, nothing drawn
  clock.now += 150ms;
  m.on_download({20, std::nullopt, false});
  m.finish();
  // curl's first frame (tick 150, marker at column 0): width-1 columns then '\r'; the '#'
  // waves are drawn over the "-=O=-" marker. Then the final newline.
  EXPECT_EQ(err.str(), "###=-" + std::string(34, ' ') + "\r\n");
}

TEST(ProgressMeter, BarNeverDrawnWhenNothingWasReported) {
  std::ostringstream err;
  progress_meter m(err, progress_meter::style::bar);
  m.finish();  // one (first) call: counts, draws nothing but the newline curl prints
  EXPECT_EQ(err.str(), "\n");
}

TEST(LargeUploadMeter, SmallQuickMessagesShowNothing) {
  fake_clock clock;
  std::ostringstream err;
  large_upload_meter m(err, 1 << 20, 1s, clock.fn());
  m.on_upload({1000, 5000, false});
  clock.now += 200ms;
  m.on_upload({5000, 5000, true});
  m.end();
  EXPECT_EQ(err.str(), "");
}

TEST(LargeUploadMeter, LargeMessageShowsTheMeterFromItsFirstReport) {
  fake_clock clock;
  std::ostringstream err;
  large_upload_meter m(err, 1 << 20, 1s, clock.fn());
  m.on_upload({65536, 2u << 20, false});
  clock.now += 2s;
  m.on_upload({2u << 20, 2u << 20, true});  // the final report ends the line
  const std::string shown = err.str();
  EXPECT_EQ(shown.rfind(meter_header() + "\r  3 2048k    0     0    3 65536      0  61.0G ", 0), 0u)
      << shown;  // (no time has passed at the first report: curl's speed is bytes * 10^6 then)
  const std::string last =
      "\r100 2048k    0     0  100 2048k      0  1024k  0:00:02  0:00:02 --:--:--  992k\n";
  ASSERT_GE(shown.size(), last.size());
  EXPECT_EQ(shown.substr(shown.size() - last.size()), last);
  // The next message is a new transfer: small, nothing more.
  err.str("");
  m.on_upload({10, 10, true});
  EXPECT_EQ(err.str(), "");
}

TEST(LargeUploadMeter, SlowMessageAppearsAfterASecondAndEndTerminatesTheLine) {
  fake_clock clock;
  std::ostringstream err;
  large_upload_meter m(err, 1 << 20, 1s, clock.fn());
  m.on_upload({100, std::nullopt, false});
  clock.now += 500ms;
  m.on_upload({200, std::nullopt, false});
  EXPECT_EQ(err.str(), "");
  clock.now += 600ms;
  m.on_upload({300, std::nullopt, false});
  EXPECT_EQ(err.str().rfind(meter_header(), 0), 0u);
  m.end();  // the send failed: the line is finished before the error message
  EXPECT_EQ(err.str().back(), '\n');
}

TEST(ProgressWanted, TerminalOnlyNotSilentNotOverData) {
  transfer_options o;
  EXPECT_TRUE(progress_wanted(o, true, false));
  EXPECT_FALSE(progress_wanted(o, false, false));  // stderr is a pipe or file
  EXPECT_FALSE(progress_wanted(o, true, true));    // data to the terminal (curl's rule)
  o.silent = true;
  EXPECT_FALSE(progress_wanted(o, true, false));
  o.silent = false;
  o.no_progress_meter = true;
  EXPECT_FALSE(progress_wanted(o, true, false));
}

TEST(ProgressWanted, InjectedStreamsNeverGetAMeter) {
  transfer_options o;
  std::ostringstream out, err;
  EXPECT_EQ(make_progress_meter(o, out, err), nullptr);
}

TEST(ProgressOptions, BarAndNoMeterParseAndAreGlobal) {
  auto groups = parse_transfer_args({"-#", "pop3://h/1", "--next", "pop3://h/2"}, direction::get);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_TRUE(groups[0].progress_bar);
  EXPECT_TRUE(groups[1].progress_bar);
  groups = parse_transfer_args({"--progress-bar", "--no-progress-meter", "pop3://h/1"},
                               direction::get);
  EXPECT_TRUE(groups[0].progress_bar);
  EXPECT_TRUE(groups[0].no_progress_meter);
}

}  // namespace
}  // namespace inet::cli
