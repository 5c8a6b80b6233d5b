#include "protocols/transfer/netrc.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace inet::transfer {
namespace {

class netrc_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "inet.netrc"; }
  std::string message(int ev) const override {
    switch (static_cast<netrc_error>(ev)) {
      case netrc_error::syntax: return "malformed netrc file";
      case netrc_error::unreadable: return "netrc file cannot be read";
    }
    return "unknown inet.netrc error";
  }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && !is_space(c)) || u == 0x7f;
}

class tokenizer {
 public:
  explicit tokenizer(std::string_view text) : text_(text) {}

  // Next token, or nullopt at end of input.
  std::optional<std::string> next() {
    for (;;) {
      while (pos_ < text_.size() && is_space(text_[pos_])) advance();
      if (pos_ >= text_.size()) return std::nullopt;
      if (text_[pos_] != '#') break;
      while (pos_ < text_.size() && text_[pos_] != '\n') advance();
    }
    return text_[pos_] == '"' ? quoted() : bare();
  }

  // Skips an FTP macro body: the rest of this line, then up to and including an empty line.
  void skip_macro() {
    while (pos_ < text_.size() && text_[pos_] != '\n') advance();
    while (pos_ < text_.size()) {
      advance();  // the '\n'
      std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != '\n') advance();
      std::string_view line = text_.substr(start, pos_ - start);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::system_error(make_error_code(netrc_error::syntax),
                            "netrc line " + std::to_string(line_) + ": " + what);
  }

 private:
  void advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }

  std::string bare() {
    std::string out;
    while (pos_ < text_.size() && !is_space(text_[pos_])) {
      if (is_control(text_[pos_])) fail("control character in a token");
      out += text_[pos_];
      advance();
    }
    return out;
  }

  std::string quoted() {
    std::string out;
    advance();  // opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      advance();
      if (c == '"') return out;
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_];
        advance();
        c = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
      }
      if (is_control(c) || c == '\n' || c == '\r') fail("control character in a quoted token");
      out += c;
    }
    fail("unterminated quoted token");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

const std::error_category& netrc_category() noexcept {
  static const netrc_category_impl category;
  return category;
}

std::error_code make_error_code(netrc_error e) noexcept {
  return {static_cast<int>(e), netrc_category()};
}

std::vector<netrc_entry> parse_netrc(std::string_view text) {
  std::vector<netrc_entry> entries;
  tokenizer tok(text);
  auto value_of = [&](std::string_view keyword) {
    auto v = tok.next();
    if (!v) tok.fail("'" + std::string(keyword) + "' without a value");
    return *v;
  };
  while (auto t = tok.next()) {
    if (*t == "machine") {
      entries.push_back({value_of("machine"), false, std::nullopt, std::nullopt});
    } else if (*t == "default") {
      entries.push_back({"", true, std::nullopt, std::nullopt});
    } else if (*t == "login" || *t == "password" || *t == "account") {
      std::string keyword = *t;
      std::string v = value_of(keyword);
      if (entries.empty()) tok.fail("'" + keyword + "' before any 'machine' or 'default'");
      if (keyword == "login") entries.back().login = std::move(v);
      if (keyword == "password") entries.back().password = std::move(v);
    } else if (*t == "macdef") {
      value_of("macdef");
      tok.skip_macro();
    } else {
      tok.fail("unexpected token (expected machine, default, login, password, account, macdef)");
    }
  }
  return entries;
}

std::vector<netrc_entry> load_netrc(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::system_error(make_error_code(netrc_error::unreadable),
                            "cannot open netrc file '" + path + "'");
  }
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_netrc_size) {
      throw std::system_error(make_error_code(netrc_error::unreadable),
                              "netrc file '" + path + "' is larger than 1 MiB");
    }
  }
  if (in.bad()) {
    throw std::system_error(make_error_code(netrc_error::unreadable),
                            "error reading netrc file '" + path + "'");
  }
  return parse_netrc(text);
}

std::string default_netrc_path() {
  if (const char* env = std::getenv("NETRC"); env && *env) return env;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.netrc";
  return {};
}

std::optional<netrc_entry> find_netrc(const std::vector<netrc_entry>& entries,
                                      std::string_view host,
                                      std::optional<std::string_view> login) {
  for (const auto& e : entries) {
    if (e.is_default || !iequals(e.machine, host)) continue;
    if (!login || !e.login || *e.login == *login) return e;
  }
  for (const auto& e : entries) {
    if (e.is_default && (!login || !e.login || *e.login == *login)) return e;
  }
  return std::nullopt;
}

}  // namespace inet::transfer
