// The FTP reply parsers (protocols/ftp/reply.cc) and the trace redactor, without I/O.
#include <gtest/gtest.h>

#include "protocols/ftp/internal.hpp"

namespace inet::ftp {
namespace {

reply r(int code, std::vector<std::string> lines) { return reply{code, std::move(lines)}; }

TEST(FtpReply, FeatListsFeaturesUpperCased) {
  const auto f = detail::parse_feat(
      r(211, {"Features:", " MDTM", " size", " AUTH TLS;SSL", " REST STREAM", "not a feature", "End"}));
  EXPECT_TRUE(f.feat_supported);
  EXPECT_TRUE(f.has("mdtm"));
  EXPECT_TRUE(f.has("SIZE"));
  EXPECT_EQ(f.items.at("AUTH"), "TLS;SSL");
  EXPECT_EQ(f.items.at("REST"), "STREAM");
  EXPECT_EQ(f.items.size(), 4u);
  EXPECT_FALSE(detail::parse_feat(r(500, {"FEAT not understood"})).feat_supported);
}

TEST(FtpReply, Path257UndoublesQuotes) {
  EXPECT_EQ(detail::parse_257(r(257, {"\"/home/a\" is the current directory"})), "/home/a");
  EXPECT_EQ(detail::parse_257(r(257, {"\"/say \"\"hi\"\"\" created"})), "/say \"hi\"");
  EXPECT_EQ(detail::parse_257(r(257, {"\"\""})), "");
}

TEST(FtpReply, Path257WithoutClosingQuoteIsMalformed) {
  try {
    detail::parse_257(r(257, {"\"/home/a is the current directory"}));
    FAIL() << "no throw";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::malformed_reply));
  }
  EXPECT_THROW(detail::parse_257(r(257, {"/home/a"})), std::system_error);
  EXPECT_THROW(detail::parse_257(r(257, {"\"/a\"\""})), std::system_error);
}

TEST(FtpReply, EpsvPort) {
  EXPECT_EQ(detail::parse_epsv("Entering Extended Passive Mode (|||6446|)"), 6446);
  EXPECT_EQ(detail::parse_epsv("ok (!!!21!)"), 21);
  EXPECT_EQ(detail::parse_epsv("(|||0|)"), std::nullopt);
  EXPECT_EQ(detail::parse_epsv("(|||65536|)"), std::nullopt);
  EXPECT_EQ(detail::parse_epsv("(|||12|"), std::nullopt);
  EXPECT_EQ(detail::parse_epsv("(||12|)"), std::nullopt);
  EXPECT_EQ(detail::parse_epsv("no port"), std::nullopt);
}

TEST(FtpReply, PasvPortIgnoresTheAddress) {
  EXPECT_EQ(detail::parse_pasv("Entering Passive Mode (10,9,8,7,19,137)."), 19 * 256 + 137);
  EXPECT_EQ(detail::parse_pasv("=127,0,0,1,4,1"), 1025);
  EXPECT_EQ(detail::parse_pasv("(1,2,3,4,0,0)"), std::nullopt);       // port 0
  EXPECT_EQ(detail::parse_pasv("(1,2,3,4,256,1)"), std::nullopt);     // out of range
  EXPECT_EQ(detail::parse_pasv("(1,2,3,4,5)"), std::nullopt);
  EXPECT_EQ(detail::parse_pasv("nothing"), std::nullopt);
}

TEST(FtpReply, SizeReply) {
  EXPECT_EQ(detail::parse_size(r(213, {"1234"})), 1234u);
  EXPECT_EQ(detail::parse_size(r(213, {"12x"})), std::nullopt);
  EXPECT_EQ(detail::parse_size(r(550, {"nope"})), std::nullopt);
  EXPECT_EQ(detail::parse_size(r(213, {""})), std::nullopt);
}

TEST(FtpReply, CodesMapToErrors) {
  EXPECT_EQ(detail::code_for(r(421, {})), make_error_code(error::service_unavailable));
  EXPECT_EQ(detail::code_for(r(550, {})), make_error_code(error::file_unavailable));
  EXPECT_EQ(detail::code_for(r(530, {})), make_error_code(error::login_failed));
  EXPECT_EQ(detail::code_for(r(450, {})), make_error_code(error::transient_failure));
  EXPECT_EQ(detail::code_for(r(501, {})), make_error_code(error::permanent_failure));
  EXPECT_EQ(std::error_code(error::login_failed), condition::auth_failed);
  EXPECT_STREQ(ftp_category().name(), "inet.ftp");
}

