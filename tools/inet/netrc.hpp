// Forwarding header: the netrc reader moved to the transfer library
// (protocols/transfer/netrc.hpp); the CLI keeps its historical names.
#pragma once

#include "protocols/transfer/netrc.hpp"

namespace inet::cli {

using transfer::default_netrc_path;
using transfer::find_netrc;
using transfer::load_netrc;
using transfer::make_error_code;
using transfer::max_netrc_size;
using transfer::netrc_category;
using transfer::netrc_entry;
using transfer::netrc_error;
using transfer::parse_netrc;

}  // namespace inet::cli
