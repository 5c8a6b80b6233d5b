#include "tools/inet/commands.hpp"
#include "tools/inet/handlers.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace inet::cli {
namespace {

std::map<url::scheme, transfer_fn>& handlers(direction d) {
  static std::map<url::scheme, transfer_fn> get, put;
  return d == direction::get ? get : put;
}

std::map<std::string, command_info, std::less<>>& commands() {
  static std::map<std::string, command_info, std::less<>> registry;
  return registry;
}

}  // namespace

void register_get_handler(url::scheme s, transfer_fn fn) {
  handlers(direction::get)[s] = std::move(fn);
}

void register_put_handler(url::scheme s, transfer_fn fn) {
  handlers(direction::put)[s] = std::move(fn);
}

const transfer_fn* find_handler(direction d, url::scheme s) {
  auto& map = handlers(d);
  auto it = map.find(s);
  return it == map.end() || !it->second ? nullptr : &it->second;
}

std::vector<url::scheme> supported_schemes() {
  std::vector<url::scheme> out;
  for (auto d : {direction::get, direction::put}) {
    for (const auto& [s, fn] : handlers(d)) {
      if (fn && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void clear_handlers() {
  handlers(direction::get).clear();
  handlers(direction::put).clear();
}

handler_registrar::handler_registrar(direction d, url::scheme s, transfer_fn fn) {
  handlers(d)[s] = std::move(fn);
}

void register_command(std::string name, std::string summary, command_fn fn) {
  if (name.empty() || name == "get" || name == "put" || name == "help" || name.starts_with('-')) {
    throw std::logic_error("inet: cannot register command '" + name + "': reserved name");
  }
  if (!fn) throw std::logic_error("inet: command '" + name + "' has no function");
  auto& map = commands();
  if (map.count(name)) throw std::logic_error("inet: command '" + name + "' registered twice");
  map.emplace(name, command_info{name, std::move(summary), std::move(fn)});
}

std::vector<command_info> registered_commands() {
  std::vector<command_info> out;
  for (const auto& [name, info] : commands()) out.push_back(info);
  return out;
}

const command_info* find_command(std::string_view name) {
  auto& map = commands();
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

void clear_commands() { commands().clear(); }

command_registrar::command_registrar(std::string name, std::string summary, command_fn fn) {
  register_command(std::move(name), std::move(summary), std::move(fn));
}

}  // namespace inet::cli
