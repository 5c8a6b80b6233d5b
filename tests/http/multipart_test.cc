// multipart/form-data (protocols/http/multipart.hpp): curl's -F syntax, the exact body bytes,
// files streamed in small pieces, and a POST of the form to a mock server.
#include "protocols/http/multipart.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "protocols/http/agent.hpp"
#include "tests/mock/server.hpp"
#include "transport/blocking.hpp"

namespace inet::http {
namespace {

using inet::test::mock_server;
using inet::test::script;
using ::testing::HasSubstr;

std::string temp_file(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string read_all(byte_source& s, std::size_t piece) {
  std::string out, buf(piece, '\0');
  while (const std::size_t n = s.read(std::span<char>(buf.data(), buf.size())))
    out.append(buf.data(), n);
  return out;
}

TEST(Multipart, ParsesCurlFormArguments) {
  form_part p = parse_form_arg("name=value");
  EXPECT_EQ(p.name, "name");
  EXPECT_EQ(p.value, "value");
  EXPECT_FALSE(p.filename);
  p = parse_form_arg("a=x;y=z;type=text/x-foo");
  EXPECT_EQ(p.value, "x;y=z");
  EXPECT_EQ(p.content_type, "text/x-foo");
  p = parse_form_arg("up=@/tmp/dir/report.pdf;type=application/x-thing;filename=r.pdf");
  EXPECT_EQ(p.path, "/tmp/dir/report.pdf");
  EXPECT_EQ(p.filename, "r.pdf");
  EXPECT_EQ(p.content_type, "application/x-thing");
  p = parse_form_arg("up=@\"odd;name.txt\"");
  EXPECT_EQ(p.path, "odd;name.txt");
  EXPECT_EQ(p.filename, "odd;name.txt");
  p = parse_form_arg("text=</etc/hostname");
  EXPECT_EQ(p.path, "/etc/hostname");
  EXPECT_FALSE(p.filename);
  EXPECT_EQ(parse_form_arg("e=").value, "");
  for (const char* bad : {"novalue", "=x", "a=@", "a=x;type=text/plain\r\nX: 1"}) {
    try {
      parse_form_arg(bad);
      ADD_FAILURE() << bad;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), error::invalid_request) << bad;
    }
  }
}

TEST(Multipart, ExactBytesWithFilesStreamedInPieces) {
  const std::string big(100000, 'z');
  const std::string f1 = temp_file("hello.txt", "hello\n");
  const std::string f2 = temp_file("blob", big);
  std::vector<form_part> parts = {parse_form_arg("a=1"), parse_form_arg("up=@" + f1),
                                  parse_form_arg("raw=@" + f2 + ";filename=x\"y.bin"),
                                  parse_form_arg("from=<" + f1)};
  parts.push_back({"na\"me\r\n", "v", "", std::nullopt, ""});
  form_source form(std::move(parts), "BOUNDARY");
  EXPECT_EQ(form.content_type(), "multipart/form-data; boundary=BOUNDARY");
  const std::string expected =
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"up\"; filename=\"hello.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nhello\n\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"x%22y.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      big +
      "\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\nhello\n\r\n"
      "--BOUNDARY\r\nContent-Disposition: form-data; name=\"na%22me%0D%0A\"\r\n\r\nv\r\n"
      "--BOUNDARY--\r\n";
  EXPECT_EQ(form.size(), expected.size());
  EXPECT_EQ(read_all(form, 7), expected);
}

TEST(Multipart, RandomBoundaryAndMissingFile) {
  form_source form({parse_form_arg("a=1")});
  EXPECT_THAT(form.content_type(),
              ::testing::MatchesRegex("multipart/form-data; boundary=-{24}[0-9a-f]{16}"));
  try {
    form_source bad({parse_form_arg("f=@/nonexistent/file")});
    ADD_FAILURE() << "missing file accepted";
  } catch (const std::system_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/file"));
  }
}

TEST(Multipart, FileThatShrinksIsAnError) {
  const std::string f = temp_file("shrinks", std::string(5000, 'a'));
  form_source form({parse_form_arg("f=@" + f)}, "B");
  std::ofstream(f, std::ios::binary | std::ios::trunc) << "short";
  try {
    read_all(form, 1024);
    ADD_FAILURE() << "short file accepted";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), error::body_size_mismatch);
  }
}

TEST(Multipart, PostedWithContentLength) {
  const std::string f = temp_file("data.json", "{\"k\":1}");
  form_source form({parse_form_arg("meta=x"), parse_form_arg("doc=@" + f)}, "b0undary");
  std::string head, body;
  mock_server srv(std::move(script()
                                .expect_until("", &head)
                                .expect_bytes(form.size(), &body)
                                .send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                                .close()));
  boost::asio::io_context io;
  agent a(io.get_executor());
  request req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", form.content_type());
  req.body_source = &form;
  req.body_size = form.size();
  std::string out;
  const fetch_result r = transport::run_blocking(
      io, a.fetch("http://127.0.0.1:" + std::to_string(srv.port()) + "/upload", std::move(req),
                  string_sink(out), fetch_options{}));
  EXPECT_EQ(r.response.status, 201);
  ASSERT_SCRIPT_OK(srv);
  EXPECT_THAT(head, HasSubstr("\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"
                              "Content-Length: " +
                              std::to_string(form.size()) + "\r\n"));
  EXPECT_EQ(body,
            "--b0undary\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\nx\r\n"
            "--b0undary\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"data.json\"\r\n"
            "Content-Type: application/json\r\n\r\n{\"k\":1}\r\n--b0undary--\r\n");
}

}  // namespace
}  // namespace inet::http
