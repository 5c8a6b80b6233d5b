// LIST-STATUS (RFC 5819) and its fallback, against the scripted mock server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocols/imap/client.hpp"
#include "tests/imap/mock_session.hpp"

namespace inet::imap {
namespace {

using test::mock;
using test::mock_server;
using test::options_for;

TEST(ImapListStatus, OneCommandWithListStatus) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS SPECIAL-USE] hi\r\n")
                      .expect("A1 LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))")
                      .send("* LIST () \"/\" INBOX\r\n"
                            "* STATUS INBOX (MESSAGES 17 UNSEEN 16)\r\n"
                            "* LIST (\\Noselect) \"/\" Archive\r\n"
                            "* LIST (\\Sent) \"/\" \"Sent Items\"\r\n"
                            "* STATUS \"Sent Items\" (MESSAGES 4 UNSEEN 0)\r\n"
                            "A1 OK done\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const auto all = c.list_status("", "*", {"MESSAGES", "UNSEEN"});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].list.mailbox, "INBOX");
  ASSERT_TRUE(all[0].status);
  EXPECT_EQ(all[0].status->get("UNSEEN"), 16u);
  EXPECT_FALSE(all[1].status);  // \Noselect
  EXPECT_TRUE(all[2].list.has_attribute("\\Sent"));
  ASSERT_TRUE(all[2].status);
  EXPECT_EQ(all[2].status->get("MESSAGES"), 4u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapListStatus, FallsBackToStatusPerSelectableMailbox) {
  mock_server srv(mock()
                      .send("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
                      .expect("A1 LIST \"\" %")
                      .send("* LIST () \".\" INBOX\r\n* LIST (\\Noselect) \".\" Shared\r\n"
                            "* LIST () \".\" \"Entw&APw-rfe\"\r\nA1 OK\r\n")
                      .expect("A2 STATUS INBOX (MESSAGES)")
                      .send("* STATUS INBOX (MESSAGES 3)\r\nA2 OK\r\n")
                      .expect("A3 STATUS Entw&APw-rfe (MESSAGES)")
                      .send("* STATUS \"Entw&APw-rfe\" (MESSAGES 1)\r\nA3 OK\r\n"));
  blocking_client c;
  c.connect(options_for(srv));
  const auto all = c.list_status("", "%", {"MESSAGES"});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].status->get("MESSAGES"), 3u);
  EXPECT_FALSE(all[1].status);
  EXPECT_EQ(all[2].list.mailbox, "Entw\xC3\xBC" "rfe");
  EXPECT_EQ(all[2].status->get("MESSAGES"), 1u);
  EXPECT_SCRIPT_OK(srv);
}

TEST(ImapListStatus, ItemsAreValidatedBeforeSending) {
  mock_server srv(mock().send("* PREAUTH [CAPABILITY IMAP4rev1 LIST-STATUS] hi\r\n").expect_eof());
  {
    blocking_client c;
    c.connect(options_for(srv));
    EXPECT_EQ(test::code_of([&] { c.list_status("", "*", {"MESSAGES)\r\nA9 DELETE INBOX"}); }),
              transport::make_error_code(transport::error::invalid_argument));
    EXPECT_EQ(test::code_of([&] { c.list_status("", "*", {}); }),
              transport::make_error_code(transport::error::invalid_argument));
  }
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::imap
