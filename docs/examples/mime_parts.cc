// docs/mime.md "Reading messages": prints the part tree of the message on stdin and the size
// of each leaf's decoded body, e.g. `mime_parts < message.eml`.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include "protocols/mime/codecs.hpp"
#include "protocols/mime/parser.hpp"

int main() {
  namespace mime = inet::mime;
  std::map<std::string, std::size_t> sizes;  // path -> decoded bytes
  mime::parser_callbacks cb;
  cb.on_part_begin = [](const mime::part& p) {
    std::cout << std::string(2 * p.depth, ' ') << (p.depth ? p.path_string() : "message") << ' '
              << p.content_type;
    if (!p.filename.empty()) std::cout << " \"" << p.filename << '"';
    if (const auto* subject = p.headers.find("Subject"))
      std::cout << " Subject: " << mime::decode_words(subject->value);
    std::cout << '\n';
  };
  cb.on_data = [&](const mime::part& p, std::string_view bytes) {
    sizes[p.path_string()] += bytes.size();  // write `bytes` to a file here to extract
  };
  mime::parser_options opts;
  opts.text_to_utf8 = true;  // text/* bodies arrive as UTF-8
  mime::parser parser(cb, opts);
  char buf[16384];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, stdin)) parser.feed({buf, n});
  parser.finish();
  for (const auto& [path, n] : sizes)
    std::cout << (path.empty() ? "body" : path) << ": " << n << " bytes\n";
  for (const auto& problem : parser.problems())
    std::cerr << "warning: part " << problem.path << ": " << problem.code.message() << '\n';
}
