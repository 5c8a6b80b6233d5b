// Helpers of message.hpp that do not depend on the composer: content-type guessing, Date,
// Message-ID and header validation.
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/error.hpp"
#include "protocols/mime/message.hpp"

namespace inet::mime {
namespace {

struct type_entry {
  std::string_view ext, type;
};

constexpr type_entry types[] = {
    {"txt", "text/plain"},        {"text", "text/plain"},       {"log", "text/plain"},
    {"csv", "text/csv"},          {"htm", "text/html"},         {"html", "text/html"},
    {"css", "text/css"},          {"md", "text/markdown"},      {"ics", "text/calendar"},
    {"vcf", "text/vcard"},        {"xml", "application/xml"},   {"json", "application/json"},
    {"js", "text/javascript"},    {"pdf", "application/pdf"},   {"rtf", "application/rtf"},
    {"zip", "application/zip"},   {"gz", "application/gzip"},   {"tgz", "application/gzip"},
    {"tar", "application/x-tar"}, {"7z", "application/x-7z-compressed"},
    {"bz2", "application/x-bzip2"}, {"xz", "application/x-xz"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"png", "image/png"},         {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},         {"webp", "image/webp"},       {"svg", "image/svg+xml"},
    {"bmp", "image/bmp"},         {"ico", "image/vnd.microsoft.icon"},
    {"tif", "image/tiff"},        {"tiff", "image/tiff"},       {"mp3", "audio/mpeg"},
    {"wav", "audio/wav"},         {"ogg", "audio/ogg"},         {"mp4", "video/mp4"},
    {"webm", "video/webm"},       {"mov", "video/quicktime"},   {"eml", "message/rfc822"},
    {"asc", "application/pgp-signature"},
};

const char* const weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool domain_ok(std::string_view d) {
  if (d.empty()) return false;
  return std::all_of(d.begin(), d.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '[' || c == ']' || c == ':';
  });
}

}  // namespace

std::string guess_content_type(std::string_view filename) {
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& t : types)
    if (t.ext == ext) return std::string(t.type);
  return "application/octet-stream";
}

std::string format_date(std::chrono::system_clock::time_point t, bool utc) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  long offset = 0;  // seconds east of UTC
  if (utc) {
    gmtime_r(&tt, &tm);
  } else {
    localtime_r(&tt, &tm);
    offset = tm.tm_gmtoff;
  }
  const char sign = offset < 0 ? '-' : '+';
  const long mins = (offset < 0 ? -offset : offset) / 60;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
                weekdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec, sign, mins / 60, mins % 60);
  return buf;
}

std::string make_message_id(std::string_view domain,
                            const std::function<void(std::span<unsigned char>)>& random) {
  std::array<unsigned char, 16> bytes{};
  if (random)
    random(bytes);
  else if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "<";
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id + "@" + std::string(domain_ok(domain) ? domain : "localhost") + ">";
}

void validate_header(std::string_view name, std::string_view value) {
  auto bad = [&](const std::string& why) {
    throw std::system_error(make_error_code(error::invalid_header),
                            why + " in header '" + std::string(name.substr(0, 64)) + "'");
  };
  if (name.empty()) bad("empty name");
  for (unsigned char c : name)
    if (c < 33 || c > 126 || c == ':') bad("invalid character in name");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\0') bad("NUL");
    if (c == '\n') bad("bare LF");
    if (c == '\r') {
      if (i + 2 >= value.size() || value[i + 1] != '\n' ||
          (value[i + 2] != ' ' && value[i + 2] != '\t'))
        bad("bare CR/LF");
      ++i;
    }
  }
}

}  // namespace inet::mime
