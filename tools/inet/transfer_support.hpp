// What every `inet get`/`inet put` protocol handler shares: turning curl-style options into
// transport settings, the output sink (-o FILE or stdout), one-line error reports, and the
// mapping of transport/SASL/line-engine errors to curl's exit codes.
#pragma once

#include <fstream>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"
#include "transport/body.hpp"
#include "transport/options.hpp"

namespace inet::cli {

/// Where in a transfer an error happened: the same error code can mean different curl exit
/// codes (EOF while connecting is 56, while transferring a body 18).
enum class phase { connect, login, transfer };

transport::tls_policy to_policy(tls_mode m);
transport::proxy_options to_proxy(const proxy_spec& p);

/// Fills TLS and connection settings from the options: --cacert, --capath, -k,
/// --connect-timeout (connect bound), -m/--max-time (overall deadline from now: bounds the
/// whole transfer even against a server trickling one byte a second), -x/--proxy. -v turns on
/// the wire trace on stderr.
void apply_transport_options(const transfer_options& o, transport::tls_options& tls,
                             transport::connect_options& connect);

/// curl's exit code for errors from the transport (inet.transport), the line engine
/// (inet.line), SASL (inet.sasl) and asio/system codes. Returns nullopt for other categories
/// (protocol handlers map their own first).
std::optional<exit_code> common_exit_code(const std::error_code& ec, phase p);

/// Thrown by output sinks when the destination cannot be written (curl's exit 23).
class write_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The transfer's output: -o FILE (truncated; "-" = stdout) or the context's stdout stream.
class output {
 public:
  /// Throws write_failure if the file cannot be opened.
  output(const transfer_options& o, transfer_context& ctx);
  /// A sink writing each chunk as it arrives (streaming; nothing is buffered beyond the
  /// ostream's own buffer). Throws write_failure on a failed write.
  byte_sink sink();
  std::ostream& stream() { return *out_; }
  /// Flushes; throws write_failure if anything failed.
  void finish();

 private:
  std::ofstream file_;
  std::ostream* out_;
};

/// Prints "inet: (N) why" to stderr unless -s without -S; returns N.
int report_failure(const transfer_options& o, transfer_context& ctx, exit_code code,
                   const std::string& why);

}  // namespace inet::cli