TEST(FtpMlsd, FactsAndName) {
  const auto e = detail::parse_mlsd_line(
      "Type=file;Size=1234;Modify=20260102030405.5;Perm=adfrw;Unique=802U1; my file.txt");
  EXPECT_EQ(e.name, "my file.txt");
  EXPECT_EQ(e.type, entry::kind::file);
  EXPECT_EQ(e.size, 1234u);
  EXPECT_EQ(e.modify, "20260102030405.5");
  EXPECT_EQ(e.perm, "adfrw");
  EXPECT_EQ(e.unique, "802U1");
  EXPECT_EQ(e.facts.at("type"), "file");
  EXPECT_EQ(detail::parse_mlsd_line("type=cdir;perm=el; .").type, entry::kind::cdir);
  EXPECT_EQ(detail::parse_mlsd_line("type=OS.unix=symlink; l").type, entry::kind::link);
  const auto bare = detail::parse_mlsd_line(" name");
  EXPECT_EQ(bare.name, "name");
  EXPECT_FALSE(bare.size);
}

TEST(FtpMlsd, MalformedLinesThrow) {
  for (const char* l : {"type=file;size=1;name-without-space", "type=file;size=x; f",
                        "type=file size=1; f", "=x; f", "type=file;"}) {
    try {
      detail::parse_mlsd_line(l);
      ADD_FAILURE() << "no throw for " << l;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), make_error_code(error::malformed_reply)) << l;
    }
  }
}

TEST(FtpRedact, PassAndAcctAreHidden) {
  EXPECT_EQ(detail::redact_trace("PASS secret"), "PASS <redacted>");
  EXPECT_EQ(detail::redact_trace("pass two words"), "pass <redacted>");
  EXPECT_EQ(detail::redact_trace("ACCT acct-1"), "ACCT <redacted>");
  EXPECT_EQ(detail::redact_trace("USER alice"), std::nullopt);
  EXPECT_EQ(detail::redact_trace("RETR secret"), std::nullopt);
}

}  // namespace
}  // namespace inet::ftp

namespace inet::ftp {
namespace {

// Lines as real servers send them (vsftpd, ProFTPD, Pure-FTPd, IIS).
TEST(FtpListParser, UnixForms) {
  auto e = parse_list_line("-rw-r--r--    1 1000     1000       300000 Dec 06 14:36 plain.bin");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "plain.bin");
  EXPECT_EQ(e->type, entry::kind::file);
  EXPECT_EQ(e->size, 300000u);
  EXPECT_EQ(e->modify, "");  // no year in the line
  EXPECT_EQ(e->facts.at("date"), "Dec 06 14:36");
  EXPECT_EQ(e->facts.at("unix.mode"), "-rw-r--r--");

  e = parse_list_line("drwxr-xr-x   2 ftp      ftp          4096 Jan  1  2025 my  dir\r");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "my  dir");
  EXPECT_EQ(e->type, entry::kind::dir);
  EXPECT_EQ(e->modify, "202501010000");

  e = parse_list_line("lrwxrwxrwx 1 root root 7 Mar 3 10:00 latest -> v1.2.3");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, entry::kind::link);
  EXPECT_EQ(e->name, "latest");
  EXPECT_EQ(e->facts.at("link"), "v1.2.3");

  e = parse_list_line("-rw-r--r-- 1 ftp 12 Feb 29 2024 no-group.txt");  // owner only
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "no-group.txt");
  EXPECT_EQ(e->size, 12u);

  e = parse_list_line("-rw-r--r--   1 u g 5 Jun 10 09:15 Gr\xc3\xbc\xc3\x9f""e.txt");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "Gr\xc3\xbc\xc3\x9f""e.txt");
}

TEST(FtpListParser, DosForms) {
  auto e = parse_list_line("01-02-26  03:04PM       <DIR>          Program Files");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, entry::kind::dir);
  EXPECT_EQ(e->name, "Program Files");
  EXPECT_EQ(e->modify, "202601021504");
  e = parse_list_line("12-31-99  12:00AM                 1234 readme.txt");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, entry::kind::file);
  EXPECT_EQ(e->size, 1234u);
  EXPECT_EQ(e->modify, "199912310000");
}

TEST(FtpListParser, OtherLinesAreNotEntries) {
  for (const char* l : {"total 12", "", "\r", "drwxr-xr-x 2 u g 4096 Foo 01 12:00 x",
                        "-rw-r--r-- 1 u g 5 Jan 01 12:00", "01-02-26  03:04XM  <DIR>  x",
                        "01-02-26  03:04PM  big x"})
    EXPECT_FALSE(parse_list_line(l)) << l;
}

}  // namespace
}  // namespace inet::ftp
