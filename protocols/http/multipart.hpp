// multipart/form-data request bodies (RFC 7578), streamed: file parts are read in pieces while
// the body is sent, so a form with large files never sits in memory. The part types come from
// the MIME composer's table (mime::guess_content_type). curl's `-F` syntax is parsed here too.
//
//   std::vector<inet::http::form_part> parts = {inet::http::parse_form_arg("a=1"),
//                                               inet::http::parse_form_arg("f=@report.pdf")};
//   inet::http::form_source form(std::move(parts));
//   req.method = "POST";
//   req.headers.emplace_back("Content-Type", form.content_type());
//   req.body_source = &form;
//   req.body_size = form.size();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/body.hpp"

namespace inet::http {

/// One form field. With `path`, the file's bytes are the content (read while sending);
/// otherwise `value`.
struct form_part {
  std::string name;
  std::string value;
  std::string path;
  /// Content-Disposition's filename: none = no filename parameter (a plain field).
  std::optional<std::string> filename;
  /// Content-Type of the part; "" = none for a plain field, for a part with a filename
  /// mime::guess_content_type(filename) ("application/octet-stream" when unknown).
  std::string content_type;
};

/// Parses one curl `-F` argument: `name=value`, `name=@file` (a file upload: filename = the
/// file's last path component), `name=<file` (a plain field whose value is the file's bytes),
/// each optionally followed by `;type=TYPE` and/or `;filename=NAME` (a file may be given in
/// double quotes to hold ';'). Throws std::system_error(error::invalid_request) without '='
/// or an empty name, or with CR/LF/NUL in the type.
form_part parse_form_arg(std::string_view arg);

/// The body: for each part
///   --<boundary>\r\n
///   Content-Disposition: form-data; name="<name>"[; filename="<filename>"]\r\n
///   [Content-Type: <type>\r\n]
///   \r\n
///   <content>\r\n
/// then --<boundary>--\r\n. In name and filename '"', CR and LF are sent as %22, %0D, %0A
/// (RFC 7578 §2, as browsers and curl do); UTF-8 is sent as it is (no RFC 2231, §4.2).
/// The constructor checks every file (std::system_error with the errno and the path when one
/// cannot be opened) and measures them, so size() is exact; read() throws
/// error::body_size_mismatch when a file changed size meanwhile.
class form_source final : public byte_source {
 public:
  /// `boundary`: empty = "------------------------" + 16 random hex digits (OpenSSL).
  explicit form_source(std::vector<form_part> parts, std::string boundary = {});
  ~form_source() override;
  form_source(const form_source&) = delete;
  form_source& operator=(const form_source&) = delete;

  std::size_t read(std::span<char> buf) override;
  /// "multipart/form-data; boundary=<boundary>"
  std::string content_type() const;
  /// The body's length in bytes.
  std::uint64_t size() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace inet::http
