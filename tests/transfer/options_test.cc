// transfer options: curl's *_proxy environment rules and the TLS-policy default.
#include <gtest/gtest.h>

#include <cstdlib>

#include "protocols/transfer/options.hpp"

namespace inet::transfer {
namespace {

class ProxyEnv : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    for (const char* v : {"imap_proxy", "IMAP_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy",
                          "ALL_PROXY", "no_proxy", "NO_PROXY"})
      ::unsetenv(v);
  }
};

TEST_F(ProxyEnv, SchemeVariableThenAllProxy) {
  const auto u = url::parse("imap://mail.example.com/");
  EXPECT_FALSE(proxy_from_environment(u));
  ::setenv("ALL_PROXY", "socks5h://all:1080", 1);
  EXPECT_EQ(proxy_from_environment(u), "socks5h://all:1080");
  ::setenv("IMAP_PROXY", "http://upper:3128", 1);
  EXPECT_EQ(proxy_from_environment(u), "http://upper:3128");
  ::setenv("imap_proxy", "http://lower:3128", 1);
  EXPECT_EQ(proxy_from_environment(u), "http://lower:3128");
}

TEST_F(ProxyEnv, UpperCaseHttpProxyIsIgnoredAsCurlDoes) {
  ::setenv("HTTP_PROXY", "http://evil:80", 1);
  EXPECT_FALSE(proxy_from_environment(url::parse("http://site.example/")));
}

TEST_F(ProxyEnv, NoProxyMatchesHostsAndDomainSuffixes) {
  ::setenv("all_proxy", "socks5://p:1080", 1);
  ::setenv("no_proxy", "localhost, .internal.example,other.example", 1);
  EXPECT_FALSE(proxy_from_environment(url::parse("imap://localhost/")));
  EXPECT_FALSE(proxy_from_environment(url::parse("imap://mail.internal.example/")));
  EXPECT_FALSE(proxy_from_environment(url::parse("imap://internal.example/")));
  EXPECT_FALSE(proxy_from_environment(url::parse("imap://OTHER.example/")));
  EXPECT_TRUE(proxy_from_environment(url::parse("imap://notother.example/")));
  ::setenv("no_proxy", "*", 1);
  EXPECT_FALSE(proxy_from_environment(url::parse("imap://anything.example/")));
}

TEST(TransferOptions, StarttlsIsRequiredWhenASecretWouldBeSent) {
  options o;
  EXPECT_EQ(effective_tls(o, true), tls_mode::required);
  EXPECT_EQ(effective_tls(o, false), tls_mode::opportunistic);
  o.tls = tls_mode::none;
  EXPECT_EQ(effective_tls(o, true), tls_mode::none);
}

}  // namespace
}  // namespace inet::transfer
