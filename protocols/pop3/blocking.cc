// blocking_client: the coroutines of client.cc run to completion on a private io_context.
#include "protocols/pop3/client.hpp"
#include "transport/blocking.hpp"

namespace inet::pop3 {

using transport::run_blocking;

blocking_client::blocking_client() : client_(std::make_unique<client>(io_.get_executor())) {}
blocking_client::~blocking_client() = default;

void blocking_client::connect(client_options opts) {
  run_blocking(io_, client_->connect(std::move(opts)));
}
maildrop_stat blocking_client::stat() { return run_blocking(io_, client_->stat()); }
std::vector<message_info> blocking_client::list() { return run_blocking(io_, client_->list()); }
message_info blocking_client::list(std::uint32_t number) {
  return run_blocking(io_, client_->list(number));
}
std::vector<unique_id> blocking_client::uidl() { return run_blocking(io_, client_->uidl()); }
unique_id blocking_client::uidl(std::uint32_t number) {
  return run_blocking(io_, client_->uidl(number));
}
std::uint64_t blocking_client::retr(std::uint32_t number, byte_sink sink,
                                    std::uint64_t max_bytes) {
  return run_blocking(io_, client_->retr(number, std::move(sink), max_bytes));
}
std::uint64_t blocking_client::top(std::uint32_t number, std::uint32_t lines, byte_sink sink,
                                   std::uint64_t max_bytes) {
  return run_blocking(io_, client_->top(number, lines, std::move(sink), max_bytes));
}
std::vector<std::uint64_t> blocking_client::retr_many(std::vector<std::uint32_t> numbers,
                                                      message_sink sink,
                                                      std::uint64_t max_bytes) {
  return run_blocking(io_, client_->retr_many(std::move(numbers), std::move(sink), max_bytes));
}
void blocking_client::dele(std::uint32_t number) { run_blocking(io_, client_->dele(number)); }
void blocking_client::dele_many(std::vector<std::uint32_t> numbers) {
  run_blocking(io_, client_->dele_many(std::move(numbers)));
}
response blocking_client::rset() { return run_blocking(io_, client_->rset()); }
response blocking_client::noop() { return run_blocking(io_, client_->noop()); }
quit_result blocking_client::quit() { return run_blocking(io_, client_->quit()); }
response blocking_client::command(std::string line) {
  return run_blocking(io_, client_->command(std::move(line)));
}
response blocking_client::command_multiline(std::string line, byte_sink sink,
                                            std::uint64_t max_bytes) {
  return run_blocking(io_, client_->command_multiline(std::move(line), std::move(sink), max_bytes));
}
const std::set<std::uint32_t>& blocking_client::pending_deletions() const noexcept {
  return client_->pending_deletions();
}
const capabilities& blocking_client::server_capabilities() const noexcept {
  return client_->server_capabilities();
}
const response& blocking_client::greeting() const noexcept { return client_->greeting(); }
bool blocking_client::is_tls() const noexcept { return client_->is_tls(); }
transport::tls_info blocking_client::tls_details() const { return client_->tls_details(); }
const std::string& blocking_client::authenticated_with() const noexcept {
  return client_->authenticated_with();
}

}  // namespace inet::pop3
