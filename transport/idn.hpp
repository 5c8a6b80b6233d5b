// Internationalised host names (`inet::transport::to_ascii_host`): moved to the base package
// (base/idn.hpp) so MIME can use it without linking the transport; this header forwards there.
#pragma once

#include "base/idn.hpp"
