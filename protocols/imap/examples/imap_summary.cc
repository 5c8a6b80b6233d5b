// Example: what is in an IMAP account — its mailboxes (Unicode names), the newest messages of
// INBOX with sender, subject and MIME structure, the first text part of the newest one — and
// optionally wait with IDLE for new mail.
//
//   IMAP_PASSWORD=... imap_summary HOST PORT USER [--imaps] [--cacert FILE] [--idle SECONDS]
//
// STARTTLS is required (a password is sent) unless --imaps uses implicit TLS (port 993).
// INBOX is opened with EXAMINE (read-only) and bodies are fetched with BODY.PEEK, so nothing is
// marked \Seen.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "protocols/imap/client.hpp"
#include "protocols/mime/codecs.hpp"

namespace {

void print_structure(const inet::imap::body_structure& b, int depth) {
  std::cout << std::string(static_cast<std::size_t>(depth) * 2 + 6, ' ')
            << (b.section.empty() ? "(root)" : b.section) << ' ' << b.type << '/' << b.subtype;
  if (!b.disposition.empty()) std::cout << " [" << b.disposition << ']';
  if (!b.is_multipart()) std::cout << ' ' << b.size << " bytes";
  std::cout << '\n';
  for (const auto& p : b.parts) print_structure(p, depth + 1);
}

// The section of the first text/plain leaf, "" if none.
std::string first_text(const inet::imap::body_structure& b) {
  if (b.type == "text" && b.subtype == "plain") return b.section;
  for (const auto& p : b.parts)
    if (auto s = first_text(p); !s.empty()) return s;
  return "";
}

void show_newest(inet::imap::blocking_client& imap, std::uint32_t exists) {
  using namespace inet::imap;
  const std::uint32_t first = exists > 10 ? exists - 9 : 1;
  fetch_items items;
  items.envelope = true;
  items.body_structure = true;
  const std::vector<fetch_data> msgs = imap.fetch(sequence_set::span(first, exists), items);
  for (const fetch_data& m : msgs) {
    const std::string from = m.envelope->from.empty() ? "?" : m.envelope->from[0].email();
    std::cout << "  #" << m.seq << " uid " << m.uid.value_or(0) << "  " << from << "  "
              << inet::mime::decode_words(m.envelope->subject) << '\n';  // RFC 2047 words
    print_structure(*m.body, 0);
  }
  if (msgs.empty()) return;
  const std::string section = first_text(*msgs.back().body);
  if (section.empty()) return;
  fetch_items text;
  text.sections.push_back(section_spec{.section = section, .partial = {{0, 400}}});
  fetch_options opts;
  opts.sink = [](const section_ref&, std::string_view chunk) { std::cout << chunk; };
  std::cout << "--- first 400 bytes of part " << section << " of #" << msgs.back().seq << ":\n";
  imap.fetch(sequence_set(msgs.back().seq), text, opts);
  std::cout << "\n---\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || !std::getenv("IMAP_PASSWORD")) {
    std::cerr << "usage: IMAP_PASSWORD=... imap_summary HOST PORT USER [--imaps] [--cacert FILE]"
                 " [--idle SECONDS]\n";
    return 2;
  }
  inet::imap::client_options opts;
  opts.host = argv[1];
  opts.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  opts.credentials.username = argv[3];
  opts.credentials.password = std::getenv("IMAP_PASSWORD");
  int idle_seconds = 0;
  for (int i = 4; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--imaps") opts.security = inet::imap::security::implicit_tls;
    else if (a == "--cacert" && i + 1 < argc) opts.tls.ca_file = argv[++i];
    else if (a == "--idle" && i + 1 < argc) idle_seconds = std::atoi(argv[++i]);
  }
  try {
    inet::imap::blocking_client imap;
    imap.connect(opts);
    std::cout << "logged in with " << imap.authenticated_with() << " over TLS\n";
    for (const auto& box : imap.list("", "*"))  // names are UTF-8 ("Entwürfe")
      std::cout << "mailbox " << box.mailbox << (box.has_attribute("\\Sent") ? " (sent)" : "") << '\n';
    const inet::imap::mailbox_info inbox = imap.examine("INBOX");
    const auto unseen = imap.search(inet::imap::search_key::unseen());
    std::cout << "INBOX: " << inbox.exists << " messages, " << unseen.ids.size() << " unseen\n";
    if (inbox.exists > 0) show_newest(imap, inbox.exists);
    if (idle_seconds > 0) {
      std::cout << "waiting up to " << idle_seconds << " s for new mail (IDLE)...\n";
      for (const auto& r : imap.idle(std::chrono::seconds(idle_seconds)))
        if (auto* n = std::get_if<inet::imap::count_data>(&r);
            n && n->what == inet::imap::count_data::kind::exists)
          std::cout << "INBOX now has " << n->count << " messages\n";
    }
    imap.logout();
    return 0;
  } catch (const inet::imap::imap_exception& e) {
    std::cerr << "imap_summary: " << e.what() << " (server: " << e.response().summary() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "imap_summary: " << e.what() << '\n';
  }
  return 1;
}
