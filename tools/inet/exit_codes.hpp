// Forwarding header: curl's exit codes moved to the transfer library
// (protocols/transfer/exit_codes.hpp); the CLI keeps its historical names.
#pragma once

#include "protocols/transfer/exit_codes.hpp"

namespace inet::cli {

using exit_code = transfer::exit_code;
using transfer::describe;
using transfer::to_int;

}  // namespace inet::cli
