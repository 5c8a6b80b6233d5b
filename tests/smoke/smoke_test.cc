#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
TEST(Smoke, Builds) { boost::asio::io_context io; boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client); spdlog::info("x"); EXPECT_EQ(io.run(), 0u); }
