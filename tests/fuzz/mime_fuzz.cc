// The "mime" family of tests/fuzz/inputs_fuzz.cc: the streaming MIME reader
// (mime::parser). Properties beyond "no crash":
//   - feeding the input whole and in varying small chunks gives the same callbacks, the same
//     decoded bytes, the same problems, or the same error;
//   - the only errors are std::system_error header_too_large / too_many_parts;
//   - the parser never holds more than max_line_bytes plus one feed slice;
//   - callbacks nest: on_data only for the innermost open leaf, every begin has its end,
//     depth never exceeds max_depth, paths are the parent's path plus one number;
//   - decoded output (without charset conversion) is never longer than the input.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocols/mime/error.hpp"
#include "protocols/mime/parser.hpp"

namespace inet::fuzz {
namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

struct run_result {
  std::string log;  // events with the decoded bytes
  std::size_t data_bytes = 0;
  std::error_code error;
};

run_result run(std::string_view in, bool chunked, bool to_utf8) {
  run_result r;
  mime::parser_options o;
  o.limits.max_depth = 8;
  o.limits.max_header_bytes = 4096;
  o.limits.max_header_fields = 64;
  o.limits.max_line_bytes = 1024;
  o.limits.max_parts = 200;
  o.text_to_utf8 = to_utf8;
  std::vector<std::vector<std::size_t>> open;
  mime::parser_callbacks cb;
  cb.on_part_begin = [&](const mime::part& p) {
    require(p.depth == p.path.size() && p.depth <= o.limits.max_depth);
    if (open.empty()) {
      require(p.path.empty());
    } else {
      require(p.path.size() == open.back().size() + 1 &&
              std::equal(open.back().begin(), open.back().end(), p.path.begin()));
    }
    open.push_back(p.path);
    r.log += "<" + p.path_string() + " " + p.content_type + " " + p.filename + ">";
  };
  cb.on_data = [&](const mime::part& p, std::string_view d) {
    require(!open.empty() && open.back() == p.path && !p.is_multipart && !p.is_message);
    require(!d.empty());
    r.data_bytes += d.size();
    r.log.append(d);
  };
  cb.on_part_end = [&](const mime::part& p) {
    require(!open.empty() && open.back() == p.path);
    open.pop_back();
    r.log += "</" + p.path_string() + ">";
  };
  mime::parser ps(cb, o);
  try {
    if (!chunked) {
      ps.feed(in);
    } else {
      std::size_t step = 1;
      for (std::size_t i = 0; i < in.size(); i += step) {
        step = 1 + (static_cast<unsigned char>(in[i]) % 17);
        ps.feed(in.substr(i, step));
        require(ps.buffered() <= o.limits.max_line_bytes + 64 * 1024 + step);
      }
    }
    ps.finish();
    require(open.empty());
  } catch (const std::system_error& e) {
    require(e.code() == mime::error::header_too_large || e.code() == mime::error::too_many_parts);
    r.error = e.code();
  }
  for (const auto& p : ps.problems()) r.log += "!" + p.code.message() + "@" + p.path;
  return r;
}

}  // namespace

void mime_case(std::string_view in) {
  const run_result whole = run(in, false, false);
  const run_result pieces = run(in, true, false);
  require(whole.error == pieces.error);
  if (!whole.error) {
    require(whole.log == pieces.log);
    require(whole.data_bytes <= in.size());
  }
  run(in, true, true);  // charset conversion: properties above except the size bound
}

}  // namespace inet::fuzz
