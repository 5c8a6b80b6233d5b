// Scheme-handler registry for `inet get` and `inet put`. Protocol libraries plug in here:
//
//   // in tools/<proto>/<proto>_handler.cc, in a cc_library with alwayslink = True that the
//   // //tools/inet:inet binary depends on:
//   static const inet::cli::handler_registrar imap_get{
//       inet::cli::direction::get, inet::url::scheme::imap, &imap_get_transfer};
//
// A scheme without a handler makes get/put print `inet: (1) Protocol "imap" not supported or
// disabled` and exit 1, like curl for a protocol it was built without.
#pragma once

#include "protocols/url/url.hpp"
#include "tools/inet/transfer_options.hpp"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace inet::cli {

/// What a handler may use besides its options and URL.
struct transfer_context {
  std::ostream& out;  ///< stdout, or the injected stream in tests (data when -o is not given)
  std::ostream& err;  ///< stderr: error lines "inet: (N) reason", -v traces
  std::istream& in;   ///< stdin (upload data for `-T -`)
  /// The -o name for this URL when it differs from options.output: the name with curl's "#N"
  /// replaced by the URL's glob values (transfer::glob_output_name). Null: options.output.
  const std::string* output_name = nullptr;
};

/// A transfer: returns a process exit status (exit_codes.hpp; 0 = success). It must print its
/// own one-line reason "inet: (N) reason" to ctx.err on failure when options.show_errors().
/// An exception escaping a handler is reported by the CLI as "inet: (N) what()" with N = 27
/// (out of memory) for std::bad_alloc and N = 2 (failed init) for any other std::exception.
using transfer_fn =
    std::function<int(const transfer_options&, const url::parsed_url&, transfer_context&)>;

enum class direction { get, put };

/// Registers (or replaces) the handler for `s`. Intended for static initialisation or the start
/// of main; not synchronised against concurrent run().
void register_get_handler(url::scheme s, transfer_fn fn);
void register_put_handler(url::scheme s, transfer_fn fn);

/// The registered handler, or nullptr.
const transfer_fn* find_handler(direction d, url::scheme s);

/// Schemes with a get or a put handler, in enum order.
std::vector<url::scheme> supported_schemes();

/// Removes every handler (tests only).
void clear_handlers();

/// Registers a handler from a static object's constructor.
struct handler_registrar {
  handler_registrar(direction d, url::scheme s, transfer_fn fn);
};

}  // namespace inet::cli
