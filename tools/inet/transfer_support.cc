#include "tools/inet/transfer_support.hpp"

#include "transport/trace.hpp"

namespace inet::cli {

output::output(const transfer_options& o, transfer_context& ctx, bool append) : out_(&ctx.out) {
  const std::string* name = ctx.output_name ? ctx.output_name : o.output ? &*o.output : nullptr;
  if (name && *name != "-") {
    // -C: the download continues what the file holds (curl appends).
    const bool resume = append || o.resume_from || o.resume_auto;
    file_.open(*name, std::ios::binary | (resume ? std::ios::app : std::ios::trunc));
    if (!file_) throw write_failure("Failed to open " + *name);
    out_ = &file_;
  }
}

byte_sink output::sink(bool flush_each) {
  std::ostream* out = out_;
  return [out, flush_each](std::string_view chunk) {
    out->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (flush_each) out->flush();
    if (!*out) throw write_failure("Failure writing output to destination");
  };
}

void output::finish() {
  out_->flush();
  if (!*out_) throw write_failure("Failure writing output to destination");
}

int report_failure(const transfer_options& o, transfer_context& ctx, exit_code code,
                   const std::string& why) {
  // Server text can be part of `why`: escape control bytes so it cannot drive the terminal.
  if (o.show_errors())
    ctx.err << "inet: (" << to_int(code) << ") " << transport::escape_control(why.substr(0, 1000))
            << "\n";
  return to_int(code);
}

}  // namespace inet::cli
