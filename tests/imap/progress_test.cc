// fetch_options::progress (one transfer per body-section literal, total = the literal's size)
// and append_options::progress (upload, total = the announced size).
#include <gtest/gtest.h>

#include <vector>

#include "tests/imap/mock_session.hpp"
#include "transport/progress.hpp"

namespace inet::imap::test {
namespace {

std::vector<transport::progress> finals(const std::vector<transport::progress>& calls) {
  std::vector<transport::progress> out;
  for (const auto& p : calls)
    if (p.finished) out.push_back(p);
  return out;
}

TEST(ImapProgress, EachLiteralIsATransferWithItsSizeAsTotal) {
  constexpr std::size_t chunk = 64 * 1024, count = 48;  // 3 MiB
  const std::uint64_t big = chunk * count;
  mock_server srv(selected_session()
                      .expect("A2 FETCH 1:2 (UID BODY.PEEK[])")
                      .send("* 1 FETCH (BODY[] {" + std::to_string(big) + "}\r\n")
                      .send_repeated(std::string(chunk, 'x'), count)
                      .send(")\r\n* 2 FETCH (BODY[] {5}\r\nhello)\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::vector<transport::progress> calls;
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  std::uint64_t streamed = 0;
  fo.sink = [&](const section_ref&, std::string_view data) { streamed += data.size(); };
  fo.progress = [&](const transport::progress& p) { calls.push_back(p); };
  c.fetch(*sequence_set::parse("1:2"), items, fo);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(streamed, big + 5);
  const auto f = finals(calls);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].done, big);
  EXPECT_EQ(f[0].total, std::optional<std::uint64_t>(big));
  EXPECT_EQ(f[1].done, 5u);
  EXPECT_EQ(f[1].total, std::optional<std::uint64_t>(5));
  EXPECT_TRUE(calls.back().finished);
  // Within the first literal the count only grows, and every report names its total.
  for (std::size_t i = 1; i < calls.size() && !calls[i - 1].finished; ++i)
    EXPECT_GE(calls[i].done, calls[i - 1].done);
}

TEST(ImapProgress, KeptSectionsReportToo) {
  mock_server srv(selected_session()
                      .expect("A2 FETCH 3 (UID BODY.PEEK[])")
                      .send("* 3 FETCH (BODY[] {11}\r\nhello world)\r\nA2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::vector<transport::progress> calls;
  fetch_items items;
  items.sections.push_back({});
  fetch_options fo;
  fo.progress = [&](const transport::progress& p) { calls.push_back(p); };
  auto r = c.fetch(3, items, fo);
  EXPECT_SCRIPT_OK(srv);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].sections.at(0).data, "hello world");
  ASSERT_FALSE(calls.empty());
  EXPECT_TRUE(calls.back().finished);
  EXPECT_EQ(calls.back().done, 11u);
}

TEST(ImapProgress, AppendReportsTheUploadAfterTheTaggedOk) {
  const std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  std::string got;
  mock_server srv(selected_session()
                      .expect("A2 APPEND Sent {21+}")
                      .expect_bytes(21, &got)
                      .expect("")
                      .send("A2 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  c.select("INBOX");
  std::vector<transport::progress> calls;
  append_options ao;
  ao.progress = [&](const transport::progress& p) { calls.push_back(p); };
  memory_source src(msg);
  c.append("Sent", src, msg.size(), ao);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_EQ(got, msg);
  ASSERT_FALSE(calls.empty());
  EXPECT_TRUE(calls.back().finished);
  EXPECT_EQ(calls.back().done, msg.size());
  EXPECT_EQ(calls.back().total, std::optional<std::uint64_t>(msg.size()));
}

}  // namespace
}  // namespace inet::imap::test
