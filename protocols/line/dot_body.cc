#include "protocols/line/dot_body.hpp"

namespace inet::line {

std::size_t dot_decoder::feed(std::string_view in, std::string& out) {
  std::size_t i = 0;
  while (i < in.size() && st_ != state::done) {
    const char c = in[i++];
    switch (st_) {
      case state::line_start:
        st_ = c == '.' ? state::dot : c == '\r' ? state::cr : state::text;
        if (st_ == state::text) out.push_back(c);
        break;
      case state::dot:  // the dot is stuffing (or an unstuffed leading dot): dropped
        st_ = c == '\r' ? state::dot_cr : state::text;
        if (st_ == state::text) out.push_back(c);
        break;
      case state::dot_cr:
        if (c == '\n') {
          st_ = state::done;
          break;
        }
        out.push_back('\r');  // ".\r" then not LF: the CR is data, the line goes on
        st_ = c == '\r' ? state::cr : state::text;
        if (st_ == state::text) out.push_back(c);
        break;
      case state::text:
        if (c == '\r')
          st_ = state::cr;
        else
          out.push_back(c);
        break;
      case state::cr:
        out.push_back('\r');
        if (c == '\n') {
          out.push_back('\n');
          st_ = state::line_start;
        } else if (c != '\r') {  // a bare CR is data; another CR is held back in turn
          out.push_back(c);
          st_ = state::text;
        }
        break;
      case state::done:
        break;
    }
  }
  return i;
}

std::vector<std::string> split_body_lines(std::string_view body) {
  std::vector<std::string> out;
  while (!body.empty()) {
    const std::size_t end = body.find("\r\n");
    out.emplace_back(body.substr(0, end));
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 2);
  }
  return out;
}

}  // namespace inet::line
