#include "tools/inet/extract.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tools/inet/transfer_support.hpp"

namespace inet::cli {

std::string safe_file_name(std::string_view name, std::string_view fallback) {
  constexpr std::size_t max_bytes = 200;
  std::string s;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    s += (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) ? '_' : c;
  }
  if (s.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    s.resize(cut);
  }
  if (!s.empty() && s[0] == '.') s[0] = '_';
  if (s.empty()) s = std::string(fallback);
  return s;
}

message_extractor::message_extractor(std::ostream& out, bool parts, std::string extract_dir,
                                     bool force)
    : out_(out), parts_(parts), dir_(std::move(extract_dir)), force_(force) {
  mime::parser_callbacks cb;
  cb.on_part_begin = [this](const mime::part& p) { begin(p); };
  cb.on_data = [this](const mime::part&, std::string_view d) { data(d); };
  cb.on_part_end = [this](const mime::part&) { end(); };
  parser_ = std::make_unique<mime::parser>(std::move(cb));
}

message_extractor::~message_extractor() {
  if (fd_ >= 0) ::close(fd_);
}

byte_sink message_extractor::sink() {
  return [this](std::string_view chunk) { parser_->feed(chunk); };
}

void message_extractor::finish() { parser_->finish(); }

const std::vector<mime::parse_problem>& message_extractor::problems() const {
  return parser_->problems();
}

void message_extractor::begin(const mime::part& p) {
  if (parts_) {
    out_ << std::string(2 * p.depth, ' ') << (p.depth ? p.path_string() : "message") << ' '
         << p.content_type;
    if (!p.filename.empty()) out_ << " \"" << safe_file_name(p.filename, "") << '"';
    out_ << '\n';
  }
  const bool attachment = p.disposition.value == "attachment";
  if (dir_.empty() || p.is_multipart || p.is_message || (p.filename.empty() && !attachment))
    return;
  std::string path = dir_;
  if (path.back() != '/') path += '/';
  path += safe_file_name(p.filename, "part-" + p.path_string());
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force_ ? O_TRUNC : O_EXCL);
  fd_ = ::open(path.c_str(), flags, 0644);
  if (fd_ < 0) {
    if (errno == EEXIST)
      throw write_failure("Refusing to overwrite " + path + " (use --force)");
    throw write_failure("Failed to create " + path + ": " + std::strerror(errno));
  }
  current_ = path;
  written_.push_back(path);
}

void message_extractor::data(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw write_failure("Failed writing " + current_ + ": " + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void message_extractor::end() {
  if (fd_ < 0) return;
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw write_failure("Failed writing " + current_ + ": " + std::strerror(errno));
}

}  // namespace inet::cli
