// The alwayslink library registers `mail` with the inet CLI registry.
#include <gtest/gtest.h>

#include "tools/inet/commands.hpp"

TEST(Register, MailCommandIsRegistered) {
  const inet::cli::command_info* info = inet::cli::find_command("mail");
  ASSERT_NE(info, nullptr);
  EXPECT_FALSE(info->summary.empty());
  char arg0[] = "inet mail";
  char help[] = "--help";
  char* argv[] = {arg0, help, nullptr};
  testing::internal::CaptureStdout();
  EXPECT_EQ(info->fn(2, argv), 0);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("Usage: inet mail"), std::string::npos);
}
