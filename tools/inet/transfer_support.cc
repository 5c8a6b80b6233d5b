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

output::~output() { flush(); }

void output::write(std::string_view chunk) {
  out_->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  if (!*out_) throw write_failure("Failure writing output to destination");
}

byte_sink output::sink(bool flush_each) {
  if (flush_each) {
    return [this](std::string_view chunk) {
      write(chunk);
      out_->flush();
      if (!*out_) throw write_failure("Failure writing output to destination");
    };
  }
  return [this](std::string_view chunk) {
    if (chunk.size() >= buffer_bytes / 2) {  // large already (HTTP bodies): no copy
      if (!buf_.empty()) write(buf_);
      buf_.clear();
      return write(chunk);
    }
    if (buf_.capacity() < buffer_bytes) buf_.reserve(buffer_bytes);
    buf_.append(chunk);
    if (buf_.size() >= buffer_bytes) {
      write(buf_);  // a failure leaves the stream failed: nothing more is written
      buf_.clear();
    }
  };
}

void output::flush() noexcept {
  try {
    if (!buf_.empty()) out_->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
    out_->flush();
  } catch (...) {  // an ostream with exceptions() set: finish() reports the stream's state
  }
}

void output::finish() {
  flush();
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
