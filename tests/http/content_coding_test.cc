// Content codings (protocols/http/content_coding.hpp): gzip, deflate, br and zstd decoded in any
// piece sizes, chained codings, corrupt and cut-off data, and bombs stopped at the cap — both
// directly and through http::agent against a mock server.
#include "protocols/http/content_coding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "protocols/http/agent.hpp"
#include "tests/http/test_util.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"

namespace inet::http {
namespace {

using inet::http::test::ok;
using inet::http::test::br_encode;
using inet::http::test::zlib_encode;
using inet::http::test::zstd_encode;
using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;

std::string encode(coding c, const std::string& data) {
  switch (c) {
    case coding::gzip:
      return zlib_encode(data, 15 + 16);
    case coding::deflate:
      return zlib_encode(data, 15);
    case coding::br:
      return br_encode(data);
    case coding::zstd:
      return zstd_encode(data);
  }
  return {};
}

// Some text that compresses but not to nothing.
std::string sample() {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "line " + std::to_string(i * 7919 % 10007) + "\n";
  return s;
}

std::string decode_in_pieces(coding c, const std::string& wire, std::size_t piece) {
  std::string out;
  decoding_sink d(string_sink(out), 1 << 30, c);
  for (std::size_t i = 0; i < wire.size(); i += piece) d(std::string_view(wire).substr(i, piece));
  d.finish();
  EXPECT_EQ(d.decoded(), out.size());
  return out;
}

class EachCoding : public ::testing::TestWithParam<coding> {};

TEST_P(EachCoding, DecodesInOneByteAndLargePieces) {
  const std::string text = sample();
  const std::string wire = encode(GetParam(), text);
  ASSERT_LT(wire.size(), text.size() / 2);
  EXPECT_EQ(decode_in_pieces(GetParam(), wire, 1), text);
  EXPECT_EQ(decode_in_pieces(GetParam(), wire, 100000), text);
}

TEST_P(EachCoding, CutOffDataFailsAtFinish) {
  const std::string wire = encode(GetParam(), sample());
  std::string out;
  decoding_sink d(string_sink(out), 1 << 30, GetParam());
  d(std::string_view(wire).substr(0, wire.size() / 2));
  try {
    d.finish();
    ADD_FAILURE() << "finish() accepted half a stream";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::bad_content_encoding);
  }
}

TEST_P(EachCoding, CorruptDataIsBadContentEncoding) {
  std::string out;
  decoding_sink d(string_sink(out), 1 << 30, GetParam());
  try {
    d(std::string(64, '\xff'));
    d.finish();
    ADD_FAILURE() << "garbage accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::bad_content_encoding);
  }
}

TEST_P(EachCoding, BombStopsAtTheCap) {
  const std::string bomb = encode(GetParam(), std::string(32 * 1024 * 1024, '\0'));
  ASSERT_LT(bomb.size(), 100 * 1024u);  // >= 300:1
  std::string out;
  decoding_sink d(string_sink(out), 1024 * 1024, GetParam());
  try {
    d(bomb);
    ADD_FAILURE() << "bomb decoded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::decoded_too_large);
  }
  EXPECT_LE(out.size(), 1024u * 1024u);
  EXPECT_GE(out.size(), 1024u * 1024u - 16 * 1024u);  // pieces of 16 KiB up to the cap
}

// A zstd frame that needs a 32 MiB window: refused (RFC 8878 §3.1.1.1.2 bounds HTTP at 8 MiB),
// so a server cannot make the decoder allocate that much.
TEST(ContentCoding, ZstdWindowOver8MiBIsRefused) {
  const std::string data(32 * 1024 * 1024, 'w');
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 25);
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
  std::string wire(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress2(c, wire.data(), wire.size(), data.data(), data.size());
  ZSTD_freeCCtx(c);
  ASSERT_FALSE(ZSTD_isError(n));
  wire.resize(n);
  std::string out;
  decoding_sink d(string_sink(out), std::uint64_t{1} << 30, coding::zstd);
  try {
    d(wire);
    ADD_FAILURE() << "32 MiB window accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::bad_content_encoding);
    EXPECT_THAT(e.what(), HasSubstr("zstd"));
  }
  EXPECT_EQ(out, "");
}

INSTANTIATE_TEST_SUITE_P(Codings, EachCoding,
                         ::testing::Values(coding::gzip, coding::deflate, coding::br,
                                           coding::zstd));

TEST(ContentCoding, ParsesFieldValues) {
  EXPECT_EQ(parse_content_encoding("gzip"), std::vector<coding>{coding::gzip});
  EXPECT_EQ(parse_content_encoding(" X-GZip , identity,BR"),
            (std::vector<coding>{coding::gzip, coding::br}));
  EXPECT_EQ(parse_content_encoding("zstd"), std::vector<coding>{coding::zstd});
  EXPECT_EQ(parse_content_encoding("identity"), std::vector<coding>{});
  EXPECT_EQ(parse_content_encoding("compress"), std::nullopt);
  EXPECT_EQ(parse_content_encoding("gzip, gzip, gzip, gzip, gzip"), std::nullopt);
  EXPECT_EQ(accept_encoding(), "gzip, deflate, br, zstd");
}

TEST(ContentCoding, ChainDecodesTheLastAppliedFirst) {
  const std::string text = sample();
  const std::string wire = br_encode(zlib_encode(text, 15 + 16));  // "gzip, br"
  std::string out;
  decoding_chain chain(string_sink(out), 1 << 30, {coding::gzip, coding::br});
  for (std::size_t i = 0; i < wire.size(); i += 777) chain(std::string_view(wire).substr(i, 777));
  chain.finish();
  EXPECT_EQ(out, text);
}

struct runner {
  boost::asio::io_context io;
  agent a{io.get_executor()};
  std::string body;
  fetch_result run(std::string url, fetch_options fo) {
    body.clear();
    request req;
    return transport::run_blocking(
        io, a.fetch(std::move(url), std::move(req), string_sink(body), std::move(fo)));
  }
};

TEST(ContentCodingAgent, BrAndZstdDecodedWithAcceptEncoding) {
  const std::string text = sample();
  std::string head;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .send(ok(br_encode(text), "Content-Encoding: br\r\n"))
                                .expect_until("")
                                .send(ok(zstd_encode(text), "Content-Encoding: zstd\r\n"))
                                .close()));
  runner r;
  fetch_options fo;
  fo.decode_content = true;
  const std::string url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/";
  r.run(url, fo);
  EXPECT_EQ(r.body, text);
  r.run(url, fo);
  EXPECT_EQ(r.body, text);
  EXPECT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"));
}

