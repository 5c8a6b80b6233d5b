// parse_help_options: the help-text layouts the generators read (inet mail --help).
#include "tools/inet/docgen.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace inet::cli {
namespace {

TEST(ParseHelpOptions, AliasesValuesSeparateOptionsAndContinuations) {
  const auto docs = parse_help_options(
      "Usage: x\n"
      "\n"
      "Options:\n"
      "  -f, -r, --from ADDR     envelope sender\n"
      "                          (continued)\n"
      "  -v, -d, --verbose, --debug\n"
      "                          print the conversation\n"
      "  --tls=on|off            TLS\n"
      "  --syslog[=on|off|FACILITY]   syslog\n"
      "  --cc ADDR, --bcc ADDR   copies\n"
      "  -oem -B TYPE            ignored\n"
      "Not an option line\n"
      "                          not a continuation either\n");
  ASSERT_EQ(docs.size(), 8u);
  EXPECT_EQ(docs[0].names, (std::vector<std::string>{"-f", "-r", "--from"}));
  EXPECT_EQ(docs[0].value, "ADDR");
  EXPECT_EQ(docs[0].description, "envelope sender (continued)");
  EXPECT_EQ(docs[1].names, (std::vector<std::string>{"-v", "-d", "--verbose", "--debug"}));
  EXPECT_EQ(docs[1].value, "");
  EXPECT_EQ(docs[1].description, "print the conversation");
  EXPECT_EQ(docs[2].names, std::vector<std::string>{"--tls"});
  EXPECT_EQ(docs[2].value, "on|off");
  EXPECT_EQ(docs[3].names, std::vector<std::string>{"--syslog"});
  EXPECT_EQ(docs[3].value, "on|off|FACILITY");
  EXPECT_EQ(docs[4].names, std::vector<std::string>{"--cc"});
  EXPECT_EQ(docs[5].names, std::vector<std::string>{"--bcc"});
  EXPECT_EQ(docs[5].value, "ADDR");
  EXPECT_EQ(docs[5].description, "copies");
  EXPECT_EQ(docs[6].names, std::vector<std::string>{"-oem"});
  EXPECT_EQ(docs[6].value, "");
  EXPECT_EQ(docs[7].names, std::vector<std::string>{"-B"});
  EXPECT_EQ(docs[7].value, "TYPE");
  EXPECT_EQ(docs[7].description, "ignored");
}

TEST(TransferOptionDocs, EveryOptionOfTheCli11TableWithItsValueName) {
  const auto docs = transfer_option_docs();
  auto find = [&](const std::string& name) -> const option_doc* {
    for (const auto& d : docs)
      for (const auto& n : d.names)
        if (n == name) return &d;
    return nullptr;
  };
  ASSERT_NE(find("--user"), nullptr);
  EXPECT_EQ(find("--user")->names, (std::vector<std::string>{"-u", "--user"}));
  EXPECT_EQ(find("--user")->value, "USER[:PASS]");
  ASSERT_NE(find("-k"), nullptr);
  EXPECT_EQ(find("-k")->value, "");  // a flag
  ASSERT_NE(find("--data-binary"), nullptr);
  EXPECT_EQ(find("--data-binary")->names,
            (std::vector<std::string>{"-d", "--data", "--data-binary"}));
  EXPECT_NE(find("--mail-auth"), nullptr);
  for (const auto& d : docs) EXPECT_FALSE(d.description.empty()) << d.names.front();
}

TEST(Generate, UnknownShellIsRefused) {
  std::ostringstream out, err;
  EXPECT_EQ(generate_main({"--generate-completion", "fish"}, out, err), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("bash|zsh"), std::string::npos);
}

}  // namespace
}  // namespace inet::cli
