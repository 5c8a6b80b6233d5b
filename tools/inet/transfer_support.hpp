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
  output(const output&) = delete;
  output& operator=(const output&) = delete;
  /// Writes what is still buffered (errors are left to finish()).
  ~output();
  /// A sink collecting chunks into one buffer of `buffer_bytes` and writing it when full (one
  /// write per 256 KiB, not per chunk or message: `FETCH 1:*` of 10,000 messages; a chunk of
  /// 128 KiB or more is written as it is, after what is buffered: HTTP bodies); with
  /// `flush_each`, each chunk is written and flushed as it arrives (telnet:// is interactive).
  /// Throws write_failure on a failed write. The sink refers to this object: it must not
  /// outlive it.
  byte_sink sink(bool flush_each = false);
  std::ostream& stream() { return *out_; }
  /// Writes and flushes what is buffered, leaving any failure in the stream's state; call it
  /// before printing anything to stderr after a transfer, so that the output comes first.
  void flush() noexcept;
  /// Flushes; throws write_failure if anything failed.
  void finish();

  static constexpr std::size_t buffer_bytes = 256 * 1024;

 private:
  void write(std::string_view chunk);

  std::ofstream file_;
  std::ostream* out_;
  std::string buf_;
};

/// Prints "inet: (N) why" to stderr unless -s without -S; returns N.
int report_failure(const transfer_options& o, transfer_context& ctx, exit_code code,
                   const std::string& why);

}  // namespace inet::cli