TEST(ContentCodingAgent, BrAndZstdBombsAreCapped) {
  for (coding c : {coding::br, coding::zstd}) {
    const std::string bomb = encode(c, std::string(32 * 1024 * 1024, 'A'));
    mock_server srv(std::move(script()
                                  .expect_until("")
                                  .send(ok(bomb, std::string("Content-Encoding: ") +
                                                     (c == coding::br ? "br" : "zstd") + "\r\n"))
                                  .close()));
    runner r;
    fetch_options fo;
    fo.decode_content = true;
    fo.max_decoded = 2 * 1024 * 1024;
    try {
      r.run("http://127.0.0.1:" + std::to_string(srv.port()) + "/", fo);
      ADD_FAILURE() << "bomb accepted";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::decoded_too_large);
    }
    EXPECT_LE(r.body.size(), 2u * 1024 * 1024);
  }
}

TEST(ContentCodingAgent, UndecodedWithoutCompressed) {
  const std::string wire = zstd_encode("plain");
  mock_server srv(
      std::move(script().expect_until("").send(ok(wire, "Content-Encoding: zstd\r\n")).close()));
  runner r;
  r.run("http://127.0.0.1:" + std::to_string(srv.port()) + "/", {});
  EXPECT_EQ(r.body, wire);
  EXPECT_SCRIPT_OK(srv);
}

}  // namespace
}  // namespace inet::http
