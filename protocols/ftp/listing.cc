// MLSD (RFC 3659 §7): machine-readable directory listings parsed into typed entries.
#include <algorithm>
#include <cctype>

#include "protocols/ftp/impl.hpp"
#include "transport/error.hpp"

namespace inet::ftp {

namespace detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

[[noreturn]] void malformed(std::string_view why, std::string_view line) {
  throw std::system_error(make_error_code(error::malformed_reply),
                          std::string(why) + ": \"" + std::string(line.substr(0, 200)) + "\"");
}

entry::kind kind_of(const std::string& type) {
  if (type == "file") return entry::kind::file;
  if (type == "dir") return entry::kind::dir;
  if (type == "cdir") return entry::kind::cdir;
  if (type == "pdir") return entry::kind::pdir;
  if (type == "os.unix=symlink" || type == "os.unix=slink") return entry::kind::link;
  return entry::kind::other;
}

}  // namespace

entry parse_mlsd_line(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos || sp + 1 >= line.size()) malformed("MLSD line without a name", line);
  entry e;
  e.name = std::string(line.substr(sp + 1));
  std::string_view facts = line.substr(0, sp);
  while (!facts.empty()) {
    const auto semi = facts.find(';');
    if (semi == std::string_view::npos) malformed("MLSD fact without ';'", line);
    const std::string_view fact = facts.substr(0, semi);
    facts.remove_prefix(semi + 1);
    const auto eq = fact.find('=');
    if (eq == std::string_view::npos || eq == 0) malformed("MLSD fact without '='", line);
    std::string name = lower(fact.substr(0, eq));
    std::string value(fact.substr(eq + 1));
    if (name == "type") {
      e.type = kind_of(lower(value));
    } else if (name == "size" || name == "sizd") {
      const bool digits = !value.empty() && value.size() <= 19 &&
                          std::all_of(value.begin(), value.end(),
                                      [](unsigned char c) { return std::isdigit(c); });
      if (!digits) malformed("MLSD size fact is not a number", line);
      if (name == "size") e.size = std::stoull(value);
    } else if (name == "modify") {
      e.modify = value;
    } else if (name == "perm") {
      e.perm = value;
    } else if (name == "unique") {
      e.unique = value;
    }
    e.facts[std::move(name)] = std::move(value);
  }
  return e;
}

}  // namespace detail

boost::asio::awaitable<std::vector<entry>> client::mlsd(std::string path) {
  impl& s = *impl_;
  line::command cmd("MLSD");
  if (!path.empty()) cmd.arg(path);
  std::string text;
  const std::size_t limit = s.opts.max_listing_bytes;
  const byte_sink sink = [&text, limit](std::string_view chunk) {
    if (text.size() + chunk.size() > limit)
      throw std::system_error(make_error_code(transport::error::body_too_large),
                              "MLSD listing larger than " + std::to_string(limit) + " bytes");
    text.append(chunk);
  };
  co_await s.download(cmd, sink, std::nullopt, "MLSD " + path);
  std::vector<entry> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view l(text.data() + pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!l.empty()) out.push_back(detail::parse_mlsd_line(l));
    pos = end + 1;
  }
  co_return out;
}

}  // namespace inet::ftp
