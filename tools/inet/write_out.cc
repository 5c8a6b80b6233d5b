#include "tools/inet/write_out.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace inet::cli {
namespace {

/// The value of one -w variable ("" for an unknown one, as curl).
std::string write_out_variable(const std::string& var, const transfer::result& r,
                               std::chrono::steady_clock::duration took) {
  if (var == "http_code" || var == "response_code") {
    char code[8];
    std::snprintf(code, sizeof code, "%03d", r.reply_code);
    return code;
  }
  if (var == "size_download") return std::to_string(r.bytes - std::min(r.bytes, r.header_bytes));
  if (var == "url_effective") return r.effective_url;
  if (var == "num_redirects") return std::to_string(r.redirects);
  if (var == "content_type") return r.content_type;
  if (var == "time_total") {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f",
                  std::chrono::duration<double>(took).count());
    return text;
  }
  return {};
}

}  // namespace

// See write_out.hpp.
void write_out(const transfer_options& o, transfer_context& ctx, const transfer::result& r,
               std::chrono::steady_clock::duration took) {
  if (!o.write_out) return;
  const std::string& f = *o.write_out;
  std::string out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '\\' && i + 1 < f.size() && std::string_view("nrt").find(f[i + 1]) != std::string_view::npos) {
      out += f[i + 1] == 'n' ? '\n' : f[i + 1] == 'r' ? '\r' : '\t';
      ++i;
    } else if (f.compare(i, 2, "%%") == 0) {
      out += '%';
      ++i;
    } else if (f.compare(i, 2, "%{") == 0 && f.find('}', i) != std::string::npos) {
      const std::size_t end = f.find('}', i);
      out += write_out_variable(f.substr(i + 2, end - i - 2), r, took);
      i = end;
    } else {
      out += f[i];
    }
  }
  ctx.out << out << std::flush;
}

}  // namespace inet::cli
