// curl's URL globbing (curl(1) "URL"): one pattern names many URLs.
//
//   {a,b,c}      each alternative in turn ("{}" and "{a}" are allowed; ',' separates)
//   [1-100]      numbers; [001-100] zero-padded to the width of the first number
//   [a-z] [A-Z]  letters (both ends of the same case)
//   [1-10:2]     with a step (also for letters)
//   \[ \] \{ \} \, a literal character
//
// Several patterns multiply: the last one varies fastest ("{a,b}[1-2]" is a1 a2 b1 b2, as curl).
// A '[' that opens an IPv6 address ("http://[::1]:8080/") is literal. `#N` in an output name
// (-o "file_#1.txt") is replaced by the N-th pattern's current value (glob_output_name).
// Errors are transfer_exception(error::url_malformat, "bad range in URL position N: ...")
// — curl's exit 3 — for an unclosed/empty/reversed range, a zero step, nested braces, or more
// than max_urls URLs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inet::transfer {

class url_glob {
 public:
  /// Parses `pattern`. Throws transfer_exception(url_malformat) (see above).
  explicit url_glob(std::string_view pattern, std::size_t max_urls = 1'000'000);

  /// How many URLs the pattern names (1 for a pattern without globs).
  std::size_t size() const noexcept { return size_; }

  /// URL number `i` (0-based, i < size()) and the value each pattern took for it, in pattern
  /// order (for `#N`).
  struct match {
    std::string url;
    std::vector<std::string> values;
  };
  match at(std::size_t i) const;

 private:
  struct part {
    std::string literal;              ///< text before the pattern (or the tail: no values)
    std::vector<std::string> values;  ///< the pattern's values; empty for the tail
  };
  std::vector<part> parts_;
  std::size_t size_ = 1;
};

/// Every URL of `pattern`, in order (url_glob::at for each index).
std::vector<url_glob::match> expand_glob(std::string_view pattern,
                                         std::size_t max_urls = 1'000'000);

/// `name` with each "#N" (N = 1..values.size(), decimal) replaced by values[N-1], as curl does
/// for -o; "#" followed by anything else, or a number out of range, is kept as it is.
std::string glob_output_name(std::string_view name, const std::vector<std::string>& values);

}  // namespace inet::transfer
