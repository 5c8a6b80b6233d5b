// What every `inet get`/`inet put` handler shares: the output sink (-o FILE or stdout) and
// one-line error reports. Options -> transport settings and the mapping of errors to curl's
// exit codes moved to the transfer library (protocols/transfer/settings.cc, error.hpp).
#pragma once

#include <fstream>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "protocols/transfer/error.hpp"
#include "tools/inet/exit_codes.hpp"
#include "tools/inet/handlers.hpp"
#include "tools/inet/transfer_options.hpp"
#include "transport/body.hpp"

namespace inet::cli {

/// Where in a transfer an error happened (the transfer library's stage): the same error code
/// can mean different curl exit codes (EOF while connecting is 56, while transferring 18).
using phase = transfer::stage;

/// Thrown by output sinks when the destination cannot be written (curl's exit 23).
class write_failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The transfer's output: -o FILE (truncated; "-" = stdout) or the context's stdout stream.
class output {
 public:
  /// Throws write_failure if the file cannot be opened. `append`: a file is appended to, not
  /// truncated (-C resume).
  output(const transfer_options& o, transfer_context& ctx, bool append = false);
  /// A sink writing each chunk as it arrives (streaming; nothing is buffered beyond the
  /// ostream's own buffer; with `flush_each`, not even that: telnet:// is interactive).
  /// Throws write_failure on a failed write.
  byte_sink sink(bool flush_each = false);
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
