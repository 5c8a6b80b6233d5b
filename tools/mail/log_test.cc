#include "tools/mail/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <syslog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/mail/sysexits.hpp"

namespace inet::mail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

log_record sent() {
  log_record r;
  r.host = "smtp.example.org";
  r.tls = true;
  r.auth = true;
  r.user = "alice";
  r.from = "a@x.org";
  r.recipients = {"b@y.org", "c@z.org"};
  r.mailsize = 1234;
  r.smtp_status = 250;
  r.smtp_message = "250 2.0.0 Ok: queued as 1";
  return r;
}

TEST(Log, SuccessLineHasMsmtpFields) {
  EXPECT_EQ(format_log_line(sent()),
            "host=smtp.example.org tls=on auth=on user=alice from=a@x.org "
            "recipients=b@y.org,c@z.org mailsize=1234 smtpstatus=250 "
            "smtpmsg='250 2.0.0 Ok: queued as 1' exitcode=EX_OK");
}

TEST(Log, FailureLineHasErrorAndNoUserWithoutAuth) {
  log_record r;
  r.host = "h";
  r.user = "alice";  // not logged: no authentication happened
  r.from = "a@x.org";
  r.recipients = {"b@y.org"};
  r.smtp_status = 550;
  r.smtp_message = "550 5.7.1 no\r\nRCPT forged";
  r.error_message = "server refused";
  r.exit_code = ex_unavailable;
  const std::string line = format_log_line(r);
  EXPECT_EQ(line,
            "host=h tls=off auth=off from=a@x.org recipients=b@y.org smtpstatus=550 "
            "smtpmsg='550 5.7.1 no\\r\\nRCPT forged' errormsg='server refused' "
            "exitcode=EX_UNAVAILABLE");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Log, ExitCodeNames) {
  EXPECT_EQ(exit_code_name(ex_tempfail), "EX_TEMPFAIL");
  EXPECT_EQ(exit_code_name(ex_config), "EX_CONFIG");
  EXPECT_EQ(exit_code_name(3), "EX_3");
}

TEST(Log, TimeFormat) {
  const auto t = std::chrono::system_clock::now();
  EXPECT_EQ(format_log_time(t, "literal"), "literal");
  EXPECT_EQ(format_log_time(t, "").size(), 15u);  // "Nov 22 11:09:57"
  EXPECT_EQ(format_log_time(t, std::string(300, 'x')), "");
}

TEST(Log, FileIsAppendedAndCreatedPrivate) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path file = fs::path(tmp ? tmp : "/tmp") / "mail-log-test.log";
  fs::remove(file);
  log_targets t;
  t.logfile = file.string();
  t.time_format = "T";
  std::ostringstream out, err;
  write_log(t, sent(), out, err, {});
  log_record failed = sent();
  failed.exit_code = ex_tempfail;
  write_log(t, failed, out, err, {});
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(), "");
  std::ifstream in(file);
  std::string l1, l2, l3;
  std::getline(in, l1), std::getline(in, l2);
  EXPECT_TRUE(l1.starts_with("T host=smtp.example.org ")) << l1;
  EXPECT_TRUE(l1.ends_with(" exitcode=EX_OK")) << l1;
  EXPECT_TRUE(l2.ends_with(" exitcode=EX_TEMPFAIL")) << l2;
  EXPECT_FALSE(std::getline(in, l3));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Log, DashIsStandardOutputAndUnwritableFileIsReported) {
  log_targets t;
  t.logfile = "-";
  std::ostringstream out, err;
  write_log(t, sent(), out, err, {});
  EXPECT_THAT(out.str(), HasSubstr(" host=smtp.example.org "));
  EXPECT_TRUE(out.str().ends_with("exitcode=EX_OK\n"));
  t.logfile = "/nonexistent/dir/log";
  write_log(t, sent(), out, err, {});
  EXPECT_THAT(err.str(), HasSubstr("cannot write the log file /nonexistent/dir/log"));
}

TEST(Log, SyslogGetsFacilityAndPriority) {
  log_targets t;
  t.syslog = "LOG_MAIL";
  std::vector<std::tuple<int, int, std::string>> calls;
  const syslog_fn fake = [&](int f, int p, const std::string& l) { calls.emplace_back(f, p, l); };
  std::ostringstream out, err;
  write_log(t, sent(), out, err, fake);
  log_record failed = sent();
  failed.exit_code = ex_nouser;
  write_log(t, failed, out, err, fake);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(std::get<0>(calls[0]), LOG_MAIL);
  EXPECT_EQ(std::get<1>(calls[0]), LOG_INFO);
  EXPECT_EQ(std::get<2>(calls[0]), format_log_line(sent()));  // no time stamp
  EXPECT_EQ(std::get<1>(calls[1]), LOG_ERR);
  EXPECT_EQ(syslog_facility("LOG_LOCAL3"), LOG_LOCAL3);
  EXPECT_EQ(syslog_facility("LOG_USER"), LOG_USER);
  EXPECT_EQ(out.str(), "");  // no logfile
}

}  // namespace
}  // namespace inet::mail
