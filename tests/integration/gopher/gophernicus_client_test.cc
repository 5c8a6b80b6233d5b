// The Gopher client's typed API against a real gophernicus (start_gopher): the root menu parsed
// into items (type, display, selector, host, port) as gophernicus writes them, a search (type 7,
// selector TAB query) answered by a CGI, a sub-menu gophernicus lists itself, a binary fetched
// byte-identical, the same over gophers:// (TLS terminated by the launcher), and what text()
// does with a server that sends files without RFC 1436's "." terminator (gophernicus does):
// unexpected_eof — fetch() is the call for such servers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "protocols/gopher/client.hpp"
#include "tests/integration/servers/env.hpp"
#include "transport/error.hpp"

namespace inet::gopher {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> g_env;
std::string g_state, g_scripts;

using test::load_env;
using test::read_file;

class Gophernicus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    const char* tmp = std::getenv("TEST_TMPDIR");
    ASSERT_TRUE(srcdir && tmp) << "run under bazel test";
    g_scripts = std::string(srcdir) + "/inetpp/tests/integration/gopher";
    g_state = std::string(tmp) + "/gopher";
    const std::string start = g_scripts + "/start_gopher " + g_state + " 2>" + tmp + "/start.log";
    ASSERT_EQ(std::system(start.c_str()), 0) << read_file(std::string(tmp) + "/start.log");
    g_env = load_env(g_state + "/env");
  }
  static void TearDownTestSuite() {
    if (!g_state.empty()) std::system((g_scripts + "/stop_gopher " + g_state + " >/dev/null").c_str());
  }
  static client_options plain() {
    client_options o;
    o.host = "127.0.0.1";
    o.port = static_cast<std::uint16_t>(std::stoi(g_env["GOPHER_PORT"]));
    o.connect.time.connect = 10s;
    o.connect.time.idle = 30s;
    return o;
  }
  static client_options tls() {
    client_options o = plain();
    o.port = static_cast<std::uint16_t>(std::stoi(g_env["GOPHERS_PORT"]));
    o.tls = true;
    o.tls_settings.ca_file = g_env["CA_FILE"];
    return o;
  }
};

void expect_root_menu(const std::vector<item>& m, std::uint16_t port) {
  ASSERT_GE(m.size(), 5u);
  EXPECT_EQ(m[0].type, 'i');
  EXPECT_EQ(m[0].display, "Welcome to the inetpp test");
  const struct {
    char type;
    const char *display, *selector;
  } want[] = {{'0', "Hello", "/hello.txt"},
              {'9', "Blob", "/blob.bin"},
              {'7', "Search", "/cgi-bin/search"},
              {'1', "Dir", "/dir"}};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(m[i + 1].type, want[i].type);
    EXPECT_EQ(m[i + 1].display, want[i].display);
    EXPECT_EQ(m[i + 1].selector, want[i].selector);
    EXPECT_EQ(m[i + 1].host, "127.0.0.1");
    EXPECT_EQ(m[i + 1].port, port);
  }
  for (std::size_t i = 5; i < m.size(); ++i) EXPECT_TRUE(m[i].is_info()) << m[i].display;
}

TEST_F(Gophernicus, RootMenuIsTyped) {
  blocking_client c;
  expect_root_menu(c.menu(plain(), ""), plain().port);
}

TEST_F(Gophernicus, SearchSendsTheQuery) {
  blocking_client c;
  const auto m = c.search(plain(), "/cgi-bin/search", "two words");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_TRUE(m[0].is_info());
  EXPECT_EQ(m[0].display, "you searched for [two words]");
  EXPECT_EQ(m[1].type, '0');
  EXPECT_EQ(m[1].selector, "/hello.txt");
}

TEST_F(Gophernicus, SubMenuListsTheDirectory) {
  blocking_client c;
  const auto m = c.menu(plain(), "/dir");
  bool found = false;
  for (const auto& it : m)
    if (it.type == '0' && it.selector == "/dir/inner.txt") found = true;
  EXPECT_TRUE(found);
}

TEST_F(Gophernicus, BinaryAndTextFetchedByteIdentical) {
  blocking_client c;
  std::string bin, txt;
  EXPECT_EQ(c.fetch(plain(), "/blob.bin", string_sink(bin)), 300000u);
  EXPECT_EQ(bin, read_file(g_env["ROOT"] + "/blob.bin"));
  c.fetch(plain(), "/hello.txt", string_sink(txt));
  EXPECT_EQ(txt, read_file(g_env["ROOT"] + "/hello.txt"));
}

TEST_F(Gophernicus, TextWithoutTheDotTerminatorIsUnexpectedEof) {
  blocking_client c;
  std::string out;
  std::error_code ec;
  try {
    c.text(plain(), "/hello.txt", string_sink(out));
  } catch (const std::system_error& e) {
    ec = e.code();
  }
  EXPECT_EQ(ec, transport::error::unexpected_eof);
}

TEST_F(Gophernicus, OverTls) {
  blocking_client c;
  expect_root_menu(c.menu(tls(), ""), tls().port);
  std::string bin;
  c.fetch(tls(), "/blob.bin", string_sink(bin));
  EXPECT_EQ(bin, read_file(g_env["ROOT"] + "/blob.bin"));
}

}  // namespace
}  // namespace inet::gopher
